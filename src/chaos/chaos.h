/* Chaotic key generation (paper §Methodology 1, encryption step 5): from one
 * parameter set, the row permutation xindex, the column permutation yindex and
 * the keystream zkey. docs/CIPHER.md is the normative description; the maps
 * themselves live in logistic.h and lorenz.h, the cipher in cipher.h. */
#ifndef MC_CHAOS_CHAOS_H
#define MC_CHAOS_CHAOS_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

typedef enum { CHAOS_LOGISTIC = 1, CHAOS_LORENZ = 2 } chaos_map;

/* logistic: v[0] = r, v[1] = x0 (v[2..5] unused, ignored);
 * lorenz:   v[0..2] = x0, y0, z0, v[3..5] = sigma, rho, beta. */
typedef struct {
    chaos_map map;
    double v[6];
} chaos_params;

/* Iterations (logistic) or RK4 steps (Lorenz) discarded before the first
 * sample (CIPHER.md §3): long enough to reach the attractor and for a change
 * of one ulp in any parameter to grow to order one (lambda·T > 52 ln 2). */
#define CHAOS_LOGISTIC_TRANSIENT 1000u
#define CHAOS_LORENZ_TRANSIENT 5000u

/* Accepted logistic band r in [CHAOS_R_MIN, CHAOS_R_MAX); see CIPHER.md §5. */
#define CHAOS_R_MIN 3.86
#define CHAOS_R_MAX 4.0
/* Least Lyapunov exponent (natural log, per iteration / per time unit) that
 * chaos_validate accepts, measured on the orbit the keys will come from. */
#define CHAOS_LOGISTIC_LAMBDA_MIN 0.3
#define CHAOS_LORENZ_LAMBDA_MIN 0.3

/* Classical Lorenz values (Lorenz 1963) and the fixed RK4 step. */
#define CHAOS_LORENZ_SIGMA 10.0
#define CHAOS_LORENZ_RHO 28.0
#define CHAOS_LORENZ_BETA (8.0 / 3.0)
#define CHAOS_LORENZ_H 0.01

/* MC_OK when p lies in the documented chaotic ranges (CIPHER.md §5), else
 * MC_E_RANGE with a detail naming the parameter (MC_E_ARG for a bad map). */
mc_err chaos_validate(const chaos_params *p);

/* "logistic" / "lorenz"; NULL for an unknown value. */
const char *chaos_map_name(chaos_map m);
/* Inverse of chaos_map_name (exact, lower case); MC_E_ARG otherwise. */
mc_err chaos_map_parse(const char *s, chaos_map *m);

/* Validate p, then fill the row permutation xindex (length h, the stable
 * argsort of xkey), the column permutation yindex (length w, of ykey) and the
 * keystream z (zlen bytes; one per stored image byte). All three come from
 * one orbit, in that order (CIPHER.md §4). MC_E_ARG for h or w zero, MC_E_NOMEM. */
mc_err chaos_keys(const chaos_params *p, uint32_t h, uint32_t w, size_t zlen,
                  uint32_t *xindex, uint32_t *yindex, uint8_t *z);

/* The raw orbit behind the keys, for tests and the specification's worked
 * example: after the transient, n samples of the orbit (logistic: x_t, one
 * double each; Lorenz: x, y, z per RK4 step, three doubles each). */
mc_err chaos_orbit(const chaos_params *p, size_t n, double *out);

/* Stable argsort of 32-bit keys: idx[k] is the index of the k-th smallest key,
 * equal keys in increasing index order (LSD radix sort). MC_E_NOMEM. */
mc_err chaos_argsort_u32(const uint32_t *key, uint32_t n, uint32_t *idx);

#endif
