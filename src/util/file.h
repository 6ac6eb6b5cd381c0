/* Whole-file reads with a size ceiling, and atomic writes: output goes to a
 * temporary file in the target's directory, is fsync'd and renamed over the
 * target only on success, so no partial output is ever left behind. */
#ifndef MC_UTIL_FILE_H
#define MC_UTIL_FILE_H
#include <stddef.h>
#include <stdio.h>
#include "util/err.h"

/* Read all of path into a fresh buffer (caller frees). Files larger than max
 * bytes are refused with MC_E_TOO_LARGE before anything is read. */
mc_err mc_read_file(const char *path, size_t max, unsigned char **buf, size_t *len);

typedef struct {
    FILE *fp;
    char *path;     /* final name */
    char *tmp;      /* temporary name in the same directory */
} mc_atomic;

/* Open a temporary file next to path with the given mode (e.g. 0600 for keys).
 * Unless force is set, an existing path gives MC_E_EXISTS. */
mc_err mc_atomic_open(mc_atomic *w, const char *path, int mode, int force);
/* Flush, fsync, rename over path, fsync the directory. On failure the
 * temporary is removed and nothing is left behind. Always frees w. */
mc_err mc_atomic_commit(mc_atomic *w);
/* Remove the temporary file; safe to call on an unopened (zeroed) w. */
void mc_atomic_abort(mc_atomic *w);
/* Convenience: write buf to path atomically. */
mc_err mc_write_file(const char *path, const void *buf, size_t len, int mode, int force);

#endif
