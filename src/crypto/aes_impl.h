/* Internal interface between the AES front end (aes.c) and its two implementations:
 * the bitsliced one (aes_ct.c) and the AES-NI one (aes_ni.c, built with -maes).
 * Not installed; only src/crypto includes it. */
#ifndef MC_CRYPTO_AES_IMPL_H
#define MC_CRYPTO_AES_IMPL_H

#include "crypto/aes.h"

/* FIPS-197 §5.2 KeyExpansion of an Nk-word key (Nk = 4, 6, 8) into w[0 .. 4(Nr+1)-1],
 * with SubWord supplied by the implementation (both are constant time). */
void aes_key_expansion(uint32_t *w, const uint8_t *key, int nk, uint32_t (*sub_word)(uint32_t));

/* Bitsliced (aes_ct.c). Eight blocks at a time: in and out hold 8 x 16 bytes. */
uint32_t aes_ct_sub_word(uint32_t w);
void aes_ct_prepare(aes_ctx *c); /* c->rk and c->nr set; fills c->k.bs */
void aes_ct_encrypt8(const aes_ctx *c, uint8_t out[128], const uint8_t in[128]);
void aes_ct_decrypt8(const aes_ctx *c, uint8_t out[128], const uint8_t in[128]);

/* AES-NI (aes_ni.c); callers check cpu_get().aesni first. */
uint32_t aes_ni_sub_word(uint32_t w);
void aes_ni_prepare(aes_ctx *c); /* c->rk and c->nr set; fills c->k.ni */
void aes_ni_encrypt_block(const aes_ctx *c, uint8_t out[16], const uint8_t in[16]);
void aes_ni_decrypt_block(const aes_ctx *c, uint8_t out[16], const uint8_t in[16]);
void aes_ni_ctr_xor(const aes_ctx *c, uint8_t ctr[16], uint8_t *out, const uint8_t *in, size_t len);

#endif
