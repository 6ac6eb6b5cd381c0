/* Safe writes: the one way medchaos writes a file, so that no command loses,
 * half-writes or overwrites what it was given.
 *
 *  - A file is written to a temporary in its destination's own directory,
 *    ".NAME.mctmp.PID.XXXXXX", completely, then fsync'd and renamed over NAME
 *    (POSIX rename is atomic within one file system) and the directory is
 *    fsync'd. An existing NAME is thus replaced only by a complete successor.
 *  - A group of files that belong together (a cipher image and its envelope, a
 *    private and a public key) is committed as a unit. Every member is written
 *    and fsync'd first; then a journal ".FIRST.mcgroup.PID.XXXXXX" listing each
 *    temporary with its destination is written (itself through a temporary, so
 *    it exists only when complete); then the renames; then the journal is
 *    removed. The rule that makes an interrupted group repairable: a journal on
 *    disk means "every member is complete: finish the renames". The next run
 *    that writes into that directory does so (rolls forward) before it looks at
 *    anything else, so a group is never seen half-committed by medchaos.
 *  - Temporaries of this process are removed on SIGINT, SIGTERM and SIGHUP
 *    (mc_safe_init); those of a process that died otherwise (SIGKILL, power
 *    loss) are removed by the next run's sweep of that directory, and only
 *    when that process is gone. SIGXFSZ is ignored, so a file-size limit
 *    (ulimit -f) is an EFBIG write error, not death by signal.
 *  - No output may be an input of the same command: inputs are registered
 *    (mc_safe_input) by device and inode, and every output is checked against
 *    them, with or without force, whatever path (link, directory) leads there.
 *
 * Modes: MC_MODE_SECRET (0600, whatever the umask) for keys, envelopes and
 * decrypted plaintexts; MC_MODE_PUBLIC (0666 less the umask, as open(2) would
 * give) for everything else. */
#ifndef MC_UTIL_SAFEFILE_H
#define MC_UTIL_SAFEFILE_H
#include <stddef.h>
#include <stdio.h>
#include "util/err.h"

#define MC_MODE_SECRET 0600
#define MC_MODE_PUBLIC 0666

/* Most members of one group, and most temporaries open at once in a process
 * (the signal handler's table; -j is capped well below, docs/medchaos.1). */
#define MC_SAFE_GROUP_MAX 4
#define MC_SAFE_MAX_OPEN 256

/* Install the SIGINT/SIGTERM/SIGHUP handler that removes this process's
 * temporaries (a signal the caller ignores stays ignored) and ignore SIGXFSZ.
 * Called once by main() before any thread starts. */
void mc_safe_init(void);

/* Register path as an input of this command (device and inode). A path that
 * does not exist is ignored: whoever reads it reports that. */
mc_err mc_safe_input(const char *path);
/* 1 when a and b name the same existing file (device and inode). */
int mc_same_file(const char *a, const char *b);

/* May path be written? MC_E_ARG when it is a registered input or a
 * directory, MC_E_EXISTS when it exists and force is 0. First sweeps path's
 * directory (mc_safe_sweep), so an interrupted group is complete before the
 * question is answered. */
mc_err mc_safe_check_output(const char *path, int force);
/* Can a file be created in path's directory? Creates and removes a temporary:
 * for commands that work long before they write (train). */
mc_err mc_safe_probe(const char *path, int force);

/* Repair dir: finish the renames of every journal left by a process that is
 * gone, then remove its temporaries. *repaired (may be NULL) receives the
 * number of groups completed. Each directory is swept once per process. */
mc_err mc_safe_sweep(const char *dir, int *repaired);

typedef struct {
    FILE *fp;      /* write here */
    char *path;    /* destination */
    char *tmp;     /* the temporary beside it */
    int slot;      /* in the signal handler's table, + 1 (0: none) */
    int force;     /* may replace an existing destination */
} mc_out;

/* Check path (mc_safe_check_output) and open a temporary beside it with the
 * given mode (MC_MODE_SECRET or MC_MODE_PUBLIC). On failure *w is zeroed. */
mc_err mc_out_open(mc_out *w, const char *path, int mode, int force);
/* Flush, fsync, rename over the destination, fsync the directory. On failure
 * the temporary is removed and the destination is as it was. Always frees w. */
mc_err mc_out_commit(mc_out *w);
/* Commit n open members (1..MC_SAFE_GROUP_MAX, all in one directory) as one
 * group, by the journal rule above. On failure before the journal exists
 * nothing has changed; always frees every member. */
mc_err mc_out_commit_group(mc_out *w, size_t n);
/* Remove the temporary; safe on a zeroed or already committed w. */
void mc_out_abort(mc_out *w);

/* Write buf to path as one safe write. */
mc_err mc_write_file(const char *path, const void *buf, size_t len, int mode, int force);

#endif
