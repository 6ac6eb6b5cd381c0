/* NumPy .npy files (numpy/lib/format.py, format versions 1.0, 2.0 and 3.0): a
 * magic string, a Python-literal header {'descr', 'fortran_order', 'shape'} and
 * the raw array. We read float32 (either byte order) and float64 (rounded to
 * float32) arrays in C order, and write little-endian float32 in version 1.0
 * (2.0 only when the header needs it), exactly as numpy.save does. */
#ifndef MC_NN_NPY_H
#define MC_NN_NPY_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

#define NN_NPY_MAX_DIMS 8
#define NN_NPY_MAX_FILE ((size_t)2 << 30)

/* Read a whole .npy file. *data (caller frees; never NULL on success, even for
 * zero elements) holds product(shape) floats in C order. 'descr' may be '<f4',
 * '>f4' (byte-swapped on load), '<f8' or '>f8' (rounded to nearest float32;
 * finite values beyond the float32 range give MC_E_RANGE). fortran_order True,
 * other dtypes and more than 8 dimensions give MC_E_UNSUPPORTED. */
mc_err nn_npy_load(const char *path, float **data, int *ndim, int64_t shape[8]);
/* The same on an in-memory file (fuzzing). */
mc_err nn_npy_parse(const unsigned char *buf, size_t len, float **data, int *ndim, int64_t shape[8]);
/* Write data as '<f4', C order, atomically; MC_E_EXISTS unless force. */
mc_err nn_npy_save(const char *path, const float *data, int ndim, const int64_t *shape, int force);
/* The same bytes in memory (caller frees *out). */
mc_err nn_npy_serialize(const float *data, int ndim, const int64_t *shape, unsigned char **out, size_t *len);

#endif
