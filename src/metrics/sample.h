/* Internal to src/metrics: reading one sample of an img_image whatever its
 * depth, and the same-geometry check every pair metric starts with. */
#ifndef MC_METRICS_SAMPLE_H
#define MC_METRICS_SAMPLE_H
#include <math.h>
#include <stddef.h>
#include "image/image.h"
#include "metrics/metrics.h"

/* Sample i (counting samples, not bytes); 16-bit samples are big-endian. */
static inline unsigned metric_sample(const uint8_t *d, size_t i, unsigned depth)
{
    return depth == 16 ? (unsigned)d[2 * i] << 8 | d[2 * i + 1] : d[i];
}

static inline size_t metric_n_pixels(const img_image *im) { return (size_t)im->width * im->height; }

/* A metric_value with every channel NaN, filled in by the caller. */
static inline metric_value metric_value_nan(void)
{
    metric_value v = {.all = NAN};
    for (int c = 0; c < METRIC_MAX_CHANNELS; c++) v.ch[c] = NAN;
    return v;
}

mc_err metric_check_image(const img_image *im);
mc_err metric_check_pair(const img_image *a, const img_image *b);



/* Per-channel sums of the differences d = a - b of two images, in one pass:
 * what NPCR/UACI (differential.c) and MSE/PSNR (fidelity.c) are built on. */
typedef struct {
    uint64_t n;                          /* samples per channel */
    uint64_t changed[METRIC_MAX_CHANNELS]; /* #{d != 0} */
    uint64_t abs_sum[METRIC_MAX_CHANNELS]; /* Σ|d| */
    uint64_t sq_sum[METRIC_MAX_CHANNELS];  /* Σd², < 2^32 · 2^31 for 16-bit */
} metric_pair_sums;
mc_err metric_pair_sums_of(const img_image *a, const img_image *b, metric_pair_sums *s);
#endif
