# pipeline: one image through the cipher and the envelope, and where its
# parameters come from (network, teacher mapping, by hand).
libmedchaos_la_SOURCES += src/pipeline/keymat.c src/pipeline/envelope.c src/pipeline/pipeline.c \
	src/pipeline/keysrc.c src/pipeline/hardened.c src/pipeline/bytes.h
nobase_medchaosinc_HEADERS += src/pipeline/keymat.h src/pipeline/envelope.h src/pipeline/pipeline.h \
	src/pipeline/keysrc.h src/pipeline/hardened.h
