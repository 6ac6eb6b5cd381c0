/* Drawing xindex, yindex and the keystream z from one chaotic orbit
 * (CIPHER.md §4): transient, then H samples for xkey, W for ykey, then the
 * keystream. The maps are in logistic.h / lorenz.h, the sort in argsort.c. */
#include "chaos/chaos.h"

#include <stdlib.h>

#include "chaos/check.h"
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

/* The Lorenz orbit after the transient, in chunks of CHAOS_LORENZ_CHECK_N
 * states: the first chunk is the one the Lyapunov check recorded (it
 * integrates exactly these steps with the same operations), later ones are
 * integrated here, never more steps than the keys still need (`left`). */
typedef struct {
    double *buf;       /* CHAOS_LORENZ_CHECK_N states, x y z each */
    uint32_t i, n;     /* next state to hand out, states in buf */
    uint64_t left;     /* steps still to integrate */
    const double *prm;
} lorenz_orbit;

/* Pointer to the next state, or NULL when the orbit left the attractor. */
static const double *lorenz_next(lorenz_orbit *o)
{
    if (o->i == o->n) {
        double s[3] = {o->buf[3 * o->n - 3], o->buf[3 * o->n - 2], o->buf[3 * o->n - 1]};
        uint32_t n = o->left < CHAOS_LORENZ_CHECK_N ? (uint32_t)o->left : CHAOS_LORENZ_CHECK_N;
        /* The validated box keeps the orbit on the attractor, |v| < 100 or so;
         * the bound only makes sure the digit conversion is always defined. */
        if (chaos_lorenz_run(s, o->prm, CHAOS_LORENZ_H, n, o->buf)) return NULL;
        o->left -= n;
        o->i = 0;
        o->n = n;
    }
    return &o->buf[3 * o->i++];
}

/* Lorenz: validate (the box was checked by the caller, the orbit is checked
 * here), then xkey from x of H steps, ykey from y of the next W steps, then
 * six keystream bytes per step: the two low bytes of D(x), D(y), D(z) (§4.2).
 * The transient and the check's steps are integrated once, for both. */
static mc_err lorenz_keys(const chaos_params *p, uint32_t h, uint32_t w, size_t zlen,
                          uint32_t *xindex, uint32_t *yindex, uint8_t *z, uint32_t *key)
{
    const size_t buf_len = 3 * (size_t)CHAOS_LORENZ_CHECK_N * sizeof(double);
    lorenz_orbit o = {malloc(buf_len), 0, CHAOS_LORENZ_CHECK_N, 0, &p->v[3]};
    if (!o.buf) return mc_fail(MC_E_NOMEM, "chaos_keys: Lorenz orbit buffer");
    const uint64_t steps = (uint64_t)h + w + (zlen + 5) / 6;
    o.left = steps > CHAOS_LORENZ_CHECK_N ? steps - CHAOS_LORENZ_CHECK_N : 0;
    int64_t e2 = 0;
    double mant;
    int rc = chaos_lorenz_growth(p->v, &p->v[3], CHAOS_LORENZ_H, CHAOS_LORENZ_TRANSIENT,
                                 CHAOS_LORENZ_CHECK_N, &e2, &mant, o.buf);
    mc_err e = chaos_lorenz_check_growth(rc, e2);
    const double *s = &o.buf[0];
    for (uint32_t i = 0; i < h && !e && s; i++)
        if ((s = lorenz_next(&o))) key[i] = sort_key(chaos_lorenz_digits(s[0]));
    if (!e && s) e = chaos_argsort_u32(key, h, xindex);
    for (uint32_t j = 0; j < w && !e && s; j++)
        if ((s = lorenz_next(&o))) key[j] = sort_key(chaos_lorenz_digits(s[1]));
    if (!e && s) e = chaos_argsort_u32(key, w, yindex);
    for (size_t k = 0; k < zlen && !e && s;) {
        if (!(s = lorenz_next(&o))) break;
        uint8_t b[6];
        for (int c = 0; c < 3; c++) {
            uint64_t d = chaos_lorenz_digits(s[c]);
            b[2 * c] = (uint8_t)d;
            b[2 * c + 1] = (uint8_t)(d >> 8);
        }
        for (int i = 0; i < 6 && k < zlen; i++) z[k++] = b[i];
    }
    if (!e && !s) e = mc_fail(MC_E_RANGE, "lorenz orbit left the attractor");
    mc_wipe(o.buf, buf_len);
    free(o.buf);
    return e;
}

mc_err chaos_keys(const chaos_params *p, uint32_t h, uint32_t w, size_t zlen, uint32_t *xindex,
                  uint32_t *yindex, uint8_t *z)
{
    if (!p || !xindex || !yindex || (zlen && !z)) return mc_fail(MC_E_ARG, "chaos_keys: NULL buffer");
    if (h == 0 || w == 0) return mc_fail(MC_E_ARG, "chaos_keys: empty image %ux%u", w, h);
    /* Lorenz: the orbit half of the validation runs inside lorenz_keys. */
    mc_err e = p->map == CHAOS_LORENZ ? chaos_lorenz_check_start(p) : chaos_validate(p);
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
    if (chaos_lorenz_run(s, &p->v[3], CHAOS_LORENZ_H, CHAOS_LORENZ_TRANSIENT, NULL) ||
        chaos_lorenz_run(s, &p->v[3], CHAOS_LORENZ_H, n, out))
        return mc_fail(MC_E_RANGE, "lorenz orbit left the attractor");
    return MC_OK;
}
