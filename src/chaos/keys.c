/* Drawing xindex, yindex and the keystream z from one chaotic orbit
 * (CIPHER.md §4): transient, then H samples for xkey, W for ykey, then the
 * keystream. The maps are in logistic.h / lorenz.h, the sort in argsort.c. */
#include "chaos/chaos.h"

#include <stdlib.h>

#include "chaos/logistic.h"
#include "chaos/lorenz.h"
#include "util/secure.h"

/* Sort keys are the low 32 bits of the digit word D (CIPHER.md §4.3); the
 * logistic generator applies the same rule inside chaos_logistic_draw. */
static uint32_t sort_key(uint64_t digits) { return (uint32_t)digits; }

/* Logistic: xkey, ykey and one keystream byte per iteration, digits 45..52
 * of x (D mod 256), from one generator whose every block must stay chaotic. */
static mc_err logistic_keys(const chaos_params *p, uint32_t h, uint32_t w, size_t zlen,
                            uint32_t *xindex, uint32_t *yindex, uint8_t *z, uint32_t *key)
{
    chaos_logistic_gen g;
    chaos_logistic_start(&g, p->v[0], p->v[1]);
    chaos_logistic_draw(&g, h, NULL, key, NULL);
    mc_err e = chaos_argsort_u32(key, h, xindex);
    if (e) return e;
    chaos_logistic_draw(&g, w, NULL, key, NULL);
    if ((e = chaos_argsort_u32(key, w, yindex))) return e;
    chaos_logistic_draw(&g, zlen, NULL, NULL, z);
    if (chaos_logistic_finish(&g))
        return mc_fail(MC_E_RANGE,
                       "logistic r = %.17g, x0 = %.17g: orbit turns periodic within the %llu samples drawn "
                       "(a block's Lyapunov exponent fell below %g)",
                       p->v[0], p->v[1], (unsigned long long)((uint64_t)h + w + zlen), CHAOS_LOGISTIC_LAMBDA_MIN);
    return MC_OK;
}

static mc_err lorenz_step_checked(double s[3], const double prm[3])
{
    chaos_lorenz_rk4(s, prm, CHAOS_LORENZ_H);
    /* The validated box keeps the orbit on the attractor, |v| < 100 or so; this
     * guard only makes sure the digit conversion can never be undefined. */
    if (!(s[0] < CHAOS_LORENZ_BOUND && s[0] > -CHAOS_LORENZ_BOUND && s[1] < CHAOS_LORENZ_BOUND &&
          s[1] > -CHAOS_LORENZ_BOUND && s[2] < CHAOS_LORENZ_BOUND && s[2] > -CHAOS_LORENZ_BOUND))
        return mc_fail(MC_E_RANGE, "lorenz orbit left the attractor");
    return MC_OK;
}

/* Lorenz: xkey from x of H steps, ykey from y of the next W steps, then six
 * keystream bytes per step: the two low bytes of D(x), D(y), D(z) (§4.2). */
static mc_err lorenz_keys(const chaos_params *p, uint32_t h, uint32_t w, size_t zlen,
                          uint32_t *xindex, uint32_t *yindex, uint8_t *z, uint32_t *key)
{
    double s[3] = {p->v[0], p->v[1], p->v[2]};
    const double *prm = &p->v[3];
    mc_err e = MC_OK;
    for (uint32_t t = 0; t < CHAOS_LORENZ_TRANSIENT && !e; t++) e = lorenz_step_checked(s, prm);
    for (uint32_t i = 0; i < h && !e; i++) {
        e = lorenz_step_checked(s, prm);
        key[i] = sort_key(chaos_lorenz_digits(s[0]));
    }
    if (e || (e = chaos_argsort_u32(key, h, xindex))) return e;
    for (uint32_t j = 0; j < w && !e; j++) {
        e = lorenz_step_checked(s, prm);
        key[j] = sort_key(chaos_lorenz_digits(s[1]));
    }
    if (e || (e = chaos_argsort_u32(key, w, yindex))) return e;
    size_t k = 0;
    while (k < zlen) {
        if ((e = lorenz_step_checked(s, prm))) return e;
        uint8_t b[6];
        for (int c = 0; c < 3; c++) {
            uint64_t d = chaos_lorenz_digits(s[c]);
            b[2 * c] = (uint8_t)d;
            b[2 * c + 1] = (uint8_t)(d >> 8);
        }
        for (int i = 0; i < 6 && k < zlen; i++) z[k++] = b[i];
    }
    return MC_OK;
}

mc_err chaos_keys(const chaos_params *p, uint32_t h, uint32_t w, size_t zlen, uint32_t *xindex,
                  uint32_t *yindex, uint8_t *z)
{
    if (!p || !xindex || !yindex || (zlen && !z)) return mc_fail(MC_E_ARG, "chaos_keys: NULL buffer");
    if (h == 0 || w == 0) return mc_fail(MC_E_ARG, "chaos_keys: empty image %ux%u", w, h);
    mc_err e = chaos_validate(p);
    if (e) return e;
    uint32_t *key = malloc((size_t)(h > w ? h : w) * sizeof *key);
    if (!key) return mc_fail(MC_E_NOMEM, "chaos_keys: %u sort keys", h > w ? h : w);
    if (p->map == CHAOS_LOGISTIC)
        e = logistic_keys(p, h, w, zlen, xindex, yindex, z, key);
    else
        e = lorenz_keys(p, h, w, zlen, xindex, yindex, z, key);
    mc_wipe(key, (size_t)(h > w ? h : w) * sizeof *key);
    free(key);
    if (e) { /* no partial key material left behind */
        mc_wipe(xindex, (size_t)h * sizeof *xindex);
        mc_wipe(yindex, (size_t)w * sizeof *yindex);
        if (zlen) mc_wipe(z, zlen);
    }
    return e;
}

mc_err chaos_orbit(const chaos_params *p, size_t n, double *out)
{
    if (!p || (n && !out)) return mc_fail(MC_E_ARG, "chaos_orbit: NULL buffer");
    mc_err e = chaos_validate(p);
    if (e) return e;
    if (p->map == CHAOS_LOGISTIC) {
        chaos_logistic_gen g;
        chaos_logistic_start(&g, p->v[0], p->v[1]);
        chaos_logistic_draw(&g, n, out, NULL, NULL);
        return MC_OK;
    }
    double s[3] = {p->v[0], p->v[1], p->v[2]};
    for (uint32_t t = 0; t < CHAOS_LORENZ_TRANSIENT && !e; t++) e = lorenz_step_checked(s, &p->v[3]);
    for (size_t i = 0; i < n && !e; i++) {
        e = lorenz_step_checked(s, &p->v[3]);
        for (int c = 0; c < 3; c++) out[3 * i + c] = s[c];
    }
    return e;
}
