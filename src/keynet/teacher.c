/* Teacher mappings and the unit-cube → chaotic-range map. See keynet.h and
 * docs/KEYGEN.md for the exact definitions, which these functions implement. */
#include <math.h>
#include <string.h>

#include "crypto/sha256.h"
#include "keynet/keynet.h"
#include "meta/render.h"

static const char *const teacher_names[] = {"hash", "smooth", "fourier"};

const char *keynet_teacher_name(keynet_teacher t) { return teacher_names[t]; }

mc_err keynet_teacher_parse(const char *s, keynet_teacher *t)
{
    for (int i = 0; i < 3; i++)
        if (!strcmp(s, teacher_names[i])) {
            *t = (keynet_teacher)i;
            return MC_OK;
        }
    return mc_fail(MC_E_ARG, "unknown teacher '%s' (fourier, hash or smooth)", s);
}

int keynet_outputs(chaos_map map) { return map == CHAOS_LORENZ ? 3 : 2; }

/* A network can output anything, NaN included: NaN goes to the middle. */
static double clamp01(double v) { return v != v ? 0.5 : v < 0 ? 0 : v > 1 ? 1 : v; }

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int day_of_year(const meta_record *m)
{
    static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    return before[m->month - 1] + m->day + (m->month > 2 && leap(m->year));
}

/* u_k = 0.5 + 0.45 · (1/7) Σ_j sin(2π (c_kj v_j + φ_kj)) with c_kj = 1 + (j + k) mod 3
 * cycles over field j's range and φ_kj = frac((7k + j + 1)·0.6180339887498949): the
 * outputs see every field at a different frequency and phase (docs/KEYGEN.md §2). */
static void fourier_unit(int k, const meta_record *m, double *u)
{
    /* The first seven of the metadata image's levels (docs/METADATA.md §4): year,
     * month, day, hour, minute, second, microsecond, each in [0,1]. */
    double v[META_RENDER_FIELDS];
    if (meta_render_fields(m, v)) {
        for (int i = 0; i < k; i++) u[i] = 0.5;   /* an invalid record has no image either */
        return;
    }
    for (int i = 0; i < k; i++) {
        double sum = 0;
        for (int j = 0; j < 7; j++) {
            double phase = fmod((7 * i + j + 1) * 0.6180339887498949, 1.0);
            sum += sin(2 * M_PI * ((1 + (j + i) % 3) * v[j] + phase));
        }
        u[i] = 0.5 + 0.45 * sum / 7;
    }
}

/* SHA-256(label ‖ 0 ‖ map name ‖ 0 ‖ canonical record) read as K numbers in [0,1):
 * u_i = (top 53 bits of bytes 8i..8i+7, big-endian) / 2^53, plus `half` / 2^53. */
static void hash_unit(const char *label, size_t label_len, chaos_map map, const meta_record *m, double half, double *u)
{
    char canon[META_CANON_MAX];
    size_t n = meta_canonical(m, canon, sizeof canon);
    const char *mapname = chaos_map_name(map);
    uint8_t d[32];
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, label, label_len);             /* includes the NUL separator */
    sha256_update(&c, mapname, strlen(mapname) + 1);
    sha256_update(&c, canon, n);
    sha256_final(&c, d);
    for (int i = 0; i < keynet_outputs(map); i++) {
        uint64_t v = 0;
        for (int b = 0; b < 8; b++) v = v << 8 | d[8 * i + b];
        u[i] = ((double)(v >> 11) + half) / 9007199254740992.0;
    }
}

void keynet_teacher_unit(keynet_teacher t, chaos_map map, const meta_record *m, double *u)
{
    int k = keynet_outputs(map);
    if (t == KEYNET_TEACHER_FOURIER) {
        fourier_unit(k, m, u);
        return;
    }
    if (t == KEYNET_TEACHER_SMOOTH) {
        /* Each target is a fraction of a calendar cycle, squeezed into
         * [0.02, 0.98] so the network never has to reach the edges. */
        double f[3] = {
            (m->hour * 3600.0 + m->minute * 60.0 + m->second) / 86400.0,
            (day_of_year(m) - 1) / 366.0,
            fmod((double)(m->year - 1900) + 1000.0, 200.0) / 200.0,
        };
        for (int i = 0; i < k; i++) u[i] = 0.02 + 0.96 * f[i];
        return;
    }
    static const char label[] = "medchaos-teacher/1";
    hash_unit(label, sizeof label, map, m, 0.5, u);
}

void keynet_bind_unit(chaos_map map, const meta_record *m, double *u)
{
    static const char label[] = "medchaos-bind/1";
    double h[3];
    hash_unit(label, sizeof label, map, m, 0.0, h);
    for (int i = 0; i < keynet_outputs(map); i++) {
        u[i] = (1 - 0x1p-20) * clamp01(u[i]) + 0x1p-20 * h[i];
    }
}

/* Ranges of the free parameters (docs/KEYGEN.md): logistic r over the whole
 * validated band, x0 away from 0, 1 and the fixed point; Lorenz initial
 * conditions in a box around the attractor. */
static const double LOGI_X0_LO = 0.05, LOGI_X0_HI = 0.95;
static const double LOR_LO[3] = {-15.0, -20.0, 5.0}, LOR_HI[3] = {15.0, 20.0, 40.0};


mc_err keynet_unit_params(chaos_map map, const double *u, chaos_params *p)
{
    memset(p, 0, sizeof *p);
    p->map = map;
    double w[3];
    for (int i = 0; i < keynet_outputs(map); i++) w[i] = clamp01(u[i]);
    /* Up to 4096 tries along a fixed walk: step the first coordinate by
     * 1/4099 of its range (4099 is prime, so the walk visits distinct points). */
    for (int attempt = 0; attempt < 4096; attempt++) {
        double a = fmod(w[0] + attempt / 4099.0, 1.0);
        if (map == CHAOS_LOGISTIC) {
            p->v[0] = CHAOS_R_MIN + (CHAOS_R_MAX - CHAOS_R_MIN) * a * (1.0 - 0x1p-40);
            p->v[1] = LOGI_X0_LO + (LOGI_X0_HI - LOGI_X0_LO) * w[1];
        } else {
            p->v[0] = LOR_LO[0] + (LOR_HI[0] - LOR_LO[0]) * a;
            for (int i = 1; i < 3; i++) p->v[i] = LOR_LO[i] + (LOR_HI[i] - LOR_LO[i]) * w[i];
            p->v[3] = CHAOS_LORENZ_SIGMA;
            p->v[4] = CHAOS_LORENZ_RHO;
            p->v[5] = CHAOS_LORENZ_BETA;
        }
        mc_err e = chaos_validate(p);
        if (e != MC_E_RANGE) return e;
    }
    return mc_fail(MC_E_RANGE, "no chaotic parameters near the network's output");
}

mc_err keynet_teacher_params(keynet_teacher t, chaos_map map, const meta_record *m, chaos_params *p)
{
    double u[3];
    keynet_teacher_unit(t, map, m, u);
    return keynet_unit_params(map, u, p);
}
