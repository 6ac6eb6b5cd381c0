/* Shared by the nn tests: open a PyTorch fixture from tests/fixtures/nn (made by
 * tests/gen_nn_fixtures.py), fetch its tensors, and compare arrays with the
 * combined tolerance |a − b| ≤ tol·max(1, |b|), reporting the worst element. */
#ifndef MC_TESTS_NN_FIXTURE_H
#define MC_TESTS_NN_FIXTURE_H
#include <stddef.h>
#include "nn/safetensors.h"

/* Load tests/fixtures/nn/NAME (asserting success). Linking nn_fixture.c also
 * limits OpenBLAS and OpenMP to one thread (see fx_single_thread). */
void fx_open(nn_tensor_file *f, const char *name);
/* The float tensor NAME (asserting it exists); *n gets its element count when n is set. */
float *fx_f32(const nn_tensor_file *f, const char *name, size_t *n);
/* Integer metadata value KEY of the file (asserting it exists). */
int fx_meta_int(const nn_tensor_file *f, const char *key);
/* Expect got ≈ want elementwise; returns the worst |a−b|/max(1,|b|). */
double fx_expect_close(const char *what, const float *got, const float *want, size_t n, double tol);
/* Absolute path of tests/fixtures/nn/NAME in a static buffer. */
const char *fx_path(const char *name);

#endif
