#!/usr/bin/env bash
# Installs every Debian package herald needs to build, run and test. Idempotent and quiet when
# everything is already there. Usage: scripts/setup.sh [--test]  (--test adds test-only packages)
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libssl-dev libhiredis-dev
  libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev zlib1g-dev libjemalloc-dev
)
test_packages=(
  libgtest-dev libgmock-dev libbenchmark-dev curl nodejs npm chromium redis-server coturn
  clang libclang-rt-14-dev  # the sanitizer build and the fuzz targets (docs/testing.md)
)

wanted=("${build_packages[@]}")
[[ "${1:-}" == "--test" ]] && wanted+=("${test_packages[@]}")

missing=()
for pkg in "${wanted[@]}"; do
  # node/npm may come from another source than Debian; accept any working install
  if [[ "$pkg" == nodejs ]] && command -v node >/dev/null; then continue; fi
  if [[ "$pkg" == npm ]] && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
