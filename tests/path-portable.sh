# The test programs once more on the portable path (tests/path_run.sh).
PATH_NAME='portable'
PATH_ENV='MEDCHAOS_NO_ASM=1'
PATH_NEEDS='[ $nn_avx512$aesni$pclmul$sha_ni$ifma != 00000 ]'
PATH_WHY='no fast path here, or MEDCHAOS_NO_ASM=1 forbids them: the default run is the portable one'
PATH_PROGS='test_aes test_gcm test_sha256 test_rsa test_pem test_pipeline test_cli'
. "${MC_SRCDIR:-.}/tests/path_run.sh"
