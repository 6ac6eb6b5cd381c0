/* See file.h. */
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

mc_err mc_read_file(const char *path, size_t max, unsigned char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return mc_fail(MC_E_IO, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return mc_fail(MC_E_IO, "not a regular file");
    }
    if ((unsigned long long)st.st_size > max) {
        fclose(f);
        return mc_fail(MC_E_TOO_LARGE, "file of %lld bytes exceeds the limit of %zu",
                       (long long)st.st_size, max);
    }
    size_t n = (size_t)st.st_size;
    unsigned char *b = malloc(n ? n : 1);
    if (!b) {
        fclose(f);
        return mc_fail(MC_E_NOMEM, "cannot allocate %zu bytes", n);
    }
    size_t got = fread(b, 1, n, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || got != n) {
        free(b);
        return mc_fail(MC_E_IO, "read error");
    }
    *buf = b;
    *len = n;
    return MC_OK;
}

mc_err mc_atomic_open(mc_atomic *w, const char *path, int mode, int force)
{
    memset(w, 0, sizeof *w);
    if (!force && access(path, F_OK) == 0)
        return mc_fail(MC_E_EXISTS, "output exists (use --force to overwrite)");
    size_t n = strlen(path);
    w->path = strdup(path);
    w->tmp = malloc(n + 16);
    if (!w->path || !w->tmp) {
        mc_atomic_abort(w);
        return mc_fail(MC_E_NOMEM, "out of memory");
    }
    /* A dot-prefixed sibling, so the rename stays on one file system. */
    char *dircopy = strdup(path), *basecopy = strdup(path);
    if (!dircopy || !basecopy) {
        free(dircopy);
        free(basecopy);
        mc_atomic_abort(w);
        return mc_fail(MC_E_NOMEM, "out of memory");
    }
    snprintf(w->tmp, n + 16, "%s/.%s.XXXXXX", dirname(dircopy), basename(basecopy));
    free(dircopy);
    free(basecopy);
    int fd = mkstemp(w->tmp);
    if (fd < 0) {
        int e = errno;
        free(w->tmp);
        w->tmp = NULL;
        mc_atomic_abort(w);
        return mc_fail(MC_E_IO, "cannot create output: %s", strerror(e));
    }
    if (fchmod(fd, (mode_t)mode) != 0 || !(w->fp = fdopen(fd, "wb"))) {
        int e = errno;
        close(fd);
        mc_atomic_abort(w);
        return mc_fail(MC_E_IO, "cannot create output: %s", strerror(e));
    }
    return MC_OK;
}

void mc_atomic_abort(mc_atomic *w)
{
    if (w->fp) fclose(w->fp);
    if (w->tmp) unlink(w->tmp);
    free(w->tmp);
    free(w->path);
    memset(w, 0, sizeof *w);
}

mc_err mc_atomic_commit(mc_atomic *w)
{
    int fd = fileno(w->fp);
    if (fflush(w->fp) != 0 || fsync(fd) != 0) {
        int e = errno;
        mc_atomic_abort(w);
        return mc_fail(MC_E_IO, "cannot write output: %s", strerror(e));
    }
    if (fclose(w->fp) != 0) {
        int e = errno;
        w->fp = NULL;
        mc_atomic_abort(w);
        return mc_fail(MC_E_IO, "cannot write output: %s", strerror(e));
    }
    w->fp = NULL;
    if (rename(w->tmp, w->path) != 0) {
        int e = errno;
        mc_atomic_abort(w);
        return mc_fail(MC_E_IO, "cannot rename output into place: %s", strerror(e));
    }
    char *dircopy = strdup(w->path);
    if (dircopy) {
        int dfd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(dircopy);
    }
    free(w->tmp);
    free(w->path);
    memset(w, 0, sizeof *w);
    return MC_OK;
}

mc_err mc_write_file(const char *path, const void *buf, size_t len, int mode, int force)
{
    mc_atomic w;
    mc_err e = mc_atomic_open(&w, path, mode, force);
    if (e) return e;
    if (len && fwrite(buf, 1, len, w.fp) != len) {
        int err = errno;
        mc_atomic_abort(&w);
        return mc_fail(MC_E_IO, "cannot write output: %s", strerror(err));
    }
    return mc_atomic_commit(&w);
}
