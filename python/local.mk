# python: the medchaos package over libmedchaos (ctypes; python/medchaos/__init__.py).
# Installed into the site-packages of the prefix for the Python configure found
# (AM_PATH_PYTHON); the _libdir.py it writes beside it records where the library
# went, so the installed package finds it (python/medchaos/_lib.py says in which order).
medchaos_python = python/medchaos/__init__.py python/medchaos/_lib.py python/medchaos/image.py \
	python/medchaos/metrics.py python/medchaos/nist.py python/medchaos/chaos.py \
	python/medchaos/envelope.py python/medchaos/meta.py python/medchaos/nn.py
if HAVE_PYTHON
pkgpython_PYTHON = $(medchaos_python)
# Written at install time, so that `make install prefix=...` records that prefix.
install-data-local:
	$(MKDIR_P) '$(DESTDIR)$(pkgpythondir)'
	{ echo '# Written by make install (python/local.mk): where libmedchaos and this package went.'; \
	  echo "LIBDIR = '$(libdir)'"; echo "PKGPYTHONDIR = '$(pkgpythondir)'"; } > '$(DESTDIR)$(pkgpythondir)/_libdir.py'
uninstall-local:
	rm -f '$(DESTDIR)$(pkgpythondir)/_libdir.py'
endif

# The package's tests (pytest): tests/test_python.sh runs tests/python/ against
# the freshly built library and command; it ends its log with a Criterion-style
# "Synthesis:" line for scripts/test.sh, and skips (77) without Python, NumPy or pytest.
# TEST_EXTENSIONS and SH_LOG_COMPILER (PYTHON passed on) are set once, in tests/paths.mk.
TESTS += tests/test_python.sh
# The C layout of every struct the package mirrors, checked against its ctypes twin.
check_PROGRAMS += tests/py_layout
tests_py_layout_SOURCES = tests/py_layout.c
medchaos_python_tests = tests/python/conftest.py tests/python/test_metrics.py tests/python/test_nist.py \
	tests/python/test_chaos.py tests/python/test_envelope.py tests/python/test_meta.py \
	tests/python/test_nn.py tests/python/test_errors.py tests/python/test_layout.py \
	tests/python/test_example.py tests/python/test_image.py
EXTRA_DIST += $(medchaos_python) $(medchaos_python_tests) tests/test_python.sh docs/PYTHON.md \
	examples/score_my_cipher.py examples/make_thirdparty_pair.py examples/data/README.md \
	examples/data/xray_plain.png examples/data/xray_thirdparty_cipher.png \
	examples/data/xray_thirdparty_cipher_onepixel.png
clean-local: clean-local-python
clean-local-python:
	-rm -rf tests/python/__pycache__ python/medchaos/__pycache__ tests/test_python.xml
.PHONY: clean-local-python
