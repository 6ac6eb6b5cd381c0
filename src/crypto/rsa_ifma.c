/* Modular exponentiation with AVX-512 IFMA for RSA's two CRT halves, run side by side:
 * Montgomery multiplication in radix 2^52 (the width of VPMADD52LUQ/VPMADD52HUQ, which
 * add the low or high 52 bits of a 52x52-bit product to a 64-bit lane), after the
 * method of Gueron and Krasnov, "Accelerating big integer arithmetic using Intel IFMA
 * extensions" (ARITH 2016), written here from the equations below.
 *
 * Numbers. A value X < 2^(52L) is held as L digits x_j < 2^52, X = sum x_j 2^(52j),
 * eight digits per 512-bit register (NZ registers, lanes past L are 0). L is the
 * smallest count with 2^(52L) >= 4m, so R = 2^(52L) and, e.g., L = 20 for 1024 bits.
 *
 * Almost Montgomery multiplication (AMM), one digit b_i of B per step (Montgomery 1985,
 * word by word): with k0 = -m^-1 mod 2^52,
 *     T += A*b_i;  y = (T mod 2^52)*k0 mod 2^52;  T = (T + y*m) / 2^52,
 * and after L steps T == A*B*R^-1 (mod m). Each product is split into its low and high
 * 52 bits: the low halves land on digit j, the high halves on j+1, which after the
 * division by 2^52 (a shift down by one lane) is lane j again. The digits of T grow
 * past 52 bits (by at most 4*2^52 per step, so they stay below 2^60 for L <= 40) and
 * are normalised once at the end. If A, B < 2m then T = (A*B + Y*m)/R < 4m^2/R + m
 * <= 2m because 4m <= R: results stay below 2m without the final subtraction of
 * Montgomery's algorithm ("almost"), so the exponentiation never compares with m. The
 * one comparison is at the very end: AMM(X, 1) <= m, and a subtraction of m with its
 * borrow selecting the result (no branch) gives the residue.
 *
 * Exponentiation: fixed 5-bit windows from the top, table T[w] = x^w R mod m for
 * w = 0..31; each window costs five squarings and one multiplication by T[w], whatever w.
 *
 * Constant time (what `make ct-check-rsa` cannot see, since valgrind has no AVX-512 and
 * its CPUID hides IFMA, so under valgrind rsa_core.c takes the GMP path):
 * - every loop runs a number of times fixed by the public sizes (L, NZ, bits);
 * - digits of secrets (bases, exponents, moduli p and q, k0) only feed instructions
 *   whose timing does not depend on values (IFMA, add, and, shift, lane alignment,
 *   masked moves; scalar multiply and shift in k0 and the digit conversions);
 * - the table is read whole at every window: entry k is moved into the result under a
 *   mask computed by a vector compare of k with the window, so no address depends on it;
 * - carries are resolved with mask registers and integer arithmetic on the masks
 *   (normalise), never with branches;
 * - the two exponents are read at public bit positions only.
 * What stays outside: the set-up divides by m in GMP (mpn_sec_div_r, R^2 mod m), with
 * the same small per-modulus table look-ups rsa_core.c documents for the GMP path. */
#include "crypto/rsa_ifma.h"

#if RSA_IFMA_COMPILED
#include "crypto/cpu.h"
#include "util/secure.h"

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#define IFMA __attribute__((target("avx512f,avx512ifma,avx512vl")))
#define INLINE static inline __attribute__((always_inline))
/* Loops over the NZ registers of a number must be unrolled for the digits to live in
 * registers rather than in a stack array (GCC leaves short constant loops rolled at -O2). */
#define UNROLL _Pragma("GCC unroll 8")
#define MASK52 ((UINT64_C(1) << 52) - 1)
#define NZ_MAX 5                 /* registers per number: 40 digits, 2048-bit moduli */
#define DIG_MAX (8 * NZ_MAX)
#define WIN 5                    /* window bits */
#define TSIZE (1 << WIN)

/* Digit arrays of the two halves side by side: [half][digit]. */
typedef uint64_t pair_t[2][DIG_MAX];

/* Everything of one call, on the stack and wiped at the end (about 23 KiB). */
typedef struct {
    _Alignas(64) pair_t tab[TSIZE];  /* x^w R mod m, w = 0..31 (all < 2m) */
    _Alignas(64) pair_t m, rr, one, x, acc, sel;
    uint64_t k0[2];                  /* -m^-1 mod 2^52 */
} ifma_ws;

int rsa_ifma_available(void) { return cpu_usable().avx512ifma; }

/* Digits needed for a modulus below 2^bits: 52L >= bits + 2, so R >= 4m. */
static int digits_for(unsigned bits) { return (int)((bits + 2 + 51) / 52); }

/* Limbs of 2^(104L), the numerator of R^2 mod m. */
static mp_size_t rr_limbs(int ldig) { return (mp_size_t)(104 * ldig / 64 + 1); }

mp_size_t rsa_ifma_itch(mp_size_t n)
{
    mp_size_t rn = rr_limbs(digits_for((unsigned)(64 * n)));
    mp_size_t d = mpn_sec_div_r_itch(rn, n);
    return rn + (d > n ? d : n);
}

/* 64-bit limbs -> 52-bit digits and back. Positions depend on public sizes only. */
static void to52(uint64_t *d, const mp_limb_t *x, mp_size_t n, int ldig)
{
    memset(d, 0, DIG_MAX * sizeof *d);
    for (int j = 0; j < ldig; j++) {
        unsigned bit = 52u * (unsigned)j, sh = bit % 64;
        mp_size_t l = (mp_size_t)(bit / 64);
        uint64_t v = l < n ? x[l] >> sh : 0;
        if (sh > 12 && l + 1 < n) v |= x[l + 1] << (64 - sh); /* digit straddles two limbs */
        d[j] = v & MASK52;
    }
}

static void from52(mp_limb_t *x, mp_size_t n, const uint64_t *d, int ldig)
{
    memset(x, 0, (size_t)n * sizeof *x);
    for (int j = 0; j < ldig; j++) {
        unsigned bit = 52u * (unsigned)j, sh = bit % 64;
        mp_size_t l = (mp_size_t)(bit / 64);
        if (l < n) x[l] |= d[j] << sh;
        if (sh > 12 && l + 1 < n) x[l + 1] |= d[j] >> (64 - sh);
    }
}

/* -m^-1 mod 2^52 by Newton's iteration x <- x(2 - m x), which doubles the correct low
 * bits; x = m is right to 3 bits since m^2 == 1 (mod 8) for odd m: 3, 6, ..., 96. */
static uint64_t neg_inv52(uint64_t m0)
{
    uint64_t x = m0;
    for (int i = 0; i < 5; i++) x *= 2 - m0 * x;
    return (0 - x) & MASK52;
}

/* The 5-bit window of e (n limbs) at bit pos; bits past the array read as 0. */
static unsigned window(const mp_limb_t *e, mp_size_t n, unsigned pos)
{
    mp_size_t l = (mp_size_t)(pos / 64);
    unsigned sh = pos % 64;
    uint64_t v = l < n ? e[l] >> sh : 0;
    if (sh > 64 - WIN && l + 1 < n) v |= e[l + 1] << (64 - sh);
    return (unsigned)(v & (TSIZE - 1));
}

/* One AMM step for one half, arranged so that little waits on y. On entry t holds
 * T + lo(A*b_i) (lane j = digit j). Then
 *     y  = lo(t_0 * k0)                    (VPMADD52LUQ keeps exactly the low 52 bits)
 *     t' = t + lo(M*y)                     (t'_0 == 0 mod 2^52 by the choice of y)
 *     x  = hi(A*b_i) + hi(M*y) + lo(A*b_next)
 * and the new t is t' shifted down one lane (the division by 2^52) plus x, plus the
 * bits of t'_0 above 52, which the shift would otherwise drop. hi(A*b_i) + lo(A*b_next)
 * needs no y, so only three dependent steps (broadcast, two IFMA) lie between two
 * consecutive y's besides the shift and the additions. */
INLINE IFMA void amm_step(__m512i *t, const __m512i *a, const __m512i *m, __m512i k0, uint64_t b,
                          uint64_t bnext, const int nz)
{
    const __m512i zero = _mm512_setzero_si512();
    const __m512i bv = _mm512_set1_epi64((long long)b), bn = _mm512_set1_epi64((long long)bnext);
    __m512i x[NZ_MAX];
    UNROLL
    for (int z = 0; z < nz; z++) x[z] = _mm512_madd52lo_epu64(_mm512_madd52hi_epu64(zero, a[z], bv), a[z], bn);
    const __m512i yv = _mm512_madd52lo_epu64(zero, _mm512_broadcastq_epi64(_mm512_castsi512_si128(t[0])), k0);
    UNROLL
    for (int z = 0; z < nz; z++) {
        t[z] = _mm512_madd52lo_epu64(t[z], m[z], yv);
        x[z] = _mm512_madd52hi_epu64(x[z], m[z], yv);
    }
    x[0] = _mm512_add_epi64(x[0], _mm512_maskz_srli_epi64(1, t[0], 52));
    UNROLL
    for (int z = 0; z < nz - 1; z++) t[z] = _mm512_add_epi64(_mm512_alignr_epi64(t[z + 1], t[z], 1), x[z]);
    t[nz - 1] = _mm512_add_epi64(_mm512_alignr_epi64(zero, t[nz - 1], 1), x[nz - 1]);
}

/* Bring every digit below 2^52 (the value is < 2^(52L), so nothing leaves the top).
 * Pass 1 adds each lane's bits above 52 to the next lane; afterwards a lane is below
 * 2^52 + 2^12 and passes on a carry of 0 or 1. Pass 2 resolves those like a binary
 * adder: G = lanes >= 2^52 (generate), P = lanes == 2^52-1 (propagate). Adding the
 * bit strings (G|P) + G, whose bitwise AND is G and XOR is P, produces at bit j exactly
 * the carry into lane j, so carry-in = ((G|P) + G) ^ P: one 64-bit addition on mask
 * bits, no loop and no branch over the digits. */
INLINE IFMA void normalise(__m512i *t, const int nz)
{
    const __m512i mask = _mm512_set1_epi64((long long)MASK52), zero = _mm512_setzero_si512();
    const __m512i onev = _mm512_set1_epi64(1);
    __m512i hi[NZ_MAX];
    UNROLL
    for (int z = 0; z < nz; z++) {
        hi[z] = _mm512_srli_epi64(t[z], 52);
        t[z] = _mm512_and_si512(t[z], mask);
    }
    UNROLL
    for (int z = 0; z < nz; z++)
        t[z] = _mm512_add_epi64(t[z], _mm512_alignr_epi64(hi[z], z ? hi[z - 1] : zero, 7));
    uint64_t g = 0, p = 0;
    UNROLL
    for (int z = 0; z < nz; z++) {
        g |= (uint64_t)_mm512_cmpgt_epu64_mask(t[z], mask) << (8 * z);
        p |= (uint64_t)_mm512_cmpeq_epu64_mask(t[z], mask) << (8 * z);
    }
    uint64_t cin = ((g | p) + g) ^ p;
    UNROLL
    for (int z = 0; z < nz; z++) {
        t[z] = _mm512_mask_add_epi64(t[z], (__mmask8)(cin >> (8 * z)), t[z], onev);
        t[z] = _mm512_and_si512(t[z], mask);
    }
}

/* r = AMM(a, b) for both halves at once: the two step sequences are independent, so
 * the processor overlaps one half's scalar y computation with the other's vector work.
 * r may alias a or b (both are read before r is written). */
INLINE IFMA void amm2(pair_t r, const pair_t a, const pair_t b, const ifma_ws *w, int ldig, const int nz)
{
    __m512i t0[NZ_MAX], t1[NZ_MAX], a0[NZ_MAX], a1[NZ_MAX], m0[NZ_MAX], m1[NZ_MAX];
    UNROLL
    for (int z = 0; z < nz; z++) {
        t0[z] = t1[z] = _mm512_setzero_si512();
        a0[z] = _mm512_load_si512(&a[0][8 * z]);
        a1[z] = _mm512_load_si512(&a[1][8 * z]);
        m0[z] = _mm512_load_si512(&w->m[0][8 * z]);
        m1[z] = _mm512_load_si512(&w->m[1][8 * z]);
    }
    const __m512i k00 = _mm512_set1_epi64((long long)w->k0[0]), k01 = _mm512_set1_epi64((long long)w->k0[1]);
    const __m512i b00 = _mm512_set1_epi64((long long)b[0][0]), b10 = _mm512_set1_epi64((long long)b[1][0]);
    UNROLL
    for (int z = 0; z < nz; z++) {
        t0[z] = _mm512_madd52lo_epu64(t0[z], a0[z], b00);
        t1[z] = _mm512_madd52lo_epu64(t1[z], a1[z], b10);
    }
    for (int i = 0; i < ldig - 1; i++) {
        amm_step(t0, a0, m0, k00, b[0][i], b[0][i + 1], nz);
        amm_step(t1, a1, m1, k01, b[1][i], b[1][i + 1], nz);
    }
    amm_step(t0, a0, m0, k00, b[0][ldig - 1], 0, nz);
    amm_step(t1, a1, m1, k01, b[1][ldig - 1], 0, nz);
    normalise(t0, nz);
    normalise(t1, nz);
    UNROLL
    for (int z = 0; z < nz; z++) {
        _mm512_store_si512(&r[0][8 * z], t0[z]);
        _mm512_store_si512(&r[1][8 * z], t1[z]);
    }
}

/* out = tab[w0] (half 0), tab[w1] (half 1), reading all 32 entries under masks. */
INLINE IFMA void select2(pair_t out, const pair_t *tab, unsigned w0, unsigned w1, const int nz)
{
    const __m512i wv0 = _mm512_set1_epi64(w0), wv1 = _mm512_set1_epi64(w1);
    __m512i s0[NZ_MAX], s1[NZ_MAX];
    UNROLL
    for (int z = 0; z < nz; z++) s0[z] = s1[z] = _mm512_setzero_si512();
    for (int k = 0; k < TSIZE; k++) {
        const __m512i kv = _mm512_set1_epi64(k);
        __mmask8 h0 = _mm512_cmpeq_epi64_mask(kv, wv0), h1 = _mm512_cmpeq_epi64_mask(kv, wv1);
        UNROLL
        for (int z = 0; z < nz; z++) {
            s0[z] = _mm512_mask_mov_epi64(s0[z], h0, _mm512_load_si512(&tab[k][0][8 * z]));
            s1[z] = _mm512_mask_mov_epi64(s1[z], h1, _mm512_load_si512(&tab[k][1][8 * z]));
        }
    }
    UNROLL
    for (int z = 0; z < nz; z++) {
        _mm512_store_si512(&out[0][8 * z], s0[z]);
        _mm512_store_si512(&out[1][8 * z], s1[z]);
    }
}

/* The exponentiation proper, on digits already in w (m, k0, rr, one, x). Leaves
 * AMM(x^e R, 1) = x^e mod m, or m itself when that residue is 0, in w->acc. */
INLINE IFMA void powm2_body(ifma_ws *w, const mp_limb_t *e0, const mp_limb_t *e1, mp_size_t n,
                            unsigned bits, int ldig, const int nz)
{
    amm2(w->tab[0], w->rr, w->one, w, ldig, nz);   /* R mod m: Montgomery form of 1 */
    amm2(w->tab[1], w->x, w->rr, w, ldig, nz);     /* x R mod m */
    for (int k = 2; k < TSIZE; k++) amm2(w->tab[k], w->tab[k - 1], w->tab[1], w, ldig, nz);
    unsigned nwin = (bits + WIN - 1) / WIN; /* bits >= 2: m > 1 */
    unsigned pos = WIN * (nwin - 1);
    select2(w->acc, (const pair_t *)w->tab, window(e0, n, pos), window(e1, n, pos), nz);
    while (pos > 0) {
        pos -= WIN;
        for (int s = 0; s < WIN; s++) amm2(w->acc, w->acc, w->acc, w, ldig, nz);
        select2(w->sel, (const pair_t *)w->tab, window(e0, n, pos), window(e1, n, pos), nz);
        amm2(w->acc, w->acc, w->sel, w, ldig, nz);
    }
    amm2(w->acc, w->acc, w->one, w, ldig, nz);
}

/* One copy per register count, so that the compiler keeps the digits in registers. */
#define POWM2_NZ(NZ)                                                                                  \
    static IFMA void powm2_nz##NZ(ifma_ws *w, const mp_limb_t *e0, const mp_limb_t *e1, mp_size_t n, \
                                  unsigned bits, int ldig)                                           \
    {                                                                                                 \
        powm2_body(w, e0, e1, n, bits, ldig, NZ);                                                     \
    }
POWM2_NZ(1)
POWM2_NZ(2)
POWM2_NZ(3)
POWM2_NZ(4)
POWM2_NZ(5)

/* R^2 mod m as digits, through GMP: 2^(104L) divided by m in constant time. */
static void rr_digits(uint64_t *d, const mp_limb_t *m, mp_size_t n, int ldig, mp_limb_t *tp)
{
    mp_size_t rn = rr_limbs(ldig);
    memset(tp, 0, (size_t)rn * sizeof *tp);
    tp[rn - 1] = (mp_limb_t)1 << (104 * ldig % 64);
    mpn_sec_div_r(tp, rn, m, n, tp + rn);
    to52(d, tp, n, ldig);
}

/* r = the residue of the digits d, which hold a value <= m: subtract m and let the
 * borrow add it back (mpn_cnd_add_n), so r = d mod m without a comparison. */
static void final_residue(mp_limb_t *r, const uint64_t *d, const mp_limb_t *m, mp_size_t n, int ldig)
{
    from52(r, n, d, ldig);
    mp_limb_t borrow = mpn_sub_n(r, r, m, n);
    mpn_cnd_add_n(borrow, r, r, m, n);
}

void rsa_ifma_powm2(mp_limb_t *r1, const mp_limb_t *b1, const mp_limb_t *e1, const mp_limb_t *m1,
                    mp_limb_t *r2, const mp_limb_t *b2, const mp_limb_t *e2, const mp_limb_t *m2,
                    mp_size_t n, unsigned bits, mp_limb_t *tp)
{
    ifma_ws w;
    memset(&w, 0, sizeof w);
    int ldig = digits_for(bits), nz = (ldig + 7) / 8;
    const mp_limb_t *ms[2] = {m1, m2}, *bs[2] = {b1, b2};
    for (int h = 0; h < 2; h++) {
        to52(w.m[h], ms[h], n, ldig);
        w.k0[h] = neg_inv52(w.m[h][0]);
        rr_digits(w.rr[h], ms[h], n, ldig, tp);
        to52(w.x[h], bs[h], n, ldig);
        w.one[h][0] = 1;
    }
    switch (nz) {
    case 1: powm2_nz1(&w, e1, e2, n, bits, ldig); break;
    case 2: powm2_nz2(&w, e1, e2, n, bits, ldig); break;
    case 3: powm2_nz3(&w, e1, e2, n, bits, ldig); break;
    case 4: powm2_nz4(&w, e1, e2, n, bits, ldig); break;
    default: powm2_nz5(&w, e1, e2, n, bits, ldig); break;
    }
    final_residue(r1, w.acc[0], m1, n, ldig);
    final_residue(r2, w.acc[1], m2, n, ldig);
    mc_wipe(&w, sizeof w);
    mc_wipe(tp, (size_t)rsa_ifma_itch(n) * sizeof *tp);
}
#endif
