#!/usr/bin/env bash
# Sets up, builds and runs herald on its embedded default (memory engine, 127.0.0.1:8080 unless told
# otherwise). Extra arguments go to `herald serve`, e.g. scripts/run.sh --listen 0.0.0.0:8080
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh -DHERALD_BUILD_TESTS=OFF  # the server only: no test libraries needed
listen=127.0.0.1:8080
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [[ "${args[i]}" == --listen ]] && listen="${args[i + 1]:-$listen}"
  [[ "${args[i]}" == --listen=* ]] && listen="${args[i]#--listen=}"
done
cat <<MSG

  herald is starting on http://${listen}/
  - open http://${listen}/ for the live demo (channel "demo")
  - publish to it:   build/herald publish --url http://${listen} demo '{"text":"hello"}'
  - follow it:       build/herald subscribe --url http://${listen} demo
  - API reference:   docs/protocol.md      stop with Ctrl-C

MSG
exec build/herald serve --listen "$listen" "$@"
