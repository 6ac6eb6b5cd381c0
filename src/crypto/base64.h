/* Base64 (RFC 4648 §4, standard alphabet with '=' padding), as PEM uses it. */
#ifndef MC_CRYPTO_BASE64_H
#define MC_CRYPTO_BASE64_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

/* Encoded length of n bytes, without line breaks. */
size_t base64_encoded_len(size_t n);
/* Write base64_encoded_len(n) characters (no terminator). */
void base64_encode(const uint8_t *in, size_t n, char *out);
/* Strict decoding: only alphabet characters, '\n' and '\r'; padding exactly as
 * the length requires; unused bits of the last group zero (canonical encoding).
 * out needs room for 3·(n/4)+3 bytes. MC_E_FORMAT names the offending offset. */
mc_err base64_decode(const char *in, size_t n, uint8_t *out, size_t *outlen);

#endif
