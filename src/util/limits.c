/* See limits.h. */
#include "util/limits.h"

#include <errno.h>
#include <stdlib.h>

static mc_limits current = {MC_LIMIT_PIXELS_DEFAULT, MC_LIMIT_IMAGE_BYTES_DEFAULT};

mc_limits mc_limits_get(void) { return current; }

void mc_limits_set(const mc_limits *l)
{
    if (l->pixels) current.pixels = l->pixels;
    if (l->image_bytes) current.image_bytes = l->image_bytes;
}

static mc_err env_count(const char *name, uint64_t scale, uint64_t *out)
{
    const char *v = getenv(name);
    *out = 0;
    if (!v) return MC_OK;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || end == v || *end || v[0] == '-' || n == 0 || n > UINT64_MAX / scale)
        return mc_fail(MC_E_ARG, "%s='%s' is not a positive integer", name, v);
    *out = (uint64_t)n * scale;
    return MC_OK;
}

mc_err mc_limits_from_env(void)
{
    mc_limits l;
    mc_err e = env_count("MEDCHAOS_MAX_PIXELS", 1, &l.pixels);
    if (!e) e = env_count("MEDCHAOS_MAX_IMAGE_MB", (uint64_t)1 << 20, &l.image_bytes);
    if (!e) mc_limits_set(&l);
    return e;
}
