/* Lorenz system: vector field, RK4 step (state alone, and with a tangent
 * vector for the Lyapunov exponent). Only + − × ÷ of doubles in the order
 * written, so the orbit is the same on every IEEE-754 machine. */
#include "chaos/lorenz.h"

#include <math.h>

/* One RK4 step is a chain of dependent operations about 90 cycles long; a call
 * and the state's trip through memory between steps (store forwarding) add a
 * fifth to it, so the hot loops below get the step inlined. Inlining changes
 * no rounding: each operation is still one IEEE-754 double operation, in the
 * order written (-ffp-contract=off, no -ffast-math). */
#if defined(__GNUC__)
#define LORENZ_INLINE static inline __attribute__((always_inline))
#else
#define LORENZ_INLINE static inline
#endif

/* f(s) with the normative order: dy = (ρ·x − y) − x·z, dz = x·y − β·z. */
LORENZ_INLINE void lorenz_field(double out[3], const double s[3], const double prm[3])
{
    out[0] = prm[0] * (s[1] - s[0]);
    out[1] = prm[1] * s[0] - s[1] - s[0] * s[2];
    out[2] = s[0] * s[1] - prm[2] * s[2];
}

/* J(s)·d, J = [[−σ, σ, 0], [ρ − z, −1, −x], [y, x, −β]]. */
LORENZ_INLINE void lorenz_jacobian_times(double out[3], const double s[3], const double d[3],
                                  const double prm[3])
{
    out[0] = prm[0] * (d[1] - d[0]);
    out[1] = (prm[1] - s[2]) * d[0] - d[1] - s[0] * d[2];
    out[2] = s[1] * d[0] + s[0] * d[1] - prm[2] * d[2];
}

/* out = s + c·k, one component at a time (written out rather than as a loop:
 * GCC at -O2 leaves a 3-trip loop rolled, which keeps the arrays in memory). */
LORENZ_INLINE void lorenz_axpy(double out[3], const double s[3], double c, const double k[3])
{
    out[0] = s[0] + c * k[0];
    out[1] = s[1] + c * k[1];
    out[2] = s[2] + c * k[2];
}

/* s = s + h/6·(((k1 + 2k2) + 2k3) + k4), component by component. */
LORENZ_INLINE void lorenz_combine(double s[3], double h6, const double k1[3], const double k2[3],
                                  const double k3[3], const double k4[3])
{
    s[0] = s[0] + h6 * (k1[0] + 2.0 * k2[0] + 2.0 * k3[0] + k4[0]);
    s[1] = s[1] + h6 * (k1[1] + 2.0 * k2[1] + 2.0 * k3[1] + k4[1]);
    s[2] = s[2] + h6 * (k1[2] + 2.0 * k2[2] + 2.0 * k3[2] + k4[2]);
}

/* Classical RK4: k1 = f(s), k2 = f(s + h/2·k1), k3 = f(s + h/2·k2),
 * k4 = f(s + h·k3), s' = s + h/6·(((k1 + 2k2) + 2k3) + k4). */
LORENZ_INLINE void lorenz_rk4(double s[3], const double prm[3], double h)
{
    const double h2 = 0.5 * h, h6 = h / 6.0;
    double k1[3], k2[3], k3[3], k4[3], a[3];
    lorenz_field(k1, s, prm);
    lorenz_axpy(a, s, h2, k1);
    lorenz_field(k2, a, prm);
    lorenz_axpy(a, s, h2, k2);
    lorenz_field(k3, a, prm);
    lorenz_axpy(a, s, h, k3);
    lorenz_field(k4, a, prm);
    lorenz_combine(s, h6, k1, k2, k3, k4);
}

void chaos_lorenz_rk4(double s[3], const double prm[3], double h) { lorenz_rk4(s, prm, h); }

/* One later stage on the pair: a = s + c·k, b = d + c·m, then the slopes
 * f(a) and J(a)·b into k' and m'. */
LORENZ_INLINE void lorenz_tangent_stage(double kn[3], double mn[3], const double s[3], const double d[3],
                                        double c, const double k[3], const double m[3],
                                        const double prm[3])
{
    double a[3], b[3];
    lorenz_axpy(a, s, c, k);
    lorenz_axpy(b, d, c, m);
    lorenz_field(kn, a, prm);
    lorenz_jacobian_times(mn, a, b, prm);
}

/* The same four stages on the pair (s, d): each stage's tangent slope uses the
 * Jacobian at that stage's state, which is RK4 for the 6-dimensional system. */
LORENZ_INLINE void lorenz_rk4_tangent(double s[3], double d[3], const double prm[3], double h)
{
    const double h2 = 0.5 * h, h6 = h / 6.0;
    double k1[3], k2[3], k3[3], k4[3], m1[3], m2[3], m3[3], m4[3];
    lorenz_field(k1, s, prm);
    lorenz_jacobian_times(m1, s, d, prm);
    lorenz_tangent_stage(k2, m2, s, d, h2, k1, m1, prm);
    lorenz_tangent_stage(k3, m3, s, d, h2, k2, m2, prm);
    lorenz_tangent_stage(k4, m4, s, d, h, k3, m3, prm);
    lorenz_combine(s, h6, k1, k2, k3, k4);
    lorenz_combine(d, h6, m1, m2, m3, m4);
}

void chaos_lorenz_rk4_tangent(double s[3], double d[3], const double prm[3], double h)
{
    lorenz_rk4_tangent(s, d, prm, h);
}

static int lorenz_in_bounds(const double s[3])
{
    for (int i = 0; i < 3; i++)
        if (!(fabs(s[i]) < CHAOS_LORENZ_BOUND)) return 0; /* also rejects NaN */
    return 1;
}

int chaos_lorenz_run(double s[3], const double prm[3], double h, uint64_t n, double *out)
{
    double v[3] = {s[0], s[1], s[2]}; /* a local copy the compiler keeps in registers */
    const double pv[3] = {prm[0], prm[1], prm[2]};
    for (uint64_t t = 0; t < n; t++) {
        lorenz_rk4(v, pv, h);
        if (!lorenz_in_bounds(v)) return -1;
        if (out)
            for (int i = 0; i < 3; i++) out[3 * t + i] = v[i];
    }
    for (int i = 0; i < 3; i++) s[i] = v[i];
    return 0;
}

/* The tangent vector grows by about e^(0.9·8·h) per 8 steps at the classical
 * values, so renormalising every 8 steps by an exact power of two keeps it far
 * from overflow; the powers are summed in *exp2. */
int chaos_lorenz_growth(const double s0[3], const double prm[3], double h, uint32_t transient,
                        uint64_t n, int64_t *exp2, double *mant, double *rec)
{
    double s[3] = {s0[0], s0[1], s0[2]}, d[3] = {1.0, 1.0, 1.0};
    int64_t e = 0;
    for (uint32_t t = 0; t < transient; t++) {
        lorenz_rk4(s, prm, h);
        if (!lorenz_in_bounds(s)) return -1;
    }
    for (uint64_t t = 0; t < n; t++) {
        lorenz_rk4_tangent(s, d, prm, h);
        if (!lorenz_in_bounds(s)) return -1;
        if (rec)
            for (int i = 0; i < 3; i++) rec[3 * t + i] = s[i];
        if ((t & 7) == 7 || t + 1 == n) {
            double mx = fmax(fabs(d[0]), fmax(fabs(d[1]), fabs(d[2])));
            int k;
            if (!(mx > 0.0) || !isfinite(mx)) return -1;
            frexp(mx, &k);
            for (int i = 0; i < 3; i++) d[i] = ldexp(d[i], -k);
            e += k;
        }
    }
    double mx = fmax(fabs(d[0]), fmax(fabs(d[1]), fabs(d[2])));
    int k;
    *mant = frexp(mx, &k);
    *exp2 = e + k;
    return 0;
}

double chaos_lorenz_lyapunov(const double s0[3], const double prm[3], double h,
                             uint32_t transient, uint64_t n)
{
    double s[3] = {s0[0], s0[1], s0[2]}, d[3] = {1.0, 1.0, 1.0};
    double logsum = 0.0;
    const double norm0 = sqrt(3.0);
    for (uint32_t t = 0; t < transient; t++) lorenz_rk4(s, prm, h);
    /* Benettin: renormalise to unit length every 8 steps, summing the logs. */
    double scale = norm0;
    for (uint64_t t = 0; t < n; t++) {
        lorenz_rk4_tangent(s, d, prm, h);
        if (!lorenz_in_bounds(s)) return NAN;
        if ((t & 7) == 7 || t + 1 == n) {
            double nrm = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
            logsum += log(nrm / scale);
            for (int i = 0; i < 3; i++) d[i] /= nrm;
            scale = 1.0;
        }
    }
    return logsum / ((double)n * h);
}
