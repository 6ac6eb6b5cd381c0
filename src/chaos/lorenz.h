/* The Lorenz system (paper §Methodology 1.B; Lorenz 1963)
 *   dx/dt = σ(y − x),  dy/dt = ρx − y − xz,  dz/dt = xy − βz
 * integrated with the classical fourth-order Runge–Kutta method at a fixed
 * step, plus its largest Lyapunov exponent (Benettin et al. 1980). */
#ifndef MC_CHAOS_LORENZ_H
#define MC_CHAOS_LORENZ_H
#include <stdint.h>

/* One RK4 step of size h applied to s = (x, y, z) in place; prm = (σ, ρ, β).
 * The operation order is normative (CIPHER.md §2.2). */
void chaos_lorenz_rk4(double s[3], const double prm[3], double h);

/* One RK4 step of the state s together with a tangent vector d, which follows
 * the linearised flow dd/dt = J(s)·d (J the Jacobian of the vector field). */
void chaos_lorenz_rk4_tangent(double s[3], double d[3], const double prm[3], double h);

/* D(v) = floor(|v|·2^40) as an integer: binary digits of |v| down to 2^-40
 * (§4). Exact while |v| < 2^23; callers keep |v| below CHAOS_LORENZ_BOUND. */
#define CHAOS_LORENZ_BOUND 0x1p20
static inline uint64_t chaos_lorenz_digits(double v)
{
    return (uint64_t)(int64_t)((v < 0 ? -v : v) * 0x1p40);
}

/* Growth of a tangent vector started at (1, 1, 1) after `transient` steps
 * from s0, over n further steps: |d_n|_max = *mant · 2^*exp2, *mant in [0.5, 1)
 * (max-norm, renormalised by exact powers of two: deterministic). Returns 0,
 * or -1 when the orbit leaves |v| < CHAOS_LORENZ_BOUND or is not finite.
 * When rec is not NULL it receives the state after each of the n steps
 * (3·n doubles): the orbit the keys are drawn from, so chaos_keys need not
 * integrate those steps, nor the transient, a second time. */
int chaos_lorenz_growth(const double s0[3], const double prm[3], double h, uint32_t transient,
                        uint64_t n, int64_t *exp2, double *mant, double *rec);

/* n RK4 steps from s (updated in place), the state after each written to out
 * (3·n doubles, x y z per step; out may be NULL): the same steps as n calls of chaos_lorenz_rk4,
 * with the state kept in registers between steps. Returns 0, or -1 as soon as
 * a coordinate leaves |v| < CHAOS_LORENZ_BOUND (or is NaN). */
int chaos_lorenz_run(double s[3], const double prm[3], double h, uint64_t n, double *out);

/* Largest Lyapunov exponent estimate (natural log, per time unit) over n steps
 * of size h after `transient` steps: ln(|d_n| / |d_0|) / (n·h) (Euclidean norms).
 * Renormalising one vector only rescales it, so this equals Benettin's sum of
 * logarithms of the renormalisation factors. NAN if the orbit diverges. */
double chaos_lorenz_lyapunov(const double s0[3], const double prm[3], double h,
                             uint32_t transient, uint64_t n);

#endif
