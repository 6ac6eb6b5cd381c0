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
 * FOURIER (the default): a sum of sines of the seven date-time fields the
 * metadata image shows as levels, one to three cycles per field, different
 * frequencies and phases per output: smooth, so a network fits it, and steep
 * enough in every field (the second included) that fitting it keeps the
 * outputs of neighbouring records apart (docs/KEYGEN.md §2, measured in
 * results/uniqueness.md).
 * HASH (ablation): SHA-256 of the canonical string with a domain label; no
 * network can generalise it, so training drives the outputs to the mean.
 * SMOOTH (ablation): calendar fractions (time of day, day of year, year). */
typedef enum { KEYNET_TEACHER_HASH = 0, KEYNET_TEACHER_SMOOTH = 1, KEYNET_TEACHER_FOURIER = 2 } keynet_teacher;

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

/* Binding (beyond the paper, docs/KEYGEN.md §2.1): u ← (1 − 2⁻²⁰)·clamp(u) +
 * 2⁻²⁰·h(m), where h ∈ [0,1)^K are bytes of SHA-256("medchaos-bind/1" ‖ map ‖
 * canonical record). The network still decides the parameters to about 10⁻⁶;
 * the record's hash fills the bits below, so distinct records give distinct
 * parameters even where the network's float32 outputs coincide. */
void keynet_bind_unit(chaos_map map, const meta_record *m, double *u);

/* Parameters straight from the teacher (the "no network" ablation). */
mc_err keynet_teacher_params(keynet_teacher t, chaos_map map, const meta_record *m, chaos_params *p);

typedef struct {
    nn_model *net;
    chaos_map map;
    keynet_teacher teacher;
    int size;                /* side S of the S×S metadata image */
    int bind;                /* medchaos.bind = "record": keynet_bind_unit after the network */
    uint8_t sha256[32];      /* of the weights file, for the envelope header */
    float *work;             /* 3·S·S input */
} keynet;

/* Load a trained key network (safetensors with medchaos.* metadata). */
mc_err keynet_load(keynet *k, const char *path);
/* Parameters for one record: render, forward (evaluation mode), bind when
 * k->bind, map. keynet_outputs_batch is the network part alone for n records
 * (out: n×K raw outputs), in batches of up to 64. */
mc_err keynet_params(keynet *k, const meta_record *m, chaos_params *p);
mc_err keynet_outputs_batch(keynet *k, const meta_record *m, size_t n, float *out);
/* Raw outputs (K of them) → parameters, binding to m when k->bind. */
mc_err keynet_output_params(const keynet *k, const meta_record *m, const float *out, chaos_params *p);
void keynet_free(keynet *k);

#endif
