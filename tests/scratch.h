/* A scratch directory for tests that run the medchaos programs, and the few
 * helpers those tests share (test_cli, test_mpi): paths inside it and random
 * PNG inputs. Used from Criterion suites' .init/.fini. */
#ifndef MC_TESTS_SCRATCH_H
#define MC_TESTS_SCRATCH_H
#include <stdarg.h>
#include <stdint.h>

extern char scratch_dir[64];

/* mkdtemp /tmp/mc_TAG_XXXXXX into scratch_dir (asserts on failure). */
void scratch_make(const char *tag);
/* rm -rf scratch_dir, if one was made. */
void scratch_remove(void);
/* scratch_dir/NAME; the result stays valid for the next three calls. */
char *scratch_path(const char *name);
/* A w×h PNG of c channels and d bits of random pixels, as scratch_dir/NAME. */
void scratch_random_png(const char *name, uint32_t w, uint32_t h, uint8_t c, uint8_t d);

/* Run a shell command line (printf-style) inside scratch_dir with stdout to
 * scratch_dir/out and stderr to scratch_dir/err; the wait status. */
int scratch_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Run $MC_BUILDDIR/medchaos with the arguments (printf-style) the same way;
 * asserts that it exited (no signal) and returns its exit status. */
int scratch_mc(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
