/* Base64, RFC 4648 §4. Keys pass through here, so the character <-> value maps
 * are computed with masks instead of table look-ups (no secret-indexed memory
 * access, the cache-timing concern of Sieck, "Cache timing attacks on base64"). */
#include "crypto/base64.h"

/* All-ones when lo <= c <= hi, for small ints (arithmetic right shift of a negative int). */
static int in_range(int c, int lo, int hi) { return ~(((c - lo) | (hi - c)) >> 31); }

static char enc6(int v)
{
    int c = v + 'A';
    c += in_range(v, 26, 51) & ('a' - 'A' - 26);
    c += in_range(v, 52, 61) & ('0' - 'A' - 52);
    c += in_range(v, 62, 62) & ('+' - 'A' - 62);
    c += in_range(v, 63, 63) & ('/' - 'A' - 63);
    return (char)c;
}

/* Value of a base64 character, or -1 when it is not one. */
static int dec6(int c)
{
    int v = -1;
    v += in_range(c, 'A', 'Z') & (c - 'A' + 1);
    v += in_range(c, 'a', 'z') & (c - 'a' + 27);
    v += in_range(c, '0', '9') & (c - '0' + 53);
    v += in_range(c, '+', '+') & 63;
    v += in_range(c, '/', '/') & 64;
    return v;
}

size_t base64_encoded_len(size_t n) { return (n + 2) / 3 * 4; }

void base64_encode(const uint8_t *in, size_t n, char *out)
{
    for (; n >= 3; n -= 3, in += 3) {
        uint32_t g = (uint32_t)in[0] << 16 | (uint32_t)in[1] << 8 | in[2];
        *out++ = enc6(g >> 18);
        *out++ = enc6((g >> 12) & 63);
        *out++ = enc6((g >> 6) & 63);
        *out++ = enc6(g & 63);
    }
    if (n) {
        uint32_t g = (uint32_t)in[0] << 16 | (n == 2 ? (uint32_t)in[1] << 8 : 0);
        *out++ = enc6(g >> 18);
        *out++ = enc6((g >> 12) & 63);
        *out++ = n == 2 ? enc6((g >> 6) & 63) : '=';
        *out++ = '=';
    }
}

mc_err base64_decode(const char *in, size_t n, uint8_t *out, size_t *outlen)
{
    size_t m = 0; /* significant characters */
    for (size_t i = 0; i < n; i++) m += in[i] != '\n' && in[i] != '\r';
    if (m % 4) return mc_fail(MC_E_FORMAT, "base64: %zu characters, not a multiple of 4", m);
    uint32_t acc = 0;
    size_t j = 0, npad = 0, o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)in[i], v;
        if (c == '\n' || c == '\r') continue;
        if (c == '=') {
            /* Padding: only the last one or two characters of the whole text. */
            if (j + 2 < m) return mc_fail(MC_E_FORMAT, "base64: misplaced '=' at offset %zu", i);
            npad++;
            v = 0;
        } else {
            v = dec6(c);
            if (v < 0) return mc_fail(MC_E_FORMAT, "base64: invalid character at offset %zu", i);
            if (npad) return mc_fail(MC_E_FORMAT, "base64: data after '=' at offset %zu", i);
        }
        acc = acc << 6 | (uint32_t)v;
        if (++j % 4 == 0) {
            out[o++] = (uint8_t)(acc >> 16);
            out[o++] = (uint8_t)(acc >> 8);
            out[o++] = (uint8_t)acc;
            acc = 0;
        }
    }
    /* Canonical form (RFC 4648 §3.5): the bits under the padding are zero. */
    for (size_t t = o - npad; t < o; t++)
        if (out[t]) return mc_fail(MC_E_FORMAT, "base64: non-canonical final group");
    *outlen = o - npad;
    return MC_OK;
}
