# The test programs once more on the nn-reference path (tests/path_run.sh).
PATH_NAME='nn-reference'
PATH_ENV='MC_NN_GEMM=blas MC_NN_CONV=im2col'
PATH_NEEDS='[ $nn_avx512 = 1 ]'
PATH_WHY='no AVX-512F here, or MEDCHAOS_NO_ASM=1: the nn-im2col run is this path'
PATH_PROGS='test_nn_models test_keynet'
. "${MC_SRCDIR:-.}/tests/path_run.sh"
