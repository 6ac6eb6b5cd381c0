/* Lorenz system: vector field, RK4 step (state alone, and with a tangent
 * vector for the Lyapunov exponent). Only + − × ÷ of doubles in the order
 * written, so the orbit is the same on every IEEE-754 machine. */
#include "chaos/lorenz.h"

#include <math.h>

/* f(s) with the normative order: dy = (ρ·x − y) − x·z, dz = x·y − β·z. */
static void lorenz_field(double out[3], const double s[3], const double prm[3])
{
    out[0] = prm[0] * (s[1] - s[0]);
    out[1] = prm[1] * s[0] - s[1] - s[0] * s[2];
    out[2] = s[0] * s[1] - prm[2] * s[2];
}

/* J(s)·d, J = [[−σ, σ, 0], [ρ − z, −1, −x], [y, x, −β]]. */
static void lorenz_jacobian_times(double out[3], const double s[3], const double d[3],
                                  const double prm[3])
{
    out[0] = prm[0] * (d[1] - d[0]);
    out[1] = (prm[1] - s[2]) * d[0] - d[1] - s[0] * d[2];
    out[2] = s[1] * d[0] + s[0] * d[1] - prm[2] * d[2];
}

/* Classical RK4: k1 = f(s), k2 = f(s + h/2·k1), k3 = f(s + h/2·k2),
 * k4 = f(s + h·k3), s' = s + h/6·(((k1 + 2k2) + 2k3) + k4). */
void chaos_lorenz_rk4(double s[3], const double prm[3], double h)
{
    const double h2 = 0.5 * h, h6 = h / 6.0;
    double k1[3], k2[3], k3[3], k4[3], a[3];
    lorenz_field(k1, s, prm);
    for (int i = 0; i < 3; i++) a[i] = s[i] + h2 * k1[i];
    lorenz_field(k2, a, prm);
    for (int i = 0; i < 3; i++) a[i] = s[i] + h2 * k2[i];
    lorenz_field(k3, a, prm);
    for (int i = 0; i < 3; i++) a[i] = s[i] + h * k3[i];
    lorenz_field(k4, a, prm);
    for (int i = 0; i < 3; i++) s[i] = s[i] + h6 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
}

/* The same four stages on the pair (s, d): each stage's tangent slope uses the
 * Jacobian at that stage's state, which is RK4 for the 6-dimensional system. */
void chaos_lorenz_rk4_tangent(double s[3], double d[3], const double prm[3], double h)
{
    const double h2 = 0.5 * h, h6 = h / 6.0;
    double k[4][3], m[4][3], a[3], b[3];
    lorenz_field(k[0], s, prm);
    lorenz_jacobian_times(m[0], s, d, prm);
    for (int st = 1; st < 4; st++) {
        const double c = st == 3 ? h : h2;
        for (int i = 0; i < 3; i++) {
            a[i] = s[i] + c * k[st - 1][i];
            b[i] = d[i] + c * m[st - 1][i];
        }
        lorenz_field(k[st], a, prm);
        lorenz_jacobian_times(m[st], a, b, prm);
    }
    for (int i = 0; i < 3; i++) {
        s[i] = s[i] + h6 * (k[0][i] + 2.0 * k[1][i] + 2.0 * k[2][i] + k[3][i]);
        d[i] = d[i] + h6 * (m[0][i] + 2.0 * m[1][i] + 2.0 * m[2][i] + m[3][i]);
    }
}

static int lorenz_in_bounds(const double s[3])
{
    for (int i = 0; i < 3; i++)
        if (!(fabs(s[i]) < CHAOS_LORENZ_BOUND)) return 0; /* also rejects NaN */
    return 1;
}

/* The tangent vector grows by about e^(0.9·8·h) per 8 steps at the classical
 * values, so renormalising every 8 steps by an exact power of two keeps it far
 * from overflow; the powers are summed in *exp2. */
int chaos_lorenz_growth(const double s0[3], const double prm[3], double h, uint32_t transient,
                        uint64_t n, int64_t *exp2, double *mant)
{
    double s[3] = {s0[0], s0[1], s0[2]}, d[3] = {1.0, 1.0, 1.0};
    int64_t e = 0;
    for (uint32_t t = 0; t < transient; t++) {
        chaos_lorenz_rk4(s, prm, h);
        if (!lorenz_in_bounds(s)) return -1;
    }
    for (uint64_t t = 0; t < n; t++) {
        chaos_lorenz_rk4_tangent(s, d, prm, h);
        if (!lorenz_in_bounds(s)) return -1;
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
    for (uint32_t t = 0; t < transient; t++) chaos_lorenz_rk4(s, prm, h);
    /* Benettin: renormalise to unit length every 8 steps, summing the logs. */
    double scale = norm0;
    for (uint64_t t = 0; t < n; t++) {
        chaos_lorenz_rk4_tangent(s, d, prm, h);
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
