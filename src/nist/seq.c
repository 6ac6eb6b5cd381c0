/* The bit sequence under test: one byte per bit for the readable tests, and the
 * same bits packed 64 to a word for the ones that work on words (rank,
 * linear complexity). Bit order: ε_1 is the most significant bit of byte 0. */
#include "nist/nist.h"

#include <stdlib.h>
#include <string.h>

static mc_err seq_alloc(nist_seq *s, size_t n)
{
    memset(s, 0, sizeof *s);
    if (n == 0) return mc_fail(MC_E_ARG, "empty bit sequence");
    s->n = n;
    s->e = malloc(n);
    s->w = calloc(n / 64 + 2, sizeof *s->w); /* one spare word for readers that overrun by a word */
    if (!s->e || !s->w) {
        nist_seq_free(s);
        return mc_fail(MC_E_NOMEM, "bit sequence of %zu bits", n);
    }
    return MC_OK;
}

static void seq_pack(nist_seq *s)
{
    for (size_t i = 0; i < s->n; i++)
        s->w[i / 64] |= (uint64_t)s->e[i] << (63 - i % 64);
}

mc_err nist_seq_from_packed(nist_seq *s, const uint8_t *bytes, size_t nbits)
{
    mc_err err = seq_alloc(s, nbits);
    if (err) return err;
    for (size_t i = 0; i < nbits; i++)
        s->e[i] = (uint8_t)(bytes[i / 8] >> (7 - i % 8) & 1);
    seq_pack(s);
    return MC_OK;
}

mc_err nist_seq_from_string(nist_seq *s, const char *bits)
{
    size_t n = strlen(bits);
    for (size_t i = 0; i < n; i++)
        if (bits[i] != '0' && bits[i] != '1') {
            memset(s, 0, sizeof *s);
            return mc_fail(MC_E_FORMAT, "bit string: character %zu is not 0 or 1", i + 1);
        }
    mc_err err = seq_alloc(s, n);
    if (err) return err;
    for (size_t i = 0; i < n; i++) s->e[i] = (uint8_t)(bits[i] - '0');
    seq_pack(s);
    return MC_OK;
}

void nist_seq_free(nist_seq *s)
{
    free(s->e);
    free(s->w);
    memset(s, 0, sizeof *s);
}
