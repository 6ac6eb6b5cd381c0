/* ResNet-18 (He et al., 2016) as torchvision.models.resnet18(num_classes=K):
 * a 7×7 stem, four stages of two BasicBlocks (64, 128, 256, 512 channels, the
 * last three halving the resolution), global average pooling and fc. The order
 * of construction is the order of torchvision's state_dict. */
#include "nn/model_impl.h"

#include <stdio.h>

/* BasicBlock: out = relu(bn2(conv2(relu(bn1(conv1(x))))) + identity), where
 * identity = downsample(x) = bn(conv1×1 stride s) when the shape changes. */
static int basic_block(nn_model *m, const char *name, int x, int planes, int stride)
{
    char n[64];
    snprintf(n, sizeof n, "%s.conv1", name);
    int y = nn_build_conv(m, n, x, planes, 3, stride, 1, 1);
    snprintf(n, sizeof n, "%s.bn1", name);
    y = nn_build_relu(m, nn_build_bn(m, n, y), 0);
    snprintf(n, sizeof n, "%s.conv2", name);
    y = nn_build_conv(m, n, y, planes, 3, 1, 1, 1);
    snprintf(n, sizeof n, "%s.bn2", name);
    y = nn_build_bn(m, n, y);
    int identity = x;
    if (m->build_failed) return 0;
    if (stride != 1 || m->slots[x].C != planes) {
        snprintf(n, sizeof n, "%s.downsample.0", name);
        identity = nn_build_conv(m, n, x, planes, 1, stride, 0, 1);
        snprintf(n, sizeof n, "%s.downsample.1", name);
        identity = nn_build_bn(m, n, identity);
    }
    return nn_build_relu(m, nn_build_add(m, y, identity), 0);
}

void nn_resnet18_build(nn_model *m, int num_outputs)
{
    int x = nn_build_input(m, 3);
    x = nn_build_conv(m, "conv1", x, 64, 7, 2, 3, 1);
    x = nn_build_relu(m, nn_build_bn(m, "bn1", x), 0);
    x = nn_build_maxpool(m, x, 3, 2, 1);
    static const int planes[4] = {64, 128, 256, 512};
    for (int l = 0; l < 4; l++)
        for (int blk = 0; blk < 2; blk++) {
            char name[32];
            snprintf(name, sizeof name, "layer%d.%d", l + 1, blk);
            x = basic_block(m, name, x, planes[l], (l > 0 && blk == 0) ? 2 : 1);
        }
    x = nn_build_gap(m, x);
    nn_build_linear(m, "fc", x, num_outputs, NN_INIT_LINEAR_DEFAULT_W, NN_INIT_LINEAR_DEFAULT_B);
}
