/* The layers of src/nn: forward and backward of each, on plain float arrays in
 * NCHW layout (batch, channel, row, column). Each pair lives in a file named for
 * the layer (conv2d.c, dwconv.c, batchnorm.c, ...), with the equation it computes.
 *
 * Conventions, as in PyTorch's autograd:
 *  - backward functions ACCUMULATE (+=) into parameter gradients and into the
 *    input gradient, so a tensor read by two layers (a residual branch) gets the
 *    sum of both; the caller zeroes gradients before a backward pass;
 *  - an input-gradient pointer may be NULL when nobody needs it (the image);
 *  - the element-wise layers (ReLU, ReLU6, dropout) work in place and their
 *    backward OVERWRITES: din = f'(·)·dout, with din allowed to equal dout. */
#ifndef MC_NN_LAYERS_H
#define MC_NN_LAYERS_H
#include <stddef.h>
#include <stdint.h>

/* ---- conv2d.c: convolution as im2col + GEMM (torch.nn.Conv2d, dilation 1) ---- */
/* How a convolution is computed: im2col + GEMM (any shape), Winograd's
 * F(2×2,3×3) / F(4×4,3×3) (winograd.c: 3×3, stride 1, groups 1 only), or one
 * product per pair of pixels (conv_taps.c: 3×3, stride 1, padding 1, groups 1,
 * maps of 2×2 or less, with gemm.c only). */
typedef enum { NN_CONV_IM2COL, NN_CONV_WINOGRAD_2, NN_CONV_WINOGRAD_4, NN_CONV_TAPS } nn_conv_algo;
typedef struct {
    int B, Cin, H, W;          /* input  (B,Cin,H,W) */
    int Cout, K, stride, pad;  /* weight (Cout, Cin/groups, K, K) */
    int groups;
    int Ho, Wo;                /* output (B,Cout,Ho,Wo) */
    int batch_cols;            /* images are batched into one GEMM until it has
                                * this many columns (default 8192; 1 = one image
                                * per GEMM, as tests use to exercise both paths) */
    nn_conv_algo algo;         /* chosen by nn_conv_geom_init (always im2col when
                                * the environment has MC_NN_CONV=im2col); a caller
                                * may set NN_CONV_IM2COL for any shape (tests compare) */
} nn_conv_geom;

/* Fill g; Ho = (H + 2·pad − K)/stride + 1 (floor), likewise Wo. Picks the
 * algorithm: for a 3×3 stride-1 padding-1 convolution on a map of 2×2 or
 * less, the per-pixel-pair products when gemm.c runs here; for a 3×3 stride-1
 * convolution with at least 16 channels in and out, Winograd F(4×4) or F(2×2)
 * when its matrix products cost less than im2col's (conv2d.c: the columns of
 * the products, over the batch, times their number, plus a fixed overhead per
 * product); else im2col. */
void nn_conv_geom_init(nn_conv_geom *g, int B, int Cin, int H, int W, int Cout, int K,
                       int stride, int pad, int groups);
/* Floats of scratch (forward and backward) for g's algorithm. im2col: the
 * im2col matrix of one group of a chunk of images and, when several images
 * share a GEMM, their gathered outputs; 0 for a 1×1 stride-1 unpadded
 * convolution done one image at a time (it reads its input directly).
 * Winograd: the transformed input, kernels and products (winograd.c). */
size_t nn_conv_col_floats(const nn_conv_geom *g);
/* Winograd works on transformed kernels U (G g Gᵀ for every kernel g), which
 * a network keeps while its weights do not change: nn_conv_kernel_floats
 * floats (0 for im2col), filled by nn_conv_transform_kernels. */
size_t nn_conv_kernel_floats(const nn_conv_geom *g);
void nn_conv_transform_kernels(float *U, const float *w, const nn_conv_geom *g);
/* U: w transformed by nn_conv_transform_kernels, or NULL to have it done here,
 * in col, which must then hold nn_conv_kernel_floats more floats. */
void nn_conv2d_forward(float *out, const float *in, const float *w, const float *U,
                       const float *bias, const nn_conv_geom *g, float *col);
void nn_conv2d_backward(float *din, float *dw, float *dbias, const float *dout,
                        const float *in, const float *w, const float *U, const nn_conv_geom *g,
                        float *col);
/* The output columns [lo, hi) whose kernel tap kw lands inside the input row,
 * 0 ≤ ow·stride − pad + kw < W (shared by the im2col and depthwise loops). */
void nn_conv_tap_range(int kw, const nn_conv_geom *g, int *lo, int *hi);
/* The textbook six-loop convolution, for tests only: the im2col path must agree. */
void nn_conv2d_forward_naive(float *out, const float *in, const float *w, const float *bias,
                             const nn_conv_geom *g);

/* ---- winograd.c: the Winograd algorithms, called by conv2d.c when g->algo says ---- */
size_t nn_winograd_floats(const nn_conv_geom *g);
size_t nn_winograd_kernel_floats(const nn_conv_geom *g);
void nn_winograd_transform_kernels(float *U, const float *w, const nn_conv_geom *g);
void nn_winograd_forward(float *out, const float *in, const float *U, const float *bias,
                         const nn_conv_geom *g, float *scratch);
void nn_winograd_backward(float *din, float *dw, float *dbias, const float *dout,
                          const float *in, const float *U, const nn_conv_geom *g, float *scratch);

/* ---- conv_taps.c: the per-pixel-pair products, called by conv2d.c when g->algo says ---- */
size_t nn_taps_floats(const nn_conv_geom *g);
size_t nn_taps_kernel_floats(const nn_conv_geom *g);
void nn_taps_pack_kernels(float *Wp, const float *w, const nn_conv_geom *g);
void nn_taps_forward(float *out, const float *in, const float *Wp, const nn_conv_geom *g,
                     float *scratch);
void nn_taps_backward(float *din, float *dw, const float *dout, const float *in, const float *Wp,
                      const nn_conv_geom *g, float *scratch);

/* ---- activation.c: ReLU and ReLU6, alone or fused after a per-channel affine map ---- */
/* The activation a layer may apply to its output as it writes it (fusion). */
typedef enum { NN_ACT_NONE, NN_ACT_RELU, NN_ACT_RELU6 } nn_act;
void nn_relu_forward(float *out, const float *in, size_t n);
void nn_relu_backward(float *din, const float *dout, const float *out, size_t n);
void nn_relu6_forward(float *out, const float *in, size_t n);
void nn_relu6_backward(float *din, const float *dout, const float *out, size_t n);
/* out = act(in·scale + shift) over n values of one channel (out may equal in):
 * batch norm's normalisation and the activation after it in one pass. Serial
 * (a building block for the layers' own parallel loops). */
void nn_affine_act(float *out, const float *in, size_t n, float scale, float shift, nn_act act);
/* out[i] = act(in[i]·scale[i] + shift[i]): one constant pair per value. Serial. */
void nn_affine_act_each(float *out, const float *in, size_t n, const float *scale,
                        const float *shift, nn_act act);
/* din = dout · act'(out), from the activation's OUTPUT (din may equal dout);
 * NN_ACT_NONE copies. Serial, like nn_affine_act. */
void nn_act_backward(float *din, const float *dout, const float *out, size_t n, nn_act act);

/* ---- dwconv.c: depthwise convolution, groups = Cin = Cout (direct loops) ---- */
void nn_dwconv_forward(float *out, const float *in, const float *w, const nn_conv_geom *g);
/* The same, then out = act(out·scale[c] + shift[c]) per channel as each row is
 * written: an evaluation-mode batch norm and its activation fused into the
 * convolution (scale, shift from nn_bn_eval_affine; NULL scale = no affine map). */
void nn_dwconv_forward_fused(float *out, const float *in, const float *w, const nn_conv_geom *g,
                             const float *scale, const float *shift, nn_act act);
void nn_dwconv_backward(float *din, float *dw, const float *dout, const float *in,
                        const float *w, const nn_conv_geom *g);
/* The general path of both, row by row, which the two above take for planes
 * too large for their padded buffer; exported so tests check the paths agree. */
void nn_dwconv_forward_rows(float *out, const float *in, const float *w, const nn_conv_geom *g,
                            const float *scale, const float *shift, nn_act act);
void nn_dwconv_backward_rows(float *din, float *dw, const float *dout, const float *in,
                             const float *w, const nn_conv_geom *g);

/* ---- batchnorm.c: torch.nn.BatchNorm2d(C, eps, momentum) ---- */
typedef struct {
    int B, C, HW;
    float eps, momentum;       /* PyTorch defaults: 1e-5, 0.1 */
} nn_bn_geom;
/* Training mode: normalise with the batch's statistics, save mean and 1/σ for
 * backward, update the running statistics and the batch counter. */
void nn_bn_forward_train(float *out, float *save_mean, float *save_invstd, float *run_mean,
                         float *run_var, int64_t *num_batches, const float *in,
                         const float *gamma, const float *beta, const nn_bn_geom *g);
/* Evaluation mode: normalise with the running statistics. */
void nn_bn_forward_eval(float *out, const float *in, const float *gamma, const float *beta,
                        const float *run_mean, const float *run_var, const nn_bn_geom *g);
/* Backward of the training-mode forward (statistics depend on the input). */
void nn_bn_backward(float *din, float *dgamma, float *dbeta, const float *dout,
                    const float *in, const float *gamma, const float *save_mean,
                    const float *save_invstd, const nn_bn_geom *g);
/* Fused batch norm + activation (ReLU/ReLU6 right after the norm, as in both
 * networks): the same as the norm followed by nn_relu*_forward, in fewer passes.
 * The backward takes the fused OUTPUT (out) to rebuild the activation's mask,
 * and overwrites dout with dout·act'(out) (the in-place ReLU's backward); with
 * overwrite = 1 it sets din instead of adding to it, for a caller that knows it
 * is the first to write din (which then needs no clearing beforehand). */
void nn_bn_forward_train_act(float *out, float *save_mean, float *save_invstd, float *run_mean,
                             float *run_var, int64_t *num_batches, const float *in,
                             const float *gamma, const float *beta, const nn_bn_geom *g,
                             nn_act act);
void nn_bn_forward_eval_act(float *out, const float *in, const float *gamma, const float *beta,
                            const float *run_mean, const float *run_var, const nn_bn_geom *g,
                            nn_act act);
void nn_bn_backward_act(float *din, float *dgamma, float *dbeta, float *dout, const float *out,
                        const float *in, const float *gamma, const float *save_mean,
                        const float *save_invstd, const nn_bn_geom *g, nn_act act,
                        int overwrite);
/* Evaluation mode as one per-channel map y = x·scale + shift:
 * scale = γ/√(running_var + ε), shift = β − running_mean·scale. */
void nn_bn_eval_affine(float *scale, float *shift, const float *gamma, const float *beta,
                       const float *run_mean, const float *run_var, const nn_bn_geom *g);

/* ---- pool.c: max pooling and global average pooling ---- */
typedef struct {
    int B, C, H, W, K, stride, pad;
    int Ho, Wo;
} nn_pool_geom;
void nn_pool_geom_init(nn_pool_geom *g, int B, int C, int H, int W, int K, int stride, int pad);
void nn_maxpool_forward(float *out, int32_t *argmax, const float *in, const nn_pool_geom *g);
void nn_maxpool_backward(float *din, const float *dout, const int32_t *argmax,
                         const nn_pool_geom *g);
void nn_avgpool_global_forward(float *out, const float *in, int B, int C, int HW);
void nn_avgpool_global_backward(float *din, const float *dout, int B, int C, int HW);

/* ---- linear.c: torch.nn.Linear(M, N) ---- */
void nn_linear_forward(float *out, const float *in, const float *w, const float *bias,
                       int B, int M, int N);
void nn_linear_backward(float *din, float *dw, float *dbias, const float *dout,
                        const float *in, const float *w, int B, int M, int N);

/* ---- residual.c: out = a + b ---- */
void nn_add_forward(float *out, const float *a, const float *b, size_t n);
void nn_add_backward(float *da, float *db, const float *dout, size_t n);
/* Fused with the activation after it: out = act(a + b); the backward takes the
 * fused OUTPUT, overwrites dout with dout·act'(out) and passes that on. */
void nn_add_act_forward(float *out, const float *a, const float *b, size_t n, nn_act act);
void nn_add_act_backward(float *da, float *db, float *dout, const float *out, size_t n,
                         nn_act act);

/* ---- dropout.c: torch.nn.Dropout(p), inverted scaling ---- */
struct nn_rng;
void nn_dropout_forward(float *out, float *mask, const float *in, size_t n, float p,
                        struct nn_rng *rng);
void nn_dropout_backward(float *din, const float *dout, const float *mask, size_t n);

/* ---- loss.c ---- */
/* Mean squared error, torch.nn.functional.mse_loss(reduction='mean'). */
float nn_mse_loss(const float *pred, const float *target, int n, float *dpred);
/* Softmax cross-entropy over (B,K) logits and B class labels,
 * torch.nn.functional.cross_entropy(reduction='mean'). dlogits may be NULL. */
float nn_cross_entropy_loss(const float *logits, const int64_t *labels, int B, int K,
                            float *dlogits);

#endif
