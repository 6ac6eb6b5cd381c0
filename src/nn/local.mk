# nn module: a small network library (layers, ResNet-18, MobileNetV2, training)
# on OpenBLAS; the tensor-file readers are listed in src/nn/io.mk.
libmedchaos_la_SOURCES += src/nn/conv2d.c src/nn/gemm.c src/nn/winograd.c src/nn/conv_taps.c src/nn/dwconv.c src/nn/batchnorm.c \
	src/nn/activation.c src/nn/pool.c src/nn/linear.c src/nn/residual.c src/nn/dropout.c \
	src/nn/loss.c src/nn/optim.c src/nn/rng.c src/nn/init.c src/nn/model.c \
	src/nn/resnet18.c src/nn/mobilenetv2.c src/nn/model_io.c
medchaos_nn_incdir = $(includedir)/medchaos/nn
medchaos_nn_inc_HEADERS = src/nn/layers.h src/nn/model.h src/nn/optim.h src/nn/rng.h
noinst_HEADERS += src/nn/model_impl.h src/nn/simd.h src/nn/gemm.h

check_PROGRAMS += tests/test_nn_layers tests/test_nn_models
TESTS += tests/test_nn_layers tests/test_nn_models
tests_test_nn_layers_SOURCES = tests/test_nn_layers.c tests/nn_fixture.c tests/nn_fixture.h
tests_test_nn_layers_LDADD = $(TEST_LIBS) $(OPENBLAS_LIBS)
tests_test_nn_models_SOURCES = tests/test_nn_models.c tests/nn_fixture.c tests/nn_fixture.h
tests_test_nn_models_LDADD = $(TEST_LIBS) $(OPENBLAS_LIBS)
EXTRA_DIST += tests/gen_nn_spread.py tests/gen_nn_fixtures.py tests/fixtures/nn/layer_avgpool.safetensors \
	tests/fixtures/nn/layer_batchnorm.safetensors tests/fixtures/nn/layer_conv_1x1.safetensors \
	tests/fixtures/nn/layer_conv_1x1s2.safetensors tests/fixtures/nn/layer_conv_grouped.safetensors \
	tests/fixtures/nn/layer_conv_k3s2p1.safetensors tests/fixtures/nn/layer_conv_k7s2p3.safetensors \
	tests/fixtures/nn/layer_dwconv_s1.safetensors tests/fixtures/nn/layer_dwconv_s2.safetensors \
	tests/fixtures/nn/layer_linear.safetensors tests/fixtures/nn/layer_losses.safetensors \
	tests/fixtures/nn/layer_maxpool.safetensors tests/fixtures/nn/layer_relu.safetensors \
	tests/fixtures/nn/layer_relu6.safetensors tests/fixtures/nn/optim.safetensors \
	tests/fixtures/nn/resnet18_case.safetensors tests/fixtures/nn/mobilenetv2_case.safetensors \
	tests/fixtures/nn/mobilenetv2_weights.safetensors tests/fixtures/nn/toy_training.safetensors \
	tests/fixtures/nn/layer_conv_wino4_pad1.safetensors tests/fixtures/nn/layer_conv_wino2_pad1.safetensors \
	tests/fixtures/nn/layer_conv_wino4_pad0.safetensors \
	tests/fixtures/nn/layer_bn_relu.safetensors tests/fixtures/nn/layer_bn_relu6.safetensors \
	tests/fixtures/nn/layer_dwconv_1x1_s1.safetensors tests/fixtures/nn/layer_dwconv_2x2_s2.safetensors \
	tests/fixtures/nn/layer_dwconv_3x5_s1.safetensors tests/fixtures/nn/layer_dwconv_3x5_s2.safetensors \
	tests/fixtures/nn/layer_dwconv_7x7_s2.safetensors tests/fixtures/nn/layer_dwconv_k3p0_s1.safetensors \
	tests/fixtures/nn/layer_dwconv_k5s2p2.safetensors tests/fixtures/nn/layer_dwconv_bn_relu6.safetensors \
	tests/fixtures/nn/layer_conv_taps_2x2.safetensors tests/fixtures/nn/layer_conv_taps_1x2.safetensors \
	tests/fixtures/nn/layer_conv_taps_1x1.safetensors \
	tests/fixtures/nn/layer_dwconv_small_4x4_s1.safetensors \
	tests/fixtures/nn/layer_dwconv_small_4x4_s2.safetensors \
	tests/fixtures/nn/layer_dwconv_small_2x3_k5.safetensors \
	tests/fixtures/nn/layer_dwconv_bn_relu6_small.safetensors
bench_programs += bench/bench_nn
bench_bench_nn_SOURCES = bench/bench_nn.c
bench_bench_nn_LDADD = libmedchaos.la -lm
EXTRA_DIST += bench/torch_peer.py
medchaos_SOURCES += src/cli/cmd_nn.c
EXTRA_DIST += src/nn/README.md
