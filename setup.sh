#!/usr/bin/env bash
# Installs what dispsim needs from Debian 12 packages (idempotent; run as root) and builds it.
# Usage: ./setup.sh            install packages, configure and build into build/
#        ./setup.sh --no-build only install packages
set -euo pipefail
cd "$(dirname "$0")"

packages=(
  build-essential cmake pkg-config clang-format
  libgsl-dev libhdf5-dev hdf5-tools libcyaml-dev libyaml-dev librandom123-dev libcriterion-dev
  python3 python3-h5py python3-numpy python3-xarray python3-h5netcdf python3-matplotlib chromium
)
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

[ "${1:-}" = "--no-build" ] && exit 0
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)"
