#!/usr/bin/env bash
# Sets up, builds and runs every test: unit tests (GoogleTest through ctest) and integration tests
# (the real binary driven by curl, Node's eventsource and Chromium through playwright-core).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
scripts/check-layers.sh
scripts/build.sh -DHERALD_BUILD_TESTS=ON

echo "== unit tests"
(cd build && ctest --output-on-failure --timeout 120 --no-tests=error)

echo "== integration tests"
cd tests/integration
npm ci --no-audit --no-fund --loglevel=error
HERALD_BIN="$PWD/../../build/herald" npm test
