/* JPEG reading through libjpeg(-turbo). The decoded pixels are the image (the
 * plaintext of the cipher); we never write JPEG, a lossy format. libjpeg
 * stops on errors by calling error_exit: ours records the message and
 * longjmps back; its messages and warnings are never printed. */
#include "image/io.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* jpeglib.h needs FILE and size_t declared first. */
#include <jerror.h>
#include <jpeglib.h>

#include "util/limits.h"

typedef struct {
    struct jpeg_error_mgr mgr; /* first, so the jpeg_error_mgr* is ours */
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
    mc_err code;
} jpeg_diag;

static void on_error_exit(j_common_ptr cinfo)
{
    jpeg_diag *d = (jpeg_diag *)cinfo->err;
    cinfo->err->format_message(cinfo, d->msg);
    d->code = MC_E_FORMAT;
    longjmp(d->jump, 1);
}

/* libjpeg reports corrupt data as a warning (msg_level -1) and carries on
 * with made-up pixels; a truncated file gets a fake end marker and grey
 * fill. Such output is not the image, so both stop the read. Extraneous
 * bytes between markers are harmless and common, and trace messages
 * (msg_level >= 0) are only chatter: both are ignored. */
static void on_emit_message(j_common_ptr cinfo, int level)
{
    jpeg_diag *d = (jpeg_diag *)cinfo->err;
    if (level >= 0 || cinfo->err->msg_code == JWRN_EXTRANEOUS_DATA) return;
    cinfo->err->format_message(cinfo, d->msg);
    d->code = cinfo->err->msg_code == JWRN_JPEG_EOF ? MC_E_TRUNCATED : MC_E_FORMAT;
    longjmp(d->jump, 1);
}

static void on_output_message(j_common_ptr cinfo) { (void)cinfo; }

/* A progressive JPEG may hold any number of scans, each a pass over the whole
 * coefficient buffer: a small file of many tiny scans costs quadratic time.
 * libjpeg calls this between rows and scans; past MC_LIMIT_JPEG_SCANS it stops. */
static void on_progress(j_common_ptr cinfo)
{
    j_decompress_ptr d = (j_decompress_ptr)cinfo;
    if (d->input_scan_number <= MC_LIMIT_JPEG_SCANS) return;
    jpeg_diag *g = (jpeg_diag *)cinfo->err;
    snprintf(g->msg, sizeof g->msg, "more than %d scans", MC_LIMIT_JPEG_SCANS);
    g->code = MC_E_TOO_LARGE;
    longjmp(g->jump, 1);
}

typedef struct {
    jpeg_diag diag;
    struct jpeg_decompress_struct cinfo;
    struct jpeg_progress_mgr progress;
    img_image im;
} jpeg_reader;

/* All state is in *r, valid again after a longjmp from libjpeg. */
static mc_err jpeg_decode(jpeg_reader *r, const uint8_t *buf, size_t n)
{
    struct jpeg_decompress_struct *c = &r->cinfo;
    if (setjmp(r->diag.jump)) {
        if (r->diag.code == MC_E_TRUNCATED)
            return mc_fail(MC_E_TRUNCATED, "JPEG file ends early (%zu bytes)", n);
        if (strstr(r->diag.msg, "memory")) r->diag.code = MC_E_TOO_LARGE;
        return mc_fail(r->diag.code, "JPEG: %s", r->diag.msg);
    }
    jpeg_mem_src(c, buf, (unsigned long)n);
    /* Markers other than those libjpeg needs are skipped, never saved
     * (jpeg_save_markers is not called), so they cost no memory. Its own
     * allocations are capped at the per-image limit (util/limits.h). */
    c->mem->max_memory_to_use = (long)mc_limits_get().image_bytes;
    r->progress.progress_monitor = on_progress;
    c->progress = &r->progress;
    jpeg_read_header(c, TRUE);
    switch (c->jpeg_color_space) {
    case JCS_GRAYSCALE: c->out_color_space = JCS_GRAYSCALE; break;
    case JCS_YCbCr:
    case JCS_RGB: c->out_color_space = JCS_RGB; break;
    default:
        return mc_fail(MC_E_UNSUPPORTED, "JPEG: colour space %d (CMYK/YCCK) is not supported",
                       (int)c->jpeg_color_space);
    }
    if (c->data_precision != 8)
        return mc_fail(MC_E_UNSUPPORTED, "JPEG: %d-bit samples (8 supported)", c->data_precision);
    jpeg_calc_output_dimensions(c);
    mc_err e = img_check_geometry(c->output_width, c->output_height,
                                  (uint8_t)c->output_components, 8);
    if (e) return e;
    e = img_new(&r->im, c->output_width, c->output_height, (uint8_t)c->output_components, 8);
    if (e) return e;
    jpeg_start_decompress(c);
    size_t stride = img_row_bytes(&r->im);
    while (c->output_scanline < c->output_height) {
        JSAMPROW row = r->im.data + (size_t)c->output_scanline * stride;
        jpeg_read_scanlines(c, &row, 1);
    }
    jpeg_finish_decompress(c);
    return MC_OK;
}

mc_err img_read_jpeg_mem(const uint8_t *buf, size_t n, img_image *im)
{
    memset(im, 0, sizeof *im);
    if (n < 3 || buf[0] != 0xFF || buf[1] != 0xD8 || buf[2] != 0xFF)
        return mc_fail(MC_E_FORMAT, "not a JPEG file (bad signature)");
    jpeg_reader *r = calloc(1, sizeof *r);
    if (!r) return mc_fail(MC_E_NOMEM, "out of memory");
    r->cinfo.err = jpeg_std_error(&r->diag.mgr);
    r->diag.mgr.error_exit = on_error_exit;
    r->diag.mgr.emit_message = on_emit_message;
    r->diag.mgr.output_message = on_output_message;
    mc_err e;
    if (setjmp(r->diag.jump)) {
        e = mc_fail(MC_E_NOMEM, "cannot create the JPEG decoder");
    } else {
        jpeg_create_decompress(&r->cinfo);
        e = jpeg_decode(r, buf, n);
    }
    jpeg_destroy_decompress(&r->cinfo);
    if (e)
        img_free(&r->im);
    else
        *im = r->im;
    free(r);
    return e;
}
