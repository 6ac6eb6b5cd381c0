/* libFuzzer harness: PEM / DER / Base64 key parsing (src/crypto/pem.c,
 * rsa_der.c), passphrase-protected PKCS#8 included (pbes2.c, under the fixed
 * passphrase of tests/vectors/pem/passphrase.txt), and the raw bytes as an
 * EncryptedPrivateKeyInfo DER. An accepted key must format back to PEM, plain
 * and encrypted, and parse again. Built with FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION,
 * which caps PBKDF2 at 4096 iterations (pbes2.h) so each run stays short. */
#include <stdint.h>
#include <stdlib.h>

#include "crypto/pbes2.h"
#include "crypto/pem.h"
#include "util/secure.h"

static void reparse(const rsa_priv *k, const pem_pass *pass)
{
    char *text;
    size_t n;
    if (pem_format_private_pass(k, pass, &text, &n) != MC_OK) abort();
    rsa_priv *k2;
    if (pem_parse_private_pass(text, n, pass, &k2) != MC_OK) abort();
    rsa_priv_free(k2);
    pem_free_text(text, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t phrase[] = "medchaos test passphrase";
    pem_pass pass = {phrase, sizeof phrase - 1, 0}, quick = {phrase, sizeof phrase - 1, 1};
    rsa_priv *k;
    rsa_pub *p;
    if (pem_parse_private_pass((const char *)data, size, &pass, &k) == MC_OK) {
        reparse(k, NULL);
        reparse(k, &quick);
        rsa_priv_free(k);
    }
    if (pem_parse_public((const char *)data, size, &p) == MC_OK) rsa_pub_free(p);
    uint8_t *pki;
    size_t n;
    if (pbes2_decrypt(data, size, pass.p, pass.n, &pki, &n) == MC_OK) {
        mc_wipe(pki, n);
        free(pki);
    }
    mc_clear_error();
    return 0;
}
