#!/usr/bin/env bash
# Install the Debian packages medchaos needs that are not yet installed.
# Usage: scripts/deps.sh [--paper] [--torch] [--mpi] [--fuzz]
#   --paper  TeX Live for `make paper`     --torch  PyTorch for regenerating test fixtures and NN benchmarks
#   --mpi    Open MPI for --with-mpi    --fuzz   clang and its libFuzzer runtime for `make fuzz-io`
set -euo pipefail
pkgs=(build-essential autoconf automake libtool pkg-config
      libopenblas-dev libopenblas-openmp-dev libpng-dev libgmp-dev libjpeg62-turbo-dev libexif-dev libcriterion-dev libgdcm-dev zlib1g-dev
      openssl valgrind python3 python3-numpy python3-pytest python3-scipy python3-pydicom gnuplot-nox dcmtk libgdcm-tools dicom3tools dieharder
      libjpeg-turbo-progs netpbm nifti-bin)
for a in "$@"; do
  case "$a" in
    --paper) pkgs+=(texlive-latex-base texlive-latex-recommended texlive-latex-extra latexmk) ;;
    --torch) pkgs+=(python3-torch python3-torchvision) ;;
    --mpi)   pkgs+=(libopenmpi-dev openmpi-bin) ;;
    --fuzz)  pkgs+=(clang libclang-rt-14-dev) ;;
    *) echo "deps.sh: unknown option $a" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "deps.sh: installing ${missing[*]}"
SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
