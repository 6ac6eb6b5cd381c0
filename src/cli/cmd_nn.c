/* medchaos nn: run a network from the command line. One subcommand for now:
 * `nn forward`, one batch through ResNet-18 or MobileNetV2 from a weights file,
 * .npy in, .npy out. Training lives in the key-generation pipeline. */
#include "cli/cli.h"
#include "util/safefile.h"
#include "nn/model.h"
#include "nn/npy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: medchaos nn forward --arch resnet18|mobilenetv2 --weights W.safetensors\n"
            "                           --input X.npy --output Y.npy [--train] [--force]\n"
            "\n"
            "One forward pass of a batch X of shape (B,3,H,W), float32 (224x224 in the\n"
            "paper; at least 32x32 advised), writing the network's outputs Y of shape\n"
            "(B,K) as float32 .npy. K comes from the weights (fc.weight or\n"
            "classifier.1.weight); --arch must name the network the weights belong to.\n"
            "Evaluation mode (running statistics) unless\n"
            "--train (batch statistics, as PyTorch's model.train()). An existing output\n"
            "is replaced only with --force.\n");
}

static int forward(int argc, char **argv)
{
    const char *arch = NULL, *weights = NULL, *input = NULL, *output = NULL;
    int train = 0, force = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = !strcmp(a, "--arch")      ? &arch
                            : !strcmp(a, "--weights") ? &weights
                            : !strcmp(a, "--input")   ? &input
                            : !strcmp(a, "--output")  ? &output
                                                      : NULL;
        if (slot) {
            if (i + 1 >= argc) return cli_usage_error("nn", "%s needs a value", a);
            *slot = argv[++i];
        } else if (!strcmp(a, "--train")) {
            train = 1;
        } else if (!strcmp(a, "--force")) {
            force = 1;
        } else {
            return cli_usage_error("nn", "unknown option '%s'", a);
        }
    }
    if (!arch || !weights || !input || !output)
        return cli_usage_error("nn", "forward needs --arch, --weights, --input and --output");
    nn_arch want;
    if (!strcmp(arch, "resnet18"))
        want = NN_RESNET18;
    else if (!strcmp(arch, "mobilenetv2"))
        want = NN_MOBILENETV2;
    else
        return cli_usage_error("nn", "--arch must be resnet18 or mobilenetv2, not '%s'", arch);

    nn_model *m = NULL;
    mc_err e = mc_safe_input(weights);
    if (!e) e = mc_safe_input(input);
    if (e) return cli_fail(NULL, e);
    if ((e = nn_model_load_as(&m, weights, (int)want, 0))) return cli_fail(weights, e);
    float *x = NULL, *y = NULL;
    int ndim;
    int64_t shape[8];
    e = nn_npy_load(input, &x, &ndim, shape);
    if (e) {
        nn_model_free(m);
        return cli_fail(input, e);
    }
    if (ndim != 4 || shape[1] != 3 || shape[0] < 1 || shape[2] < 1 || shape[3] < 1 ||
        shape[0] > 65536 || shape[2] > 16384 || shape[3] > 16384) {
        e = mc_fail(MC_E_FORMAT, "expected a (B,3,H,W) image batch, got %d dimensions "
                                 "(%lld, %lld, ...)", ndim, (long long)(ndim > 0 ? shape[0] : 0),
                    (long long)(ndim > 1 ? shape[1] : 0));
        free(x), nn_model_free(m);
        return cli_fail(input, e);
    }
    const int B = (int)shape[0], K = nn_model_outputs(m);
    y = malloc(sizeof(float) * (size_t)B * K);
    e = y ? nn_model_forward(m, x, B, (int)shape[2], (int)shape[3], y, train)
          : mc_fail(MC_E_NOMEM, "out of memory");
    if (!e) {
        const int64_t oshape[2] = {B, K};
        e = nn_npy_save(output, y, 2, oshape, force);
        if (e) {
            free(x), free(y), nn_model_free(m);
            return cli_fail(output, e);
        }
    }
    free(x), free(y), nn_model_free(m);
    return e ? cli_fail(input, e) : 0;
}

int cmd_nn(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? cli_exit_code(MC_E_ARG) : 0;
    }
    if (!strcmp(argv[1], "forward")) {
        if (cli_wants_help(argc - 1, argv + 1)) {
            usage(stdout);
            return 0;
        }
        return forward(argc - 1, argv + 1);
    }
    return cli_usage_error("nn", "unknown subcommand '%s'", argv[1]);
}
