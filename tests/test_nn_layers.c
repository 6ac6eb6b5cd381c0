/* nn layers, one at a time, against PyTorch (tests/fixtures/nn/layer_*.safetensors
 * from tests/gen_nn_fixtures.py): outputs within 1e-4, gradients within 1e-3
 * (|a − b| ≤ tol·max(1,|b|)); then central finite differences of every layer's
 * backward, and the optimisers and schedules against torch.optim. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/gemm.h"
#include "nn/layers.h"
#include "nn/optim.h"
#include "nn/rng.h"
#include "nn_fixture.h"

#define FWD_TOL 1e-4
#define GRAD_TOL 1e-3

static float *zeros(size_t n) { return calloc(n ? n : 1, sizeof(float)); }

/* ---------------------------------------------------------------- vs PyTorch */

/* algo < 0: the algorithm nn_conv_geom_init picks; else that one. */
static void conv_case_run(const char *file, int batch_cols, int algo)
{
    nn_tensor_file f;
    fx_open(&f, file);
    const nn_named_tensor *x = nn_st_find(&f, "x"), *w = nn_st_find(&f, "w");
    const int K = fx_meta_int(&f, "K"), s = fx_meta_int(&f, "stride");
    const int p = fx_meta_int(&f, "pad"), groups = fx_meta_int(&f, "groups");
    nn_conv_geom g;
    nn_conv_geom_init(&g, (int)x->shape[0], (int)x->shape[1], (int)x->shape[2], (int)x->shape[3],
                      (int)w->shape[0], K, s, p, groups);
    g.batch_cols = batch_cols;
    if (algo >= 0) g.algo = (nn_conv_algo)algo;
    cr_log_info("%s, %s, algorithm %d, %s", file,
                batch_cols == 1 ? "one image per GEMM" : "images batched in one GEMM", (int)g.algo,
                nn_gemm_available() ? "packed products (gemm.c)" : "OpenBLAS products");
    const nn_named_tensor *bt = nn_st_find(&f, "b");
    const float *b = bt ? bt->data : NULL;
    size_t ny, nx = x->nbytes / 4, nw = w->nbytes / 4;
    const float *ywant = fx_f32(&f, "y", &ny), *dy = fx_f32(&f, "dy", NULL);
    float *y = zeros(ny), *y2 = zeros(ny), *dx = zeros(nx), *dw = zeros(nw), *db = zeros(g.Cout);
    float *col = zeros(nn_conv_col_floats(&g) + nn_conv_kernel_floats(&g));
    const int depthwise = groups == g.Cin && groups == g.Cout && groups > 1;
    if (depthwise) {
        /* the padded path (these planes are small), then the row path */
        nn_dwconv_forward(y, x->data, w->data, &g);
        nn_dwconv_backward(dx, dw, dy, x->data, w->data, &g);
        float *yr = zeros(ny), *dxr = zeros(nx), *dwr = zeros(nw);
        nn_dwconv_forward_rows(yr, x->data, w->data, &g, NULL, NULL, NN_ACT_NONE);
        nn_dwconv_backward_rows(dxr, dwr, dy, x->data, w->data, &g);
        fx_expect_close("y (row path)", yr, ywant, ny, FWD_TOL);
        fx_expect_close("dx (row path)", dxr, fx_f32(&f, "dx", NULL), nx, GRAD_TOL);
        fx_expect_close("dw (row path)", dwr, fx_f32(&f, "dw", NULL), nw, GRAD_TOL);
        free(yr), free(dxr), free(dwr);
    } else {
        nn_conv2d_forward(y, x->data, w->data, NULL, b, &g, col);
        nn_conv2d_backward(dx, dw, b ? db : NULL, dy, x->data, w->data, NULL, &g, col);
    }
    nn_conv2d_forward_naive(y2, x->data, w->data, b, &g);
    fx_expect_close("y", y, ywant, ny, FWD_TOL);
    fx_expect_close("y (naive loops)", y2, ywant, ny, FWD_TOL);
    fx_expect_close("dx", dx, fx_f32(&f, "dx", NULL), nx, GRAD_TOL);
    fx_expect_close("dw", dw, fx_f32(&f, "dw", NULL), nw, GRAD_TOL);
    if (b) fx_expect_close("db", db, fx_f32(&f, "db", NULL), g.Cout, GRAD_TOL);
    free(y), free(y2), free(dx), free(dw), free(db), free(col);
    nn_st_free(&f);
}

/* With the packed products of gemm.c (where the CPU runs them) and with
 * OpenBLAS's; the forward takes one path or the other, the backward OpenBLAS. */
static void conv_case_algo(const char *file, int batch_cols, int algo)
{
    nn_gemm_disable(0);
    if (nn_gemm_available()) conv_case_run(file, batch_cols, algo);
    else cr_log_info("no AVX-512F: the packed products are not tested here");
    nn_gemm_disable(1);
    conv_case_run(file, batch_cols, algo);
    nn_gemm_disable(0);
}

/* Both GEMM layouts: one image per product, and the batch side by side. */
static void conv_case(const char *file)
{
    conv_case_algo(file, 1, -1);
    conv_case_algo(file, 2048, -1);
}

/* A 3×3 stride-1 case: im2col and both Winograd tile sizes must match torch. */
static void winograd_case(const char *file)
{
    conv_case_algo(file, 2048, NN_CONV_WINOGRAD_4);
    conv_case_algo(file, 2048, NN_CONV_WINOGRAD_2);
    conv_case_algo(file, 1, NN_CONV_IM2COL);
}

/* The cost rule on ResNet-18's 3×3 layers at 64×64 batch 32 and 224×224
 * batch 8 (the choices measured fastest), and what Winograd cannot do. */
Test(conv2d, algorithm_choice_per_layer_shape)
{
    static const struct { int B, C, H, stride; nn_conv_algo want; } c[] = {
        {32, 64, 16, 1, NN_CONV_WINOGRAD_4}, {32, 128, 8, 1, NN_CONV_WINOGRAD_4},
        {32, 256, 4, 1, NN_CONV_WINOGRAD_2}, {32, 512, 2, 1, NN_CONV_TAPS},
        {8, 64, 56, 1, NN_CONV_WINOGRAD_4},  {8, 256, 14, 1, NN_CONV_WINOGRAD_4},
        {8, 512, 7, 1, NN_CONV_WINOGRAD_2},  {8, 64, 56, 2, NN_CONV_IM2COL},
        {8, 8, 56, 1, NN_CONV_IM2COL},
    };
    unsetenv("MC_NN_CONV");  /* it would force im2col */
    nn_gemm_disable(0);
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        nn_conv_geom g;
        nn_conv_geom_init(&g, c[i].B, c[i].C, c[i].H, c[i].H, c[i].C, 3, c[i].stride, 1, 1);
        /* without gemm.c, the 2×2 maps go to Winograd's F(2×2) */
        const nn_conv_algo want =
            c[i].want == NN_CONV_TAPS && !nn_gemm_available() ? NN_CONV_WINOGRAD_2 : c[i].want;
        cr_expect_eq(g.algo, want, "batch %d, %d channels, %dx%d, stride %d: algorithm %d, "
                     "expected %d", c[i].B, c[i].C, c[i].H, c[i].H, c[i].stride, (int)g.algo,
                     (int)want);
    }
}

Test(conv2d, winograd_f4_odd_size_pad1_bias_matches_torch)
{
    winograd_case("layer_conv_wino4_pad1.safetensors");
}
Test(conv2d, winograd_f2_tiny_map_matches_torch)
{
    winograd_case("layer_conv_wino2_pad1.safetensors");
}
/* Maps of 2×2 and less: the per-pixel-pair products (with gemm.c) and im2col. */
static void taps_case(const char *file)
{
    conv_case_algo(file, 2048, NN_CONV_TAPS);
    conv_case_algo(file, 1, NN_CONV_IM2COL);
}
Test(conv2d, taps_2x2_map_bias_matches_torch) { taps_case("layer_conv_taps_2x2.safetensors"); }
Test(conv2d, taps_1x2_map_matches_torch) { taps_case("layer_conv_taps_1x2.safetensors"); }
Test(conv2d, taps_1x1_map_matches_torch) { taps_case("layer_conv_taps_1x1.safetensors"); }
Test(conv2d, winograd_f4_pad0_matches_torch)
{
    winograd_case("layer_conv_wino4_pad0.safetensors");
}

Test(conv2d, k3_stride2_pad1_bias_matches_torch) { conv_case("layer_conv_k3s2p1.safetensors"); }
Test(conv2d, grouped_2_matches_torch) { conv_case("layer_conv_grouped.safetensors"); }
Test(conv2d, pointwise_1x1_skips_im2col_matches_torch) { conv_case("layer_conv_1x1.safetensors"); }
Test(conv2d, pointwise_stride2_downsample_matches_torch) { conv_case("layer_conv_1x1s2.safetensors"); }
Test(conv2d, k7_stride2_pad3_stem_matches_torch) { conv_case("layer_conv_k7s2p3.safetensors"); }
Test(dwconv, depthwise_stride1_matches_torch) { conv_case("layer_dwconv_s1.safetensors"); }
Test(dwconv, depthwise_stride2_matches_torch) { conv_case("layer_dwconv_s2.safetensors"); }
Test(dwconv, plane_1x1_stride1_matches_torch) { conv_case("layer_dwconv_1x1_s1.safetensors"); }
Test(dwconv, plane_2x2_stride2_matches_torch) { conv_case("layer_dwconv_2x2_s2.safetensors"); }
Test(dwconv, plane_3x5_stride1_matches_torch) { conv_case("layer_dwconv_3x5_s1.safetensors"); }
Test(dwconv, plane_3x5_stride2_matches_torch) { conv_case("layer_dwconv_3x5_s2.safetensors"); }
Test(dwconv, plane_7x7_stride2_matches_torch) { conv_case("layer_dwconv_7x7_s2.safetensors"); }
Test(dwconv, unpadded_k3_matches_torch) { conv_case("layer_dwconv_k3p0_s1.safetensors"); }
/* Channels as vector lanes (dwconv.c's path for maps of a few pixels). */
Test(dwconv, small_map_4x4_stride1_matches_torch) { conv_case("layer_dwconv_small_4x4_s1.safetensors"); }
Test(dwconv, small_map_4x4_stride2_matches_torch) { conv_case("layer_dwconv_small_4x4_s2.safetensors"); }
Test(dwconv, small_map_2x3_k5_matches_torch) { conv_case("layer_dwconv_small_2x3_k5.safetensors"); }
Test(dwconv, k5_stride2_pad2_matches_torch) { conv_case("layer_dwconv_k5s2p2.safetensors"); }

/* MobileNetV2's eval-mode conv → BN → ReLU6 as one fused pass, on both paths. */
static void dwconv_bn_relu6_case(const char *file)
{
    nn_tensor_file f;
    fx_open(&f, file);
    const nn_named_tensor *x = nn_st_find(&f, "x"), *w = nn_st_find(&f, "w");
    nn_conv_geom g;
    nn_conv_geom_init(&g, (int)x->shape[0], (int)x->shape[1], (int)x->shape[2], (int)x->shape[3],
                      (int)w->shape[0], 3, fx_meta_int(&f, "stride"), 1, (int)x->shape[1]);
    const nn_bn_geom bg = {g.B, g.Cout, g.Ho * g.Wo, 1e-5f, 0.1f};
    size_t ny;
    const float *ywant = fx_f32(&f, "y", &ny);
    float *scale = zeros(g.Cout), *shift = zeros(g.Cout), *y = zeros(ny), *yr = zeros(ny);
    nn_bn_eval_affine(scale, shift, fx_f32(&f, "g", NULL), fx_f32(&f, "b", NULL),
                      fx_f32(&f, "rm", NULL), fx_f32(&f, "rv", NULL), &bg);
    nn_dwconv_forward_fused(y, x->data, w->data, &g, scale, shift, NN_ACT_RELU6);
    nn_dwconv_forward_rows(yr, x->data, w->data, &g, scale, shift, NN_ACT_RELU6);
    fx_expect_close("y (padded or small-map path)", y, ywant, ny, FWD_TOL);
    fx_expect_close("y (row path)", yr, ywant, ny, FWD_TOL);
    free(scale), free(shift), free(y), free(yr);
    nn_st_free(&f);
}

Test(dwconv, fused_with_eval_batchnorm_and_relu6_matches_torch)
{
    dwconv_bn_relu6_case("layer_dwconv_bn_relu6.safetensors");
}

/* 32 channels on 4×4 maps: the channels-as-lanes path with the fused map. */
Test(dwconv, small_map_fused_with_eval_batchnorm_and_relu6_matches_torch)
{
    dwconv_bn_relu6_case("layer_dwconv_bn_relu6_small.safetensors");
}

Test(batchnorm, train_and_eval_match_torch)
{
    nn_tensor_file f;
    fx_open(&f, "layer_batchnorm.safetensors");
    const nn_named_tensor *x = nn_st_find(&f, "x");
    const nn_bn_geom g = {(int)x->shape[0], (int)x->shape[1], (int)(x->shape[2] * x->shape[3]),
                          1e-5f, 0.1f};
    const size_t n = x->nbytes / 4, C = (size_t)g.C;
    const float *w = fx_f32(&f, "w", NULL), *b = fx_f32(&f, "b", NULL);
    float *rm = zeros(C), *rv = zeros(C), *y = zeros(n), *dx = zeros(n), *dw = zeros(C),
          *db = zeros(C), *mean = zeros(C), *invstd = zeros(C);
    memcpy(rm, fx_f32(&f, "rm0", NULL), C * 4);
    memcpy(rv, fx_f32(&f, "rv0", NULL), C * 4);
    nn_bn_forward_eval(y, x->data, w, b, rm, rv, &g);
    fx_expect_close("y (eval)", y, fx_f32(&f, "y_eval", NULL), n, FWD_TOL);
    int64_t nbt = 0;
    nn_bn_forward_train(y, mean, invstd, rm, rv, &nbt, x->data, w, b, &g);
    fx_expect_close("y (train)", y, fx_f32(&f, "y", NULL), n, FWD_TOL);
    fx_expect_close("running_mean", rm, fx_f32(&f, "rm1", NULL), C, FWD_TOL);
    fx_expect_close("running_var (unbiased)", rv, fx_f32(&f, "rv1", NULL), C, FWD_TOL);
    const nn_named_tensor *nb = nn_st_find(&f, "nbt");
    cr_expect_eq(nbt, *(int64_t *)nb->data, "num_batches_tracked");
    nn_bn_backward(dx, dw, db, fx_f32(&f, "dy", NULL), x->data, w, mean, invstd, &g);
    fx_expect_close("dx", dx, fx_f32(&f, "dx", NULL), n, GRAD_TOL);
    fx_expect_close("dgamma", dw, fx_f32(&f, "dw", NULL), C, GRAD_TOL);
    fx_expect_close("dbeta", db, fx_f32(&f, "db", NULL), C, GRAD_TOL);
    free(rm), free(rv), free(y), free(dx), free(dw), free(db), free(mean), free(invstd);
    nn_st_free(&f);
}

/* Batch norm fused with the activation after it, against torch's BN → in-place
 * ReLU(6), and against our own unfused pair (which must agree to rounding). */
static void bn_act_case(const char *file, nn_act act)
{
    nn_tensor_file f;
    fx_open(&f, file);
    const nn_named_tensor *x = nn_st_find(&f, "x");
    const nn_bn_geom g = {(int)x->shape[0], (int)x->shape[1], (int)(x->shape[2] * x->shape[3]),
                          1e-5f, 0.1f};
    const size_t n = x->nbytes / 4, C = (size_t)g.C;
    const float *w = fx_f32(&f, "w", NULL), *b = fx_f32(&f, "b", NULL);
    void (*act_fwd)(float *, const float *, size_t) =
        act == NN_ACT_RELU6 ? nn_relu6_forward : nn_relu_forward;
    void (*act_bwd)(float *, const float *, const float *, size_t) =
        act == NN_ACT_RELU6 ? nn_relu6_backward : nn_relu_backward;
    float *rm = zeros(C), *rv = zeros(C), *y = zeros(n), *y2 = zeros(n), *dx = zeros(n),
          *dx2 = zeros(n), *dw = zeros(C), *db = zeros(C), *dw2 = zeros(C), *db2 = zeros(C),
          *mean = zeros(C), *invstd = zeros(C), *dy = zeros(n), *dy2 = zeros(n);
    memcpy(rm, fx_f32(&f, "rm0", NULL), C * 4);
    memcpy(rv, fx_f32(&f, "rv0", NULL), C * 4);
    nn_bn_forward_eval_act(y, x->data, w, b, rm, rv, &g, act);
    fx_expect_close("y (eval, fused)", y, fx_f32(&f, "y_eval", NULL), n, FWD_TOL);
    nn_bn_forward_eval(y2, x->data, w, b, rm, rv, &g);
    act_fwd(y2, y2, n);
    fx_expect_close("y (eval, fused vs separate)", y, y2, n, 1e-6);

    nn_bn_forward_train_act(y, mean, invstd, rm, rv, NULL, x->data, w, b, &g, act);
    fx_expect_close("y (train, fused)", y, fx_f32(&f, "y", NULL), n, FWD_TOL);
    fx_expect_close("running_mean", rm, fx_f32(&f, "rm1", NULL), C, FWD_TOL);
    fx_expect_close("running_var", rv, fx_f32(&f, "rv1", NULL), C, FWD_TOL);
    nn_bn_forward_train(y2, mean, invstd, rm, rv, NULL, x->data, w, b, &g);
    act_fwd(y2, y2, n);
    fx_expect_close("y (train, fused vs separate)", y, y2, n, 1e-6);

    memcpy(dy, fx_f32(&f, "dy", NULL), n * 4);
    memcpy(dy2, dy, n * 4);
    for (size_t i = 0; i < n; i++) dx[i] = NAN;  /* overwrite = 1 must not read it */
    nn_bn_backward_act(dx, dw, db, dy, y, x->data, w, mean, invstd, &g, act, 1);
    fx_expect_close("dx (fused)", dx, fx_f32(&f, "dx", NULL), n, GRAD_TOL);
    fx_expect_close("dgamma (fused)", dw, fx_f32(&f, "dw", NULL), C, GRAD_TOL);
    fx_expect_close("dbeta (fused)", db, fx_f32(&f, "db", NULL), C, GRAD_TOL);
    act_bwd(dy2, dy2, y2, n);
    fx_expect_close("dout masked in place, as the in-place activation's backward", dy, dy2, n, 0);
    nn_bn_backward(dx2, dw2, db2, dy2, x->data, w, mean, invstd, &g);
    fx_expect_close("dx (fused vs separate)", dx, dx2, n, 1e-6);
    fx_expect_close("dgamma (fused vs separate)", dw, dw2, C, 1e-6);
    free(rm), free(rv), free(y), free(y2), free(dx), free(dx2), free(dw), free(db), free(dw2);
    free(db2), free(mean), free(invstd), free(dy), free(dy2);
    nn_st_free(&f);
}

Test(batchnorm, fused_with_relu_matches_torch_and_separate_ops) { bn_act_case("layer_bn_relu.safetensors", NN_ACT_RELU); }
Test(batchnorm, fused_with_relu6_matches_torch_and_separate_ops) { bn_act_case("layer_bn_relu6.safetensors", NN_ACT_RELU6); }

static void act_case(const char *file, int six)
{
    nn_tensor_file f;
    fx_open(&f, file);
    size_t n;
    const float *x = fx_f32(&f, "x", &n);
    float *y = zeros(n), *dx = zeros(n);
    (six ? nn_relu6_forward : nn_relu_forward)(y, x, n);
    memcpy(dx, fx_f32(&f, "dy", NULL), n * 4);
    (six ? nn_relu6_backward : nn_relu_backward)(dx, dx, y, n);  /* in place, as in the models */
    fx_expect_close("y", y, fx_f32(&f, "y", NULL), n, FWD_TOL);
    fx_expect_close("dx", dx, fx_f32(&f, "dx", NULL), n, GRAD_TOL);
    free(y), free(dx);
    nn_st_free(&f);
}

Test(activation, relu_in_place_matches_torch_including_zero) { act_case("layer_relu.safetensors", 0); }
Test(activation, relu6_in_place_matches_torch_including_corners) { act_case("layer_relu6.safetensors", 1); }

Test(pool, maxpool_3x3_s2_p1_ties_route_gradient_as_torch)
{
    nn_tensor_file f;
    fx_open(&f, "layer_maxpool.safetensors");
    const nn_named_tensor *x = nn_st_find(&f, "x");
    nn_pool_geom g;
    nn_pool_geom_init(&g, (int)x->shape[0], (int)x->shape[1], (int)x->shape[2], (int)x->shape[3],
                      3, 2, 1);
    size_t ny, nx = x->nbytes / 4;
    const float *yw = fx_f32(&f, "y", &ny);
    cr_assert_eq(ny, (size_t)g.B * g.C * g.Ho * g.Wo);
    float *y = zeros(ny), *dx = zeros(nx);
    int32_t *am = calloc(ny, sizeof *am);
    nn_maxpool_forward(y, am, x->data, &g);
    nn_maxpool_backward(dx, fx_f32(&f, "dy", NULL), am, &g);
    fx_expect_close("y", y, yw, ny, FWD_TOL);
    fx_expect_close("dx", dx, fx_f32(&f, "dx", NULL), nx, GRAD_TOL);
    free(y), free(dx), free(am);
    nn_st_free(&f);
}

/* The stem pool's separable path against the definition (first maximum in
 * row-major scan order over the in-image taps; a NaN replaces, as torch's
 * CPU kernel), on odd and even sizes down to 1×1, with values drawn from
 * {0, 1, 2} so that ties are everywhere, and a few NaNs. */
Test(pool, maxpool_3x3_s2_p1_first_maximum_on_ties_and_nan_any_size)
{
    static const int sizes[][2] = {{1, 1}, {1, 2}, {2, 1}, {2, 2}, {3, 3}, {4, 5}, {7, 6}, {9, 9}, {32, 32}};
    nn_rng r;
    nn_rng_seed(&r, 9);
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        nn_pool_geom g;
        const int H = sizes[t][0], W = sizes[t][1];
        nn_pool_geom_init(&g, 2, 3, H, W, 3, 2, 1);
        const size_t nx = (size_t)6 * H * W, ny = (size_t)6 * g.Ho * g.Wo;
        float *x = zeros(nx), *y = zeros(ny);
        int32_t *am = calloc(ny, sizeof *am);
        for (size_t i = 0; i < nx; i++) {
            const double u = nn_rng_normal(&r);
            x[i] = u > 2.5 ? NAN : (float)((int)(fabs(u) * 1.5) % 3);
        }
        nn_maxpool_forward(y, am, x, &g);
        for (int p = 0; p < 6; p++)
            for (int oh = 0; oh < g.Ho; oh++)
                for (int ow = 0; ow < g.Wo; ow++) {
                    float best = 0;
                    int arg = -1;
                    for (int kh = 0; kh < 3; kh++)
                        for (int kw = 0; kw < 3; kw++) {
                            const int ih = 2 * oh - 1 + kh, iw = 2 * ow - 1 + kw;
                            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                            const float v = x[(size_t)p * H * W + ih * W + iw];
                            if (arg < 0 || v > best || isnan(v)) best = v, arg = ih * W + iw;
                        }
                    const size_t o = ((size_t)p * g.Ho + oh) * g.Wo + ow;
                    cr_expect(am[o] == arg && (y[o] == best || (isnan(y[o]) && isnan(best))),
                              "%dx%d, plane %d, output (%d,%d): %g at %d, expected %g at %d", H, W,
                              p, oh, ow, y[o], am[o], best, arg);
                }
        free(x), free(y), free(am);
    }
}

Test(pool, global_average_matches_torch)
{
    nn_tensor_file f;
    fx_open(&f, "layer_avgpool.safetensors");
    const nn_named_tensor *x = nn_st_find(&f, "x");
    const int B = (int)x->shape[0], C = (int)x->shape[1], HW = (int)(x->shape[2] * x->shape[3]);
    float *y = zeros((size_t)B * C), *dx = zeros(x->nbytes / 4);
    nn_avgpool_global_forward(y, x->data, B, C, HW);
    nn_avgpool_global_backward(dx, fx_f32(&f, "dy", NULL), B, C, HW);
    fx_expect_close("y", y, fx_f32(&f, "y", NULL), (size_t)B * C, FWD_TOL);
    fx_expect_close("dx", dx, fx_f32(&f, "dx", NULL), x->nbytes / 4, GRAD_TOL);
    free(y), free(dx);
    nn_st_free(&f);
}

Test(linear, forward_and_backward_match_torch)
{
    nn_tensor_file f;
    fx_open(&f, "layer_linear.safetensors");
    const nn_named_tensor *x = nn_st_find(&f, "x"), *w = nn_st_find(&f, "w");
    const int B = (int)x->shape[0], M = (int)x->shape[1], N = (int)w->shape[0];
    float *y = zeros((size_t)B * N), *dx = zeros((size_t)B * M), *dw = zeros((size_t)N * M),
          *db = zeros((size_t)N);
    const float *b = fx_f32(&f, "b", NULL), *dy = fx_f32(&f, "dy", NULL);
    nn_linear_forward(y, x->data, w->data, b, B, M, N);
    nn_linear_backward(dx, dw, db, dy, x->data, w->data, B, M, N);
    fx_expect_close("y", y, fx_f32(&f, "y", NULL), (size_t)B * N, FWD_TOL);
    fx_expect_close("dx", dx, fx_f32(&f, "dx", NULL), (size_t)B * M, GRAD_TOL);
    fx_expect_close("dw", dw, fx_f32(&f, "dw", NULL), (size_t)N * M, GRAD_TOL);
    fx_expect_close("db", db, fx_f32(&f, "db", NULL), (size_t)N, GRAD_TOL);
    free(y), free(dx), free(dw), free(db);
    nn_st_free(&f);
}

Test(loss, mse_and_cross_entropy_match_torch)
{
    nn_tensor_file f;
    fx_open(&f, "layer_losses.safetensors");
    size_t n, nz;
    const float *p = fx_f32(&f, "pred", &n);
    float *dp = zeros(n);
    const float l = nn_mse_loss(p, fx_f32(&f, "target", NULL), (int)n, dp);
    fx_expect_close("mse", &l, fx_f32(&f, "mse", NULL), 1, FWD_TOL);
    fx_expect_close("dmse/dpred", dp, fx_f32(&f, "dpred", NULL), n, GRAD_TOL);
    const nn_named_tensor *z = nn_st_find(&f, "logits"), *lab = nn_st_find(&f, "labels");
    cr_assert_eq(lab->dtype, NN_DT_I64);
    nz = z->nbytes / 4;
    float *dz = zeros(nz);
    const float ce = nn_cross_entropy_loss(z->data, lab->data, (int)z->shape[0], (int)z->shape[1], dz);
    fx_expect_close("cross entropy", &ce, fx_f32(&f, "ce", NULL), 1, FWD_TOL);
    fx_expect_close("dce/dlogits", dz, fx_f32(&f, "dlogits", NULL), nz, GRAD_TOL);
    free(dp), free(dz);
    nn_st_free(&f);
}

static void optim_case(const char *name, nn_optim_cfg c)
{
    nn_tensor_file f;
    fx_open(&f, "optim.safetensors");
    size_t n, ng;
    const float *w0 = fx_f32(&f, "w0", &n), *g = fx_f32(&f, "g", &ng);
    float *w = zeros(n), *m = zeros(n), *v = zeros(n);
    memcpy(w, w0, n * 4);
    for (size_t t = 0; t < ng / n; t++) {
        if (c.kind == NN_OPT_SGD)
            nn_sgd_update(w, g + t * n, m, n, &c);
        else
            nn_adam_update(w, g + t * n, m, v, n, &c, (long)t + 1, c.kind == NN_OPT_ADAMW);
    }
    fx_expect_close(name, w, fx_f32(&f, name, NULL), n, FWD_TOL);
    free(w), free(m), free(v);
    nn_st_free(&f);
}

Test(optim, sgd_momentum_weight_decay_matches_torch)
{
    optim_case("sgd", (nn_optim_cfg){.kind = NN_OPT_SGD, .lr = 0.1f, .momentum = 0.9f, .weight_decay = 0.01f});
}
Test(optim, sgd_nesterov_matches_torch)
{
    optim_case("sgd_nesterov", (nn_optim_cfg){.kind = NN_OPT_SGD, .lr = 0.1f, .momentum = 0.9f,
                                              .weight_decay = 0.01f, .nesterov = 1});
}
Test(optim, sgd_plain_matches_torch)
{
    optim_case("sgd_plain", (nn_optim_cfg){.kind = NN_OPT_SGD, .lr = 0.1f});
}
Test(optim, adam_l2_weight_decay_matches_torch)
{
    optim_case("adam", (nn_optim_cfg){.kind = NN_OPT_ADAM, .lr = 0.01f, .beta1 = 0.9f,
                                      .beta2 = 0.999f, .eps = 1e-8f, .weight_decay = 0.01f});
}
Test(optim, adamw_decoupled_weight_decay_matches_torch)
{
    optim_case("adamw", (nn_optim_cfg){.kind = NN_OPT_ADAMW, .lr = 0.01f, .beta1 = 0.8f,
                                       .beta2 = 0.99f, .eps = 1e-6f, .weight_decay = 0.1f});
}

Test(optim, cosine_and_step_schedules_match_torch)
{
    nn_tensor_file f;
    fx_open(&f, "optim.safetensors");
    size_t n;
    const float *cw = fx_f32(&f, "cosine", &n), *sw = fx_f32(&f, "steplr", NULL);
    float cos_lr[16], step_lr[16];
    for (size_t t = 0; t < n; t++) {
        cos_lr[t] = nn_lr_cosine(0.1f, 0.001f, (long)t, 10);
        step_lr[t] = nn_lr_step(0.1f, 0.5f, 3, (long)t);
    }
    fx_expect_close("cosine lr", cos_lr, cw, n, 1e-6);
    fx_expect_close("step lr", step_lr, sw, n, 1e-6);
    nn_st_free(&f);
}

/* ---------------------------------------------------------------- dropout */

Test(dropout, inverted_scaling_keeps_expectation_and_backward_uses_mask)
{
    enum { N = 200000 };
    float *x = zeros(N), *y = zeros(N), *mask = zeros(N), *d = zeros(N);
    for (int i = 0; i < N; i++) x[i] = 1.0f;
    nn_rng r;
    nn_rng_seed(&r, 42);
    nn_dropout_forward(y, mask, x, N, 0.2f, &r);
    int zeros_n = 0;
    double sum = 0;
    for (int i = 0; i < N; i++) {
        zeros_n += y[i] == 0.0f;
        sum += y[i];
        cr_assert(y[i] == 0.0f || y[i] == 1.25f, "kept values are scaled by 1/(1-p)");
    }
    /* Binomial(N, 0.2): σ of the dropped fraction is 0.0009; 5σ bounds. */
    cr_expect(fabs(zeros_n / (double)N - 0.2) < 0.0045, "dropped fraction %g", zeros_n / (double)N);
    cr_expect(fabs(sum / N - 1.0) < 0.012, "mean %g not preserved", sum / N);
    for (int i = 0; i < N; i++) d[i] = 2.0f;
    nn_dropout_backward(d, d, mask, N);
    for (int i = 0; i < N; i++) cr_assert_eq(d[i], 2.0f * mask[i]);
    free(x), free(y), free(mask), free(d);
}

/* ---------------------------------------------------------------- finite differences
 * L = Σ y·r for a fixed random r; the analytic ∂L/∂v from backward must match
 * (L(v + h) − L(v − h))/2h for every element v of every input and parameter.
 * Inputs are kept away from the kinks of ReLU/ReLU6/max so the difference
 * quotient sees a smooth function. */

static double (*fd_loss)(void);

static void fill(float *p, size_t n, nn_rng *r, double scale)
{
    for (size_t i = 0; i < n; i++) p[i] = (float)(scale * (2 * nn_rng_uniform(r) - 1));
}

static double dot(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

static void fd_check(const char *what, float *v, const float *grad, size_t n)
{
    const float h = 1e-2f;
    double worst = 0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        const float keep = v[i];
        v[i] = keep + h;
        const double lp = fd_loss();
        v[i] = keep - h;
        const double lm = fd_loss();
        v[i] = keep;
        const double num = (lp - lm) / (2.0 * h);
        const double err = fabs(num - grad[i]) / fmax(1.0, fabs(num));
        if (!(err <= worst)) worst = err, at = i;
    }
    cr_log_info("finite differences %-28s worst error %.2e", what, worst);
    cr_expect(worst < 2e-3, "%s: element %zu, backward %.6g, finite difference off by %.2e", what, at,
              (double)grad[at], worst);
}

static struct {
    nn_conv_geom g;
    float *x, *w, *b, *y, *r, *col;
} C;

static double conv_loss(void)
{
    if (C.g.groups == C.g.Cin && C.g.Cin == C.g.Cout && C.g.groups > 1)
        nn_dwconv_forward(C.y, C.x, C.w, &C.g);
    else
        nn_conv2d_forward(C.y, C.x, C.w, NULL, C.b, &C.g, C.col);
    return dot(C.y, C.r, (size_t)C.g.B * C.g.Cout * C.g.Ho * C.g.Wo);
}

/* algo < 0: the algorithm nn_conv_geom_init picks; else that one. */
static void fd_conv_algo(int B, int Cin, int H, int W, int Cout, int K, int s, int p, int groups,
                         int batch_cols, int algo)
{
    nn_rng r;
    nn_rng_seed(&r, 1);
    nn_conv_geom_init(&C.g, B, Cin, H, W, Cout, K, s, p, groups);
    C.g.batch_cols = batch_cols;
    if (algo >= 0) C.g.algo = (nn_conv_algo)algo;
    const size_t nx = (size_t)B * Cin * H * W, nw = (size_t)Cout * (Cin / groups) * K * K;
    const size_t ny = (size_t)B * Cout * C.g.Ho * C.g.Wo;
    const int dw = groups == Cin && Cin == Cout && groups > 1;
    C.x = zeros(nx), C.w = zeros(nw), C.b = dw ? NULL : zeros(Cout), C.y = zeros(ny), C.r = zeros(ny);
    C.col = zeros(nn_conv_col_floats(&C.g) + nn_conv_kernel_floats(&C.g));
    fill(C.x, nx, &r, 1), fill(C.w, nw, &r, 0.5), fill(C.r, ny, &r, 1);
    if (C.b) fill(C.b, Cout, &r, 0.5);
    float *dx = zeros(nx), *dwt = zeros(nw), *db = zeros(Cout), *yref = zeros(ny);
    conv_loss();
    nn_conv2d_forward_naive(yref, C.x, C.w, C.b, &C.g);
    fx_expect_close("conv forward vs naive loops", C.y, yref, ny, FWD_TOL);
    free(yref);
    if (dw)
        nn_dwconv_backward(dx, dwt, C.r, C.x, C.w, &C.g);
    else
        nn_conv2d_backward(dx, dwt, db, C.r, C.x, C.w, NULL, &C.g, C.col);
    fd_loss = conv_loss;
    fd_check("conv input", C.x, dx, nx);
    fd_check("conv weight", C.w, dwt, nw);
    if (C.b) fd_check("conv bias", C.b, db, Cout);
    free(C.x), free(C.w), free(C.b), free(C.y), free(C.r), free(C.col), free(dx), free(dwt), free(db);
}

static void fd_conv(int B, int Cin, int H, int W, int Cout, int K, int s, int p, int groups,
                    int batch_cols)
{
    fd_conv_algo(B, Cin, H, W, Cout, K, s, p, groups, batch_cols, -1);
}

Test(finite_differences, conv2d_grouped_strided) { fd_conv(2, 4, 6, 7, 6, 3, 2, 1, 2, 2048); }
Test(finite_differences, conv2d_grouped_strided_one_image_per_gemm) { fd_conv(2, 4, 6, 7, 6, 3, 2, 1, 2, 1); }
/* batch 3 in GEMMs of 2 images: a full chunk then a partial one */
Test(finite_differences, conv2d_partial_last_chunk) { fd_conv(3, 4, 6, 7, 6, 3, 2, 1, 1, 24); }
Test(finite_differences, conv2d_pointwise_partial_last_chunk) { fd_conv(3, 3, 4, 5, 4, 1, 1, 0, 1, 40); }
Test(finite_differences, conv2d_pointwise) { fd_conv(2, 3, 4, 5, 4, 1, 1, 0, 1, 2048); }
Test(finite_differences, conv2d_pointwise_one_image_per_gemm) { fd_conv(2, 3, 4, 5, 4, 1, 1, 0, 1, 1); }
/* Winograd: sizes not multiples of the tile, so tiles are cropped and padded. */
Test(finite_differences, conv2d_winograd_f4) { fd_conv_algo(2, 3, 7, 6, 4, 3, 1, 1, 1, 0, NN_CONV_WINOGRAD_4); }
Test(finite_differences, conv2d_winograd_f2) { fd_conv_algo(2, 3, 5, 3, 4, 3, 1, 1, 1, 0, NN_CONV_WINOGRAD_2); }
Test(finite_differences, conv2d_winograd_f4_pad0) { fd_conv_algo(2, 2, 7, 8, 3, 3, 1, 0, 1, 0, NN_CONV_WINOGRAD_4); }
Test(finite_differences, conv2d_taps_2x2) { fd_conv_algo(2, 3, 2, 2, 4, 3, 1, 1, 1, 0, NN_CONV_TAPS); }
Test(finite_differences, conv2d_taps_1x2) { fd_conv_algo(3, 2, 1, 2, 5, 3, 1, 1, 1, 0, NN_CONV_TAPS); }
Test(finite_differences, dwconv_stride2) { fd_conv(2, 3, 7, 6, 3, 3, 2, 1, 3, 2048); }
Test(finite_differences, dwconv_stride1) { fd_conv(2, 3, 5, 6, 3, 3, 1, 1, 3, 2048); }

/* Winograd against im2col on ResNet-18's 3×3 layer shapes (one image of each
 * map size ResNet-18 meets at 64×64 and 224×224 inputs), with He-scaled
 * weights and unit inputs as in a network: forward within 1e-4, gradients
 * within 1e-3 (F(4×4): 4e-3, below), relative to max(1, |im2col|). */
static void winograd_vs_im2col(int B, int Ch, int H)
{
    nn_rng r;
    nn_rng_seed(&r, 7);
    nn_conv_geom gs[4];
    nn_conv_geom_init(&gs[0], B, Ch, H, H, Ch, 3, 1, 1, 1);
    gs[1] = gs[2] = gs[3] = gs[0];
    gs[0].algo = NN_CONV_IM2COL, gs[1].algo = NN_CONV_WINOGRAD_2, gs[2].algo = NN_CONV_WINOGRAD_4;
    gs[3].algo = NN_CONV_TAPS;  /* im2col again unless the map is 2×2 or less and gemm.c runs */
    const int ng = H <= 2 && nn_gemm_available() ? 4 : 3;
    const size_t nx = (size_t)B * Ch * H * H, nw = (size_t)Ch * Ch * 9;
    float *x = zeros(nx), *w = zeros(nw), *dy = zeros(nx);
    fill(x, nx, &r, 1), fill(w, nw, &r, sqrt(6.0 / (9 * Ch))), fill(dy, nx, &r, 1);
    float *y[4], *dx[4], *dw[4];
    for (int k = 0; k < ng; k++) {
        float *col = zeros(nn_conv_col_floats(&gs[k]) + nn_conv_kernel_floats(&gs[k]));
        y[k] = zeros(nx), dx[k] = zeros(nx), dw[k] = zeros(nw);
        nn_conv2d_forward(y[k], x, w, NULL, NULL, &gs[k], col);
        nn_conv2d_backward(dx[k], dw[k], NULL, dy, x, w, NULL, &gs[k], col);
        free(col);
    }
    for (int k = 1; k < ng; k++) {
        if (k < 3)
            cr_log_info("%d channels at %dx%d, batch %d, F(%dx%d,3x3):", Ch, H, H, B, 2 * k, 2 * k);
        else
            cr_log_info("%d channels at %dx%d, batch %d, per-pixel-pair products:", Ch, H, H, B);
        /* F(4×4)'s transforms multiply rounding errors by up to an order of
         * magnitude more than direct summation (Barabasz et al., "Error
         * analysis and improving the accuracy of Winograd convolution", ACM
         * TOMS 2020): its kernel gradient, a sum over B·H·W products, met
         * 4.8e-4 with our product and 1.3e-3 with OpenBLAS's on an Intel Xeon
         * (its kernels sum in another order), so it is held to 4e-3 against
         * im2col; F(2×2) and the per-pixel-pair products stay at 1e-3. */
        const double gtol = k == 2 ? 4e-3 : GRAD_TOL;
        fx_expect_close("y vs im2col", y[k], y[0], nx, FWD_TOL);
        fx_expect_close("dx vs im2col", dx[k], dx[0], nx, gtol);
        fx_expect_close("dw vs im2col", dw[k], dw[0], nw, gtol);
    }
    for (int k = 0; k < ng; k++) free(y[k]), free(dx[k]), free(dw[k]);
    free(x), free(w), free(dy);
}

Test(conv2d, winograd_agrees_with_im2col_on_resnet18_shapes)
{
    winograd_vs_im2col(2, 64, 56);
    winograd_vs_im2col(4, 128, 8);
    winograd_vs_im2col(4, 256, 4);
    winograd_vs_im2col(3, 512, 7);
    winograd_vs_im2col(4, 512, 2);
}

static struct {
    nn_bn_geom g;
    float *x, *w, *b, *y, *r, *rm, *rv, *mean, *invstd;
} N;

static double bn_loss(void)
{
    nn_bn_forward_train(N.y, N.mean, N.invstd, N.rm, N.rv, NULL, N.x, N.w, N.b, &N.g);
    return dot(N.y, N.r, (size_t)N.g.B * N.g.C * N.g.HW);
}

Test(finite_differences, batchnorm_train)
{
    nn_rng r;
    nn_rng_seed(&r, 2);
    N.g = (nn_bn_geom){3, 2, 5, 1e-5f, 0.1f};
    const size_t n = 30, c = 2;
    N.x = zeros(n), N.y = zeros(n), N.r = zeros(n), N.w = zeros(c), N.b = zeros(c);
    N.rm = zeros(c), N.rv = zeros(c), N.mean = zeros(c), N.invstd = zeros(c);
    fill(N.x, n, &r, 2), fill(N.r, n, &r, 1), fill(N.w, c, &r, 1), fill(N.b, c, &r, 1);
    float *dx = zeros(n), *dw = zeros(c), *db = zeros(c);
    bn_loss();
    nn_bn_backward(dx, dw, db, N.r, N.x, N.w, N.mean, N.invstd, &N.g);
    fd_loss = bn_loss;
    fd_check("batchnorm input", N.x, dx, n);
    fd_check("batchnorm gamma", N.w, dw, c);
    fd_check("batchnorm beta", N.b, db, c);
    free(N.x), free(N.y), free(N.r), free(N.w), free(N.b), free(N.rm), free(N.rv), free(N.mean),
        free(N.invstd), free(dx), free(dw), free(db);
}

static struct {
    int kind;  /* 0 relu, 1 relu6, 2 maxpool, 3 avgpool, 4 linear, 5 mse, 6 ce */
    nn_pool_geom pg;
    float *x, *w, *b, *y, *r, *t;
    int32_t *am;
    int64_t lab[3];
    size_t nx, ny;
} S;

static double small_loss(void)
{
    switch (S.kind) {
    case 0: nn_relu_forward(S.y, S.x, S.nx); break;
    case 1: nn_relu6_forward(S.y, S.x, S.nx); break;
    case 2: nn_maxpool_forward(S.y, S.am, S.x, &S.pg); break;
    case 3: nn_avgpool_global_forward(S.y, S.x, 2, 3, 10); break;
    case 4: nn_linear_forward(S.y, S.x, S.w, S.b, 3, 4, 5); break;
    case 5: return nn_mse_loss(S.x, S.t, (int)S.nx, NULL);
    case 6: return nn_cross_entropy_loss(S.x, S.lab, 3, 4, NULL);
    }
    return dot(S.y, S.r, S.ny);
}

static void fd_small(int kind, size_t nx, size_t ny)
{
    nn_rng r;
    nn_rng_seed(&r, 3 + (uint64_t)kind);
    memset(&S, 0, sizeof S);
    S.kind = kind, S.nx = nx, S.ny = ny;
    S.x = zeros(nx), S.y = zeros(ny), S.r = zeros(ny), S.t = zeros(nx), S.am = calloc(ny, 4);
    S.w = zeros(20), S.b = zeros(5);
    fill(S.r, ny, &r, 1), fill(S.t, nx, &r, 1), fill(S.w, 20, &r, 1), fill(S.b, 5, &r, 1);
    /* distinct values at least 0.05 apart and 0.05 from 0 and 6: no kink within ±h */
    for (size_t i = 0; i < nx; i++) {
        const double v = 0.1 * (double)((i * 37) % nx) - 0.1 * (double)nx / 2 + 0.05;
        S.x[i] = (float)(kind == 1 ? v * 0.9 + 3.0 : v);
    }
    S.lab[0] = 1, S.lab[1] = 3, S.lab[2] = 0;
    float *dx = zeros(nx), *dw = zeros(20), *db = zeros(5);
    small_loss();
    switch (kind) {
    case 0: nn_relu_backward(dx, S.r, S.y, nx); break;
    case 1: nn_relu6_backward(dx, S.r, S.y, nx); break;
    case 2: nn_maxpool_backward(dx, S.r, S.am, &S.pg); break;
    case 3: nn_avgpool_global_backward(dx, S.r, 2, 3, 10); break;
    case 4: nn_linear_backward(dx, dw, db, S.r, S.x, S.w, 3, 4, 5); break;
    case 5: nn_mse_loss(S.x, S.t, (int)nx, dx); break;
    case 6: nn_cross_entropy_loss(S.x, S.lab, 3, 4, dx); break;
    }
    fd_loss = small_loss;
    fd_check("input", S.x, dx, nx);
    if (kind == 4) {
        fd_check("linear weight", S.w, dw, 20);
        fd_check("linear bias", S.b, db, 5);
    }
    free(S.x), free(S.y), free(S.r), free(S.t), free(S.am), free(S.w), free(S.b);
    free(dx), free(dw), free(db);
}

Test(finite_differences, relu) { fd_small(0, 40, 40); }
Test(finite_differences, relu6) { fd_small(1, 130, 130); }
Test(finite_differences, maxpool)
{
    nn_pool_geom_init(&S.pg, 2, 2, 7, 6, 3, 2, 1);
    nn_pool_geom pg = S.pg;
    memset(&S, 0, sizeof S);
    S.pg = pg;
    /* fd_small resets S; keep the geometry across */
    nn_rng r;
    nn_rng_seed(&r, 9);
    const size_t nx = 2 * 2 * 7 * 6, ny = (size_t)2 * 2 * pg.Ho * pg.Wo;
    S.kind = 2, S.nx = nx, S.ny = ny;
    S.x = zeros(nx), S.y = zeros(ny), S.r = zeros(ny), S.am = calloc(ny, 4);
    fill(S.r, ny, &r, 1);
    for (size_t i = 0; i < nx; i++) S.x[i] = (float)(0.1 * (double)((i * 37) % nx));
    float *dx = zeros(nx);
    small_loss();
    nn_maxpool_backward(dx, S.r, S.am, &S.pg);
    fd_loss = small_loss;
    fd_check("maxpool input", S.x, dx, nx);
    free(S.x), free(S.y), free(S.r), free(S.am), free(dx);
}
Test(finite_differences, global_avgpool) { fd_small(3, 60, 6); }
Test(finite_differences, linear) { fd_small(4, 12, 15); }
Test(finite_differences, mse_loss) { fd_small(5, 12, 1); }
Test(finite_differences, cross_entropy_loss) { fd_small(6, 12, 1); }

Test(finite_differences, residual_add)
{
    float a[5] = {1, 2, 3, 4, 5}, b[5] = {0}, da[5] = {0}, db[5] = {0}, d[5] = {1, -1, 2, 0.5f, 3};
    nn_add_backward(da, db, d, 5);
    for (int i = 0; i < 5; i++) cr_expect(da[i] == d[i] && db[i] == d[i]);
    float y[5];
    nn_add_forward(y, a, b, 5);
    for (int i = 0; i < 5; i++) cr_expect_eq(y[i], a[i]);
}

/* ResNet's relu(out + identity) as one fused op equals the two ops it replaces
 * (each checked against torch above), forward and backward, in place as the
 * network runs it; 70000 values so the parallel chunks run too. */
Test(residual, add_fused_with_relu_equals_add_then_relu)
{
    const size_t n = 70000;
    nn_rng r;
    nn_rng_seed(&r, 5);
    float *a = zeros(n), *b = zeros(n), *a2 = zeros(n), *d = zeros(n), *d2 = zeros(n);
    float *db = zeros(n), *db2 = zeros(n);
    fill(a, n, &r, 3), fill(b, n, &r, 3), fill(d, n, &r, 1);
    memcpy(a2, a, n * 4), memcpy(d2, d, n * 4);
    nn_add_act_forward(a, a, b, n, NN_ACT_RELU);
    nn_add_forward(a2, a2, b, n);
    nn_relu_forward(a2, a2, n);
    fx_expect_close("relu(a + b)", a, a2, n, 0);
    nn_add_act_backward(d, db, d, a, n, NN_ACT_RELU);
    nn_relu_backward(d2, d2, a2, n);
    nn_add_backward(d2, db2, d2, n);
    fx_expect_close("gradient into the sum (in place)", d, d2, n, 0);
    fx_expect_close("gradient into the identity branch", db, db2, n, 0);
    free(a), free(b), free(a2), free(d), free(d2), free(db), free(db2);
}

/* ------------------------------------------------------ packed products */

/* Expect C (M rows, ldc apart, all filled with c0 beforehand) to hold
 * (c0 if acc, else 0) + Σ_k A(i,k)·B(k,j) in columns j < N, within 1e-6 of
 * base + Σ|A·B|, and c0 untouched past N; A(i,k) = a[i·ars + k·acs],
 * B(k,j) = b[k·brs + j·bcs]. Reports the first wrong entry, labelled what. */
static void expect_product(const float *C, size_t ldc, int M, int N, int K, const float *a,
                           size_t ars, size_t acs, const float *b, size_t brs, size_t bcs, float c0,
                           int acc, double base, const char *what)
{
    for (int i = 0; i < M; i++)
        for (size_t j = 0; j < ldc; j++) {
            double s = acc ? c0 : 0.0, mag = base;
            for (int k = 0; k < K && (int)j < N; k++) {
                const double t = (double)a[i * ars + k * acs] * b[k * brs + j * bcs];
                s += t, mag += fabs(t);
            }
            const double want = (int)j < N ? s : c0;
            if (fabs(C[i * ldc + j] - want) > 1e-6 * mag) {
                cr_expect_fail("%s: C[%d][%zu] = %g, expected %g", what, i, j, C[i * ldc + j], want);
                return;
            }
        }
}

/* gemm.c against the defining sum C[i][j] = Σ_k A[i][k]·B[k][j] in double,
 * over sizes that hit every edge: rows not a multiple of the 8-row panel,
 * columns not a multiple of 16 or 32, K of 0, 1 and across the 128-step
 * blocks, rows of B and C longer than N (whose extra columns must stay
 * untouched). Each entry within 1e-6 of Σ|A||B|. */
Test(gemm, packed_product_equals_the_sum_on_edge_sizes)
{
    nn_gemm_disable(0);
    if (!nn_gemm_available()) cr_skip_test("no AVX-512F: no packed products on this processor");
    static const int Ms[] = {1, 7, 8, 9, 24, 61}, Ns[] = {1, 15, 16, 17, 32, 33, 70};
    static const int Ks[] = {0, 1, 5, 128, 129, 300};
    nn_rng r;
    nn_rng_seed(&r, 7);
    for (size_t a = 0; a < sizeof Ms / sizeof *Ms; a++)
        for (size_t b = 0; b < sizeof Ns / sizeof *Ns; b++)
            for (size_t c = 0; c < sizeof Ks / sizeof *Ks; c++) {
                const int M = Ms[a], N = Ns[b], K = Ks[c];
                const size_t ldb = (size_t)N + 3, ldc = (size_t)N + 5;
                float *A = zeros((size_t)M * K), *B = zeros(K * ldb), *C = zeros(M * ldc);
                float *Ap = zeros(nn_gemm_packed_floats(M, K));
                fill(A, (size_t)M * K, &r, 1), fill(B, K * ldb, &r, 1);
                for (size_t i = 0; i < M * ldc; i++) C[i] = 12345.0f;
                nn_gemm_pack(Ap, A, K, M, K);
                nn_gemm_packed(M, N, K, Ap, B, ldb, C, ldc);
                char what[64];
                snprintf(what, sizeof what, "M %d N %d K %d", M, N, K);
                expect_product(C, ldc, M, N, K, A, (size_t)K, 1, B, ldb, 1, 12345.0f, 0, 1.0, what);
                free(A), free(B), free(C), free(Ap);
            }
}

/* The transposed read: A = W[k0 .. k0+K, m0 .. m0+M)ᵀ for W packed as it is
 * (R rows of Mw columns), B stored transposed, C added to; sizes as above,
 * with row and column ranges that start inside a panel of W. */
Test(gemm, transposed_packed_weights_and_transposed_b_equal_the_sum)
{
    nn_gemm_disable(0);
    if (!nn_gemm_available()) cr_skip_test("no AVX-512F: no packed products on this processor");
    static const int Ms[] = {1, 7, 8, 13, 40}, Ns[] = {1, 16, 17, 33}, Ks[] = {1, 9, 128, 200};
    static const int K0s[] = {0, 3, 8}, M0s[] = {0, 5};
    nn_rng r;
    nn_rng_seed(&r, 8);
    for (size_t a = 0; a < sizeof Ms / sizeof *Ms; a++)
        for (size_t b = 0; b < sizeof Ns / sizeof *Ns; b++)
            for (size_t c = 0; c < sizeof Ks / sizeof *Ks; c++)
                for (size_t d = 0; d < 6; d++) {
                    const int M = Ms[a], N = Ns[b], K = Ks[c], k0 = K0s[d % 3], m0 = M0s[d / 3];
                    const int R = k0 + K + 2, Mw = m0 + M + 3;
                    const size_t ldb = (size_t)K + 1, ldc = (size_t)N + 2;
                    float *W = zeros((size_t)R * Mw), *Bt = zeros(N * ldb), *C = zeros(M * ldc);
                    float *Wp = zeros(nn_gemm_packed_floats(R, Mw));
                    fill(W, (size_t)R * Mw, &r, 1), fill(Bt, N * ldb, &r, 1);
                    for (size_t i = 0; i < M * ldc; i++) C[i] = 1.5f;
                    nn_gemm_pack(Wp, W, Mw, R, Mw);
                    const nn_gemm_job jb = {.M = M, .N = N, .K = K, .Ap = Wp, .kp = (size_t)Mw,
                                            .k0 = k0, .at = 1, .m0 = m0, .B = Bt, .ldb = ldb,
                                            .bt = 1, .C = C, .ldc = ldc, .acc = 1};
                    nn_gemm_run(&jb);
                    char what[80];
                    snprintf(what, sizeof what, "M %d N %d K %d k0 %d m0 %d", M, N, K, k0, m0);
                    expect_product(C, ldc, M, N, K, W + (size_t)k0 * Mw + m0, 1, (size_t)Mw, Bt, 1,
                                   ldb, 1.5f, 1, 1.5, what);
                    free(W), free(Bt), free(C), free(Wp);
                }
}
