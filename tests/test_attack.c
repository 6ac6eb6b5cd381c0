/* The chosen-plaintext attack of experiments/attacks/cpa.c: it must recover an
 * equivalent key of the paper's cipher from ⌈log_L H⌉ + ⌈log_L W⌉ + 1 chosen
 * images and decrypt a target bit for bit, and must fail on the hardened
 * variant, whose key depends on each image. */
#include <criterion/criterion.h>
#include <string.h>

#include "attacks/cpa.h"
#include "crypto/random.h"
#include "pipeline/hardened.h"
#include "pipeline/pipeline.h"

typedef struct {
    chaos_params p;
    cipher_variant var;
    int queries;
} oracle_ctx;

static mc_err oracle(void *vctx, const img_image *plain, img_image *cipher)
{
    oracle_ctx *o = vctx;
    o->queries++;
    chaos_params q = o->p;
    if (o->var == VARIANT_HARDENED && hardened_params(&o->p, plain, &q)) return MC_E_RANGE;
    keymat k;
    mc_err e = keymat_derive_walk(&k, &q, plain->height, plain->width, img_size_bytes(plain) * (o->var ? 2 : 1));
    if (!e) e = pipe_apply(plain, &k, o->var, 0, cipher);
    keymat_free(&k);
    return e;
}

static void run(uint32_t w, uint32_t h, uint8_t c, uint8_t d, cipher_variant var, int expect_success, int expect_queries)
{
    oracle_ctx o = {{CHAOS_LOGISTIC, {3.99, 0.27}}, var, 0};
    img_image target, cipher, recovered;
    cr_assert_eq(img_new(&target, w, h, c, d), MC_OK);
    cr_assert_eq(rand_bytes(target.data, img_size_bytes(&target)), MC_OK);
    cr_assert_eq(oracle(&o, &target, &cipher), MC_OK);
    o.queries = 0;
    cpa_key key;
    cr_assert_eq(cpa_recover(oracle, &o, w, h, c, d, &key), MC_OK);
    cr_assert_eq(key.queries, o.queries);
    cr_assert_eq(key.queries, expect_queries, "%ux%u: %d chosen images", w, h, key.queries);
    cr_assert_eq(cpa_decrypt(&key, &cipher, &recovered), MC_OK);
    int same = memcmp(recovered.data, target.data, img_size_bytes(&target)) == 0;
    cr_assert_eq(same, expect_success, "%ux%u c%u d%u variant %d", w, h, c, d, var);
    cpa_key_free(&key);
    img_free(&target);
    img_free(&cipher);
    img_free(&recovered);
}

/* 1 + ⌈log_256 H⌉ + ⌈log_256 W⌉ for 8-bit, base 65536 for 16-bit. */
Test(attack, recovers_the_paper_cipher_key)
{
    run(256, 256, 1, 8, VARIANT_PAPER, 1, 3);
    run(300, 257, 3, 8, VARIANT_PAPER, 1, 5);
    run(97, 61, 1, 16, VARIANT_PAPER, 1, 3);
}

Test(attack, fails_on_the_hardened_variant)
{
    run(64, 64, 1, 8, VARIANT_HARDENED, 0, 3);
}
