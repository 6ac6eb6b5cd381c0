/* See table.h. */
#include "table.h"

#include <stdarg.h>
#include <string.h>

/* Text into LaTeX: escape the specials and spell the few non-ASCII symbols the
 * tables use as math, so the report builds with plain pdflatex. */
static void tex_text(FILE *f, const char *s)
{
    static const struct { const char *utf8, *tex; } sym[] = {
        {"α", "$\\alpha$"}, {"χ²", "$\\chi^2$"}, {"∞", "$\\infty$"}, {"×", "$\\times$"},
        {"σ", "$\\sigma$"}, {"ρ", "$\\rho$"}, {"β", "$\\beta$"}, {"≈", "$\\approx$"},
        {"⌈", "$\\lceil$"}, {"⌉", "$\\rceil$"}, {"²", "$^2$"}, {"·", "$\\cdot$"}, {"≥", "$\\geq$"},
        {"≤", "$\\leq$"}, {"μ", "$\\mu$"}, {"Δ", "$\\Delta$"}, {"–", "--"}, {"—", "---"}, {"\"", "''"},
        {"√", "$\\surd$"}, {"Φ", "$\\Phi$"}, {"±", "$\\pm$"}, {"§", "\\S{}"}, {"⁻", "$^-$"},
    };
    for (; *s; s++) {
        size_t k;
        for (k = 0; k < sizeof sym / sizeof *sym; k++) {
            size_t n = strlen(sym[k].utf8);
            if (!strncmp(s, sym[k].utf8, n)) {
                fputs(sym[k].tex, f);
                s += n - 1;
                break;
            }
        }
        if (k < sizeof sym / sizeof *sym) continue;
        switch (*s) {
        case '%': case '&': case '#': case '_': case '$': case '{': case '}': fprintf(f, "\\%c", *s); break;
        case '^': fputs("\\^{}", f); break;
        case '~': fputs("\\~{}", f); break;
        case '\\': fputs("\\textbackslash{}", f); break;
        case '<': fputs("$<$", f); break;
        case '>': fputs("$>$", f); break;
        case '|': fputs("$|$", f); break;
        default: fputc(*s, f);
        }
    }
}

/* A column header: "name (note)" as two lines, \makecell{name\\(note)}. */
static void tex_header(FILE *f, const char *s)
{
    const char *br = strstr(s, " (");
    if (!br) {
        tex_text(f, s);
        return;
    }
    char head[256];
    size_t n = (size_t)(br - s) < sizeof head - 1 ? (size_t)(br - s) : sizeof head - 1;
    memcpy(head, s, n);
    head[n] = 0;
    fputs("\\makecell[cb]{", f);
    tex_text(f, head);
    fputs("\\\\", f);
    tex_text(f, br + 1);
    fputs("}", f);
}

int table_open(table *t, const char *dir, const char *name, const char *title,
               const char *const *cols, int ncols)
{
    return table_open_spec(t, dir, name, title, cols, ncols, NULL);
}

int table_open_spec(table *t, const char *dir, const char *name, const char *title,
                    const char *const *cols, int ncols, const char *texspec)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s.csv", dir, name);
    t->csv = fopen(p, "w");
    snprintf(p, sizeof p, "%s/%s.md", dir, name);
    t->md = fopen(p, "w");
    snprintf(p, sizeof p, "%s/%s.tex", dir, name);
    t->tex = fopen(p, "w");
    t->ncols = ncols;
    if (!t->csv || !t->md || !t->tex) {
        if (t->csv) fclose(t->csv);
        if (t->md) fclose(t->md);
        if (t->tex) fclose(t->tex);
        return -1;
    }
    t->wrapped = texspec != NULL;
    fprintf(t->tex, "\\begin{table}[htbp]\\centering\\%s\\caption{", t->wrapped ? "footnotesize" : "scriptsize");
    tex_text(t->tex, title);
    if (t->wrapped) {
        /* Paragraph columns of the given widths: text wraps, nothing shrinks. */
        fprintf(t->tex, "}\\label{tab:%s}\n\\begin{tabular}{%s}\\toprule\n", name, texspec);
    } else {
        /* Shrunk only when wider than the page (adjustbox's max width), and headers
         * broken at " (" onto a second line, so wide tables stay legible. */
        fprintf(t->tex, "}\\label{tab:%s}\n\\begin{adjustbox}{max width=\\textwidth}\\begin{tabular}{", name);
        for (int i = 0; i < ncols; i++) fputc(i ? 'r' : 'l', t->tex);
        fprintf(t->tex, "}\\toprule\n");
    }
    for (int i = 0; i < ncols; i++) {
        if (i) fprintf(t->tex, " & ");
        tex_header(t->tex, cols[i]);
    }
    fprintf(t->tex, " \\\\\\midrule\n");
    fprintf(t->md, "### %s\n\n|", title);
    for (int i = 0; i < ncols; i++) {
        fprintf(t->csv, "%s%s", i ? "," : "", cols[i]);
        fprintf(t->md, " %s |", cols[i]);
    }
    fprintf(t->csv, "\n");
    fprintf(t->md, "\n|");
    for (int i = 0; i < ncols; i++) fprintf(t->md, "---|");
    fprintf(t->md, "\n");
    return 0;
}

void table_row(table *t, const char *const *cells)
{
    fprintf(t->md, "|");
    for (int i = 0; i < t->ncols; i++) {
        /* CSV cells are quoted when they hold a comma. */
        const char *c = cells[i];
        fprintf(t->csv, i ? (strchr(c, ',') ? ",\"%s\"" : ",%s") : (strchr(c, ',') ? "\"%s\"" : "%s"), c);
        fprintf(t->md, " %s |", c);
    }
    fprintf(t->csv, "\n");
    fprintf(t->md, "\n");
    for (int i = 0; i < t->ncols; i++) {
        if (i) fprintf(t->tex, " & ");
        tex_text(t->tex, cells[i]);
    }
    fprintf(t->tex, " \\\\\n");
}

void table_close(table *t, const char *notes)
{
    if (notes && *notes) fprintf(t->md, "\n%s\n", notes);
    fprintf(t->tex, t->wrapped ? "\\bottomrule\\end{tabular}\n" : "\\bottomrule\\end{tabular}\\end{adjustbox}\n");
    if (notes && *notes) {
        fprintf(t->tex, "\\par\\smallskip\\parbox{\\textwidth}{\\footnotesize ");
        tex_text(t->tex, notes);
        fprintf(t->tex, "}\n");
    }
    fprintf(t->tex, "\\end{table}\n");
    fclose(t->csv);
    fclose(t->md);
    fclose(t->tex);
}

const char *cell(const char *fmt, ...)
{
    static _Thread_local char bufs[128][1024];   /* enough for the longest summary cell and note */
    static _Thread_local int k;
    k = (k + 1) % 128;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(bufs[k], sizeof bufs[k], fmt, ap);
    va_end(ap);
    return bufs[k];
}
