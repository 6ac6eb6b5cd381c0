/* Result tables written three times, as CSV for machines, Markdown for people and
 * LaTeX for the report,
 * from the same cells, so the two never disagree. */
#ifndef MC_EXPERIMENTS_TABLE_H
#define MC_EXPERIMENTS_TABLE_H
#include <stdio.h>

typedef struct {
    FILE *csv, *md, *tex;
    int ncols;
    int wrapped;   /* LaTeX paragraph columns (table_open_spec) */
} table;

/* Open DIR/NAME.csv, DIR/NAME.md and DIR/NAME.tex (a LaTeX table the report in
 * paper/ includes); the Markdown and LaTeX get TITLE as a heading/caption. */
int table_open(table *t, const char *dir, const char *name, const char *title,
               const char *const *cols, int ncols);
/* The same with a LaTeX column specification (e.g. paragraph columns for
 * long text cells) instead of right-aligned columns shrunk to the page. */
int table_open_spec(table *t, const char *dir, const char *name, const char *title,
                    const char *const *cols, int ncols, const char *texspec);
/* One row; cells formatted by the caller. */
void table_row(table *t, const char *const *cells);
/* A paragraph under the Markdown table (notes, sources), then close both. */
void table_close(table *t, const char *notes);

/* printf into a rotating set of static buffers, for building cells inline. */
const char *cell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
