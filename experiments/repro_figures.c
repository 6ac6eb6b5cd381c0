/* The figures of results/figures: plain / cipher / decrypted grids per image
 * (written directly as PNG), and with gnuplot (when installed) histograms,
 * adjacent-pixel scatter plots, training loss curves, the logistic
 * bifurcation diagram with the accepted band, and the Lorenz attractor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiments/parts.h"
#include "image/io.h"
#include "metrics/metrics.h"

/* 8-bit RGB copy of im scaled (nearest neighbour) to height at most maxh. */
static void to_rgb8(const img_image *im, uint32_t maxh, img_image *out)
{
    uint32_t h = im->height > maxh ? maxh : im->height;
    uint32_t w = (uint32_t)((uint64_t)im->width * h / im->height);
    if (!w) w = 1;
    img_new(out, w, h, 3, 8);
    size_t pb = img_pixel_bytes(im), step = im->depth / 8;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            const uint8_t *s = im->data + (((size_t)y * im->height / h) * im->width + (size_t)x * im->width / w) * pb;
            for (int ch = 0; ch < 3; ch++) {
                int src = im->channels >= 3 ? ch : 0;
                out->data[((size_t)y * w + x) * 3 + ch] = s[src * step];   /* high byte of 16-bit */
            }
        }
}

static void grid(const char *path, const img_image *a, const img_image *b, const img_image *c)
{
    img_image t[3];
    to_rgb8(a, 256, &t[0]);
    to_rgb8(b, 256, &t[1]);
    to_rgb8(c, 256, &t[2]);
    uint32_t gap = 8, w = t[0].width * 3 + 2 * gap, h = t[0].height;
    img_image g;
    img_new(&g, w, h, 3, 8);
    memset(g.data, 255, img_size_bytes(&g));
    for (int k = 0; k < 3; k++)
        for (uint32_t y = 0; y < h; y++)
            memcpy(g.data + ((size_t)y * w + k * (t[0].width + gap)) * 3, t[k].data + (size_t)y * t[k].width * 3,
                   (size_t)t[k].width * 3);
    img_write_png(path, &g, 1);
    for (int k = 0; k < 3; k++) img_free(&t[k]);
    img_free(&g);
}

static FILE *open_out(const repro_config *c, const char *name)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/figures/%s", c->out, name);
    return fopen(p, "w");
}

static void histogram_data(FILE *f, const img_image *im)
{
    uint64_t h[256] = {0};
    size_t pb = img_pixel_bytes(im), n = (size_t)im->width * im->height;
    for (size_t i = 0; i < n; i++) h[im->data[i * pb]]++;
    for (int v = 0; v < 256; v++) fprintf(f, "%d %llu\n", v, (unsigned long long)h[v]);
    fprintf(f, "\n\n");
}

static void pairs_data(FILE *f, const img_image *im, uint64_t seed)
{
    metric_rng r;
    metric_rng_seed(&r, seed);
    size_t pb = img_pixel_bytes(im);
    for (int d = 0; d < 3; d++) {
        for (int k = 0; k < 3000; k++) {
            uint32_t x = (uint32_t)metric_rng_below(&r, im->width - 1), y = (uint32_t)metric_rng_below(&r, im->height - 1);
            uint32_t x2 = x + (d != 1), y2 = y + (d != 0);
            fprintf(f, "%u %u\n", im->data[((size_t)y * im->width + x) * pb], im->data[((size_t)y2 * im->width + x2) * pb]);
        }
        fprintf(f, "\n\n");
    }
}

void repro_figures(const repro_config *c, repro_variant *v, const repro_image *im, size_t nim)
{
    FILE *gp = open_out(c, "figures.gp");
    if (!gp) return;
    FILE *tex = open_out(c, "figures.tex");   /* the report's figure pages */
    fprintf(gp, "# gnuplot script written by experiments/reproduce; run from %s/figures\n"
                "set terminal pngcairo size 900,600 font 'sans,10'\n", c->out);
    for (size_t i = 0; i < nim; i++) {
        chaos_params p;
        img_image C, D;
        if (keynet_params(&v[0].net, &im[i].meta, &p) || repro_encrypt(&im[i].im, &p, VARIANT_PAPER, &C, &D)) continue;
        char path[1024], name[256];
        snprintf(path, sizeof path, "%s/figures/grid_%s.png", c->out, im[i].name);
        grid(path, &im[i].im, &C, &D);
        snprintf(name, sizeof name, "data_%s.txt", im[i].name);
        FILE *f = open_out(c, name);
        if (f) {
            histogram_data(f, &im[i].im);
            histogram_data(f, &C);
            pairs_data(f, &im[i].im, c->seed);
            pairs_data(f, &C, c->seed);
            fclose(f);
        }
        fprintf(gp, "set output 'hist_%s.png'\nset multiplot layout 1,2 title 'Histograms: %s (first channel, high byte)'\n"
                    "set style fill solid 1.0 noborder\nunset key\n"
                    "plot '%s' index 0 using 1:2 with boxes lc rgb '#4060a0' title 'plain'\n"
                    "plot '%s' index 1 using 1:2 with boxes lc rgb '#a04040' title 'cipher'\nunset multiplot\n",
                im[i].name, im[i].name, name, name);
        fprintf(gp, "set output 'corr_%s.png'\nset multiplot layout 2,3 title 'Adjacent pixels (3000 random pairs): %s'\n"
                    "set xrange [0:255]\nset yrange [0:255]\nset size square\n",
                im[i].name, im[i].name);
        static const char *const dirs[3] = {"horizontal", "vertical", "diagonal"};
        for (int k = 0; k < 2; k++)
            for (int d = 0; d < 3; d++)
                fprintf(gp, "set title '%s %s'\nplot '%s' index %d using 1:2 with dots lc rgb '%s'\n", k ? "cipher" : "plain",
                        dirs[d], name, 2 + 3 * k + d, k ? "#a04040" : "#4060a0");
        fprintf(gp, "unset multiplot\nset size nosquare\nset autoscale\n");
        if (tex)
            fprintf(tex, "\\begin{figure}[H]\\centering\n\\includegraphics[width=\\textwidth]{grid_%s.png}\\\\\n"
                         "\\IfFileExists{\\RESULTS/figures/hist_%s.png}{\\includegraphics[width=.49\\textwidth]{hist_%s.png}}{}\n"
                         "\\IfFileExists{\\RESULTS/figures/corr_%s.png}{\\includegraphics[width=.49\\textwidth]{corr_%s.png}}{}\n"
                         "\\caption{\\detokenize{%s}: plain, cipher (Logistic+ResNet-18) and decrypted; histograms; adjacent pairs.}\n"
                         "\\end{figure}\n",
                    im[i].name, im[i].name, im[i].name, im[i].name, im[i].name, im[i].name);
        img_free(&C);
        img_free(&D);
    }
    /* Training curves. */
    fprintf(gp, "set output 'loss.png'\nset datafile separator ','\nset key top right\nset logscale y\n"
                "set xlabel 'epoch'\nset ylabel 'MSE'\nset title 'Key-network training (hash teacher)'\nplot ");
    for (int k = 0; k < REPRO_NVARIANTS; k++)
        fprintf(gp, "%s'../training-%s-%s.csv' every ::1 using 1:2 with linespoints title '%s train', "
                    "'../training-%s-%s.csv' every ::1 using 1:3 with linespoints dt 2 title '%s val'",
                k ? ", " : "", chaos_map_name(v[k].map), nn_arch_name(v[k].arch), v[k].label,
                chaos_map_name(v[k].map), nn_arch_name(v[k].arch), v[k].label);
    fprintf(gp, "\nunset logscale y\nset datafile separator whitespace\n");
    /* Bifurcation diagram and the accepted band. */
    FILE *b = open_out(c, "bifurcation.txt");
    if (b) {
        for (int i = 0; i <= 1200; i++) {
            double r = 3.4 + 0.6 * i / 1200.0, x = 0.3;
            for (int t = 0; t < 600; t++) x = r * x * (1 - x);
            for (int t = 0; t < 120; t++) {
                x = r * x * (1 - x);
                fprintf(b, "%.5f %.5f\n", r, x);
            }
        }
        fclose(b);
        fprintf(gp, "set output 'bifurcation.png'\nset title 'Logistic map: accepted band r in [%.2f, %.1f) shaded; "
                    "periodic windows inside it are rejected by the Lyapunov check'\nset xlabel 'r'\nset ylabel 'x'\n"
                    "set object 1 rect from %.2f,0 to %.1f,1 fc rgb '#e0f0e0' behind\n"
                    "plot 'bifurcation.txt' with dots lc rgb 'black' notitle\nunset object 1\n",
                CHAOS_R_MIN, CHAOS_R_MAX, CHAOS_R_MIN, CHAOS_R_MAX);
    }
    /* The Lorenz attractor from the orbit the keys are drawn from. */
    chaos_params lp = {CHAOS_LORENZ, {1.0, 1.0, 20.0, CHAOS_LORENZ_SIGMA, CHAOS_LORENZ_RHO, CHAOS_LORENZ_BETA}};
    double *orbit = malloc(sizeof(double) * 3 * 8000);
    FILE *l = open_out(c, "lorenz.txt");
    if (orbit && l && chaos_orbit(&lp, 8000, orbit) == MC_OK) {
        for (int i = 0; i < 8000; i++) fprintf(l, "%.6f %.6f %.6f\n", orbit[3 * i], orbit[3 * i + 1], orbit[3 * i + 2]);
        fprintf(gp, "set output 'lorenz.png'\nset title 'Lorenz attractor (σ=10, ρ=28, β=8/3, RK4 h=%.2f)'\n"
                    "set xlabel 'x'\nset ylabel 'z'\nplot 'lorenz.txt' using 1:3 with lines lw 0.5 lc rgb '#4060a0' notitle\n",
                CHAOS_LORENZ_H);
    }
    if (l) fclose(l);
    free(orbit);
    fclose(gp);
    if (tex) fclose(tex);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "command -v gnuplot >/dev/null 2>&1 && cd '%s/figures' && gnuplot figures.gp", c->out);
    if (system(cmd) != 0) printf("  gnuplot not available or failed: only the image grids were drawn\n");
}
