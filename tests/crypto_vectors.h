/* A small reader for the test-vector files under tests/vectors/: records of
 * "FIELD = value" lines separated by blank lines, '#' starting a comment line. Values
 * are hex (spaces allowed) except NAME, kept as text. Shared by the crypto tests. */
#ifndef MC_TESTS_CRYPTO_VECTORS_H
#define MC_TESTS_CRYPTO_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#define CV_MAX_FIELDS 12

typedef struct {
    char key[16];
    uint8_t *bytes; /* decoded hex (NULL when empty) */
    size_t len;
} cv_field;

typedef struct {
    char name[128]; /* the NAME field, or "record N" */
    cv_field f[CV_MAX_FIELDS];
    int nf;
} cv_record;

/* Reads $MC_SRCDIR/tests/vectors/<rel> (or ./tests/vectors/<rel> when MC_SRCDIR is
 * unset). Returns the number of records and sets *out, or -1 with a message on stderr
 * for a missing file or a malformed line. */
int cv_load(const char *rel, cv_record **out);

/* The field named key, or NULL. */
const cv_field *cv_get(const cv_record *r, const char *key);

void cv_free(cv_record *r, int n);

#endif
