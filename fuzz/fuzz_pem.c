/* libFuzzer harness: PEM / DER / Base64 key parsing (src/crypto/pem.c). An
 * accepted key must format back to PEM and parse again. */
#include <stdint.h>
#include <stdlib.h>

#include "crypto/pem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rsa_priv *k;
    rsa_pub *p;
    if (pem_parse_private((const char *)data, size, &k) == MC_OK) {
        char *text;
        size_t n;
        if (pem_format_private(k, &text, &n) != MC_OK) abort();
        rsa_priv *k2;
        if (pem_parse_private(text, n, &k2) != MC_OK) abort();
        rsa_priv_free(k2);
        pem_free_text(text, n);
        rsa_priv_free(k);
    }
    if (pem_parse_public((const char *)data, size, &p) == MC_OK) rsa_pub_free(p);
    return 0;
}
