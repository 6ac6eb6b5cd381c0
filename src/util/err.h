/* Error values shared by every module. Library code returns an mc_err and may
 * attach a one-line detail (which tensor, which field, which byte offset) with
 * mc_fail(); only src/cli prints, adding the file name. */
#ifndef MC_UTIL_ERR_H
#define MC_UTIL_ERR_H

typedef enum {
    MC_OK = 0,
    MC_E_ARG,         /* invalid argument from the caller */
    MC_E_NOMEM,       /* allocation failed */
    MC_E_IO,          /* read/write/open failed (errno in detail) */
    MC_E_FORMAT,      /* malformed input */
    MC_E_TRUNCATED,   /* input ends early */
    MC_E_UNSUPPORTED, /* well-formed but a layout/version we do not handle */
    MC_E_TOO_LARGE,   /* dimensions or sizes beyond our limits */
    MC_E_AUTH,        /* authentication tag or signature mismatch */
    MC_E_KEY,         /* wrong, malformed or too-small key */
    MC_E_RANDOM,      /* getrandom(2) failed */
    MC_E_EXISTS,      /* output exists and --force was not given */
    MC_E_VERSION,     /* unknown format version */
    MC_E_MISMATCH,    /* two inputs that do not belong together */
    MC_E_NOMETA,      /* no usable metadata in the image */
    MC_E_RANGE,       /* parameter outside its valid (e.g. chaotic) range */
    MC_E_KEYREUSE,    /* two images would be encrypted with the same key */
    MC_E__COUNT
} mc_err;

/* Short fixed description of a code, e.g. "malformed input". */
const char *mc_strerror(mc_err e);

/* Set the thread's detail message (printf-style) and return e, so that
 * library code can write `return mc_fail(MC_E_FORMAT, "tensor %s: ...", n);`. */
mc_err mc_fail(mc_err e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The detail of the last mc_fail() on this thread, or mc_strerror(e) when none
 * was set since the last mc_clear_error(). Never NULL. */
const char *mc_errmsg(mc_err e);
void mc_clear_error(void);

/* Warnings: a decoder's complaint that did not stop it (a bad ancillary CRC,
 * an unknown critical profile) is kept as a note on this thread for the
 * command to print; library code never prints. mc_notes_take returns the
 * notes since the last call ("; "-separated, in a thread-local buffer) and
 * clears them, or NULL when there are none. */
void mc_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *mc_notes_take(void);

#endif
