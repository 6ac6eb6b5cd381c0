/* See file.h: whole-file reads. */
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

mc_err mc_read_file(const char *path, size_t max, unsigned char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return mc_fail(MC_E_IO, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return mc_fail(MC_E_IO, "not a regular file (%s): refused as an input",
                       S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISDIR(st.st_mode) ? "a directory"
                       : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" : "not a plain file");
    }
    /* A regular file never blocks; clear O_NONBLOCK for the reads all the same. */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return mc_fail(MC_E_NOMEM, "out of memory");
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

