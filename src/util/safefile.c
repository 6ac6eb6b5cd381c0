/* See safefile.h: temporaries, groups with their journal, the sweep that
 * repairs what an interrupted run left, the signal handler, and the registry
 * of inputs that no output may replace. */
#define _GNU_SOURCE /* renameat2 */
#include "util/safefile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/file.h"

/* ---- the signal handler's table of temporaries ---- */

/* A slot's path is written only between FREE and TEMP (by the thread that took
 * it), so the handler reads only complete paths; KEEP marks a member of a group
 * whose journal is being written: the next run owns it then, not the handler. */
enum { SLOT_FREE, SLOT_BUSY, SLOT_TEMP, SLOT_KEEP };

static struct {
    atomic_int state;
    char path[PATH_MAX];
} slots[MC_SAFE_MAX_OPEN];

/* Returns the slot's number + 1 (0 for none, so that a zeroed mc_out owns none). */
static int slot_take(const char *path)
{
    if (strlen(path) >= PATH_MAX) return 0;
    for (int i = 0; i < MC_SAFE_MAX_OPEN; i++) {
        int free_state = SLOT_FREE;
        if (atomic_compare_exchange_strong(&slots[i].state, &free_state, SLOT_BUSY)) {
            strcpy(slots[i].path, path);
            atomic_store(&slots[i].state, SLOT_TEMP);
            return i + 1;
        }
    }
    return 0;
}

static void slot_set(int i, int state)
{
    if (i > 0) atomic_store(&slots[i - 1].state, state);
}

/* Groups between their journal and its removal. The committing thread blocks
 * the signals meanwhile; a handler running on another thread waits (up to two
 * seconds) for such commits to end, so that a group stopped by a signal is
 * either complete or not begun, and no temporary stays. */
static atomic_int committing, stopping;
static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

/* Only async-signal-safe calls here: nanosleep(2), unlink(2) and raise(3).
 * SA_RESETHAND has put back the default action, so the re-raised signal ends
 * the process with the status a shell expects. */
static void on_signal(int sig)
{
    atomic_store(&stopping, 1);
    struct timespec ms = {0, 1000000};
    for (int t = 0; t < 2000 && atomic_load(&committing) > 0; t++) nanosleep(&ms, NULL);
    for (int i = 0; i < MC_SAFE_MAX_OPEN; i++)
        if (atomic_load(&slots[i].state) == SLOT_TEMP) unlink(slots[i].path);
    raise(sig);
}

void mc_safe_init(void)
{
    for (size_t i = 0; i < sizeof stop_signals / sizeof *stop_signals; i++) {
        struct sigaction old, sa;
        if (sigaction(stop_signals[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN) continue; /* nohup */
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sa.sa_flags = SA_RESETHAND;
        sigemptyset(&sa.sa_mask);
        sigaction(stop_signals[i], &sa, NULL);
    }
    signal(SIGXFSZ, SIG_IGN);
}

/* ---- the umask, read once ---- */

static mode_t process_umask;
static pthread_once_t umask_once = PTHREAD_ONCE_INIT;

static void read_umask(void)
{
    process_umask = umask(077);
    umask(process_umask);
}

static mode_t final_mode(int mode)
{
    pthread_once(&umask_once, read_umask);
    return mode == MC_MODE_SECRET ? (mode_t)MC_MODE_SECRET : (mode_t)mode & ~process_umask;
}

/* ---- the registry of inputs, and swept directories ---- */

typedef struct {
    dev_t dev;
    ino_t ino;
    char *path;
} file_id;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static file_id *inputs, *swept;
static size_t ninputs, nswept, capinputs, capswept;

static int ids_add(file_id **v, size_t *n, size_t *cap, const struct stat *st, const char *path)
{
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 16;
        file_id *p = realloc(*v, c * sizeof *p);
        if (!p) return 0;
        *v = p;
        *cap = c;
    }
    char *copy = strdup(path);
    if (!copy) return 0;
    (*v)[(*n)++] = (file_id){st->st_dev, st->st_ino, copy};
    return 1;
}

static const file_id *ids_find(const file_id *v, size_t n, const struct stat *st)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].dev == st->st_dev && v[i].ino == st->st_ino) return &v[i];
    return NULL;
}

mc_err mc_safe_input(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) return MC_OK;
    pthread_mutex_lock(&lock);
    int ok = ids_find(inputs, ninputs, &st) || ids_add(&inputs, &ninputs, &capinputs, &st, path);
    pthread_mutex_unlock(&lock);
    return ok ? MC_OK : mc_fail(MC_E_NOMEM, "out of memory");
}

int mc_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* ---- names ---- */

/* The directory part of path ("." when none) and the last component, fresh. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    if (slash == path) return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Temporaries are ".BASE.mctmp.PID.XXXXXX", journals ".BASE.mcgroup.PID.XXXXXX":
 * LEFT_TEMP or LEFT_JOURNAL with *pid set, LEFT_NONE for any other name. */
enum { LEFT_NONE, LEFT_TEMP, LEFT_JOURNAL };

static int leftover_kind(const char *name, long *pid)
{
    size_t n = strlen(name);
    if (name[0] != '.' || n < 10 || name[n - 7] != '.') return LEFT_NONE;
    size_t d = n - 7; /* the '.' before XXXXXX */
    size_t start = d;
    while (start > 0 && name[start - 1] >= '0' && name[start - 1] <= '9') start--;
    if (start == d || start == 0 || name[start - 1] != '.') return LEFT_NONE;
    *pid = strtol(name + start, NULL, 10);
    size_t tag = start - 1; /* the '.' before PID */
    if (tag >= 6 && !strncmp(name + tag - 6, ".mctmp", 6)) return LEFT_TEMP;
    if (tag >= 8 && !strncmp(name + tag - 8, ".mcgroup", 8)) return LEFT_JOURNAL;
    return LEFT_NONE;
}

static int process_gone(long pid)
{
    if (pid <= 0 || pid == (long)getpid()) return 0;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* ---- the sweep ---- */

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* The journal's body: "medchaos-group 1\n", then per member its temporary's
 * and its destination's names in that directory, one per line. */
static const char journal_magic[] = "medchaos-group 1\n";

static int roll_forward(const char *dir, const char *journal)
{
    char *jpath = join(dir, journal);
    unsigned char *buf = NULL;
    size_t len;
    if (!jpath || mc_read_file(jpath, 1 << 16, &buf, &len)) {
        free(jpath);
        mc_clear_error();
        return 0;
    }
    size_t m = sizeof journal_magic - 1;
    int done = 0;
    if (len > m && !memcmp(buf, journal_magic, m) && buf[len - 1] == '\n' && !memchr(buf, 0, len)) {
        buf[len - 1] = '\0';
        char *names[2 * MC_SAFE_GROUP_MAX], *save = NULL;
        size_t k = 0;
        for (char *t = strtok_r((char *)buf + m, "\n", &save); t && k < 2 * MC_SAFE_GROUP_MAX;
             t = strtok_r(NULL, "\n", &save))
            names[k++] = strchr(t, '/') ? NULL : t;
        /* Only our temporaries, renamed to plain names of this directory. */
        int valid = k >= 2 && k % 2 == 0;
        long pid;
        for (size_t i = 0; valid && i < k; i++)
            valid = names[i] && strcmp(names[i], ".") && strcmp(names[i], "..") &&
                    (i % 2 == 1 || leftover_kind(names[i], &pid) == LEFT_TEMP);
        for (size_t i = 0; valid && i < k; i += 2) {
            char *from = join(dir, names[i]), *to = join(dir, names[i + 1]);
            /* A member whose temporary is gone was renamed before the stop. */
            if (from && to && access(from, F_OK) == 0) rename(from, to);
            free(from);
            free(to);
        }
        if (valid) {
            fsync_dir(dir);
            done = 1;
        }
    }
    if (done) unlink(jpath);
    free(buf);
    free(jpath);
    return done;
}

static int already_swept(const struct stat *st)
{
    pthread_mutex_lock(&lock);
    int seen = ids_find(swept, nswept, st) != NULL;
    if (!seen) ids_add(&swept, &nswept, &capswept, st, "");
    pthread_mutex_unlock(&lock);
    return seen;
}

mc_err mc_safe_sweep(const char *dir, int *repaired)
{
    if (repaired) *repaired = 0;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || already_swept(&st)) return MC_OK;
    /* Journals first: their temporaries must be renamed, not removed. */
    for (int pass = LEFT_JOURNAL; pass >= LEFT_TEMP; pass--) {
        DIR *d = opendir(dir);
        if (!d) return MC_OK; /* unreadable: writing there will say why */
        struct dirent *de;
        while ((de = readdir(d))) {
            long pid;
            if (leftover_kind(de->d_name, &pid) != pass || !process_gone(pid)) continue;
            if (pass == LEFT_JOURNAL) {
                if (roll_forward(dir, de->d_name) && repaired) (*repaired)++;
            } else {
                char *p = join(dir, de->d_name);
                if (p) unlink(p);
                free(p);
            }
        }
        closedir(d);
    }
    return MC_OK;
}

/* ---- checks ---- */

mc_err mc_safe_check_output(const char *path, int force)
{
    if (!*path) return mc_fail(MC_E_ARG, "empty output name");
    char *dir = dir_of(path);
    if (!dir) return mc_fail(MC_E_NOMEM, "out of memory");
    mc_safe_sweep(dir, NULL);
    free(dir);
    struct stat st;
    if (stat(path, &st) != 0) return MC_OK;
    if (S_ISDIR(st.st_mode)) return mc_fail(MC_E_ARG, "is a directory, not an output file");
    pthread_mutex_lock(&lock);
    const file_id *in = ids_find(inputs, ninputs, &st);
    char what[256] = "";
    if (in) snprintf(what, sizeof what, "%s", in->path);
    pthread_mutex_unlock(&lock);
    if (in)
        return mc_fail(MC_E_ARG, "this output is also an input of the command (%s); it is never "
                                 "overwritten, --force or not: choose another output", what);
    if (!force) return mc_fail(MC_E_EXISTS, "output exists (use --force to overwrite)");
    return MC_OK;
}

/* ---- one file ---- */

static mc_err open_temp(mc_out *w, const char *path, int mode)
{
    char *dir = dir_of(path);
    const char *base = base_of(path);
    size_t n = (dir ? strlen(dir) : 0) + strlen(base) + 64;
    w->tmp = malloc(n);
    w->path = strdup(path);
    if (!dir || !w->tmp || !w->path) {
        free(dir);
        mc_out_abort(w);
        return mc_fail(MC_E_NOMEM, "out of memory");
    }
    /* The name is cut so that the suffix fits in NAME_MAX. */
    snprintf(w->tmp, n, "%s/.%.200s.mctmp.%ld.XXXXXX", dir, base, (long)getpid());
    free(dir);
    int fd = mkostemp(w->tmp, O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        free(w->tmp);
        w->tmp = NULL;
        mc_out_abort(w);
        return mc_fail(MC_E_IO, "cannot create output: %s", strerror(e));
    }
    if (!(w->slot = slot_take(w->tmp))) {
        close(fd);
        mc_out_abort(w);
        return mc_fail(MC_E_TOO_LARGE, "more than %d files open for writing", MC_SAFE_MAX_OPEN);
    }
    if (fchmod(fd, final_mode(mode)) != 0 || !(w->fp = fdopen(fd, "wb"))) {
        int e = errno;
        close(fd);
        mc_out_abort(w);
        return mc_fail(MC_E_IO, "cannot create output: %s", strerror(e));
    }
    return MC_OK;
}

mc_err mc_out_open(mc_out *w, const char *path, int mode, int force)
{
    memset(w, 0, sizeof *w);
    mc_err e = mc_safe_check_output(path, force);
    if (!e) e = open_temp(w, path, mode);
    w->force = force;
    return e;
}

mc_err mc_safe_probe(const char *path, int force)
{
    mc_out w;
    mc_err e = mc_out_open(&w, path, MC_MODE_SECRET, force);
    mc_out_abort(&w);
    return e;
}

void mc_out_abort(mc_out *w)
{
    if (w->fp) fclose(w->fp);
    if (w->tmp) unlink(w->tmp);
    slot_set(w->slot, SLOT_FREE);
    free(w->tmp);
    free(w->path);
    memset(w, 0, sizeof *w);
}

static void out_forget(mc_out *w)
{
    slot_set(w->slot, SLOT_FREE);
    free(w->tmp);
    free(w->path);
    memset(w, 0, sizeof *w);
}

/* Flush, fsync and close; the temporary stays. */
static mc_err out_finish(mc_out *w)
{
    int bad = fflush(w->fp) != 0 || fsync(fileno(w->fp)) != 0;
    int e = errno;
    if (fclose(w->fp) != 0 && !bad) bad = 1, e = errno;
    w->fp = NULL;
    return bad ? mc_fail(MC_E_IO, "cannot write output: %s", strerror(e)) : MC_OK;
}

/* rename(2), but without force never over a file that appeared since the
 * check (renameat2 RENAME_NOREPLACE; plain rename where the file system lacks it). */
static int place(const mc_out *w)
{
    if (!w->force) {
        if (renameat2(AT_FDCWD, w->tmp, AT_FDCWD, w->path, RENAME_NOREPLACE) == 0) return 0;
        if (errno != EINVAL && errno != ENOSYS) return -1;
    }
    return rename(w->tmp, w->path);
}

mc_err mc_out_commit(mc_out *w)
{
    mc_err e = out_finish(w);
    if (!e && place(w) != 0)
        e = errno == EEXIST ? mc_fail(MC_E_EXISTS, "output appeared meanwhile (use --force to overwrite)")
                            : mc_fail(MC_E_IO, "cannot rename output into place: %s", strerror(errno));
    if (e) {
        mc_out_abort(w);
        return e;
    }
    char *dir = dir_of(w->path);
    if (dir) fsync_dir(dir);
    free(dir);
    out_forget(w);
    return MC_OK;
}

/* ---- groups ---- */

static void abort_all(mc_out *w, size_t n)
{
    for (size_t i = 0; i < n; i++) mc_out_abort(&w[i]);
}

mc_err mc_out_commit_group(mc_out *w, size_t n)
{
    if (n == 0 || n > MC_SAFE_GROUP_MAX) {
        abort_all(w, n);
        return mc_fail(MC_E_ARG, "a group has 1 to %d files", MC_SAFE_GROUP_MAX);
    }
    char *dir = dir_of(w[0].path);
    mc_err e = dir ? MC_OK : mc_fail(MC_E_NOMEM, "out of memory");
    for (size_t i = 0; !e && i < n; i++) {
        char *d = dir_of(w[i].path);
        if (!d || strcmp(d, dir))
            e = mc_fail(MC_E_ARG, "%s: the files of a group must share one directory", w[i].path);
        else if (strchr(base_of(w[i].path), '\n'))
            e = mc_fail(MC_E_ARG, "%s: a line break in a file name", w[i].path);
        free(d);
    }
    for (size_t i = 0; !e && i < n; i++) e = out_finish(&w[i]);
    /* The journal: the members' names in the directory, written safely. */
    mc_out j = {0};
    char *jname = NULL;
    for (size_t i = 0; !e && i < n; i++)
        if (!w[i].force && access(w[i].path, F_OK) == 0)
            e = mc_fail(MC_E_EXISTS, "%s: output exists (use --force to overwrite)", w[i].path);
    if (!e) {
        /* Named after the first member's temporary: ".BASE.mcgroup.PID.XXXXXX". */
        const char *tag = strstr(w[0].tmp + strlen(dir), ".mctmp.");
        size_t len = strlen(w[0].tmp) + 3;
        if (tag && (jname = malloc(len)))
            snprintf(jname, len, "%.*s.mcgroup.%s", (int)(tag - w[0].tmp), w[0].tmp, tag + 7);
        else
            e = mc_fail(MC_E_NOMEM, "out of memory");
    }
    /* The window in which a signal must wait (see on_signal). */
    sigset_t block, saved;
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof stop_signals / sizeof *stop_signals; i++) sigaddset(&block, stop_signals[i]);
    pthread_sigmask(SIG_BLOCK, &block, &saved);
    atomic_fetch_add(&committing, 1);
    if (!e && atomic_load(&stopping)) e = mc_fail(MC_E_IO, "stopped by a signal");
    if (!e) e = open_temp(&j, jname, MC_MODE_SECRET);
    if (!e) {
        fputs(journal_magic, j.fp);
        for (size_t i = 0; i < n; i++) fprintf(j.fp, "%s\n%s\n", base_of(w[i].tmp), base_of(w[i].path));
        if (ferror(j.fp)) e = mc_fail(MC_E_IO, "cannot write the group journal: %s", strerror(errno));
    }
    /* From here the members belong to the journal: a signal leaves them for the
     * next run (swept if the journal never appears, renamed if it does). */
    for (size_t i = 0; !e && i < n; i++) slot_set(w[i].slot, SLOT_KEEP);
    if (!e) e = mc_out_commit(&j);
    else mc_out_abort(&j);
    if (e) {
        free(jname);
        free(dir);
        abort_all(w, n);
        atomic_fetch_sub(&committing, 1);
        pthread_sigmask(SIG_SETMASK, &saved, NULL);
        return e;
    }
    for (size_t i = 0; i < n; i++)
        if (rename(w[i].tmp, w[i].path) != 0 && !e)
            e = mc_fail(MC_E_IO, "cannot rename output into place: %s (the next run in %s completes it)",
                        strerror(errno), dir);
    fsync_dir(dir);
    if (!e) {
        unlink(jname);
        fsync_dir(dir);
    }
    for (size_t i = 0; i < n; i++) out_forget(&w[i]);
    atomic_fetch_sub(&committing, 1);
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    free(jname);
    free(dir);
    return e;
}

mc_err mc_write_file(const char *path, const void *buf, size_t len, int mode, int force)
{
    mc_out w;
    mc_err e = mc_out_open(&w, path, mode, force);
    if (e) return e;
    if (len && fwrite(buf, 1, len, w.fp) != len) {
        int err = errno;
        mc_out_abort(&w);
        return mc_fail(MC_E_IO, "cannot write output: %s", strerror(err));
    }
    return mc_out_commit(&w);
}
