/* Which parameter sets count as chaotic (CIPHER.md §5): a documented box for
 * each map plus a Lyapunov-exponent check on the very orbit the keys will be
 * drawn from, since periodic windows lie densely inside any parameter band. */
#include "chaos/chaos.h"

#include <math.h>
#include <string.h>

#include "chaos/check.h"
#include "chaos/logistic.h"
#include "chaos/lorenz.h"
/* Margin around the excluded points (0, 1, fixed points and their preimages). */
#define LOGISTIC_X_MARGIN 1e-6
#define LORENZ_X_MARGIN 1e-3

/* The documented box around the classical Lorenz values (CIPHER.md §5.2). */
static const struct {
    const char *name;
    double lo, hi;
} lorenz_box[6] = {
    {"x0", -40.0, 40.0}, {"y0", -40.0, 40.0}, {"z0", 0.0, 80.0},
    {"sigma", 9.0, 11.0}, {"rho", 28.0, 40.0}, {"beta", 2.0, 3.0},
};

/* Growth 2^E of the tangent vector over a time T stands for lambda ~ E·ln 2 / T.
 * The test asks E − 1 ≥ T·λmin/ln 2, which needs no logarithm: decided in
 * exact arithmetic on every machine (the logistic map does the same per block,
 * logistic.c). */
static int growth_enough(int64_t e2, double t, double lambda_min)
{
    return (double)(e2 - 1) >= t * lambda_min * M_LOG2E;
}

static mc_err validate_logistic(const chaos_params *p)
{
    const double r = p->v[0], x0 = p->v[1];
    if (!(r >= CHAOS_R_MIN && r < CHAOS_R_MAX))
        return mc_fail(MC_E_RANGE, "logistic r = %.17g outside the chaotic band [%g, %g)", r,
                       CHAOS_R_MIN, CHAOS_R_MAX);
    if (!(x0 >= LOGISTIC_X_MARGIN && x0 <= 1.0 - LOGISTIC_X_MARGIN))
        return mc_fail(MC_E_RANGE, "logistic x0 = %.17g outside [%g, 1 - %g]", x0,
                       LOGISTIC_X_MARGIN, LOGISTIC_X_MARGIN);
    const double fixed = 1.0 - 1.0 / r, pre = 1.0 / r; /* f(1/r) = 1 - 1/r */
    if (fabs(x0 - fixed) < LOGISTIC_X_MARGIN || fabs(x0 - pre) < LOGISTIC_X_MARGIN)
        return mc_fail(MC_E_RANGE, "logistic x0 = %.17g within %g of the fixed point 1-1/r or its preimage 1/r",
                       x0, LOGISTIC_X_MARGIN);
    /* The first block of the sample generator, exactly as chaos_keys runs it. */
    chaos_logistic_gen g;
    chaos_logistic_start(&g, r, x0);
    uint8_t sink[CHAOS_LOGISTIC_BLOCK];
    chaos_logistic_draw(&g, CHAOS_LOGISTIC_BLOCK, NULL, NULL, sink);
    if (g.failed)
        return mc_fail(MC_E_RANGE,
                       "logistic r = %.17g, x0 = %.17g: orbit not chaotic (Lyapunov exponent %.3f < %g; "
                       "a periodic window)",
                       r, x0, chaos_logistic_lyapunov(r, x0, CHAOS_LOGISTIC_TRANSIENT, CHAOS_LOGISTIC_BLOCK),
                       CHAOS_LOGISTIC_LAMBDA_MIN);
    return MC_OK;
}

mc_err chaos_lorenz_check_start(const chaos_params *p)
{
    for (int i = 0; i < 6; i++)
        if (!(p->v[i] >= lorenz_box[i].lo && p->v[i] <= lorenz_box[i].hi))
            return mc_fail(MC_E_RANGE, "lorenz %s = %.17g outside [%g, %g]", lorenz_box[i].name,
                           p->v[i], lorenz_box[i].lo, lorenz_box[i].hi);
    const double x = p->v[0], y = p->v[1], z = p->v[2], rho = p->v[4], beta = p->v[5];
    /* The z axis is invariant (x = y = 0 stays there and falls into the origin). */
    if (fabs(x) + fabs(y) < LORENZ_X_MARGIN)
        return mc_fail(MC_E_RANGE, "lorenz (x0, y0) within %g of the invariant z axis", LORENZ_X_MARGIN);
    /* C± = (±q, ±q, ρ − 1), q = sqrt(β(ρ − 1)): the two non-trivial equilibria. */
    const double q = sqrt(beta * (rho - 1.0));
    for (int sg = -1; sg <= 1; sg += 2)
        if (fabs(x - sg * q) < LORENZ_X_MARGIN && fabs(y - sg * q) < LORENZ_X_MARGIN &&
            fabs(z - (rho - 1.0)) < LORENZ_X_MARGIN)
            return mc_fail(MC_E_RANGE, "lorenz initial point within %g of the equilibrium C%c",
                           LORENZ_X_MARGIN, sg > 0 ? '+' : '-');
    return MC_OK;
}

mc_err chaos_lorenz_check_growth(int rc, int64_t e2)
{
    const double t = CHAOS_LORENZ_CHECK_N * CHAOS_LORENZ_H;
    if (rc) return mc_fail(MC_E_RANGE, "lorenz orbit diverges");
    if (!growth_enough(e2, t, CHAOS_LORENZ_LAMBDA_MIN))
        return mc_fail(MC_E_RANGE, "lorenz orbit not chaotic (largest Lyapunov exponent about %.3f < %g)",
                       (double)e2 * M_LN2 / t, CHAOS_LORENZ_LAMBDA_MIN);
    return MC_OK;
}

static mc_err validate_lorenz(const chaos_params *p)
{
    mc_err e = chaos_lorenz_check_start(p);
    if (e) return e;
    int64_t e2 = 0;
    double m;
    int rc = chaos_lorenz_growth(p->v, &p->v[3], CHAOS_LORENZ_H, CHAOS_LORENZ_TRANSIENT,
                                 CHAOS_LORENZ_CHECK_N, &e2, &m, NULL);
    return chaos_lorenz_check_growth(rc, e2);
}

mc_err chaos_validate(const chaos_params *p)
{
    if (!p) return mc_fail(MC_E_ARG, "chaos parameters: NULL");
    switch (p->map) {
    case CHAOS_LOGISTIC: return validate_logistic(p);
    case CHAOS_LORENZ: return validate_lorenz(p);
    }
    return mc_fail(MC_E_ARG, "unknown chaotic map %d", (int)p->map);
}

const char *chaos_map_name(chaos_map m)
{
    switch (m) {
    case CHAOS_LOGISTIC: return "logistic";
    case CHAOS_LORENZ: return "lorenz";
    }
    return NULL;
}

mc_err chaos_map_parse(const char *s, chaos_map *m)
{
    if (s && strcmp(s, "logistic") == 0) {
        *m = CHAOS_LOGISTIC;
        return MC_OK;
    }
    if (s && strcmp(s, "lorenz") == 0) {
        *m = CHAOS_LORENZ;
        return MC_OK;
    }
    return mc_fail(MC_E_ARG, "unknown chaotic map '%s' (expected logistic or lorenz)", s ? s : "(null)");
}
