/* Correlation of adjacent samples (horizontal, vertical, diagonal), the
 * paper's "correlation coefficient" r = cov(x, y) / (S_x S_y): near 1 in a
 * natural image, near 0 in a good cipher image. Over every pair, and over a
 * seeded random subset as most papers report (N = 3000). */
#include <math.h>
#include <string.h>

#include "metrics/sample.h"

/* Sums for Pearson's r. Integer sums are exact (16-bit: Σxy < 2^32 · 2^31);
 * min/max tell a constant side (r undefined) without rounding doubt. */
typedef struct {
    uint64_t n, sx, sy, sxx, syy, sxy;
    unsigned xmin, xmax, ymin, ymax;
} pair_acc;

static void acc_init(pair_acc *a)
{
    memset(a, 0, sizeof *a);
    a->xmin = a->ymin = ~0u;
}

static inline void acc_add(pair_acc *a, unsigned x, unsigned y)
{
    a->n++;
    a->sx += x, a->sy += y;
    a->sxx += (uint64_t)x * x, a->syy += (uint64_t)y * y, a->sxy += (uint64_t)x * y;
    if (x < a->xmin) a->xmin = x;
    if (x > a->xmax) a->xmax = x;
    if (y < a->ymin) a->ymin = y;
    if (y > a->ymax) a->ymax = y;
}

/* r = (E[xy] - E[x]E[y]) / √((E[x²] - E[x]²)(E[y²] - E[y]²)). */
static double acc_r(const pair_acc *a)
{
    if (a->n == 0 || a->xmin == a->xmax || a->ymin == a->ymax) return NAN;
    double n = (double)a->n, mx = a->sx / n, my = a->sy / n;
    double cov = a->sxy / n - mx * my;
    double vx = a->sxx / n - mx * mx, vy = a->syy / n - my * my;
    return cov / sqrt(vx * vy);
}

/* Neighbour offsets of the three directions. */
static const unsigned dx[METRIC_N_DIR] = {1, 0, 1}, dy[METRIC_N_DIR] = {0, 1, 1};

mc_err metric_correlation(const img_image *im, unsigned n_random, uint64_t seed,
                          metric_correlation_result *out)
{
    mc_err e = metric_check_image(im);
    if (e) return e;
    const unsigned ch = im->channels, depth = im->depth;
    const size_t w = im->width, h = im->height;
    out->channels = ch;
    out->n_random = n_random;
    pair_acc all[METRIC_MAX_CHANNELS][METRIC_N_DIR], smp[METRIC_MAX_CHANNELS][METRIC_N_DIR];
    for (unsigned c = 0; c < METRIC_MAX_CHANNELS; c++)
        for (int d = 0; d < METRIC_N_DIR; d++) acc_init(&all[c][d]), acc_init(&smp[c][d]);

    for (size_t y = 0; y < h; y++) {
        for (size_t x = 0; x < w; x++) {
            size_t i = (y * w + x) * ch;
            for (unsigned c = 0; c < ch; c++) {
                unsigned v = metric_sample(im->data, i + c, depth);
                if (x + 1 < w) acc_add(&all[c][METRIC_HORIZONTAL], v, metric_sample(im->data, i + ch + c, depth));
                if (y + 1 < h) acc_add(&all[c][METRIC_VERTICAL], v, metric_sample(im->data, i + w * ch + c, depth));
                if (x + 1 < w && y + 1 < h)
                    acc_add(&all[c][METRIC_DIAGONAL], v, metric_sample(im->data, i + (w + 1) * ch + c, depth));
            }
        }
    }

    /* n_random pairs per direction: the pixel drawn uniformly (with
     * replacement) among those that have the neighbour, the same positions
     * for every channel. */
    metric_rng rng;
    metric_rng_seed(&rng, seed);
    for (int d = 0; d < METRIC_N_DIR; d++) {
        if (w <= dx[d] || h <= dy[d]) continue;
        for (unsigned s = 0; s < n_random; s++) {
            size_t x = metric_rng_below(&rng, w - dx[d]), y = metric_rng_below(&rng, h - dy[d]);
            size_t i = (y * w + x) * ch, j = ((y + dy[d]) * w + x + dx[d]) * ch;
            for (unsigned c = 0; c < ch; c++)
                acc_add(&smp[c][d], metric_sample(im->data, i + c, depth), metric_sample(im->data, j + c, depth));
        }
    }
    for (unsigned c = 0; c < METRIC_MAX_CHANNELS; c++) {
        for (int d = 0; d < METRIC_N_DIR; d++) {
            out->all[c][d] = c < ch ? acc_r(&all[c][d]) : NAN;
            out->sampled[c][d] = c < ch ? acc_r(&smp[c][d]) : NAN;
        }
    }
    return MC_OK;
}
