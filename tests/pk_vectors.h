/* Reader for the "Name = value" test-vector files under tests/vectors/ (one
 * case per paragraph, '#' comments), shared by the public-key crypto tests. */
#ifndef MC_TESTS_PK_VECTORS_H
#define MC_TESTS_PK_VECTORS_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int n;
    char *name[16], *value[16];
} vec_case;

/* All cases of $MC_SRCDIR/relpath; aborts the test (cr_assert) if unreadable. */
vec_case *vec_load(const char *relpath, size_t *ncases);
void vec_free(vec_case *c, size_t ncases);
/* The value of a field, or NULL. */
const char *vec_get(const vec_case *c, const char *name);
/* Hex string to fresh bytes (always at least one byte allocated). */
uint8_t *vec_hex(const char *hex, size_t *len);
/* $MC_SRCDIR/rel in a static buffer. */
const char *vec_path(const char *rel);

/* A fresh directory under /tmp (name in a static buffer) and its removal. */
const char *vec_mktemp(void);
void vec_rmtemp(void);
/* Run a shell command built printf-style; returns its exit status (-1 if killed). */
int vec_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
