#!/bin/sh
# One-off check of fips197_appendix_c.txt against OpenSSL's command line (ECB on one
# block), so the vector file is not trusted on our word alone. Not part of make check.
# Usage: sh tests/vectors/aes/crosscheck_openssl.sh [OPENSSL]
set -eu
openssl=${1:-openssl}
dir=$(dirname "$0")
bad=0
awk -F' = ' '/^NAME/{n=$2} /^KEY/{k=$2} /^PLAINTEXT/{p=$2} /^CIPHERTEXT/{print n "|" k "|" p "|" $2}' \
    "$dir/fips197_appendix_c.txt" | while IFS='|' read -r name key pt ct; do
  bits=$(( ${#key} * 4 ))
  got=$(perl -e 'print pack("H*", $ARGV[0])' "$pt" | "$openssl" enc -aes-$bits-ecb -nopad -K "$key" | od -An -tx1 | tr -d ' \n')
  if [ "$got" = "$ct" ]; then echo "ok   $name"; else echo "FAIL $name: $got"; bad=1; fi
  [ $bad -eq 0 ]
done
