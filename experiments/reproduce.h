/* Shared state of the reproduction driver (reproduce.c) and its parts:
 * the configuration, the images, the trained variants. */
#ifndef MC_EXPERIMENTS_REPRODUCE_H
#define MC_EXPERIMENTS_REPRODUCE_H
#include <stdint.h>
#include "chaos/chaos.h"
#include "image/image.h"
#include "keynet/keynet.h"
#include "meta/meta.h"
#include "nn/model.h"
#include "pipeline/envelope.h"

typedef struct {
    int full;                 /* 0: quick mode */
    const char *out, *data;
    uint64_t seed;
    int size, epochs, samples, batch;   /* key-network training */
    int timing_runs;
    int nist_streams;         /* keystreams of 10^6 bits per map */
    keynet_teacher teacher;   /* the key networks' training target (the library's default) */
    int seeds;                /* key networks trained with seeds seed, seed+1, ...: the
                               * metrics are reported over them (mean ± sd) */
} repro_config;

typedef struct {
    char path[1024], name[128], modality[32];
    img_image im;
    meta_record meta;
} repro_image;

/* The paper's four variants. */
typedef struct {
    const char *label;        /* "Logistic+ResNet-18" */
    chaos_map map;
    nn_arch arch;
    char model_path[1024];
    keynet net;
} repro_variant;

#define REPRO_NVARIANTS 4
#define REPRO_MAX_SEEDS 16

/* Where the parameters of a row come from. */
typedef enum { SRC_NETWORK, SRC_TEACHER, SRC_FIXED } repro_source;

#endif
