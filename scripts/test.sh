#!/usr/bin/env bash
# Sets up, builds and runs every test: unit tests (GoogleTest through ctest) and integration tests
# (the real binary driven by curl, Node's eventsource and Chromium through playwright-core) and the
# JavaScript client's tests (clients/js); then the same tests again on an AddressSanitizer +
# UndefinedBehaviorSanitizer build (build-asan/, clang) and a short run of every fuzz target
# (docs/testing.md). HERALD_SKIP_SANITIZERS=1 skips the sanitized part for quick local runs (CI always
# runs it); HERALD_FUZZ_SECONDS sets the fuzz time per target (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
scripts/check-layers.sh
scripts/build.sh -DHERALD_BUILD_TESTS=ON

# Runs a test phase with a time limit, so that a hung test fails the run with its name instead of
# holding it until the CI's own limit. `timeout` signals the phase's whole process group.
bounded() {
  local seconds=$1 what=$2
  shift 2
  local status=0
  timeout --kill-after=30 "$seconds" "$@" || status=$?
  if [[ $status == 124 || $status == 137 ]]; then
    echo "the $what did not finish within $seconds s: a test hangs (see the last test started above)" >&2
  fi
  return "$status"
}

echo "== unit tests"
(cd build && ctest --output-on-failure --timeout 120 --no-tests=error)

echo "== integration tests"
(cd tests/integration && npm ci --no-audit --no-fund --loglevel=error)
(cd tests/integration && HERALD_BIN="$PWD/../../build/herald" bounded 1500 "integration tests" npm test)

echo "== JavaScript client tests (clients/js: unit, Node against herald, Chromium)"
(cd clients/js && npm ci --no-audit --no-fund --loglevel=error)
(cd clients/js && HERALD_BIN="$PWD/../../build/herald" bounded 600 "JavaScript client tests" npm test)

if [[ "${HERALD_SKIP_SANITIZERS:-0}" == 1 ]]; then
  echo "== sanitizer build, tests and fuzzing skipped (HERALD_SKIP_SANITIZERS=1)"
  exit 0
fi

echo "== sanitizer build (ASan + UBSan, clang, build-asan/)"
CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHERALD_FUZZ=ON \
  -DHERALD_BUILD_TESTS=ON >/dev/null
cmake --build build-asan --parallel "$(nproc)" --target herald herald_tests herald_fuzzers

# Every sanitized process writes its reports here (herald's children of the integration tests too, whose
# output the tests do not show); any report fails the run.
reports="$PWD/build-asan/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$reports/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
check_reports() {
  if compgen -G "$reports/*" >/dev/null; then
    echo "sanitizer reports after the $1:" >&2
    head -n 60 "$reports"/* >&2
    exit 1
  fi
}

echo "== unit tests (sanitized)"
(cd build-asan && ctest --output-on-failure --timeout 300 --no-tests=error) || { check_reports "unit tests"; exit 1; }
check_reports "unit tests"

echo "== integration tests (sanitized)"
(cd tests/integration && HERALD_BIN="$PWD/../../build-asan/herald" bounded 2400 "sanitized integration tests" npm test) ||
  { check_reports "integration tests"; exit 1; }
check_reports "integration tests"

echo "== fuzz smoke runs (${HERALD_FUZZ_SECONDS:-20} s per target)"
ASAN_OPTIONS= UBSAN_OPTIONS= scripts/fuzz.sh --build-dir build-asan --seconds "${HERALD_FUZZ_SECONDS:-20}"
