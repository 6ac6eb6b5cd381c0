/* MobileNetV2 (Sandler et al., 2018) as torchvision.models.mobilenet_v2(
 * num_classes=K), width 1.0: a 3×3 stem, seventeen inverted residual blocks,
 * a 1×1 conv to 1280 channels, global average pooling, Dropout(0.2), Linear.
 * Names follow torchvision's Sequential indices (features.N..., classifier.1). */
#include "nn/model_impl.h"

#include <stdio.h>

/* Conv2dNormActivation: conv (no bias) → BN → ReLU6, named NAME.0 / NAME.1. */
static int conv_bn_relu6(nn_model *m, const char *name, int x, int cout, int k, int stride,
                         int groups)
{
    char n[64];
    snprintf(n, sizeof n, "%s.0", name);
    int y = nn_build_conv(m, n, x, cout, k, stride, (k - 1) / 2, groups);
    snprintf(n, sizeof n, "%s.1", name);
    return nn_build_relu(m, nn_build_bn(m, n, y), 1);
}

/* InvertedResidual(inp, oup, stride, expand_ratio t): [1×1 expand to inp·t →
 * BN → ReLU6 when t ≠ 1] → 3×3 depthwise (stride) → BN → ReLU6 → 1×1 project
 * to oup → BN (linear bottleneck), plus x when stride = 1 and inp = oup. */
static int inverted_residual(nn_model *m, int index, int x, int oup, int stride, int t)
{
    if (m->build_failed) return 0;
    const int inp = m->slots[x].C, hidden = inp * t;
    char name[64], n[64];
    int y = x, i = 0;
    if (t != 1) {
        snprintf(name, sizeof name, "features.%d.conv.%d", index, i++);
        y = conv_bn_relu6(m, name, y, hidden, 1, 1, 1);
    }
    snprintf(name, sizeof name, "features.%d.conv.%d", index, i++);
    y = conv_bn_relu6(m, name, y, hidden, 3, stride, hidden);
    snprintf(n, sizeof n, "features.%d.conv.%d", index, i++);
    y = nn_build_conv(m, n, y, oup, 1, 1, 0, 1);
    snprintf(n, sizeof n, "features.%d.conv.%d", index, i++);
    y = nn_build_bn(m, n, y);
    if (stride == 1 && inp == oup) y = nn_build_add(m, y, x);
    return y;
}

void nn_mobilenetv2_build(nn_model *m, int num_outputs)
{
    /* t (expansion), c (output channels), n (repeats), s (first stride):
     * torchvision's inverted_residual_setting, Table 2 of the paper. */
    static const int cfg[7][4] = {{1, 16, 1, 1},  {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                                  {6, 96, 3, 1},  {6, 160, 3, 2}, {6, 320, 1, 1}};
    int x = nn_build_input(m, 3);
    x = conv_bn_relu6(m, "features.0", x, 32, 3, 2, 1);
    int index = 1;
    for (int r = 0; r < 7; r++)
        for (int j = 0; j < cfg[r][2]; j++)
            x = inverted_residual(m, index++, x, cfg[r][1], j == 0 ? cfg[r][3] : 1, cfg[r][0]);
    x = conv_bn_relu6(m, "features.18", x, 1280, 1, 1, 1);
    x = nn_build_gap(m, x);
    x = nn_build_dropout(m, x);
    nn_build_linear(m, "classifier.1", x, num_outputs, NN_INIT_NORMAL_001, NN_INIT_ZERO);
}
