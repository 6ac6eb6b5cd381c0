/* dicom: DICOM files in and out. The references are independent of our
 * reader: the fixtures' samples follow formulas set when they were generated
 * (tests/gen_dicom_fixtures.sh, recomputed here), dates and UIDs are compared
 * with what DCMTK's dcmdump prints, compressed files with DCMTK's own
 * decoders or with the uncompressed file they were made from, and the cipher
 * file must be accepted by dcmdump and pydicom. Skipped when configure found
 * no GDCM (libgdcm-dev). */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "crypto/pem.h"
#include "dicom/dicom.h"
#include "image/io.h"
#include "meta/meta.h"
#include "pipeline/dicom.h"
#include "util/file.h"

static rsa_pub *pub;
static rsa_priv *priv, *other;
static char srcdir[512];
static const uint8_t salt_a[32] = {1}, salt_b[32] = {2};
static const char pydicom_dir[] = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

static void setup(void)
{
    const char *src = getenv("MC_SRCDIR");
    cr_assert_not_null(src, "MC_SRCDIR must point at the source tree");
    snprintf(srcdir, sizeof srcdir, "%s", src);
    char a[1024];
    snprintf(a, sizeof a, "%s/tests/data/keys/a2048.pub.pem", src);
    cr_assert_eq(pem_read_public(a, &pub), MC_OK);
    snprintf(a, sizeof a, "%s/tests/data/keys/a2048.pem", src);
    cr_assert_eq(pem_read_private(a, &priv), MC_OK);
    snprintf(a, sizeof a, "%s/tests/data/keys/b2048.pem", src);
    cr_assert_eq(pem_read_private(a, &other), MC_OK);
}

static void teardown(void)
{
    rsa_pub_free(pub);
    rsa_priv_free(priv);
    rsa_priv_free(other);
}

TestSuite(dicom, .init = setup, .fini = teardown);

static void need_gdcm(void)
{
#ifndef HAVE_GDCM
    cr_skip_test("built without GDCM: configure found no libgdcm-dev");
#endif
}

static int have_tool(const char *t)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", t);
    return system(cmd) == 0;
}

/* tests/data/dicom/NAME, or an absolute path as given. */
static const char *fixture(const char *name)
{
    static char p[2][1024];
    static int k;
    k ^= 1;
    if (name[0] == '/') snprintf(p[k], sizeof p[k], "%s", name);
    else snprintf(p[k], sizeof p[k], "%s/tests/data/dicom/%s", srcdir, name);
    return p[k];
}

static uint8_t *load(const char *path, size_t *n)
{
    unsigned char *buf;
    cr_assert_eq(mc_read_file(path, (size_t)1 << 30, &buf, n), MC_OK, "%s: %s", path, mc_errmsg(MC_E_IO));
    return buf;
}

static img_image read_image(const char *name)
{
    img_image im;
    mc_err e = img_read(fixture(name), &im);
    cr_assert_eq(e, MC_OK, "%s: %s", name, mc_errmsg(e));
    return im;
}

static unsigned sample(const img_image *im, uint32_t x, uint32_t y, unsigned c)
{
    const uint8_t *p = im->data + ((size_t)y * im->width + x) * im->channels * (im->depth / 8) + c * (im->depth / 8);
    return im->depth == 8 ? p[0] : (unsigned)(p[0] << 8 | p[1]);
}

static void expect_same_image(const img_image *a, const img_image *b, const char *what)
{
    cr_assert(a->width == b->width && a->height == b->height && a->channels == b->channels && a->depth == b->depth,
              "%s: geometry differs", what);
    cr_expect_eq(memcmp(a->data, b->data, img_size_bytes(a)), 0, "%s: pixels differ", what);
}

/* ---- pixels, against the generator's formulas ---- */

Test(dicom, signed_ct_values_are_the_generated_ones_in_offset_binary)
{
    need_gdcm();
    static const int first[7] = {-1000, -1, 0, 1, 3071, -32768, 32767};
    img_image im = read_image("ct_signed16.dcm");
    cr_assert(im.width == 13 && im.height == 7 && im.channels == 1 && im.depth == 16);
    for (uint32_t y = 0; y < 7; y++)
        for (uint32_t x = 0; x < 13; x++) {
            long v = x < 3 ? first[(x + y) % 7] : (long)((x * 2477 + y * 7919) % 65536) - 32768;
            cr_expect_eq(sample(&im, x, y, 0), (unsigned)(v + 32768), "(%u,%u): stored %ld", x, y, v);
        }
    img_free(&im);
}

Test(dicom, twelve_bit_stored_values_are_neither_scaled_nor_masked)
{
    need_gdcm();
    img_image im = read_image("mr_12bit.dcm");
    cr_assert(im.width == 9 && im.height == 6 && im.depth == 16);
    for (uint32_t y = 0; y < 6; y++)
        for (uint32_t x = 0; x < 9; x++) cr_expect_eq(sample(&im, x, y, 0), (x * 431 + y * 1031) % 4096);
    img_free(&im);
}

Test(dicom, monochrome1_keeps_its_stored_values_at_8_bits)
{
    need_gdcm();
    img_image im = read_image("xray_mono1.dcm");
    cr_assert(im.width == 11 && im.height == 5 && im.depth == 8 && im.channels == 1);
    for (uint32_t y = 0; y < 5; y++)
        for (uint32_t x = 0; x < 11; x++) cr_expect_eq(sample(&im, x, y, 0), (x * 23 + y * 41) % 256);
    img_free(&im);
}

Test(dicom, rgb_by_plane_reads_as_the_same_interleaved_image)
{
    need_gdcm();
    img_image a = read_image("rgb.dcm"), b = read_image("rgb_planar.dcm");
    cr_assert(a.width == 7 && a.height == 5 && a.channels == 3 && a.depth == 8);
    for (uint32_t y = 0; y < 5; y++)
        for (uint32_t x = 0; x < 7; x++)
            for (unsigned c = 0; c < 3; c++) cr_expect_eq(sample(&a, x, y, c), (x * 37 + y * 11 + c * 85) % 256);
    expect_same_image(&a, &b, "planar configuration 1");
    img_free(&a);
    img_free(&b);
}

Test(dicom, multiframe_frames_are_stacked_top_to_bottom)
{
    need_gdcm();
    img_image im = read_image("multiframe.dcm");
    cr_assert(im.width == 5 && im.height == 12 && im.depth == 16);
    for (uint32_t f = 0; f < 3; f++)
        for (uint32_t y = 0; y < 4; y++)
            for (uint32_t x = 0; x < 5; x++) cr_expect_eq(sample(&im, x, f * 4 + y, 0), f * 10000 + y * 100 + x);
    img_free(&im);
}

Test(dicom, every_lossless_transfer_syntax_gives_the_same_pixels)
{
    need_gdcm();
    static const char *ts[] = {"ts_implicit.dcm", "ts_bigendian.dcm", "ts_deflate.dcm", "ts_rle.dcm",
                               "ts_jpeg_lossless.dcm", "ts_jpegls.dcm", "ts_j2k.dcm"};
    img_image ref = read_image("ct_signed16.dcm");
    for (size_t i = 0; i < sizeof ts / sizeof *ts; i++) {
        img_image im = read_image(ts[i]);
        expect_same_image(&ref, &im, ts[i]);
        img_free(&im);
    }
    img_free(&ref);
}

/* ---- metadata, against dcmdump ---- */

/* The first value of a top-level element as dcmdump prints it ("" if none). */
static void dcmdump_value(const char *path, const char *tag, char *out, size_t cap)
{
    char cmd[1400], line[512];
    snprintf(cmd, sizeof cmd, "dcmdump -q -s +P %s '%s' 2>/dev/null", tag, path);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    out[0] = 0;
    if (fgets(line, sizeof line, p)) {
        char *a = strchr(line, '['), *b = a ? strchr(a, ']') : NULL;
        if (a && b) snprintf(out, cap, "%.*s", (int)(b - a - 1), a + 1);
    }
    pclose(p);
}

/* Our record of path against dcmdump's DA and TM of the chosen source. */
static void expect_dates_as_dcmdump(const char *path, const char *da_tag, const char *tm_tag, meta_source src)
{
    meta_record m;
    mc_err e = meta_read(path, &m);
    cr_assert_eq(e, MC_OK, "%s: %s", path, mc_errmsg(e));
    cr_expect_eq(m.src, src, "%s: source %s", path, meta_source_name(m.src));
    char da[64], tm[64], uid[80], mine[64];
    dcmdump_value(path, da_tag, da, sizeof da);
    dcmdump_value(path, tm_tag, tm, sizeof tm);
    dcmdump_value(path, "0008,0018", uid, sizeof uid);
    /* dcmdump prints the stored text; strip the separators of the legacy forms. */
    char d[16] = "", t[16] = "";
    for (size_t i = 0, k = 0; da[i] && k < 8; i++)
        if (da[i] != '.') d[k++] = da[i];
    for (size_t i = 0, k = 0; tm[i] && tm[i] != '.' && k < 6; i++)
        if (tm[i] != ':') t[k++] = tm[i];
    snprintf(mine, sizeof mine, "%04d%02d%02d", m.year, m.month, m.day);
    cr_expect_str_eq(mine, d, "%s: date", path);
    snprintf(mine, sizeof mine, "%02d%02d%02d", m.hour, m.minute, m.second);
    cr_expect_eq(strncmp(mine, t, strlen(t)), 0, "%s: time %s, dcmdump %s", path, mine, tm);
    cr_expect_str_eq(m.uid, uid, "%s: SOPInstanceUID", path);
}

Test(dicom, dates_offset_and_uid_are_read_from_the_header_as_dcmdump_reads_them)
{
    need_gdcm();
    if (!have_tool("dcmdump")) cr_skip_test("dcmdump (dcmtk) not installed");
    expect_dates_as_dcmdump(fixture("ct_signed16.dcm"), "0008,0022", "0008,0032", META_SRC_DICOM_ACQUISITION);
    expect_dates_as_dcmdump(fixture("mr_12bit.dcm"), "0008,0023", "0008,0033", META_SRC_DICOM_CONTENT);
    expect_dates_as_dcmdump(fixture("rgb.dcm"), "0008,0020", "0008,0030", META_SRC_DICOM_STUDY);
    meta_record m;
    cr_assert_eq(meta_read(fixture("ct_signed16.dcm"), &m), MC_OK);
    cr_expect(m.offset_known && m.utc_offset_min == 60, "TimezoneOffsetFromUTC +0100");
    cr_expect_eq(m.usec, 250000, "AcquisitionTime 125157.250");
    char pyd[1024];
    snprintf(pyd, sizeof pyd, "%s/CT_small.dcm", pydicom_dir);
    if (access(pyd, R_OK) == 0)
        expect_dates_as_dcmdump(pyd, "0008,0022", "0008,0032", META_SRC_DICOM_ACQUISITION);
}

Test(dicom, legacy_date_and_time_forms_are_read)
{
    need_gdcm();
    meta_record m;
    mc_err e = meta_read(fixture("legacy_dates.dcm"), &m);
    cr_assert_eq(e, MC_OK, "%s", mc_errmsg(e));
    cr_expect(m.year == 1997 && m.month == 4 && m.day == 24 && m.hour == 14 && m.minute == 4 && m.second == 38,
              "StudyDate 1997.04.24, StudyTime 14:04:38");
    if (have_tool("dcmdump"))
        expect_dates_as_dcmdump(fixture("legacy_dates.dcm"), "0008,0020", "0008,0030", META_SRC_DICOM_STUDY);
}

/* ---- encryption and exact restoration ---- */

static chaos_params logistic(void) { return (chaos_params){CHAOS_LOGISTIC, {3.99, 0.3141592653589793}}; }

static void header(envelope_header *h)
{
    memset(h, 0, sizeof *h);
    h->mode = KEYMAT_COMPACT;
    h->aes_bytes = 16;
    strcpy(h->model, "manual");
}

static void encrypt(const uint8_t *in, size_t n, const pipe_dicom_opts *o, uint8_t **c, size_t *nc, uint8_t **env,
                    size_t *nenv)
{
    chaos_params p = logistic();
    envelope_header h;
    header(&h);
    mc_err e = pipe_encrypt_dicom(in, n, &p, &h, pub, o, c, nc, env, nenv);
    cr_assert_eq(e, MC_OK, "encrypt: %s", mc_errmsg(e));
}

static uint8_t *decrypt(const uint8_t *c, size_t nc, const uint8_t *env, size_t nenv, size_t *n)
{
    envelope_header h;
    uint8_t *out;
    mc_err e = pipe_decrypt_dicom(c, nc, env, nenv, priv, &h, &out, n);
    cr_assert_eq(e, MC_OK, "decrypt: %s", mc_errmsg(e));
    return out;
}

/* Encrypt and decrypt path; returns the restored file. */
static uint8_t *round_trip(const char *path, size_t *n_in, uint8_t **in, size_t *n_out)
{
    pipe_dicom_opts o = {.uid_salt = salt_a};
    *in = load(path, n_in);
    uint8_t *c, *env;
    size_t nc, nenv;
    encrypt(*in, *n_in, &o, &c, &nc, &env, &nenv);
    cr_assert_null(env, "the envelope goes inside the file by default");
    uint8_t *out = decrypt(c, nc, NULL, 0, n_out);
    free(c);
    return out;
}

/* dcmdump's full listing of a and of b[0..nb) are the same (DCMTK as referee). */
static int same_dcmdump(const char *a, const uint8_t *b, size_t nb)
{
    char path[] = "/tmp/mc_dicom_restored_XXXXXX", cmd[2400];
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, b, nb), (ssize_t)nb);
    close(fd);
    snprintf(cmd, sizeof cmd, "cmp -s <(dcmdump +L -q '%s' 2>&1) <(dcmdump +L -q '%s' 2>&1)", a, path);
    char sh[2600];
    snprintf(sh, sizeof sh, "bash -c \"%s\"", cmd);
    int same = system(sh) == 0;
    unlink(path);
    return same;
}

/* Uncompressed inputs come back byte for byte; a deflated one is deflated
 * again by zlib, so its bytes may differ: then every attribute must agree as
 * dcmdump lists them. */
static void expect_round_trip_bytes(const char *path)
{
    size_t n, m;
    uint8_t *in, *out = round_trip(path, &n, &in, &m);
    dcm_file *f;
    cr_assert_eq(dcm_open_mem(in, n, 0, &f), MC_OK);
    int deflated = !strcmp(dcm_get_info(f)->ts_uid, "1.2.840.10008.1.2.1.99");
    dcm_close(f);
    if (deflated && have_tool("dcmdump"))
        cr_expect(same_dcmdump(path, out, m), "%s: restored data set differs from the original", path);
    else if (!deflated)
        cr_expect(n == m && !memcmp(in, out, n), "%s: restored file differs from the original (%zu vs %zu bytes)",
                  path, m, n);
    free(in);
    free(out);
}

Test(dicom, native_files_are_restored_byte_for_byte)
{
    need_gdcm();
    static const char *f[] = {"ct_signed16.dcm", "mr_12bit.dcm", "xray_mono1.dcm", "rgb.dcm", "rgb_planar.dcm",
                              "multiframe.dcm", "legacy_dates.dcm", "ts_implicit.dcm", "ts_bigendian.dcm",
                              "ts_deflate.dcm"};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) expect_round_trip_bytes(fixture(f[i]));
}

/* The restored file of a compressed input: the pixels of the uncompressed
 * reference, and every attribute of the input but the transfer syntax. */
static void expect_compressed_round_trip(const char *path, const char *ref_path)
{
    size_t n, m;
    uint8_t *in, *out = round_trip(path, &n, &in, &m);
    img_image a, b, r;
    cr_assert_eq(img_read_dicom_mem(out, m, &a), MC_OK, "%s: %s", path, mc_errmsg(MC_E_FORMAT));
    cr_assert_eq(img_read_dicom_mem(in, n, &b), MC_OK);
    cr_assert_eq(img_read(ref_path, &r), MC_OK, "%s: %s", ref_path, mc_errmsg(MC_E_FORMAT));
    expect_same_image(&a, &b, path);
    expect_same_image(&a, &r, ref_path);
    dcm_file *fi, *fo;
    cr_assert_eq(dcm_open_mem(in, n, 0, &fi), MC_OK);
    cr_assert_eq(dcm_open_mem(out, m, 0, &fo), MC_OK);
    cr_expect_str_eq(dcm_get_info(fo)->ts_uid, "1.2.840.10008.1.2.1", "%s: restored as explicit VR little endian", path);
    static const uint16_t tags[][2] = {{0x0010, 0x0010}, {0x0010, 0x0020}, {0x0008, 0x0018}, {0x0020, 0x000D},
                                       {0x0008, 0x0020}, {0x0008, 0x0030}, {0x0028, 0x0100}, {0x0028, 0x0103}};
    for (size_t k = 0; k < sizeof tags / sizeof *tags; k++) {
        char x[128] = "", y[128] = "";
        cr_expect_eq(dcm_get_string(fi, tags[k][0], tags[k][1], x, sizeof x),
                     dcm_get_string(fo, tags[k][0], tags[k][1], y, sizeof y));
        cr_expect_str_eq(x, y, "%s: (%04X,%04X)", path, tags[k][0], tags[k][1]);
    }
    dcm_close(fi);
    dcm_close(fo);
    img_free(&a);
    img_free(&b);
    img_free(&r);
    free(in);
    free(out);
}

Test(dicom, compressed_files_are_restored_with_their_pixels_and_attributes)
{
    need_gdcm();
    static const char *f[] = {"ts_rle.dcm", "ts_jpeg_lossless.dcm", "ts_jpegls.dcm", "ts_j2k.dcm"};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        expect_compressed_round_trip(fixture(f[i]), fixture("ct_signed16.dcm"));
}

/* DCMTK's decoders (dcmdrle, dcmdjpeg, dcmdjpls) as the reference for GDCM's. */
Test(dicom, gdcm_decodes_as_dcmtk_decodes)
{
    need_gdcm();
    static const char *f[][2] = {{"ts_rle.dcm", "dcmdrle"}, {"ts_jpeg_lossless.dcm", "dcmdjpeg"},
                                 {"ts_jpegls.dcm", "dcmdjpls"}, {"MR_small_RLE.dcm", "dcmdrle"},
                                 {"MR_small_jpeg_ls_lossless.dcm", "dcmdjpls"}, {"SC_rgb_rle_2frame.dcm", "dcmdrle"},
                                 {"SC_rgb_jpeg_gdcm.dcm", "dcmdjpeg"}};
    char tmp[] = "/tmp/mc_dicom_XXXXXX";
    cr_assert_not_null(mkdtemp(tmp));
    int ran = 0;
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
        char in[1024], out[1100], cmd[2400];
        if (!strncmp(f[i][0], "ts_", 3)) snprintf(in, sizeof in, "%s", fixture(f[i][0]));
        else snprintf(in, sizeof in, "%s/%s", pydicom_dir, f[i][0]);
        if (access(in, R_OK) || !have_tool(f[i][1])) continue;
        snprintf(out, sizeof out, "%s/%zu.dcm", tmp, i);
        snprintf(cmd, sizeof cmd, "%s -q '%s' '%s'", f[i][1], in, out);
        cr_assert_eq(system(cmd), 0, "%s failed on %s", f[i][1], in);
        img_image a, b;
        cr_assert_eq(img_read(in, &a), MC_OK, "%s: %s", in, mc_errmsg(MC_E_FORMAT));
        cr_assert_eq(img_read(out, &b), MC_OK);
        expect_same_image(&a, &b, in);
        img_free(&a);
        img_free(&b);
        ran++;
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    cr_assert_eq(system(cmd), 0);
    if (!ran) cr_skip_test("DCMTK's decoders not installed");
}

/* Files that ship with Debian (python3-pydicom) and the bundled data/raw. */
Test(dicom, debian_and_bundled_files_round_trip)
{
    need_gdcm();
    static const char *native[] = {"CT_small.dcm", "MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm",
                                   "MR_small_expb.dcm", "MR_small_padded.dcm", "ExplVR_BigEnd.dcm", "image_dfl.dcm",
                                   "SC_rgb_small_odd.dcm", "SC_rgb_jpeg_dcmd.dcm"};
    static const char *lossless[] = {"MR_small_RLE.dcm", "MR_small_jpeg_ls_lossless.dcm", "MR_small_jp2klossless.dcm"};
    static const char *bundled[] = {"ct/CT1_UNC.explicit_little_endian.dcm", "ct/CT_small.dcm",
                                    "brain_mri/0051.dcm", "brain_mri/axasc35.dcm"};
    static const char *bundled_j2k[] = {"chest_xray/RG1_J2KI.dcm", "ct/explicit_VR-UN.dcm"};
    char p[1024], q[1024];
    for (size_t i = 0; i < sizeof bundled / sizeof *bundled; i++) {
        snprintf(p, sizeof p, "%s/data/raw/%s", srcdir, bundled[i]);
        expect_round_trip_bytes(p);
    }
    for (size_t i = 0; i < sizeof bundled_j2k / sizeof *bundled_j2k; i++) {
        snprintf(p, sizeof p, "%s/data/raw/%s", srcdir, bundled_j2k[i]);
        size_t n, m;
        uint8_t *in, *out = round_trip(p, &n, &in, &m);
        img_image a, b;
        cr_assert_eq(img_read_dicom_mem(in, n, &a), MC_OK);
        cr_assert_eq(img_read_dicom_mem(out, m, &b), MC_OK);
        expect_same_image(&a, &b, bundled_j2k[i]);
        img_free(&a);
        img_free(&b);
        free(in);
        free(out);
    }
    snprintf(p, sizeof p, "%s/CT_small.dcm", pydicom_dir);
    if (access(p, R_OK)) cr_skip_test("python3-pydicom's test files are not installed");
    for (size_t i = 0; i < sizeof native / sizeof *native; i++) {
        snprintf(p, sizeof p, "%s/%s", pydicom_dir, native[i]);
        expect_round_trip_bytes(p);
    }
    snprintf(q, sizeof q, "%s/MR_small.dcm", pydicom_dir);
    for (size_t i = 0; i < sizeof lossless / sizeof *lossless; i++) {
        snprintf(p, sizeof p, "%s/%s", pydicom_dir, lossless[i]);
        expect_compressed_round_trip(p, q);
    }
}

static int python_reads(const char *path)
{
    static const char *py[] = {"/usr/bin/python3", "python3"};
    for (size_t i = 0; i < 2; i++) {
        char cmd[1400];
        snprintf(cmd, sizeof cmd, "%s -c 'import pydicom' 2>/dev/null", py[i]);
        if (system(cmd) != 0) continue;
        snprintf(cmd, sizeof cmd,
                 "%s -c 'import sys, pydicom; d = pydicom.dcmread(sys.argv[1]); a = d.pixel_array; "
                 "sys.exit(0 if a.size == d.Rows * d.Columns * int(d.get(\"NumberOfFrames\", 1)) * d.SamplesPerPixel else 1)' '%s'",
                 py[i], path);
        return system(cmd) == 0 ? 1 : 0;
    }
    return -1;
}

Test(dicom, cipher_is_valid_dicom_with_a_new_uid_no_patient_and_other_pixels)
{
    need_gdcm();
    size_t n, nc, nenv;
    uint8_t *in = load(fixture("ct_signed16.dcm"), &n), *c, *env;
    pipe_dicom_opts o = {.uid_salt = salt_a};
    encrypt(in, n, &o, &c, &nc, &env, &nenv);
    dcm_file *fi, *fc;
    cr_assert_eq(dcm_open_mem(in, n, 1, &fi), MC_OK);
    cr_assert_eq(dcm_open_mem(c, nc, 1, &fc), MC_OK, "the cipher does not parse: %s", mc_errmsg(MC_E_FORMAT));
    const dcm_info *a = dcm_get_info(fi), *b = dcm_get_info(fc);
    cr_expect(a->rows == b->rows && a->cols == b->cols && a->bits_allocated == b->bits_allocated &&
              a->samples == b->samples && a->frames == b->frames, "same geometry and bit depth");
    cr_expect(b->pixel_rep == 0 && b->bits_stored == 16, "the cipher's samples are unsigned, all bits used");
    size_t np, ncp;
    const uint8_t *pp = dcm_pixels(fi, &np), *cp = dcm_pixels(fc, &ncp);
    cr_assert_eq(np, ncp);
    cr_expect_neq(memcmp(pp, cp, np), 0, "pixels unchanged");
    char x[128], y[128];
    cr_assert_eq(dcm_get_string(fi, 0x0008, 0x0018, x, sizeof x), 1);
    cr_assert_eq(dcm_get_string(fc, 0x0008, 0x0018, y, sizeof y), 1);
    cr_expect_str_neq(x, y, "a new SOPInstanceUID");
    cr_expect_eq(strncmp(y, "2.25.", 5), 0, "a UUID-derived UID (PS3.5 B.2)");
    cr_expect_eq(dcm_get_string(fc, 0x0010, 0x0010, y, sizeof y), 0, "PatientName removed");
    cr_expect_eq(dcm_get_string(fc, 0x0010, 0x0020, y, sizeof y), 0, "PatientID removed");
    cr_expect_eq(dcm_get_string(fc, 0x0008, 0x0020, y, sizeof y), 0, "StudyDate removed");
    cr_expect_eq(dcm_get_string(fc, 0x0012, 0x0062, y, sizeof y), 1);
    cr_expect_str_eq(y, "YES", "PatientIdentityRemoved");
    uint8_t *inner;
    size_t ninner;
    cr_expect_eq(dcm_get_envelope(fc, &inner, &ninner), MC_OK);
    free(inner);
    dcm_close(fi);
    dcm_close(fc);
    char path[] = "/tmp/mc_dicom_cipher_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, c, nc), (ssize_t)nc);
    close(fd);
    char cmd[1200];
    if (have_tool("dcmdump")) {
        snprintf(cmd, sizeof cmd, "dcmdump -q '%s' >/dev/null 2>&1", path);
        cr_expect_eq(system(cmd), 0, "dcmdump refuses the cipher file");
    }
    cr_expect_neq(python_reads(path), 0, "pydicom cannot read the cipher's pixel data");
    unlink(path);
    free(in);
    free(c);
}

Test(dicom, keep_header_and_envelope_beside_still_restore_exactly)
{
    need_gdcm();
    size_t n, nc, nenv, m;
    uint8_t *in = load(fixture("mr_12bit.dcm"), &n), *c, *env;
    pipe_dicom_opts o = {.keep_header = 1, .envelope_beside = 1, .uid_salt = salt_a};
    encrypt(in, n, &o, &c, &nc, &env, &nenv);
    cr_assert_not_null(env);
    dcm_file *fc;
    cr_assert_eq(dcm_open_mem(c, nc, 0, &fc), MC_OK);
    char y[64];
    cr_expect_eq(dcm_get_string(fc, 0x0010, 0x0010, y, sizeof y), 1);
    cr_expect_str_eq(y, "Doe^Jane", "--keep-header keeps PatientName");
    uint8_t *inner;
    size_t ninner;
    cr_expect_eq(dcm_get_envelope(fc, &inner, &ninner), MC_E_NOMETA, "no envelope inside");
    dcm_close(fc);
    uint8_t *out = decrypt(c, nc, env, nenv, &m);
    cr_expect(m == n && !memcmp(in, out, n), "restored file differs");
    free(in);
    free(c);
    free(env);
    free(out);
}

Test(dicom, replaced_uids_agree_within_a_run_and_differ_between_runs)
{
    need_gdcm();
    /* ct_signed16 and ts_implicit share their study and series UIDs. */
    size_t n1, n2, nc[3], nenv;
    uint8_t *a = load(fixture("ct_signed16.dcm"), &n1), *b = load(fixture("ts_implicit.dcm"), &n2), *c[3], *env;
    pipe_dicom_opts oa = {.uid_salt = salt_a}, ob = {.uid_salt = salt_b};
    encrypt(a, n1, &oa, &c[0], &nc[0], &env, &nenv);
    encrypt(b, n2, &oa, &c[1], &nc[1], &env, &nenv);
    encrypt(a, n1, &ob, &c[2], &nc[2], &env, &nenv);
    char u[3][80];
    for (int i = 0; i < 3; i++) {
        dcm_file *f;
        cr_assert_eq(dcm_open_mem(c[i], nc[i], 0, &f), MC_OK);
        cr_assert_eq(dcm_get_string(f, 0x0020, 0x000E, u[i], sizeof u[i]), 1);
        dcm_close(f);
        free(c[i]);
    }
    cr_expect_str_eq(u[0], u[1], "one series stays one series");
    cr_expect_str_neq(u[0], u[2], "another run gives other UIDs");
    free(a);
    free(b);
}

Test(dicom, wrong_key_or_modified_cipher_is_refused)
{
    need_gdcm();
    size_t n, nc, nenv;
    uint8_t *in = load(fixture("xray_mono1.dcm"), &n), *c, *env, *out = NULL;
    pipe_dicom_opts o = {.uid_salt = salt_a};
    encrypt(in, n, &o, &c, &nc, &env, &nenv);
    envelope_header h;
    size_t m;
    cr_expect_eq(pipe_decrypt_dicom(c, nc, NULL, 0, other, &h, &out, &m), MC_E_KEY);
    cr_expect_null(out);
    c[nc - 3] ^= 1; /* the last pixel bytes */
    cr_expect_eq(pipe_decrypt_dicom(c, nc, NULL, 0, priv, &h, &out, &m), MC_E_AUTH);
    cr_expect_null(out);
    free(in);
    free(c);
}

/* ---- bad input ---- */

static void expect_refused(const uint8_t *buf, size_t n, const char *what)
{
    img_image im;
    mc_err e = img_read_dicom_mem(buf, n, &im);
    cr_expect_neq(e, MC_OK, "%s: accepted", what);
    if (!e) img_free(&im);
    mc_clear_error();
}

Test(dicom, truncated_files_are_refused)
{
    need_gdcm();
    static const char *f[] = {"ct_signed16.dcm", "ts_implicit.dcm", "ts_rle.dcm", "rgb_planar.dcm"};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
        size_t n;
        uint8_t *buf = load(fixture(f[i]), &n);
        for (size_t cut = 0; cut < n; cut += cut < 160 ? 1 : 7) {
            char what[96];
            snprintf(what, sizeof what, "%s cut at %zu of %zu bytes", f[i], cut, n);
            expect_refused(buf, cut, what);
        }
        free(buf);
    }
}

/* The offset of an explicit VR little endian element's header in buf. */
static size_t find_element(const uint8_t *buf, size_t n, uint16_t g, uint16_t e, const char *vr)
{
    for (size_t i = 132; i + 8 <= n; i++)
        if (buf[i] == (g & 0xff) && buf[i + 1] == g >> 8 && buf[i + 2] == (e & 0xff) && buf[i + 3] == e >> 8 &&
            buf[i + 4] == vr[0] && buf[i + 5] == vr[1])
            return i;
    cr_assert_fail("element (%04X,%04X) not found", g, e);
    return 0;
}

Test(dicom, impossible_lengths_and_layouts_are_refused)
{
    need_gdcm();
    size_t n;
    uint8_t *buf = load(fixture("ct_signed16.dcm"), &n), *b = malloc(n);
    cr_assert_not_null(b);
    /* PixelData (OW: 12-byte header) declaring more than the file holds. */
    size_t pd = find_element(buf, n, 0x7fe0, 0x0010, "OW");
    memcpy(b, buf, n);
    b[pd + 8] = 0xf0, b[pd + 9] = 0xff, b[pd + 10] = 0xff, b[pd + 11] = 0x7f;
    expect_refused(b, n, "pixel data length past the end");
    /* Rows 65535 and Columns 65535: far more pixels than stored. */
    size_t rows = find_element(buf, n, 0x0028, 0x0010, "US"), cols = find_element(buf, n, 0x0028, 0x0011, "US");
    memcpy(b, buf, n);
    b[rows + 8] = b[rows + 9] = 0xff;
    b[cols + 8] = b[cols + 9] = 0xff;
    expect_refused(b, n, "65535 x 65535 pixels");
    /* BitsAllocated 32 and 1: layouts we do not read. */
    size_t ba = find_element(buf, n, 0x0028, 0x0100, "US");
    for (int bits = 1; bits <= 32; bits += 31) {
        memcpy(b, buf, n);
        b[ba + 8] = (uint8_t)bits;
        dcm_file *f;
        cr_expect_eq(dcm_open_mem(b, n, 1, &f), MC_E_UNSUPPORTED, "BitsAllocated %d", bits);
    }
    /* SamplesPerPixel 4. */
    size_t spp = find_element(buf, n, 0x0028, 0x0002, "US");
    memcpy(b, buf, n);
    b[spp + 8] = 4;
    expect_refused(b, n, "SamplesPerPixel 4");
    free(b);
    free(buf);
}

Test(dicom, files_without_an_image_are_refused_with_a_reason)
{
    need_gdcm();
    char p[1024];
    snprintf(p, sizeof p, "%s/rtplan.dcm", pydicom_dir);
    if (access(p, R_OK)) cr_skip_test("python3-pydicom's test files are not installed");
    static const char *f[] = {"rtplan.dcm", "rtstruct.dcm", "waveform_ecg.dcm", "reportsi.dcm", "rtdose_1frame.dcm",
                              "liver_1frame.dcm", "SC_ybr_full_422_uncompressed.dcm"};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
        snprintf(p, sizeof p, "%s/%s", pydicom_dir, f[i]);
        size_t n;
        uint8_t *buf = load(p, &n);
        dcm_file *d;
        cr_expect_eq(dcm_open_mem(buf, n, 1, &d), MC_E_UNSUPPORTED, "%s", f[i]);
        free(buf);
    }
}

Test(dicom, uuid_derived_uid_is_the_decimal_of_the_128_bits)
{
    /* PS3.5 B.2's example: f81d4fae-7dec-11d0-a765-00a0c91e6bf6. */
    static const uint8_t u[16] = {0xf8, 0x1d, 0x4f, 0xae, 0x7d, 0xec, 0x11, 0xd0,
                                  0xa7, 0x65, 0x00, 0xa0, 0xc9, 0x1e, 0x6b, 0xf6};
    char out[65];
    dcm_uid_from_uuid(u, out);
    cr_expect_str_eq(out, "2.25.329800735698586629295641978511506172918");
    static const uint8_t z[16] = {0};
    dcm_uid_from_uuid(z, out);
    cr_expect_str_eq(out, "2.25.0");
}

/* ---- the command ---- */

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

Test(dicom, command_encrypts_a_series_folder_and_restores_it)
{
    need_gdcm();
    const char *b = getenv("MC_BUILDDIR");
    cr_assert_not_null(b, "MC_BUILDDIR must point at the build tree");
    char tmp[] = "/tmp/mc_dicom_cli_XXXXXX";
    cr_assert_not_null(mkdtemp(tmp));
    const char *d = fixture("");
    cr_assert_eq(sh("mkdir %s/in && cp %s/ct_signed16.dcm %s/mr_12bit.dcm %s/ts_bigendian.dcm %s/in/", tmp, d, d, d,
                    tmp), 0);
    /* Two of the fixtures carry the same dates, so the key-reuse guard would
     * refuse the run (tests/test_keyguard.c tests that); allowed here. */
    cr_assert_eq(sh("mkdir %s/c && %s/medchaos encrypt --teacher --allow-key-reuse --pubkey %s/tests/data/keys/a2048.pub.pem "
                    "%s/in -O %s/c -j 1 >/dev/null 2>&1", tmp, b, srcdir, tmp, tmp), 0, "encrypt of a folder failed");
    cr_expect_neq(sh("ls %s/c/*.key >/dev/null 2>&1", tmp), 0, "the envelopes belong inside the files");
    cr_assert_eq(sh("mkdir %s/back && %s/medchaos decrypt --key %s/tests/data/keys/a2048.pem %s/c -O %s/back -j 1 "
                    ">/dev/null 2>&1", tmp, b, srcdir, tmp, tmp), 0, "decrypt of a folder failed");
    static const char *f[] = {"ct_signed16.dcm", "mr_12bit.dcm", "ts_bigendian.dcm"};
    for (size_t i = 0; i < 3; i++)
        cr_expect_eq(sh("cmp -s %s/in/%s %s/back/%s", tmp, f[i], tmp, f[i]), 0, "%s not restored exactly", f[i]);
    /* A truncated input: a one-line error naming the file, exit 6, no output. */
    cr_assert_eq(sh("head -c 700 %s/in/ct_signed16.dcm > %s/cut.dcm", tmp, tmp), 0);
    int st = sh("%s/medchaos encrypt --teacher --pubkey %s/tests/data/keys/a2048.pub.pem %s/cut.dcm -o %s/x.dcm "
                "2>%s/err", b, srcdir, tmp, tmp, tmp);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 6, "truncated DICOM: exit status %d", WEXITSTATUS(st));
    cr_expect_neq(sh("test -e %s/x.dcm", tmp), 0, "an output was left behind");
    cr_expect_eq(sh("grep -q 'cut.dcm' %s/err && test $(wc -l < %s/err) -eq 1", tmp, tmp), 0,
                 "the message must be one line naming the file");
    cr_assert_eq(sh("rm -rf %s", tmp), 0);
}

/* dicom3tools' IOD checker as the referee: the cipher file may not have more
 * errors than its original (de-identification empties Type 2 attributes only
 * where that is allowed, and removes instead inside sequence items). */
static int dciodvfy_errors(const char *path)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "dciodvfy '%s' 2>&1 | grep -c '^Error'", path);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    int n = -1;
    if (fscanf(p, "%d", &n) != 1) n = -1;
    pclose(p);
    return n;
}

Test(dicom, cipher_has_no_more_dciodvfy_errors_than_its_original)
{
    need_gdcm();
    if (!have_tool("dciodvfy")) cr_skip_test("dciodvfy (dicom3tools) not installed");
    char p[3][1024];
    snprintf(p[0], sizeof p[0], "%s", fixture("ct_signed16.dcm"));
    snprintf(p[1], sizeof p[1], "%s/CT_small.dcm", pydicom_dir);
    snprintf(p[2], sizeof p[2], "%s/data/raw/brain_mri/0051.dcm", srcdir);
    for (int i = 0; i < 3; i++) {
        if (access(p[i], R_OK)) continue;
        size_t n, nc, nenv;
        uint8_t *in = load(p[i], &n), *c, *env;
        pipe_dicom_opts o = {.uid_salt = salt_a};
        encrypt(in, n, &o, &c, &nc, &env, &nenv);
        char path[] = "/tmp/mc_dicom_iod_XXXXXX";
        int fd = mkstemp(path);
        cr_assert(fd >= 0);
        cr_assert_eq(write(fd, c, nc), (ssize_t)nc);
        close(fd);
        int before = dciodvfy_errors(p[i]), after = dciodvfy_errors(path);
        cr_expect(after >= 0 && after <= before, "%s: dciodvfy finds %d errors in the cipher, %d in the original", p[i],
                  after, before);
        unlink(path);
        free(in);
        free(c);
    }
}

Test(dicom, an_envelope_that_seals_a_header_is_refused_by_the_png_path)
{
    need_gdcm();
    size_t n, nc, nenv;
    uint8_t *in = load(fixture("rgb.dcm"), &n), *c, *env;
    pipe_dicom_opts o = {.envelope_beside = 1, .uid_salt = salt_a};
    encrypt(in, n, &o, &c, &nc, &env, &nenv);
    img_image cipher, plain;
    cr_assert_eq(img_read_dicom_mem(c, nc, &cipher), MC_OK);
    envelope_header h;
    cr_expect_eq(pipe_decrypt(&cipher, env, nenv, priv, &h, &plain), MC_E_UNSUPPORTED,
                 "decrypting the pixels alone would drop the sealed header");
    img_free(&cipher);
    free(in);
    free(c);
    free(env);
}

/* Inputs on which Debian's GDCM trips an assert() (found by fuzz/fuzz_dicom.c):
 * an error, not an abort. */
Test(dicom, gdcm_assertions_become_errors)
{
    need_gdcm();
    static const char *f[] = {"fuzz/gdcm_assert_meta.dcm", "fuzz/gdcm_meta_bad_vr.dcm"};
    for (size_t i = 0; i < 2; i++) {
        size_t n;
        uint8_t *buf = load(fixture(f[i]), &n);
        expect_refused(buf, n, f[i]);
        dcm_file *d;
        cr_expect_neq(dcm_open_mem(buf, n, 0, &d), MC_OK, "%s", f[i]);
        free(buf);
    }
}

/* A deflated data set whose inflated lengths are absurd: refused by the
 * length walk at once (GDCM alone allocated gigabytes and took seconds). */
Test(dicom, deflated_data_set_with_absurd_lengths_is_refused_quickly, .timeout = 10)
{
    need_gdcm();
    size_t n;
    uint8_t *buf = load(fixture("fuzz/gdcm_slow_deflate.dcm"), &n);
    cr_expect_neq(dcm_check_lengths(buf, n), MC_OK);
    expect_refused(buf, n, "fuzz/gdcm_slow_deflate.dcm");
    free(buf);
}
