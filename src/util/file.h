/* Whole-file reads with a size ceiling, of regular files only. Writing is
 * util/safefile.h (included here for the callers that do both). */
#ifndef MC_UTIL_FILE_H
#define MC_UTIL_FILE_H
#include <stddef.h>
#include <stdio.h>
#include "util/err.h"
#include "util/safefile.h"

/* Read all of path into a fresh buffer (caller frees). Files larger than max
 * bytes are refused with MC_E_TOO_LARGE before anything is read; anything but
 * a regular file (a FIFO, a device, a directory) with MC_E_IO, without
 * blocking on it (a FIFO with no writer would otherwise hang the open). */
mc_err mc_read_file(const char *path, size_t max, unsigned char **buf, size_t *len);

#endif
