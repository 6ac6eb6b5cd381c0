/* RSA keys in PEM files (RFC 7468) that OpenSSL reads and writes:
 *   "PRIVATE KEY"      PKCS#8 PrivateKeyInfo (written and read)
 *   "ENCRYPTED PRIVATE KEY"  PKCS#8 EncryptedPrivateKeyInfo, PBES2 (written and read)
 *   "RSA PRIVATE KEY"  PKCS#1 RSAPrivateKey  (read only; OpenSSL's traditional form)
 *   "PUBLIC KEY"       SubjectPublicKeyInfo  (written and read)
 *   "RSA PUBLIC KEY"   PKCS#1 RSAPublicKey   (read only)
 * Loaded keys are validated (rsa_key.c) and must have n of 2048 bits or more. */
#ifndef MC_CRYPTO_PEM_H
#define MC_CRYPTO_PEM_H
#include <stddef.h>
#include <stdint.h>
#include "crypto/rsa.h"

/* Largest key file read (an 8192-bit PKCS#8 key is about 6.5 KB). */
#define PEM_MAX_FILE (64 * 1024)
/* Longest passphrase read from a file. */
#define PEM_MAX_PASS 1024

/* A passphrase for "ENCRYPTED PRIVATE KEY" (PKCS#8 with PBES2, pbes2.h). p NULL:
 * none (an encrypted key is then refused with MC_E_KEY); iterations 0: the
 * default PBES2_ITERATIONS when writing. */
typedef struct {
    uint8_t *p;
    size_t n;
    uint32_t iterations;
} pem_pass;
/* The first line of a file, without its line end (OpenSSL's -passin file:F);
 * an empty line is refused. Release with pem_pass_free, which wipes. */
mc_err pem_pass_read(const char *path, pem_pass *pass);
void pem_pass_free(pem_pass *pass);

mc_err pem_read_private(const char *path, rsa_priv **k);
mc_err pem_read_public(const char *path, rsa_pub **k);
/* Atomic writes (temporary + fsync + rename); an existing file needs force.
 * Private keys get mode 0600, public keys 0644. */
mc_err pem_write_private(const char *path, const rsa_priv *k, int force);
mc_err pem_write_public(const char *path, const rsa_pub *k, int force);

/* The same on memory (for tests and fuzzing). The text need not be terminated. */
mc_err pem_parse_private(const char *buf, size_t n, rsa_priv **k);
mc_err pem_parse_public(const char *buf, size_t n, rsa_pub **k);
/* A fresh NUL-terminated PEM text; *n excludes the NUL. The private one holds the
 * key: release it with pem_free_text, which wipes it. */
mc_err pem_format_private(const rsa_priv *k, char **text, size_t *n);
mc_err pem_format_public(const rsa_pub *k, char **text, size_t *n);
void pem_free_text(char *text, size_t n);

/* With a passphrase (pass may be NULL, or pass->p NULL, for none): reading
 * accepts an ENCRYPTED PRIVATE KEY (MC_E_AUTH for a wrong passphrase, MC_E_KEY
 * when none was given); writing and formatting produce one. */
mc_err pem_read_private_pass(const char *path, const pem_pass *pass, rsa_priv **k);
mc_err pem_parse_private_pass(const char *buf, size_t n, const pem_pass *pass, rsa_priv **k);
mc_err pem_write_private_pass(const char *path, const rsa_priv *k, const pem_pass *pass, int force);
mc_err pem_format_private_pass(const rsa_priv *k, const pem_pass *pass, char **text, size_t *n);

#endif
