/* Error strings and the per-thread detail message. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char detail[512];

static const char *const names[MC_E__COUNT] = {
    [MC_OK] = "success",
    [MC_E_ARG] = "invalid argument",
    [MC_E_NOMEM] = "out of memory",
    [MC_E_IO] = "input/output error",
    [MC_E_FORMAT] = "malformed input",
    [MC_E_TRUNCATED] = "truncated input",
    [MC_E_UNSUPPORTED] = "unsupported format or layout",
    [MC_E_TOO_LARGE] = "size exceeds limits",
    [MC_E_AUTH] = "authentication failed",
    [MC_E_KEY] = "wrong or invalid key",
    [MC_E_RANDOM] = "random number generator failed",
    [MC_E_EXISTS] = "output exists (use --force to overwrite)",
    [MC_E_VERSION] = "unknown format version",
    [MC_E_MISMATCH] = "inputs do not belong together",
    [MC_E_NOMETA] = "no usable metadata",
    [MC_E_RANGE] = "parameter out of range",
    [MC_E_KEYREUSE] = "key reuse",
};

const char *mc_strerror(mc_err e)
{
    if ((unsigned)e >= MC_E__COUNT || !names[e]) return "unknown error";
    return names[e];
}

mc_err mc_fail(mc_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return e;
}

const char *mc_errmsg(mc_err e)
{
    return detail[0] ? detail : mc_strerror(e);
}

void mc_clear_error(void) { detail[0] = '\0'; }

static _Thread_local char notes[512], taken[512];

void mc_note(const char *fmt, ...)
{
    size_t n = strlen(notes);
    if (n + 3 >= sizeof notes) return; /* full: the first notes matter most */
    if (n) n += (size_t)snprintf(notes + n, sizeof notes - n, "; ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(notes + n, sizeof notes - n, fmt, ap);
    va_end(ap);
}

const char *mc_notes_take(void)
{
    if (!notes[0]) return NULL;
    memcpy(taken, notes, sizeof taken);
    notes[0] = '\0';
    return taken;
}
