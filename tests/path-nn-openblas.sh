# The test programs once more on the nn-openblas path (tests/path_run.sh).
PATH_NAME='nn-openblas'
PATH_ENV='MC_NN_GEMM=blas'
PATH_NEEDS='[ $nn_avx512 = 1 ]'
PATH_WHY='no AVX-512F here, or MEDCHAOS_NO_ASM=1: the default run already takes the OpenBLAS products'
PATH_PROGS='test_nn_layers test_nn_models test_keynet test_mpi test_pipeline'
. "${MC_SRCDIR:-.}/tests/path_run.sh"
