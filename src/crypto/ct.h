/* Annotations for `make ct-check-rsa`. When MC_CT_CHECK is defined the checker
 * builds the crypto sources with these turned into valgrind client requests:
 * MC_SECRET marks bytes as undefined (so memcheck reports any branch or address
 * computed from them) and MC_DECLASSIFY marks a value that is public by design
 * (a verdict, a ciphertext) as defined. In the library both do nothing. */
#ifndef MC_CRYPTO_CT_H
#define MC_CRYPTO_CT_H

#ifdef MC_CT_CHECK
#include <valgrind/memcheck.h>
#define MC_SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define MC_DECLASSIFY(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#else
#define MC_SECRET(p, n) ((void)(p), (void)(n))
#define MC_DECLASSIFY(p, n) ((void)(p), (void)(n))
#endif

#endif
