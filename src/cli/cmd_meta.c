/* medchaos meta: show an image's acquisition metadata, write it into a PNG,
 * or render the metadata image the network reads. The work is in src/meta;
 * this file only parses options and prints. */
#include "cli/cli.h"
#include "util/safefile.h"
#include "meta/meta.h"
#include "meta/render.h"
#include "meta/scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TEXTS 32

static const char usage_text[] =
    "usage: medchaos meta show FILE [--json | --canonical] [--allow-file-time]\n"
    "       medchaos meta set FILE -o OUT.png [--datetime 'YYYY:MM:DD HH:MM:SS'] [--subsec DIGITS]\n"
    "                         [--offset +HH:MM] [--uid UID] [--text KEY=VALUE]... [--force]\n"
    "       medchaos meta render [FILE] -o OUT.png [--size S] [--datetime ...] [--subsec ...]\n"
    "                         [--offset ...] [--uid ...] [--allow-file-time] [--force]\n"
    "\n"
    "show    list every date found in FILE (EXIF, PNG text, DICOM:* keys) and the one used\n"
    "        (priority: DICOM acquisition, content, study; EXIF original, digitized, DateTime;\n"
    "        PNG Creation Time). Exit status 15 when there is none.\n"
    "set     copy the PNG FILE to OUT.png adding an eXIf chunk and a tEXt 'Creation Time'\n"
    "        (from --datetime) and tEXt chunks KEY=VALUE (e.g. DICOM:StudyDate=20040826);\n"
    "        the image data is copied byte for byte.\n"
    "render  write the 8-bit RGB metadata image (S x S, default 224, at least 32) of FILE's\n"
    "        metadata, or of --datetime when given.\n"
    "--allow-file-time uses the file's modification time when FILE has no date.\n"
    "See docs/METADATA.md.\n";

typedef struct {
    const char *file, *out;
    int json, force, size;
    meta_options mo;
    meta_text texts[MAX_TEXTS];
    int ntexts;
} meta_args;

static int parse_args(int argc, char **argv, const char *sub, meta_args *a)
{
    memset(a, 0, sizeof *a);
    a->size = META_RENDER_DEFAULT;
    for (int i = 2; i < argc; i++) {
        const char *o = argv[i];
        const char **slot = NULL;
        if (!strcmp(o, "--json")) { a->json = 1; continue; }
        if (!strcmp(o, "--canonical")) { a->json = 2; continue; }
        if (!strcmp(o, "--force")) { a->force = 1; continue; }
        if (!strcmp(o, "--allow-file-time")) { a->mo.allow_file_time = 1; continue; }
        if (o[0] == '-' && o[1]) {
            if (i + 1 >= argc) return cli_usage_error("meta", "%s %s needs a value", sub, o);
            const char *v = argv[++i];
            if (!strcmp(o, "-o")) slot = &a->out;
            else if (!strcmp(o, "--datetime")) slot = &a->mo.datetime;
            else if (!strcmp(o, "--subsec")) slot = &a->mo.subsec;
            else if (!strcmp(o, "--offset")) slot = &a->mo.offset;
            else if (!strcmp(o, "--uid")) slot = &a->mo.uid;
            else if (!strcmp(o, "--size")) {
                char *end;
                long s = strtol(v, &end, 10);
                if (*end || s < META_RENDER_MIN || s > META_RENDER_MAX)
                    return cli_usage_error("meta", "--size must be an integer from %d to %d", META_RENDER_MIN,
                                           META_RENDER_MAX);
                a->size = (int)s;
                continue;
            } else if (!strcmp(o, "--text")) {
                char *eq = strchr(v, '=');
                if (!eq || eq == v) return cli_usage_error("meta", "--text wants KEY=VALUE, got '%s'", v);
                if (a->ntexts == MAX_TEXTS) return cli_usage_error("meta", "at most %d --text options", MAX_TEXTS);
                *eq = 0; /* argv strings are ours to modify (C11 §5.1.2.2.1) */
                a->texts[a->ntexts].key = v;
                a->texts[a->ntexts++].value = eq + 1;
                continue;
            } else {
                return cli_usage_error("meta", "unknown option %s", o);
            }
            *slot = v;
            continue;
        }
        if (a->file) return cli_usage_error("meta", "%s takes one FILE", sub);
        a->file = o;
    }
    return 0;
}

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') putchar('\\');
        putchar(*s); /* meta_scan strings are printable ASCII already */
    }
    putchar('"');
}

static int run_show(meta_args *a)
{
    if (!a->file) return cli_usage_error("meta", "show needs a FILE");
    meta_scan *s = malloc(sizeof *s);
    if (!s) return cli_fail(a->file, mc_fail(MC_E_NOMEM, "out of memory"));
    mc_err e = meta_scan_file(a->file, s);
    if (e) {
        free(s);
        return cli_fail(a->file, e);
    }
    meta_record m;
    int which = -1;
    mc_err ce = meta_choose(s, &m, &which);
    if (ce == MC_E_NOMETA && a->mo.allow_file_time) {
        mc_clear_error();
        ce = meta_from_file_time(a->file, &m);
        which = -1;
    }
    char canon[META_CANON_MAX] = "";
    if (!ce) meta_canonical(&m, canon, sizeof canon);
    if (a->json == 2) {
        if (!ce) printf("%s\n", canon);
    } else if (a->json) {
        printf("{\"file\": ");
        json_string(a->file);
        printf(", \"format\": \"%s\", \"sources\": [", s->format);
        for (int i = 0; i < s->n; i++) {
            const meta_found *f = &s->items[i];
            printf("%s{\"source\": \"%s\", \"where\": ", i ? ", " : "", meta_source_name(f->src));
            json_string(f->where);
            printf(", \"raw\": ");
            json_string(f->raw);
            printf(", \"ok\": %s, \"error\": ", f->status ? "false" : "true");
            json_string(f->status ? f->detail : "");
            printf(", \"chosen\": %s}", i == which && !ce ? "true" : "false");
        }
        printf("], \"notes\": [");
        for (int i = 0; i < s->nnotes; i++) {
            printf("%s", i ? ", " : "");
            json_string(s->notes[i]);
        }
        printf("], \"canonical\": ");
        json_string(canon);
        printf(", \"source\": \"%s\"}\n", ce ? "" : meta_source_name(m.src));
    } else {
        printf("%s: %s, %d date source%s\n", a->file, s->format, s->n, s->n == 1 ? "" : "s");
        for (int i = 0; i < s->n; i++) {
            const meta_found *f = &s->items[i];
            printf("  %c %-18s %-40s %s%s%s\n", i == which && !ce ? '*' : ' ', meta_source_name(f->src), f->where,
                   f->raw, f->status ? "  ERROR: " : "", f->status ? f->detail : "");
        }
        for (int i = 0; i < s->nnotes; i++) printf("  note: %s\n", s->notes[i]);
        if (!ce) printf("canonical: %s\nsource: %s\n", canon, meta_source_name(m.src));
    }
    free(s);
    return ce ? cli_fail(a->file, ce) : 0;
}

static int run_set(meta_args *a)
{
    if (!a->file || !a->out) return cli_usage_error("meta", "set needs FILE and -o OUT.png");
    if (a->mo.allow_file_time) return cli_usage_error("meta", "set does not take --allow-file-time");
    if (!a->mo.datetime && (a->mo.subsec || a->mo.offset))
        return cli_usage_error("meta", "--subsec and --offset complete --datetime");
    meta_record m;
    mc_err e;
    if (a->mo.datetime) {
        meta_options mo = a->mo;
        mo.uid = NULL; /* the UID travels as DICOM:SOPInstanceUID text */
        if ((e = meta_resolve(NULL, &mo, &m))) return cli_fail("--datetime", e);
    }
    if (a->mo.uid) {
        if (a->ntexts == MAX_TEXTS) return cli_usage_error("meta", "too many text chunks");
        a->texts[a->ntexts].key = "DICOM:SOPInstanceUID";
        a->texts[a->ntexts++].value = a->mo.uid;
    }
    /* The output is checked first, and written here, so each error names its file. */
    if ((e = mc_safe_input(a->file)) || (e = mc_safe_check_output(a->out, a->force))) return cli_fail(a->out, e);
    unsigned char *png;
    size_t len;
    if ((e = meta_png_with(a->file, a->mo.datetime ? &m : NULL, a->texts, a->ntexts, &png, &len)))
        return cli_fail(a->file, e);
    e = mc_write_file(a->out, png, len, MC_MODE_PUBLIC, a->force);
    free(png);
    return e ? cli_fail(a->out, e) : 0;
}

static int run_render(meta_args *a)
{
    if (!a->out) return cli_usage_error("meta", "render needs -o OUT.png");
    meta_record m;
    mc_err e = meta_resolve(a->file, &a->mo, &m);
    if (e) return cli_fail(a->file ? a->file : "--datetime", e);
    e = meta_render_png(&m, a->size, a->out, a->force);
    return e ? cli_fail(a->out, e) : 0;
}

int cmd_meta(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (argc < 2) {
        fputs(usage_text, stderr);
        return cli_exit_code(MC_E_ARG);
    }
    const char *sub = argv[1];
    meta_args a;
    int r = parse_args(argc, argv, sub, &a);
    if (r) return r;
    if (!strcmp(sub, "show")) return run_show(&a);
    if (!strcmp(sub, "set")) return run_set(&a);
    if (!strcmp(sub, "render")) return run_render(&a);
    return cli_usage_error("meta", "unknown subcommand '%s' (show, set, render)", sub);
}
