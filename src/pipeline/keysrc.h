/* Where an image's chaotic parameters come from: its metadata (read from the file,
 * given by hand, or the file time when asked) fed to the trained key network, or
 * to the teacher mapping directly (no network), or parameters given by hand.
 * This is the paper's key-generation phase (Phase 1, steps 1-4). */
#ifndef MC_PIPELINE_KEYSRC_H
#define MC_PIPELINE_KEYSRC_H
#include "chaos/chaos.h"
#include "pipeline/envelope.h"
#include "util/err.h"

typedef struct {
    const char *model_path;  /* trained network (safetensors) */
    int teacher;             /* no network: the teacher mapping */
    const char *params;      /* "v,v,..." by hand */
    chaos_map map;
    const char *datetime;    /* metadata by hand, 'YYYY:MM:DD HH:MM:SS' */
    int allow_file_time;
} keysrc_opts;

typedef struct keysrc_model keysrc_model;
typedef struct {
    keysrc_opts o;
    keysrc_model *model;     /* loaded network, or NULL */
    chaos_params manual;
} keysrc;

mc_err keysrc_open(keysrc *k, const keysrc_opts *o);
/* Parameters for the image at path; fills hdr->model, model_sha256 and meta.
 * Thread-safe (network inference is serialised). */
mc_err keysrc_params(keysrc *k, const char *path, chaos_params *p, envelope_header *hdr);
void keysrc_close(keysrc *k);

/* Parse "v,v,..." into params for map (logistic: r,x0; Lorenz: x0,y0,z0[,σ,ρ,β]). */
mc_err keysrc_parse_params(const char *s, chaos_map map, chaos_params *p);

#endif
