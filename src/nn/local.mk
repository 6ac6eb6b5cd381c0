# nn module: a small network library (layers, ResNet-18, MobileNetV2, training)
# on OpenBLAS; the tensor-file readers are listed in src/nn/io.mk.
libmedchaos_la_SOURCES += src/nn/conv2d.c src/nn/dwconv.c src/nn/batchnorm.c \
	src/nn/activation.c src/nn/pool.c src/nn/linear.c src/nn/residual.c src/nn/dropout.c \
	src/nn/loss.c src/nn/optim.c src/nn/rng.c src/nn/init.c src/nn/model.c \
	src/nn/resnet18.c src/nn/mobilenetv2.c src/nn/model_io.c
nobase_medchaosinc_HEADERS += src/nn/layers.h src/nn/model.h src/nn/optim.h src/nn/rng.h
noinst_HEADERS += src/nn/model_impl.h
