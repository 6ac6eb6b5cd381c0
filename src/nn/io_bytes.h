/* What the safetensors and .npy readers and writers share: byte-order
 * conversion, overflow-checked size arithmetic, shape printing and the
 * "tensor 'NAME': ..." error detail (internal to src/nn, not installed). */
#ifndef MC_NN_IO_BYTES_H
#define MC_NN_IO_BYTES_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

uint64_t nn_io_get_le(const unsigned char *p, int nbytes);
void nn_io_put_le(unsigned char *p, uint64_t v, int nbytes);

/* Copy n elements of esize bytes (1, 2, 4 or 8) stored in the given byte order
 * (big_endian = 0: little-endian, as both formats store by default) into dst in
 * the host's order. */
void nn_io_copy_to_host(void *dst, const void *src, size_t n, size_t esize, int big_endian);
/* The reverse, for writing: host order to little-endian. */
void nn_io_copy_to_le(void *dst, const void *src, size_t n, size_t esize);

/* *nbytes = product(shape) * esize. Returns 0 when a dimension is negative or
 * the product does not fit in size_t (and in int64_t), else 1. */
int nn_io_nbytes(int ndim, const int64_t *shape, size_t esize, size_t *nbytes);

/* Writes "[64, 3, 7, 7]" (open/close chosen by the caller) into out, truncated to cap. */
void nn_io_shape_str(char *out, size_t cap, int ndim, const int64_t *shape, char open, char close);

/* mc_fail with the detail "tensor 'NAME': ..."; long names are cut at 120 bytes
 * so the cause always fits the one-line detail. */
mc_err nn_io_tensor_fail(mc_err e, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
