/* Catching key reuse before encryption (docs/SECURITY.md, Key reuse): two images of one
 * run that would get the same chaotic parameters, and, with a key registry, an
 * image that would get the parameters of an image of an earlier run. The same
 * file encrypted again is not reuse (the same key on the same bytes reveals
 * nothing new), so every entry also carries a hash of the input file.
 *
 * The registry is a text file, mode 0600, holding only salted hashes:
 *     medchaos-key-registry/1
 *     salt <64 hex digits from getrandom(2)>
 *     <key tag> <image tag>          one line per image, 64 hex digits each
 * key tag = HMAC-SHA-256(salt, "key" ‖ 0 ‖ fingerprint), image tag =
 * HMAC-SHA-256(salt, "image" ‖ 0 ‖ fingerprint ‖ SHA-256 of the file), where
 * the fingerprint is the parameters' compact serialisation (docs/FORMAT.md §3).
 * Neither metadata nor parameters appear in the clear; the salt keeps one
 * registry's tags from being matched against another's. */
#ifndef MC_PIPELINE_KEYGUARD_H
#define MC_PIPELINE_KEYGUARD_H
#include <stddef.h>
#include <stdint.h>
#include "chaos/chaos.h"
#include "util/err.h"

typedef struct keyguard keyguard;

/* A guard for one run; with registry != NULL the file is read (created, with a
 * fresh salt, when it does not exist). A registry readable or writable by
 * others is refused (MC_E_KEY), a malformed one is MC_E_FORMAT. */
mc_err keyguard_open(keyguard **g, const char *registry);

/* Item `item` of the run will be encrypted with p; file_sha256 hashes its input file. */
mc_err keyguard_add(keyguard *g, size_t item, const chaos_params *p, const uint8_t file_sha256[32]);

/* One finding: item `a` shares its parameters with item `b` of this run (b < a),
 * or with an earlier run's image when b == KEYGUARD_REGISTRY. */
#define KEYGUARD_REGISTRY ((size_t)-1)
typedef struct {
    size_t a, b;
} keyguard_reuse;

/* Every reuse among the items added (at most cap written; returns how many there are). */
size_t keyguard_check(keyguard *g, keyguard_reuse *out, size_t cap);

/* Append the items' tags to the registry (under an exclusive lock; tags
 * already there are not repeated). No-op without a registry. */
mc_err keyguard_commit(keyguard *g);
void keyguard_close(keyguard *g);

#endif
