/* Tests of src/meta. References: the dates documented in data/SOURCES.md for
 * the real files, what dcmdump (DCMTK) prints for the DICOM sources, EXIF and
 * PNG files built here with libexif, libjpeg and libpng directly (not with our
 * writer), the calendar, and the canonical-string grammar of docs/METADATA.md. */
#include <criterion/criterion.h>
#include <libexif/exif-data.h>
#include <png.h>
#include <jpeglib.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "meta/meta.h"
#include "meta/render.h"
#include "meta/scan.h"

static char *src_path(const char *rel)
{
    static char buf[8][1024];
    static int k;
    const char *root = getenv("MC_SRCDIR");
    char *b = buf[k++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", root ? root : ".", rel);
    return b;
}

static char tmpdir[256];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_meta.XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    char cmd[320];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    cr_assert_eq(system(cmd), 0);
}

static char *tmp_path(const char *name)
{
    static char buf[8][512];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", tmpdir, name);
    return b;
}

static const char *canon(const meta_record *m)
{
    static char b[META_CANON_MAX];
    meta_canonical(m, b, sizeof b);
    return b;
}

/* ---- independent writers: libexif, libjpeg and libpng used directly ---- */

static void exif_ascii(ExifData *d, ExifIfd ifd, ExifTag tag, const char *s)
{
    ExifEntry *e = exif_entry_new();
    size_t n = strlen(s) + 1;
    e->tag = tag;
    e->format = EXIF_FORMAT_ASCII;
    e->components = n;
    e->size = (unsigned)n;
    e->data = malloc(n); /* exif_entry_new uses the default (malloc) allocator */
    memcpy(e->data, s, n);
    exif_content_add_entry(d->ifd[ifd], e);
    exif_entry_unref(e);
}

/* APP1 payload ("Exif\0\0" + TIFF) with the given EXIF-IFD tags. */
static unsigned char *exif_block(const char *dto, const char *sub, const char *off, const char *ifd0_dt,
                                 unsigned *len)
{
    ExifData *d = exif_data_new();
    exif_data_unset_option(d, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_set_byte_order(d, EXIF_BYTE_ORDER_INTEL);
    if (dto) exif_ascii(d, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, dto);
    if (sub) exif_ascii(d, EXIF_IFD_EXIF, EXIF_TAG_SUB_SEC_TIME_ORIGINAL, sub);
    if (off) exif_ascii(d, EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME_ORIGINAL, off);
    if (ifd0_dt) exif_ascii(d, EXIF_IFD_0, EXIF_TAG_DATE_TIME, ifd0_dt);
    unsigned char *buf = NULL;
    exif_data_save_data(d, &buf, len);
    exif_data_unref(d);
    cr_assert(buf && *len > 6 && !memcmp(buf, "Exif\0\0", 6));
    return buf;
}

static void write_jpeg_with_app1(const char *path, const unsigned char *app1, unsigned len)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, f);
    c.image_width = 16;
    c.image_height = 8;
    c.input_components = 1;
    c.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&c);
    jpeg_start_compress(&c, TRUE);
    if (app1) jpeg_write_marker(&c, JPEG_APP0 + 1, app1, len);
    unsigned char row[16];
    for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 16; x++) row[x] = (unsigned char)(x * 16 + y);
        JSAMPROW r = row;
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    fclose(f);
}

typedef struct {
    const unsigned char *exif; /* eXIf payload, NULL for none */
    unsigned exif_len;
    const char *key;           /* one text chunk, NULL for none */
    const char *text;
    size_t text_len;
    int itxt;
    int depth;                 /* 8 or 16, gray */
} png_spec;

static void write_png(const char *path, const png_spec *s)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    cr_assert(png && info);
    if (setjmp(png_jmpbuf(png))) cr_assert_fail("libpng write failed");
    png_init_io(png, f);
    int depth = s->depth ? s->depth : 8;
    png_set_IHDR(png, info, 7, 5, depth, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (s->exif) png_set_eXIf_1(png, info, s->exif_len, (png_bytep)s->exif);
    png_text t;
    memset(&t, 0, sizeof t);
    if (s->key) {
        t.compression = s->itxt ? PNG_ITXT_COMPRESSION_NONE : PNG_TEXT_COMPRESSION_NONE;
        t.key = (char *)s->key;
        t.text = (char *)s->text;
        if (s->itxt) t.itxt_length = s->text_len;
        else t.text_length = s->text_len;
        t.lang = (char *)"";
        t.lang_key = (char *)"";
        png_set_text(png, info, &t, 1);
    }
    png_write_info(png, info);
    unsigned char row[14];
    for (int y = 0; y < 5; y++) {
        for (int x = 0; x < 14; x++) row[x] = (unsigned char)(37 * x + 11 * y);
        png_write_row(png, row);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    fclose(f);
}

/* The decoded rows of a PNG, for checking that meta set kept them. */
static unsigned char *decode_png(const char *path, png_uint_32 *w, png_uint_32 *h, int *depth, size_t *n)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png))) cr_assert_fail("libpng read failed");
    png_init_io(png, f);
    png_read_info(png, info);
    *w = png_get_image_width(png, info);
    *h = png_get_image_height(png, info);
    *depth = png_get_bit_depth(png, info);
    size_t rb = png_get_rowbytes(png, info);
    *n = rb * *h;
    unsigned char *buf = malloc(*n);
    for (png_uint_32 y = 0; y < *h; y++) png_read_row(png, buf + y * rb, NULL);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    fclose(f);
    return buf;
}

/* ---- the real files (dates from data/SOURCES.md) ---- */

Test(meta_real, hrf_fundus_exif_dates_match_sources_md)
{
    static const struct {
        const char *file, *canonical;
    } t[] = {
        {"data/raw/fundus/12_h.jpg", "medchaos-meta/1;2007-02-19T12:51:57.000000;tz=unknown;uid="},
        {"data/raw/fundus/13_h.jpg", "medchaos-meta/1;2007-02-21T12:09:30.000000;tz=unknown;uid="},
        {"data/raw/fundus/14_h.jpg", "medchaos-meta/1;2007-02-21T12:10:18.000000;tz=unknown;uid="},
        {"data/raw/fundus/15_h.jpg", "medchaos-meta/1;2007-03-05T09:05:46.000000;tz=unknown;uid="},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        meta_record m;
        mc_err e = meta_read(src_path(t[i].file), &m);
        cr_assert_eq(e, MC_OK, "%s: %s", t[i].file, mc_errmsg(e));
        cr_expect_str_eq(canon(&m), t[i].canonical, "%s", t[i].file);
        cr_expect_eq(m.src, META_SRC_EXIF_ORIGINAL);
        cr_expect_eq(m.subsec_digits, 2, "SubsecTimeOriginal is \"00\"");
    }
}

Test(meta_real, files_without_dates_are_refused_with_a_hint)
{
    const char *files[] = {"data/raw/fundus/01_h.jpg", "data/raw/fundus/retina.jpg",
                           "data/raw/chest_xray/00000001_000.png"};
    for (size_t i = 0; i < 3; i++) {
        meta_record m;
        mc_err e = meta_read(src_path(files[i]), &m);
        cr_assert_eq(e, MC_E_NOMETA, "%s gave %d", files[i], e);
        cr_expect_not_null(strstr(mc_errmsg(e), "--datetime 'YYYY:MM:DD HH:MM:SS'"));
        mc_clear_error();
    }
}

Test(meta_real, file_time_only_when_asked)
{
    make_tmpdir();
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", src_path("data/raw/fundus/01_h.jpg"), tmp_path("a.jpg"));
    cr_assert_eq(system(cmd), 0);
    /* 1171889517 s after the epoch is 2007-02-19T12:51:57Z (date -u -d @1171889517). */
    struct timespec ts[2] = {{1171889517, 250000000}, {1171889517, 250000000}};
    cr_assert_eq(utimensat(AT_FDCWD, tmp_path("a.jpg"), ts, 0), 0);
    meta_record m;
    meta_options o = {0};
    cr_assert_eq(meta_resolve(tmp_path("a.jpg"), &o, &m), MC_E_NOMETA);
    mc_clear_error();
    o.allow_file_time = 1;
    cr_assert_eq(meta_resolve(tmp_path("a.jpg"), &o, &m), MC_OK);
    cr_expect_str_eq(canon(&m), "medchaos-meta/1;2007-02-19T12:51:57.250000;tz=+00:00;uid=");
    cr_expect_eq(m.src, META_SRC_FILE_MTIME);
    /* A date by hand wins over the file and its mtime. */
    o.datetime = "2001:02:03 04:05:06";
    o.offset = "+01:00";
    cr_assert_eq(meta_resolve(tmp_path("a.jpg"), &o, &m), MC_OK);
    cr_expect_str_eq(canon(&m), "medchaos-meta/1;2001-02-03T04:05:06.000000;tz=+01:00;uid=");
    cr_expect_eq(m.src, META_SRC_MANUAL);
    remove_tmpdir();
}

/* What dcmdump prints for the elements of a DICOM file, one call per file:
 * lines like "(0008,0020) DA [20040826]   #   8, 1 StudyDate". vals[i] is ""
 * when tags[i] is absent. */
static void dcmdump_values(const char *file, const char *const *tags, int n, char vals[][80])
{
    char cmd[2048];
    int k = snprintf(cmd, sizeof cmd, "dcmdump +uc -q -M");
    for (int i = 0; i < n; i++) k += snprintf(cmd + k, sizeof cmd - (size_t)k, " +P %s", tags[i]);
    snprintf(cmd + k, sizeof cmd - (size_t)k, " '%s' 2>/dev/null", file);
    for (int i = 0; i < n; i++) vals[i][0] = 0;
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    char line[512];
    while (fgets(line, sizeof line, p)) {
        char *a = strchr(line, '['), *b = a ? strchr(a, ']') : NULL, *name = strrchr(line, ' ');
        if (!a || !b || !name) continue;
        name++;
        name[strcspn(name, "\n")] = 0;
        for (int i = 0; i < n; i++) {
            if (strcmp(name, tags[i]) || vals[i][0]) continue;
            size_t len = (size_t)(b - a - 1);
            while (len && a[len] == ' ') len--;
            if (len > 79) len = 79;
            memcpy(vals[i], a + 1, len);
            vals[i][len] = 0;
        }
    }
    pclose(p);
}

/* Expected canonical string from DICOM DA/TM text, by plain string slicing. */
static void expect_from_dicom(char *out, size_t cap, const char *da, const char *tm, const char *tz, const char *uid)
{
    char frac[7] = "000000", hms[7] = "000000";
    const char *dot = strchr(tm, '.');
    memcpy(hms, tm, dot ? (size_t)(dot - tm) : strlen(tm));
    if (dot) memcpy(frac, dot + 1, strlen(dot + 1));
    char z[8] = "unknown";
    if (tz[0]) snprintf(z, sizeof z, "%.3s:%.2s", tz, tz + 3);
    snprintf(out, cap, "medchaos-meta/1;%.4s-%.2s-%.2sT%.2s:%.2s:%.2s.%s;tz=%s;uid=%s", da, da + 4, da + 6, hms,
             hms + 2, hms + 4, frac, z, uid);
}

Test(meta_real, prepared_dicom_pngs_carry_the_dates_dcmdump_prints)
{
    if (system("command -v dcmdump >/dev/null 2>&1") != 0) cr_skip_test("dcmdump (dcmtk) not installed");
    static const struct {
        const char *png, *dcm, *date, *time;
        meta_source src;
    } t[] = {
        {"data/prepared/native/ct_small.png", "data/raw/ct/CT_small.dcm", "AcquisitionDate", "AcquisitionTime",
         META_SRC_DICOM_ACQUISITION},
        {"data/prepared/native/ct_ct1.png", "data/raw/ct/CT1_UNC.explicit_little_endian.dcm", "AcquisitionDate",
         "AcquisitionTime", META_SRC_DICOM_ACQUISITION},
        {"data/prepared/native/ct_pancreas.png", "data/raw/ct/explicit_VR-UN.dcm", "StudyDate", "StudyTime",
         META_SRC_DICOM_STUDY},
        {"data/prepared/native/mri_0051.png", "data/raw/brain_mri/0051.dcm", "AcquisitionDate", "AcquisitionTime",
         META_SRC_DICOM_ACQUISITION},
        {"data/prepared/native/mri_axasc35.png", "data/raw/brain_mri/axasc35.dcm", "AcquisitionDate",
         "AcquisitionTime", META_SRC_DICOM_ACQUISITION},
        {"data/prepared/paper/xray_rg1_2124x2056.png", "data/raw/chest_xray/RG1_J2KI.dcm", "ContentDate",
         "ContentTime", META_SRC_DICOM_CONTENT},
        {"data/prepared/paper/ct_ct1_581x476.png", "data/raw/ct/CT1_UNC.explicit_little_endian.dcm",
         "AcquisitionDate", "AcquisitionTime", META_SRC_DICOM_ACQUISITION},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char v[4][80], want[200];
        const char *tags[4] = {t[i].date, t[i].time, "TimezoneOffsetFromUTC", "SOPInstanceUID"};
        dcmdump_values(src_path(t[i].dcm), tags, 4, v);
        const char *da = v[0], *tm = v[1], *tz = v[2], *uid = v[3];
        cr_assert(strlen(da) == 8, "%s: dcmdump gave date '%s'", t[i].dcm, da);
        expect_from_dicom(want, sizeof want, da, tm, tz, uid);
        meta_record m;
        mc_err e = meta_read(src_path(t[i].png), &m);
        cr_assert_eq(e, MC_OK, "%s: %s", t[i].png, mc_errmsg(e));
        cr_expect_str_eq(canon(&m), want, "%s", t[i].png);
        cr_expect_eq(m.src, t[i].src, "%s", t[i].png);
    }
}

Test(meta_real, ct1_acquisition_matches_sources_md)
{
    /* data/SOURCES.md: AcquisitionDate 19970430, AcquisitionTime 112936; dcmdump: TZ -0400. */
    meta_record m;
    cr_assert_eq(meta_read(src_path("data/prepared/native/ct_ct1.png"), &m), MC_OK);
    cr_expect_str_eq(canon(&m), "medchaos-meta/1;1997-04-30T11:29:36.000000;tz=-04:00;"
                                "uid=1.3.6.1.4.1.5962.1.1.1.1.1.20040826185059.5457");
}

/* ---- files built here ---- */

Test(meta_build, jpeg_app1_exif_with_subsec_and_offset)
{
    make_tmpdir();
    unsigned n;
    unsigned char *b = exif_block("2021:03:04 05:06:07", "25", "+09:30", "1999:01:01 00:00:00", &n);
    write_jpeg_with_app1(tmp_path("x.jpg"), b, n);
    free(b);
    meta_record m;
    cr_assert_eq(meta_read(tmp_path("x.jpg"), &m), MC_OK, "%s", mc_errmsg(MC_OK));
    /* DateTimeOriginal outranks IFD0 DateTime; "25" is 0.25 s. */
    cr_expect_str_eq(canon(&m), "medchaos-meta/1;2021-03-04T05:06:07.250000;tz=+09:30;uid=");
    cr_expect_eq(m.src, META_SRC_EXIF_ORIGINAL);
    remove_tmpdir();
}

Test(meta_build, jpeg_ifd0_datetime_alone_is_used)
{
    make_tmpdir();
    unsigned n;
    unsigned char *b = exif_block(NULL, NULL, NULL, "1999:12:31 23:59:59", &n);
    write_jpeg_with_app1(tmp_path("x.jpg"), b, n);
    free(b);
    meta_record m;
    cr_assert_eq(meta_read(tmp_path("x.jpg"), &m), MC_OK);
    cr_expect_str_eq(canon(&m), "medchaos-meta/1;1999-12-31T23:59:59.000000;tz=unknown;uid=");
    cr_expect_eq(m.src, META_SRC_EXIF_DATETIME);
    remove_tmpdir();
}

Test(meta_build, jpeg_exif_unknown_date_means_no_date)
{
    /* EXIF 2.32 §4.6.5: an unknown date may be written as blanks or zeros. */
    make_tmpdir();
    unsigned n;
    unsigned char *b = exif_block("0000:00:00 00:00:00", NULL, NULL, "    :  :     :  :  ", &n);
    write_jpeg_with_app1(tmp_path("x.jpg"), b, n);
    free(b);
    meta_record m;
    cr_expect_eq(meta_read(tmp_path("x.jpg"), &m), MC_E_NOMETA);
    mc_clear_error();
    remove_tmpdir();
}

Test(meta_build, png_exif_read_with_and_without_exif_prefix)
{
    make_tmpdir();
    unsigned n;
    unsigned char *b = exif_block("2010:10:10 10:10:10", "5", "-03:00", NULL, &n);
    png_spec s = {0};
    s.exif = b + 6; /* PNG 3rd ed.: the payload starts at the TIFF header */
    s.exif_len = n - 6;
    write_png(tmp_path("a.png"), &s);
    s.exif = b; /* the non-standard form with "Exif\0\0" in front */
    s.exif_len = n;
    write_png(tmp_path("b.png"), &s);
    free(b);
    const char *want = "medchaos-meta/1;2010-10-10T10:10:10.500000;tz=-03:00;uid=";
    meta_record m;
    cr_assert_eq(meta_read(tmp_path("a.png"), &m), MC_OK, "%s", mc_errmsg(MC_E_FORMAT));
    cr_expect_str_eq(canon(&m), want);
    cr_assert_eq(meta_read(tmp_path("b.png"), &m), MC_OK, "%s", mc_errmsg(MC_E_FORMAT));
    cr_expect_str_eq(canon(&m), want);
    remove_tmpdir();
}

Test(meta_build, png_creation_time_text_forms)
{
    static const struct {
        const char *text, *want;
    } t[] = {
        {"2007-02-19T12:51:57", "medchaos-meta/1;2007-02-19T12:51:57.000000;tz=unknown;uid="},
        {"2007:02:19 12:51:57", "medchaos-meta/1;2007-02-19T12:51:57.000000;tz=unknown;uid="},
        {"2007-02-19 12:51:57.5Z", "medchaos-meta/1;2007-02-19T12:51:57.500000;tz=+00:00;uid="},
        {"Mon, 19 Feb 2007 12:51:57 +0100", "medchaos-meta/1;2007-02-19T12:51:57.000000;tz=+01:00;uid="},
        {"Mon, 19 Feb 2007 12:51:57 GMT", "medchaos-meta/1;2007-02-19T12:51:57.000000;tz=+00:00;uid="},
    };
    make_tmpdir();
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        png_spec s = {0};
        s.key = "Creation Time";
        s.text = t[i].text;
        s.text_len = strlen(t[i].text);
        s.itxt = (int)(i & 1);
        write_png(tmp_path("c.png"), &s);
        meta_record m;
        mc_err e = meta_read(tmp_path("c.png"), &m);
        cr_assert_eq(e, MC_OK, "'%s': %s", t[i].text, mc_errmsg(e));
        cr_expect_str_eq(canon(&m), t[i].want, "'%s'", t[i].text);
        cr_expect_eq(m.src, META_SRC_PNG_CREATION_TIME);
    }
    remove_tmpdir();
}

Test(meta_build, non_utf8_itxt_is_an_error)
{
    make_tmpdir();
    static const char bad[] = "2007-02-19T12:51:57\xff\xfe";
    png_spec s = {0};
    s.key = "Creation Time";
    s.text = bad;
    s.text_len = sizeof bad - 1;
    s.itxt = 1;
    write_png(tmp_path("u.png"), &s);
    meta_record m;
    mc_err e = meta_read(tmp_path("u.png"), &m);
    cr_assert_eq(e, MC_E_FORMAT);
    cr_expect_not_null(strstr(mc_errmsg(e), "UTF-8"), "%s", mc_errmsg(e));
    mc_clear_error();
    remove_tmpdir();
}

/* xorshift32: reproducible "random" bytes without touching the secure RNG. */
static uint32_t next_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

Test(meta_build, corrupt_exif_is_an_error_not_a_crash)
{
    make_tmpdir();
    uint32_t seed = 0x9e3779b9u;
    unsigned char junk[300];
    for (int round = 0; round < 40; round++) {
        unsigned len = 8 + next_rand(&seed) % (sizeof junk - 8);
        for (unsigned i = 0; i < len; i++) junk[i] = (unsigned char)next_rand(&seed);
        /* Half the rounds get a valid TIFF header so libexif walks garbage IFDs. */
        int deep = round & 1;
        if (deep) memcpy(junk, "MM\0\x2a\0\0\0\x08", 8);
        else if (junk[0] == 'M' || junk[0] == 'I' || junk[0] == 'E') junk[0] = 'x';
        png_spec s = {0};
        s.exif = junk;
        s.exif_len = len;
        write_png(tmp_path("r.png"), &s);
        meta_record m;
        mc_err e = meta_read(tmp_path("r.png"), &m);
        if (deep) cr_expect(e == MC_E_FORMAT || e == MC_E_NOMETA, "round %d: %d", round, e);
        else cr_expect_eq(e, MC_E_FORMAT, "round %d: %d (%s)", round, e, mc_errmsg(e));
        mc_clear_error();
    }
    remove_tmpdir();
}

Test(meta_build, impossible_exif_date_is_an_error)
{
    make_tmpdir();
    unsigned n;
    unsigned char *b = exif_block("2007:02:30 12:00:00", NULL, NULL, "2007:02:19 12:00:00", &n);
    write_jpeg_with_app1(tmp_path("x.jpg"), b, n);
    free(b);
    meta_record m;
    mc_err e = meta_read(tmp_path("x.jpg"), &m);
    cr_expect_eq(e, MC_E_FORMAT, "a bad DateTimeOriginal must not fall back silently");
    cr_expect_not_null(strstr(mc_errmsg(e), "day 30"), "%s", mc_errmsg(e));
    mc_clear_error();
    remove_tmpdir();
}

Test(meta_build, truncated_and_foreign_files)
{
    make_tmpdir();
    FILE *f = fopen(tmp_path("t.png"), "wb");
    fwrite("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 1, 16, f);
    fclose(f);
    f = fopen(tmp_path("t.txt"), "wb");
    fputs("hello", f);
    fclose(f);
    meta_record m;
    cr_expect_eq(meta_read(tmp_path("t.png"), &m), MC_E_FORMAT);
    cr_expect_eq(meta_read(tmp_path("t.txt"), &m), MC_E_UNSUPPORTED);
    cr_expect_eq(meta_read(tmp_path("missing.png"), &m), MC_E_IO);
    mc_clear_error();
    remove_tmpdir();
}

/* ---- meta set ---- */

Test(meta_set, writes_exif_and_text_and_keeps_pixels_and_depth)
{
    make_tmpdir();
    png_spec s = {0};
    s.depth = 16;
    s.key = "Creation Time"; /* an older date that meta set must replace */
    s.text = "1990-01-01T00:00:00";
    s.text_len = strlen(s.text);
    write_png(tmp_path("in.png"), &s);
    meta_record m;
    cr_assert_eq(meta_parse_datetime("2012:06:30 23:59:59", &m), MC_OK);
    cr_assert_eq(meta_set_subsec(&m, "123"), MC_OK);
    cr_assert_eq(meta_set_offset(&m, "-05:00"), MC_OK);
    meta_text t[] = {{"DICOM:SOPInstanceUID", "1.2.840.1"}};
    cr_assert_eq(meta_png_set(tmp_path("in.png"), tmp_path("out.png"), &m, t, 1, 0), MC_OK);

    meta_scan *sc = malloc(sizeof *sc);
    cr_assert_eq(meta_scan_file(tmp_path("out.png"), sc), MC_OK);
    int creation = 0;
    for (int i = 0; i < sc->n; i++) {
        cr_expect_eq(sc->items[i].status, MC_OK, "%s", sc->items[i].detail);
        cr_expect_str_eq(canon(&sc->items[i].rec),
                         "medchaos-meta/1;2012-06-30T23:59:59.123000;tz=-05:00;uid=1.2.840.1");
        creation += sc->items[i].src == META_SRC_PNG_CREATION_TIME;
    }
    cr_expect_eq(creation, 1, "the old Creation Time is dropped");
    cr_expect_eq(sc->n, 2);
    free(sc);

    png_uint_32 w1, h1, w2, h2;
    int d1, d2;
    size_t n1, n2;
    unsigned char *p1 = decode_png(tmp_path("in.png"), &w1, &h1, &d1, &n1);
    unsigned char *p2 = decode_png(tmp_path("out.png"), &w2, &h2, &d2, &n2);
    cr_expect(w1 == w2 && h1 == h2 && d1 == 16 && d2 == 16 && n1 == n2);
    cr_expect_eq(memcmp(p1, p2, n1), 0, "pixels changed");
    free(p1);
    free(p2);
    remove_tmpdir();
}

Test(meta_set, refuses_to_overwrite_and_leaves_nothing_on_error)
{
    make_tmpdir();
    png_spec s = {0};
    write_png(tmp_path("in.png"), &s);
    meta_record m;
    cr_assert_eq(meta_parse_datetime("2012:06:30 23:59:59", &m), MC_OK);
    cr_expect_eq(meta_png_set(tmp_path("in.png"), tmp_path("in.png"), &m, NULL, 0, 1), MC_E_ARG);
    cr_assert_eq(meta_png_set(tmp_path("in.png"), tmp_path("o.png"), &m, NULL, 0, 0), MC_OK);
    cr_expect_eq(meta_png_set(tmp_path("in.png"), tmp_path("o.png"), &m, NULL, 0, 0), MC_E_EXISTS);
    cr_expect_eq(meta_png_set(tmp_path("in.png"), tmp_path("o.png"), &m, NULL, 0, 1), MC_OK);
    meta_text bad[] = {{"DICOM:StudyDate", "20041326"}};
    cr_expect_eq(meta_png_set(tmp_path("in.png"), tmp_path("p.png"), NULL, bad, 1, 0), MC_E_FORMAT);
    meta_text badkey[] = {{" lead", "x"}};
    cr_expect_eq(meta_png_set(tmp_path("in.png"), tmp_path("p.png"), NULL, badkey, 1, 0), MC_E_ARG);
    cr_expect_neq(access(tmp_path("p.png"), F_OK), 0, "no output after a failure");
    mc_clear_error();
    remove_tmpdir();
}

Test(meta_set, dicom_text_keys_pair_up_by_priority)
{
    make_tmpdir();
    png_spec s = {0};
    write_png(tmp_path("in.png"), &s);
    meta_text t[] = {{"DICOM:StudyDate", "20040826"}, {"DICOM:StudyTime", "185059"},
                     {"DICOM:ContentDate", "19950926"}, {"DICOM:ContentTime", "125130.5"},
                     {"DICOM:TimezoneOffsetFromUTC", "-0400"}};
    cr_assert_eq(meta_png_set(tmp_path("in.png"), tmp_path("o.png"), NULL, t, 5, 0), MC_OK);
    meta_record m;
    cr_assert_eq(meta_read(tmp_path("o.png"), &m), MC_OK);
    cr_expect_str_eq(canon(&m), "medchaos-meta/1;1995-09-26T12:51:30.500000;tz=-04:00;uid=");
    cr_expect_eq(m.src, META_SRC_DICOM_CONTENT);
    remove_tmpdir();
}

/* ---- parsing and the canonical string ---- */

Test(meta_parse, one_second_changes_the_canonical_string)
{
    meta_record a, b;
    cr_assert_eq(meta_parse_datetime("2007:02:19 12:51:57", &a), MC_OK);
    cr_assert_eq(meta_parse_datetime("2007:02:19 12:51:58", &b), MC_OK);
    char ca[META_CANON_MAX], cb[META_CANON_MAX];
    meta_canonical(&a, ca, sizeof ca);
    meta_canonical(&b, cb, sizeof cb);
    cr_expect_str_neq(ca, cb);
    cr_expect_str_eq(ca, "medchaos-meta/1;2007-02-19T12:51:57.000000;tz=unknown;uid=");
    char d[META_CANON_MAX + 32];
    meta_describe(&a, d, sizeof d);
    cr_expect_str_eq(d, "medchaos-meta/1;2007-02-19T12:51:57.000000;tz=unknown;uid=;src=manual");
}

Test(meta_parse, impossible_dates_are_refused)
{
    const char *bad[] = {"2007:13:01 00:00:00", "2007:00:10 00:00:00", "2007:02:30 00:00:00",
                         "2007:02:29 00:00:00", "1900:02:29 00:00:00", "2007:04:31 00:00:00",
                         "2007:02:19 25:61:61", "2007:02:19 24:00:00", "2007:02:19 12:60:00",
                         "2007:02:19 12:00:60", "0000:01:01 00:00:00", "2007:02:19", "2007:02:19 12:51",
                         "2007/02/19 12:51:57", "2007:02-19 12:51:57", "2007:02:19 12:51:57 junk",
                         "2007:02:19 12:51:57+15:00", "2007:02:19 12:51:57.", "2007:02:19 12:51:57.1234567890",
                         "Mon, 30 Feb 2007 12:51:57 GMT", "Xyz, 19 Feb 2007 12:51:57 GMT", "", "   ",
                         "2007:02:19 12:51:57+05:60"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        meta_record m;
        cr_expect_eq(meta_parse_datetime(bad[i], &m), MC_E_FORMAT, "'%s' accepted", bad[i]);
        mc_clear_error();
    }
}

Test(meta_parse, leap_years_follow_the_gregorian_rule)
{
    const char *good[] = {"2000:02:29 00:00:00", "2008:02:29 00:00:00", "1600:02:29 23:59:59",
                          "2007:12:31 23:59:59", "0001:01:01 00:00:00", "9999:12:31 23:59:59"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        meta_record m;
        cr_expect_eq(meta_parse_datetime(good[i], &m), MC_OK, "'%s': %s", good[i], mc_errmsg(MC_E_FORMAT));
    }
}

Test(meta_parse, iso_forms_fractions_and_offsets)
{
    static const struct {
        const char *in, *want;
    } t[] = {
        {"2007-02-19T12:51:57", "2007-02-19T12:51:57.000000;tz=unknown"},
        {"2007-02-19 12:51:57.1", "2007-02-19T12:51:57.100000;tz=unknown"},
        {"2007-02-19T12:51:57.1234567+05:30", "2007-02-19T12:51:57.123456;tz=+05:30"},
        {"2007-02-19T12:51:57-0800", "2007-02-19T12:51:57.000000;tz=-08:00"},
        {" 2007:02:19 12:51:57 ", "2007-02-19T12:51:57.000000;tz=unknown"},
        {"2007-02-19T12:51:57Z", "2007-02-19T12:51:57.000000;tz=+00:00"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        meta_record m;
        cr_assert_eq(meta_parse_datetime(t[i].in, &m), MC_OK, "'%s'", t[i].in);
        char want[128];
        snprintf(want, sizeof want, "medchaos-meta/1;%s;uid=", t[i].want);
        cr_expect_str_eq(canon(&m), want, "'%s'", t[i].in);
    }
}

Test(meta_parse, dicom_da_tm_dt_and_offset)
{
    meta_record m;
    memset(&m, 0, sizeof m);
    cr_assert_eq(meta_parse_dicom_da_tm("20181218", "131934.0875", &m), MC_OK);
    cr_expect_str_eq(canon(&m), "medchaos-meta/1;2018-12-18T13:19:34.087500;tz=unknown;uid=");
    cr_assert_eq(meta_parse_dicom_da_tm("20181218", "13", &m), MC_OK);
    cr_expect_str_eq(canon(&m), "medchaos-meta/1;2018-12-18T13:00:00.000000;tz=unknown;uid=");
    cr_assert_eq(meta_parse_dicom_da_tm("20181218", "13:19:34", &m), MC_OK); /* ACR-NEMA form */
    cr_expect_eq(m.second, 34);
    cr_assert_eq(meta_parse_dicom_dt("20040826185059.5-0400", &m), MC_OK);
    cr_expect_str_eq(canon(&m), "medchaos-meta/1;2004-08-26T18:50:59.500000;tz=-04:00;uid=");
    cr_expect_eq(meta_parse_dicom_da_tm("20041326", "", &m), MC_E_FORMAT);
    cr_expect_eq(meta_parse_dicom_da_tm("2004082", "", &m), MC_E_FORMAT);
    cr_expect_eq(meta_parse_dicom_da_tm("20040826", "256161", &m), MC_E_FORMAT);
    cr_expect_eq(meta_parse_dicom_da_tm("20040826", "1200.1234567", &m), MC_E_FORMAT);
    cr_expect_eq(meta_parse_dicom_offset("+1500", &m), MC_E_FORMAT);
    cr_expect_eq(meta_parse_dicom_offset("-04:00", &m), MC_E_FORMAT);
    mc_clear_error();
}

Test(meta_parse, uids_and_manual_fields)
{
    meta_record m;
    cr_assert_eq(meta_parse_datetime("2007:02:19 12:51:57", &m), MC_OK);
    cr_expect_eq(meta_set_uid(&m, "1.2.840.10008.1.2"), MC_OK);
    cr_expect_eq(meta_set_uid(&m, "1.2.a"), MC_E_FORMAT);
    cr_expect_eq(meta_set_uid(&m, "1..2"), MC_E_FORMAT);
    cr_expect_eq(meta_set_uid(&m, "1.2345678901234567890123456789012345678901234567890123456789012345"),
                 MC_E_FORMAT);
    cr_expect_eq(meta_set_subsec(&m, "12x"), MC_E_FORMAT);
    cr_expect_eq(meta_set_offset(&m, "+25:00"), MC_E_FORMAT);
    cr_expect_eq(meta_set_offset(&m, "Z"), MC_E_FORMAT);
    cr_assert_eq(meta_set_subsec(&m, "07"), MC_OK);
    cr_assert_eq(meta_set_offset(&m, "+14:00"), MC_OK);
    cr_expect_str_eq(canon(&m), "medchaos-meta/1;2007-02-19T12:51:57.070000;tz=+14:00;uid=1.2.840.10008.1.2");
    mc_clear_error();
}

/* ---- the metadata image ---- */

Test(meta_render, bands_hold_the_field_values_and_stay_in_range)
{
    meta_record m;
    cr_assert_eq(meta_parse_datetime("2007:02:19 12:51:57+01:00", &m), MC_OK);
    int sizes[] = {32, 97, 224};
    for (int k = 0; k < 3; k++) {
        int s = sizes[k];
        float *f = malloc(3 * (size_t)s * s * sizeof *f);
        cr_assert_eq(meta_render(&m, s, f), MC_OK);
        for (size_t i = 0; i < 3 * (size_t)s * s; i++) cr_assert(f[i] >= 0.0f && f[i] <= 1.0f);
        /* Channel 1, band b (rows b*s/9 ...): month band = (2-1)/11, hour = 12/23. */
        const float *level = f + (size_t)s * s;
        int row_month = (1 * s + 8) / 9, row_hour = (3 * s + 8) / 9;
        cr_expect_float_eq(level[(size_t)row_month * s], (float)(1 / 11.0), 1e-7);
        cr_expect_float_eq(level[(size_t)row_hour * s + s - 1], (float)(12 / 23.0), 1e-7);
        /* Channel 2: the hour bar lights the first 12/23 of its row. */
        const float *bar = f + 2 * (size_t)s * s;
        int lit = 0;
        for (int x = 0; x < s; x++) lit += bar[(size_t)row_hour * s + x] == 1.0f;
        cr_expect_eq(lit, (int)(12.0 / 23.0 * s), "size %d", s);
        free(f);
    }
}

Test(meta_render, one_second_changes_the_image_and_rendering_is_deterministic)
{
    meta_record a, b;
    cr_assert_eq(meta_parse_datetime("2007:02:19 12:51:57", &a), MC_OK);
    cr_assert_eq(meta_parse_datetime("2007:02:19 12:51:58", &b), MC_OK);
    size_t n = 3 * 224 * 224;
    float *fa = malloc(n * sizeof *fa), *fa2 = malloc(n * sizeof *fa), *fb = malloc(n * sizeof *fb);
    cr_assert_eq(meta_render(&a, 224, fa), MC_OK);
    cr_assert_eq(meta_render(&a, 224, fa2), MC_OK);
    cr_assert_eq(meta_render(&b, 224, fb), MC_OK);
    cr_expect_eq(memcmp(fa, fa2, n * sizeof *fa), 0);
    size_t diff_text = 0, diff_level = 0;
    for (size_t i = 0; i < 224 * 224; i++) diff_text += fa[i] != fb[i];
    for (size_t i = 224 * 224; i < 2 * 224 * 224; i++) diff_level += fa[i] != fb[i];
    cr_expect_gt(diff_text, 20, "the seconds glyph must change");
    cr_expect_gt(diff_level, 0, "the seconds band must change");
    cr_expect_eq(meta_render(&a, 31, fa), MC_E_ARG);
    free(fa);
    free(fa2);
    free(fb);
    mc_clear_error();
}

Test(meta_render, every_drawn_character_has_a_glyph)
{
    const char *chars = "0123456789-:.+? ";
    for (const char *c = chars; *c; c++) cr_expect_not_null(meta_glyph(*c), "'%c'", *c);
    cr_expect_null(meta_glyph('A'));
    /* Digits must be pairwise distinct, or two dates could draw alike. */
    for (char x = '0'; x <= '9'; x++)
        for (char y = (char)(x + 1); y <= '9'; y++) cr_expect_neq(memcmp(meta_glyph(x), meta_glyph(y), 7), 0);
}

/* ---- the command line ---- */

static int run_cli(const char *args, char *err, size_t cap)
{
    const char *b = getenv("MC_BUILDDIR");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s/medchaos' meta %s 2>'%s/stderr' >/dev/null", getenv("MC_SRCDIR"),
             b ? b : ".", args, tmpdir);
    int st = system(cmd);
    FILE *f = fopen(tmp_path("stderr"), "r");
    size_t n = f ? fread(err, 1, cap - 1, f) : 0;
    err[n] = 0;
    if (f) fclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(meta_cli, exit_codes_messages_and_outputs)
{
    if (!getenv("MC_BUILDDIR")) cr_skip_test("MC_BUILDDIR not set (run through make check)");
    make_tmpdir();
    char err[1024], args[1024];
    cr_expect_eq(run_cli("show data/raw/fundus/01_h.jpg", err, sizeof err), 15, "MC_E_NOMETA exits 15");
    cr_expect_not_null(strstr(err, "01_h.jpg: no acquisition date"), "%s", err);
    cr_expect_not_null(strstr(err, "--datetime 'YYYY:MM:DD HH:MM:SS'"), "%s", err);
    cr_expect_eq(run_cli("show data/raw/fundus/12_h.jpg --json", err, sizeof err), 0, "%s", err);
    cr_expect_eq(run_cli("set data/raw/chest_xray/00000001_000.png", err, sizeof err), 2, "no -o is a usage error");
    snprintf(args, sizeof args, "set data/raw/chest_xray/00000001_000.png --datetime '2007:02:30 00:00:00' -o '%s'",
             tmp_path("x.png"));
    cr_expect_eq(run_cli(args, err, sizeof err), 5, "MC_E_FORMAT exits 5: %s", err);
    cr_expect_neq(access(tmp_path("x.png"), F_OK), 0, "no output after a failure");
    snprintf(args, sizeof args, "render data/raw/fundus/12_h.jpg --size 64 -o '%s'", tmp_path("r.png"));
    cr_assert_eq(run_cli(args, err, sizeof err), 0, "%s", err);
    png_uint_32 w, h;
    int depth;
    size_t n;
    free(decode_png(tmp_path("r.png"), &w, &h, &depth, &n));
    cr_expect(w == 64 && h == 64 && depth == 8 && n == 64 * 64 * 3);
    remove_tmpdir();
}

Test(meta_real, prepared_signed_ct_is_the_dicom_pixel_data_plus_32768)
{
    /* data/README.md: signed DICOM samples are stored as value + 32768 in the
     * 16-bit PNG. GDCM's gdcmraw extracts the raw pixel data independently. */
    if (system("command -v gdcmraw >/dev/null 2>&1") != 0) cr_skip_test("gdcmraw (libgdcm-tools) not installed");
    make_tmpdir();
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "gdcmraw -i '%s' -o '%s'", src_path("data/raw/ct/CT_small.dcm"), tmp_path("raw.bin"));
    cr_assert_eq(system(cmd), 0);
    FILE *f = fopen(tmp_path("raw.bin"), "rb");
    cr_assert_not_null(f);
    static unsigned char raw[128 * 128 * 2];
    cr_assert_eq(fread(raw, 1, sizeof raw, f), sizeof raw);
    fclose(f);
    png_uint_32 w, h;
    int depth;
    size_t n;
    unsigned char *p = decode_png(src_path("data/prepared/native/ct_small.png"), &w, &h, &depth, &n);
    cr_assert(w == 128 && h == 128 && depth == 16 && n == sizeof raw);
    int bad = 0;
    for (size_t i = 0; i < 128 * 128; i++) {
        int v = (int16_t)(raw[2 * i] | raw[2 * i + 1] << 8);          /* DICOM: little-endian, signed */
        int q = p[2 * i] << 8 | p[2 * i + 1];                           /* PNG: big-endian, unsigned */
        bad += q != v + 32768;
    }
    cr_expect_eq(bad, 0, "%d pixels differ", bad);
    free(p);
    remove_tmpdir();
}
