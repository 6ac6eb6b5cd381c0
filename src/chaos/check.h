/* Private to src/chaos: the two halves of the Lorenz validation (CIPHER.md
 * §5.2), so that chaos_keys can run the Lyapunov check on the very steps it
 * draws its keys from instead of integrating them twice. Not installed. */
#ifndef MC_CHAOS_CHECK_H
#define MC_CHAOS_CHECK_H
#include <stdint.h>
#include "chaos/chaos.h"

/* Steps over which the exponent is measured, after the transient. */
#define CHAOS_LORENZ_CHECK_N 4096u

/* The box, the z axis and the equilibria: everything but the orbit. */
mc_err chaos_lorenz_check_start(const chaos_params *p);

/* The verdict on chaos_lorenz_growth's result (rc, e2) over CHAOS_LORENZ_CHECK_N
 * steps: MC_OK, or MC_E_RANGE "diverges" / "not chaotic". */
mc_err chaos_lorenz_check_growth(int rc, int64_t e2);

#endif
