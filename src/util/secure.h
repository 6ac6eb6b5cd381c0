/* Secret hygiene: wiping that the compiler may not remove, and constant-time
 * comparison (the running time depends on the length only, never on the data). */
#ifndef MC_UTIL_SECURE_H
#define MC_UTIL_SECURE_H
#include <stddef.h>

void mc_wipe(void *p, size_t n);
/* 1 if equal, 0 otherwise; reads all n bytes of both whatever they hold. */
int mc_ct_equal(const void *a, const void *b, size_t n);

#endif
