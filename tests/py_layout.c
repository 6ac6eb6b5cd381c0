/* The size and field offsets of every struct the Python package mirrors with
 * ctypes (python/medchaos), as JSON on stdout: tests/python/test_layout.py
 * compares them with the ctypes twins, so a field added on either side fails
 * a test instead of shifting every value after it. */
#include <stddef.h>
#include <stdio.h>

#include "chaos/chaos.h"
#include "image/image.h"
#include "meta/meta.h"
#include "meta/scan.h"
#include "metrics/metrics.h"
#include "nist/nist.h"
#include "nn/safetensors.h"
#include "pipeline/envelope.h"
#include "pipeline/keymat.h"
#include "pipeline/keysrc.h"

static int first_struct = 1, first_field;

static void open_struct(const char *name, size_t size)
{
    printf("%s\n  \"%s\": {\"size\": %zu, \"fields\": {", first_struct ? "{" : ",", name, size);
    first_struct = 0;
    first_field = 1;
}

static void field(const char *name, size_t off)
{
    printf("%s\"%s\": %zu", first_field ? "" : ", ", name, off);
    first_field = 0;
}

#define S(T) open_struct(#T, sizeof(T))
#define F(T, f) field(#f, offsetof(T, f))
#define E() printf("}}")

int main(void)
{
    S(img_image), F(img_image, width), F(img_image, height), F(img_image, channels), F(img_image, depth),
        F(img_image, data), E();
    S(metric_value), F(metric_value, ch), F(metric_value, all), E();
    S(metric_diff), F(metric_diff, npcr), F(metric_diff, uaci), E();
    S(metric_wu_critical), F(metric_wu_critical, npcr_mean), F(metric_wu_critical, uaci_sigma),
        F(metric_wu_critical, npcr_min), F(metric_wu_critical, uaci_lo), F(metric_wu_critical, uaci_hi), E();
    S(metric_wu_verdict), F(metric_wu_verdict, npcr_pass), F(metric_wu_verdict, uaci_pass), E();
    S(metric_entropy_result), F(metric_entropy_result, bits), F(metric_entropy_result, bytes),
        F(metric_entropy_result, levels), E();
    S(metric_chi2_result), F(metric_chi2_result, chi2), F(metric_chi2_result, p), F(metric_chi2_result, dof), E();
    S(metric_local_entropy_result), F(metric_local_entropy_result, k), F(metric_local_entropy_result, mean),
        F(metric_local_entropy_result, mu), F(metric_local_entropy_result, lo), F(metric_local_entropy_result, pass),
        F(metric_local_entropy_result, has_published), F(metric_local_entropy_result, published_lo),
        F(metric_local_entropy_result, pass_published), E();
    S(metric_correlation_result), F(metric_correlation_result, channels), F(metric_correlation_result, n_random),
        F(metric_correlation_result, all), F(metric_correlation_result, sampled), E();
    S(metric_fidelity), F(metric_fidelity, mse), F(metric_fidelity, psnr), F(metric_fidelity, peak), E();
    S(chaos_params), F(chaos_params, map), F(chaos_params, v), E();
    S(keymat), F(keymat, params), F(keymat, h), F(keymat, w), F(keymat, zlen), F(keymat, xindex),
        F(keymat, yindex), F(keymat, zkey), E();
    S(keysrc_opts), F(keysrc_opts, model_path), F(keysrc_opts, teacher), F(keysrc_opts, params),
        F(keysrc_opts, map), F(keysrc_opts, datetime), F(keysrc_opts, allow_file_time), E();
    S(keysrc), F(keysrc, o), F(keysrc, model), F(keysrc, manual), E();
    S(envelope_header), F(envelope_header, version), F(envelope_header, map), F(envelope_header, mode),
        F(envelope_header, variant), F(envelope_header, aes_bytes), F(envelope_header, width),
        F(envelope_header, height), F(envelope_header, channels), F(envelope_header, depth),
        F(envelope_header, model), F(envelope_header, model_sha256), F(envelope_header, meta), E();
    S(meta_record), F(meta_record, year), F(meta_record, usec), F(meta_record, utc_offset_min),
        F(meta_record, src), F(meta_record, uid), E();
    S(meta_found), F(meta_found, src), F(meta_found, status), F(meta_found, where), F(meta_found, raw),
        F(meta_found, detail), F(meta_found, rec), E();
    S(meta_scan), F(meta_scan, format), F(meta_scan, n), F(meta_scan, items), F(meta_scan, nnotes),
        F(meta_scan, notes), F(meta_scan, dicom), F(meta_scan, dicom_have), E();
    S(meta_options), F(meta_options, datetime), F(meta_options, subsec), F(meta_options, offset),
        F(meta_options, uid), F(meta_options, allow_file_time), E();
    S(nist_result), F(nist_result, np), F(nist_result, p), F(nist_result, stat), F(nist_result, aux), E();
    S(nist_report), F(nist_report, nbits), F(nist_report, status), F(nist_report, reason), F(nist_report, result),
        E();
    S(nist_summary), F(nist_summary, count), F(nist_summary, passed), F(nist_summary, bins),
        F(nist_summary, proportion), F(nist_summary, lo), F(nist_summary, hi), F(nist_summary, uniformity), E();
    S(nn_named_tensor), F(nn_named_tensor, name), F(nn_named_tensor, dtype), F(nn_named_tensor, ndim),
        F(nn_named_tensor, shape), F(nn_named_tensor, data), F(nn_named_tensor, nbytes), E();
    S(nn_tensor_file), F(nn_tensor_file, t), F(nn_tensor_file, n), F(nn_tensor_file, blob),
        F(nn_tensor_file, meta_json), F(nn_tensor_file, meta_kv), F(nn_tensor_file, nmeta), E();
    printf("\n}\n");
    return 0;
}
