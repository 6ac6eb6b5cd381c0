/* See table.h. */
#include "table.h"

#include <stdarg.h>
#include <string.h>

int table_open(table *t, const char *dir, const char *name, const char *title,
               const char *const *cols, int ncols)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s.csv", dir, name);
    t->csv = fopen(p, "w");
    snprintf(p, sizeof p, "%s/%s.md", dir, name);
    t->md = fopen(p, "w");
    t->ncols = ncols;
    if (!t->csv || !t->md) {
        if (t->csv) fclose(t->csv);
        if (t->md) fclose(t->md);
        return -1;
    }
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
}

void table_close(table *t, const char *notes)
{
    if (notes && *notes) fprintf(t->md, "\n%s\n", notes);
    fclose(t->csv);
    fclose(t->md);
}

const char *cell(const char *fmt, ...)
{
    static _Thread_local char bufs[64][96];
    static _Thread_local int k;
    k = (k + 1) % 64;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(bufs[k], sizeof bufs[k], fmt, ap);
    va_end(ap);
    return bufs[k];
}
