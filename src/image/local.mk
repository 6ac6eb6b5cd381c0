# image module: sources, tests and benchmarks (included by the top Makefile.am).
