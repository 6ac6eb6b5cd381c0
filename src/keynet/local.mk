# keynet: metadata image → network → chaotic parameters, the teacher mappings, training.
libmedchaos_la_SOURCES += src/keynet/teacher.c src/keynet/keynet.c src/keynet/train.c
nobase_medchaosinc_HEADERS += src/keynet/keynet.h src/keynet/train.h
