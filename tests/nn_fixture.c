/* Fixture access and tolerant comparison for the nn tests (see nn_fixture.h). */
#include "nn_fixture.h"

#include <cblas.h>
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

const char *fx_path(const char *name)
{
    static char path[4096];
    const char *src = getenv("MC_SRCDIR");
    snprintf(path, sizeof path, "%s/tests/fixtures/nn/%s", src ? src : ".", name);
    return path;
}

/* One thread, set before Criterion forks its workers (OpenBLAS ignores the
 * setting when made in a forked child): the comparisons with PyTorch's
 * single-threaded fixtures are then reproducible, and shared build machines
 * are not oversubscribed by spinning worker threads. */
__attribute__((constructor)) static void fx_single_thread(void)
{
    openblas_set_num_threads(1);
#ifdef _OPENMP
    omp_set_num_threads(1);
#endif
}

void fx_open(nn_tensor_file *f, const char *name)
{
    mc_err e = nn_st_load(fx_path(name), f);
    cr_assert_eq(e, MC_OK, "loading %s: %s", fx_path(name), mc_errmsg(e));
}

float *fx_f32(const nn_tensor_file *f, const char *name, size_t *n)
{
    const nn_named_tensor *t = nn_st_find(f, name);
    cr_assert(t != NULL, "fixture tensor %s missing", name);
    cr_assert_eq(t->dtype, NN_DT_F32, "fixture tensor %s is not F32", name);
    if (n) *n = t->nbytes / 4;
    return t->data;
}

int fx_meta_int(const nn_tensor_file *f, const char *key)
{
    const char *v = nn_st_meta(f, key);
    cr_assert(v != NULL, "fixture metadata %s missing", key);
    return atoi(v);
}

double fx_expect_close(const char *what, const float *got, const float *want, size_t n, double tol)
{
    double worst = 0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        const double d = fabs((double)got[i] - want[i]) / fmax(1.0, fabs((double)want[i]));
        if (!(d <= worst)) worst = d, at = i;  /* NaN counts as worst */
    }
    cr_log_info("%-40s worst error %.2e (element %zu of %zu)", what, worst, at, n);
    cr_expect(worst <= tol, "%s: element %zu is %.9g, PyTorch has %.9g (error %.2e > %.0e)", what,
              at, (double)got[at], (double)want[at], worst, tol);
    return worst;
}
