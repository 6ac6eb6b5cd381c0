/* The key network (the paper's key-generation phase, steps 2-4): the canonical
 * metadata rendered as an image (src/meta/render) goes through ResNet-18 or
 * MobileNetV2 (src/nn), whose outputs in (0,1) are mapped into the chaotic ranges
 * of src/chaos. Training targets come from a teacher mapping (teacher.c).
 * Not here: the network itself (src/nn), the metadata reader (src/meta). */
#ifndef MC_KEYNET_KEYNET_H
#define MC_KEYNET_KEYNET_H
#include <stdint.h>
#include "chaos/chaos.h"
#include "meta/meta.h"
#include "nn/model.h"
#include "util/err.h"

/* Teacher mappings from metadata to unit-cube targets u ∈ (0,1)^K.
 * HASH (the default): SHA-256 of the canonical string with a domain label,
 * so one second changes every parameter; no network can generalise it.
 * SMOOTH (the ablation): smooth functions of the time of day, the day of the
 * year and the year, which a network can learn and interpolate. */
typedef enum { KEYNET_TEACHER_HASH = 0, KEYNET_TEACHER_SMOOTH = 1 } keynet_teacher;

const char *keynet_teacher_name(keynet_teacher t);
mc_err keynet_teacher_parse(const char *s, keynet_teacher *t);

/* Network outputs per map: logistic (r, x0) = 2; Lorenz (x0, y0, z0) = 3
 * (σ, ρ, β stay at Lorenz's values, where chaos is established). */
int keynet_outputs(chaos_map map);

/* Targets for one record. */
void keynet_teacher_unit(keynet_teacher t, chaos_map map, const meta_record *m, double *u);

/* u ∈ [0,1]^K → parameters inside the ranges chaos_validate accepts. A point
 * that lands in a periodic window is moved by a fixed deterministic walk
 * (docs/KEYGEN.md), so every u gives valid parameters and the same u always
 * gives the same ones. */
mc_err keynet_unit_params(chaos_map map, const double *u, chaos_params *p);

/* Parameters straight from the teacher (the "no network" ablation). */
mc_err keynet_teacher_params(keynet_teacher t, chaos_map map, const meta_record *m, chaos_params *p);

typedef struct {
    nn_model *net;
    chaos_map map;
    keynet_teacher teacher;
    int size;                /* side S of the S×S metadata image */
    uint8_t sha256[32];      /* of the weights file, for the envelope header */
    float *work;             /* 3·S·S input */
} keynet;

/* Load a trained key network (safetensors with medchaos.* metadata). */
mc_err keynet_load(keynet *k, const char *path);
/* Parameters for one record: render, forward (evaluation mode), map. */
mc_err keynet_params(keynet *k, const meta_record *m, chaos_params *p);
void keynet_free(keynet *k);

#endif
