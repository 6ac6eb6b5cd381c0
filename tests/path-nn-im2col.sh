# The test programs once more on the nn-im2col path (tests/path_run.sh).
PATH_NAME='nn-im2col'
PATH_ENV='MC_NN_CONV=im2col'
PATH_NEEDS='true'
PATH_WHY='always runs'
PATH_PROGS='test_nn_layers test_nn_models test_keynet test_mpi'
. "${MC_SRCDIR:-.}/tests/path_run.sh"
