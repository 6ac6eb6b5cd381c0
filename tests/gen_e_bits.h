/* The binary expansion of e, computed independently with GMP, as the input of
 * SP 800-22's worked examples on "e" (sts's data.e). */
#ifndef MC_TESTS_GEN_E_BITS_H
#define MC_TESTS_GEN_E_BITS_H
#include <stddef.h>
#include <stdint.h>

/* Fill out[0..ceil(nbits/8)) with the first nbits bits of e = 10.1011011111…₂,
 * integer part first, packed MSB first (so the sequence starts 1,0,1,0,1,1,0,1).
 * Returns a malloc'd buffer, or NULL when out of memory. */
uint8_t *gen_e_bits(size_t nbits);

#endif
