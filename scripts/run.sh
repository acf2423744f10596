#!/usr/bin/env bash
# Sets up, builds and runs herald on its embedded default (memory engine, 127.0.0.1:8080 unless told
# otherwise). Extra arguments go to `herald serve`, e.g. scripts/run.sh --listen 0.0.0.0:8080; a
# --listen given here replaces the default one.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh -DHERALD_BUILD_TESTS=OFF  # the server only: no test libraries needed

listen=127.0.0.1:8080
serve_args=()  # the extra arguments without --listen, which is passed once below
while (($#)); do
  case "$1" in
    --listen=*) listen="${1#--listen=}" ;;
    --listen)
      if (($# < 2)); then
        serve_args+=("$1")  # no value: herald serve reports it
      else
        listen="$2"
        shift
      fi
      ;;
    *) serve_args+=("$1") ;;
  esac
  shift
done

cat <<MSG

  herald is starting on http://${listen}/
  - open http://${listen}/ for the live demo (channel "demo")
  - publish to it:   build/herald publish --url http://${listen} demo '{"text":"hello"}'
  - follow it:       build/herald subscribe --url http://${listen} demo
  - API reference:   docs/protocol.md      stop with Ctrl-C

MSG
exec build/herald serve --listen "$listen" "${serve_args[@]}"
