/* A small DER codec (ITU-T X.690 §8 and §10): the subset RSA keys need
 * (SEQUENCE, INTEGER, NULL, OBJECT IDENTIFIER, OCTET STRING, BIT STRING).
 * The reader is strict: definite minimal lengths, minimal INTEGERs, exact tags,
 * nothing left over. The writer produces only DER. */
#ifndef MC_CRYPTO_DER_H
#define MC_CRYPTO_DER_H
#include <gmp.h>
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

enum {
    DER_INTEGER = 0x02, DER_BIT_STRING = 0x03, DER_OCTET_STRING = 0x04, DER_NULL = 0x05,
    DER_OID = 0x06, DER_SEQUENCE = 0x30
};

/* A window on DER bytes; reading advances p. */
typedef struct {
    const uint8_t *p;
    size_t n;
} der_reader;

/* Read one element with the given tag; *content covers its value bytes. */
mc_err der_read(der_reader *r, unsigned tag, der_reader *content);
/* INTEGER >= 0 into x (negative values are refused: keys have none). */
mc_err der_read_uint(der_reader *r, mpz_t x);
/* INTEGER that must equal v (version fields). */
mc_err der_read_expect_int(der_reader *r, unsigned v, const char *what);
/* INTEGER >= 0 that fits in 32 bits (counts and lengths), MC_E_TOO_LARGE beyond. */
mc_err der_read_u32(der_reader *r, uint32_t *v, const char *what);
/* The tag of the next element, or -1 when r is used up. */
int der_peek(const der_reader *r);
/* MC_E_FORMAT unless r is used up. */
mc_err der_end(const der_reader *r, const char *what);

/* Growable output; on allocation failure err is set and later calls do nothing.
 * Buffers are wiped when they grow and when freed (private keys pass through). */
typedef struct {
    uint8_t *p;
    size_t n, cap;
    int err;
} der_buf;

void der_put_raw(der_buf *b, const void *p, size_t n);
/* Tag and minimal length header. */
void der_put_header(der_buf *b, unsigned tag, size_t len);
void der_put_uint(der_buf *b, mpz_srcptr x);
void der_put_u32(der_buf *b, uint32_t v);
/* A whole element: tag, length, the n value bytes. */
void der_put_tlv(der_buf *b, unsigned tag, const void *p, size_t n);
/* inner wrapped as tag (SEQUENCE, OCTET STRING); inner is freed. BIT STRING adds the
 * zero "unused bits" octet. */
void der_put_wrap(der_buf *b, unsigned tag, der_buf *inner);
void der_buf_free(der_buf *b);

#endif
