/* Reader for the chaos test vectors (tests/vectors/chaos/NAME.txt, written by
 * tests/gen_chaos_vectors.py): lines "name value value ...", '#' comments. */
#ifndef MC_TESTS_CHAOS_VECTORS_H
#define MC_TESTS_CHAOS_VECTORS_H
#include <stddef.h>
#include <stdint.h>
#include "chaos/chaos.h"

#define CV_MAX_LINES 128
typedef struct {
    char *text;
    size_t n;
    const char *name[CV_MAX_LINES], *rest[CV_MAX_LINES];
} cv_file;

/* Load $MC_SRCDIR/tests/vectors/chaos/<file>; 0 on success. */
int cv_load(cv_file *f, const char *file);
void cv_free(cv_file *f);
/* The values of the nth line called name, or NULL. */
const char *cv_get(const cv_file *f, const char *name, size_t nth);
size_t cv_count(const cv_file *f, const char *name);
/* Parse the values of a line: hex floats, decimal integers, one hex string.
 * Each returns how many items it read (at most max). */
size_t cv_doubles(const char *s, double *out, size_t max);
size_t cv_u32s(const char *s, uint32_t *out, size_t max);
size_t cv_hex(const char *s, uint8_t *out, size_t max);
/* The "map" and "v" lines as chaos_params; 0 on success. */
int cv_params(const cv_file *f, chaos_params *p);

#endif
