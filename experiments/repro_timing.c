/* The paper's timing table: encryption and decryption of 256×256 and 512×512
 * images, for the four variants, split into the network (metadata image +
 * forward pass), the chaotic key generation, the permutation + XOR, and the
 * envelope (RSA-OAEP-2048 + AES-GCM). PNG coding is left out, as the paper's
 * comparison with [18] suggests. The images are centre crops of the largest
 * bundled image (8-bit). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/rsa.h"
#include "experiments/parts.h"
#include "experiments/table.h"
#include "pipeline/pipeline.h"

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A side×side centre crop, first channel, high byte of 16-bit samples. */
static void crop(const img_image *src, uint32_t side, img_image *out)
{
    img_new(out, side, side, 1, 8);
    uint32_t y0 = src->height > side ? (src->height - side) / 2 : 0, x0 = src->width > side ? (src->width - side) / 2 : 0;
    size_t pb = img_pixel_bytes(src);
    for (uint32_t y = 0; y < side; y++)
        for (uint32_t x = 0; x < side; x++) {
            uint32_t sy = (y0 + y) % src->height, sx = (x0 + x) % src->width;
            out->data[(size_t)y * side + x] = src->data[((size_t)sy * src->width + sx) * pb];
        }
}

void repro_timing(const repro_config *c, repro_variant *v, const repro_image *im, size_t nim)
{
    size_t big = 0;
    for (size_t i = 1; i < nim; i++)
        if ((uint64_t)im[i].im.width * im[i].im.height > (uint64_t)im[big].im.width * im[big].im.height) big = i;
    rsa_priv *priv;
    mc_err e = rsa_generate(&priv, 2048);
    if (e) {
        fprintf(stderr, "reproduce: RSA key generation: %s\n", mc_errmsg(e));
        exit(1);
    }
    const rsa_pub *pub = rsa_priv_public(priv);
    static const char *const cols[] = {"variant", "size", "network ms", "chaotic keys ms", "permutation+XOR ms",
                                       "envelope ms", "encryption s", "paper enc s", "decryption s", "paper dec s",
                                       "paper / ours (enc)", "Δ enc s"};
    table t;
    if (table_open(&t, c->out, "table6_timing", "Encryption and decryption time (median of runs)", cols, 12)) exit(1);
    static const uint32_t sides[2] = {256, 512};
    static const double paper_enc[2] = {0.7914, 1.8107}, paper_dec[2] = {0.8669, 1.9592};
    int runs = c->timing_runs;
    double *tn = malloc(runs * sizeof *tn), *tk = malloc(runs * sizeof *tk), *tc = malloc(runs * sizeof *tc),
           *te = malloc(runs * sizeof *te), *td = malloc(runs * sizeof *td), *tot = malloc(runs * sizeof *tot);
    for (int s = 0; s < 2; s++) {
        img_image P;
        crop(&im[big].im, sides[s], &P);
        for (int k = 0; k < REPRO_NVARIANTS; k++) {
            /* One untimed forward pass first: the network plans its work memory
             * for the input shape and the thread pools start on first use. */
            chaos_params warm;
            if ((e = keynet_params(&v[k].net, &im[big].meta, &warm))) {
                fprintf(stderr, "reproduce: timing %s: %s\n", v[k].label, mc_errmsg(e));
                exit(1);
            }
            for (int r = 0; r < runs; r++) {
                chaos_params p;
                keymat km;
                img_image C, D;
                uint8_t *env;
                size_t envlen;
                envelope_header h, h2;
                memset(&h, 0, sizeof h);
                h.aes_bytes = 16;
                h.map = (uint8_t)v[k].map;
                h.width = h.height = sides[s];
                h.channels = 1;
                h.depth = 8;
                snprintf(h.model, sizeof h.model, "%s", nn_arch_name(v[k].arch));
                meta_canonical(&im[big].meta, h.meta, sizeof h.meta);
                double t0 = repro_seconds();
                if ((e = keynet_params(&v[k].net, &im[big].meta, &p))) break;
                double t1 = repro_seconds();
                if ((e = keymat_derive_walk(&km, &p, P.height, P.width, img_size_bytes(&P)))) break;
                double t2 = repro_seconds();
                if ((e = pipe_apply(&P, &km, VARIANT_PAPER, 0, &C))) break;
                double t3 = repro_seconds();
                uint8_t hash[32];
                pipe_image_hash(&C, hash);
                if ((e = envelope_seal(&h, &km, pub, hash, &env, &envlen))) break;
                double t4 = repro_seconds();
                keymat_free(&km);
                /* Decryption: open the envelope (RSA private key, GCM), then invert. */
                double d0 = repro_seconds();
                pipe_image_hash(&C, hash);
                if ((e = envelope_open(env, envlen, priv, hash, &h2, &km))) break;
                if ((e = pipe_apply(&C, &km, VARIANT_PAPER, 1, &D))) break;
                double d1 = repro_seconds();
                if (memcmp(D.data, P.data, img_size_bytes(&P))) {
                    fprintf(stderr, "reproduce: timing run did not decrypt bit-exactly\n");
                    exit(1);
                }
                keymat_free(&km);
                img_free(&C);
                img_free(&D);
                free(env);
                tn[r] = (t1 - t0) * 1e3, tk[r] = (t2 - t1) * 1e3, tc[r] = (t3 - t2) * 1e3, te[r] = (t4 - t3) * 1e3;
                tot[r] = t4 - t0;
                td[r] = d1 - d0;
            }
            if (e) {
                fprintf(stderr, "reproduce: timing %s: %s\n", v[k].label, mc_errmsg(e));
                exit(1);
            }
            double enc = median(tot, runs), dec = median(td, runs);
            const char *row[] = {v[k].label, cell("%ux%u", sides[s], sides[s]), cell("%.2f", median(tn, runs)),
                                 cell("%.3f", median(tk, runs)), cell("%.3f", median(tc, runs)),
                                 cell("%.2f", median(te, runs)), cell("%.4f", enc), cell("%.4f", paper_enc[s]),
                                 cell("%.4f", dec), cell("%.4f", paper_dec[s]), cell("%.0f×", paper_enc[s] / enc), cell("%+.4f", enc - paper_enc[s])};
            table_row(&t, row);
        }
        img_free(&P);
    }
    char note[512];
    snprintf(note, sizeof note,
             "Median of %d runs on this machine (results/PROVENANCE.md), one thread for the cipher; the paper's "
             "figures come from its own machine, so the ratio compares implementations and machines together. "
             "The network runs at the key network's input size (%d×%d in this run).",
             runs, c->size, c->size);
    table_close(&t, note);
    free(tn), free(tk), free(tc), free(te), free(td), free(tot);
    rsa_priv_free(priv);
}
