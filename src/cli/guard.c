/* See guard.h. */
#include "cli/guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "crypto/sha256.h"
#include "util/file.h"

/* SHA-256 of the file's bytes: the same file encrypted again is not reuse. */
static mc_err file_hash(const char *path, uint8_t out[32])
{
    unsigned char *buf;
    size_t len;
    mc_err e = mc_read_file(path, (size_t)1 << 31, &buf, &len);
    if (e) return e;
    sha256(buf, len, out);
    free(buf);
    return MC_OK;
}

int guard_before(const batch_list *b, keysrc *ks, const char *registry, int allow, int hardened, keyguard **g)
{
    *g = NULL;
    if (hardened) return 0;
    int lead = batch_leader();
    mc_err e = keyguard_open(g, registry);
    if (e) return lead ? cli_fail(registry, e) : cli_exit_code(e);
    for (size_t i = 0; i < b->n; i++) {
        chaos_params p;
        envelope_header hdr;
        uint8_t h[32];
        memset(&hdr, 0, sizeof hdr);
        /* An image whose parameters cannot be had fails in encrypt_one with its own message. */
        if (keysrc_params(ks, b->in[i], &p, &hdr) || file_hash(b->in[i], h)) {
            mc_clear_error();
            continue;
        }
        if ((e = keyguard_add(*g, i, &p, h))) break;
    }
    enum { SHOWN = 10 };
    keyguard_reuse r[SHOWN];
    size_t n = e ? 0 : keyguard_check(*g, r, SHOWN);
    if (e || (n && !allow)) {
        keyguard_close(*g);
        *g = NULL;
    }
    if (e) return lead ? cli_fail(NULL, e) : cli_exit_code(e);
    for (size_t k = 0; lead && k < n && k < SHOWN; k++) {
        fprintf(stderr, "medchaos: %s%s: same chaotic parameters as %s%s (key reuse: one chosen-plaintext attack "
                        "breaks both; docs/SECURITY.md, Key reuse)%s\n",
                allow ? "warning: " : "", b->in[r[k].a],
                r[k].b == KEYGUARD_REGISTRY ? "an image of an earlier run in " : "",
                r[k].b == KEYGUARD_REGISTRY ? registry : b->in[r[k].b],
                allow ? "; encrypting anyway (--allow-key-reuse)" : "");
    }
    if (lead && n > SHOWN) fprintf(stderr, "medchaos: ... and %zu more images that reuse a key\n", n - SHOWN);
    if (n && !allow) {
        if (lead)
            fprintf(stderr, "medchaos: nothing encrypted: give the images distinct metadata (time, sub-second, "
                            "DICOM UID) or pass --allow-key-reuse\n");
        return cli_exit_code(MC_E_KEYREUSE);
    }
    return 0;
}

int guard_after(keyguard *g, int rc)
{
    if (!g) return rc;
    mc_err e = batch_leader() ? keyguard_commit(g) : MC_OK;
    keyguard_close(g);
    if (e) {
        int c = cli_fail(NULL, e);
        return rc ? rc : c;
    }
    return rc;
}

void guard_report_walk(const char *in, const chaos_params *given, const chaos_params *used)
{
    if (!memcmp(given->v, used->v, sizeof given->v)) return;
    fprintf(stderr, "medchaos: warning: %s: r = %.17g falls into a periodic window late in the orbit; encrypted with "
                    "r = %.17g instead (docs/KEYGEN.md §4; the envelope carries it)\n",
            in, given->v[0], used->v[0]);
}
