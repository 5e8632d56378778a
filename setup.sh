#!/usr/bin/env bash
# Installs what dispsim needs from Debian 12 packages (idempotent; run as root) and builds it.
# Usage: ./setup.sh            install packages, configure and build into build/ (Release, LTO)
#        ./setup.sh --no-build only install packages
#        ./setup.sh --sanitize the same packages; build with ASan, LeakSanitizer and UBSan into
#                              build-asan/ (gcc; what CI tests besides build/)
#        ./setup.sh --fuzz     also install clang and its sanitizer and libFuzzer runtimes; build
#                              the fuzz harnesses into build-fuzz/ (see tests/fuzz/README.md)
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-}
case "$mode" in
  "" | --no-build | --sanitize | --fuzz) ;;
  *) echo "usage: ./setup.sh [--no-build | --sanitize | --fuzz]" >&2; exit 64 ;;
esac

packages=(
  build-essential cmake pkg-config clang-format
  libgsl-dev libhdf5-dev hdf5-tools libcyaml-dev libyaml-dev librandom123-dev libcriterion-dev
  python3 python3-h5py python3-numpy python3-xarray python3-h5netcdf python3-matplotlib python3-yaml chromium
  openmpi-bin libopenmpi-dev
)
# libFuzzer and clang's sanitizer runtimes are in libclang-rt-14-dev; libomp for OpenMP under clang.
[ "$mode" = --fuzz ] && packages+=(clang-14 libclang-rt-14-dev libomp-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: missing packages: ${missing[*]}; run as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "setup.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

case "$mode" in
  --no-build) exit 0 ;;
  --sanitize)
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDISPSIM_SANITIZE=ON >/dev/null
    cmake --build build-asan -j "$(nproc)" ;;
  --fuzz)
    CC=clang-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDISPSIM_FUZZ=ON \
      -DDISPSIM_TESTS=OFF >/dev/null
    cmake --build build-fuzz -j "$(nproc)" ;;
  *)
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build build -j "$(nproc)" ;;
esac
