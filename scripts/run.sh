#!/usr/bin/env bash
# Sets up, builds and runs herald on its embedded default (memory engine, 127.0.0.1:8080 unless told
# otherwise) with the demo pages: `herald serve --config config/demo.toml` and, beside it, `herald
# demo-backend` (the server side of the AI, payment and dashboard demos; docs/demos.md), which stops when
# the server does. Extra arguments go to `herald serve`, e.g. scripts/run.sh --listen 0.0.0.0:8080; a
# --listen or --config given here replaces the default one.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh -DHERALD_BUILD_TESTS=OFF  # the server only: no test libraries needed

listen=127.0.0.1:8080
config=config/demo.toml
serve_args=()  # the extra arguments without --listen and --config, which are passed once below
while (($#)); do
  case "$1" in
    --listen=*) listen="${1#--listen=}" ;;
    --config=*) config="${1#--config=}" ;;
    --listen | --config)
      if (($# < 2)); then
        serve_args+=("$1")  # no value: herald serve reports it
      elif [[ "$1" == --listen ]]; then
        listen="$2"
        shift
      else
        config="$2"
        shift
      fi
      ;;
    *) serve_args+=("$1") ;;
  esac
  shift
done

# The backend reaches herald over loopback, where publishing needs no API key: a wildcard address is
# reached on its loopback counterpart.
backend_url="http://${listen}"
case "$listen" in
  0.0.0.0:*) backend_url="http://127.0.0.1:${listen#0.0.0.0:}" ;;
  \[::\]:*) backend_url="http://[::1]:${listen#\[::\]:}" ;;
esac

cat <<MSG

  herald is starting on http://${listen}/
  - open http://${listen}/ for the demos: chat, live dashboard, AI token streaming, payment status
  - publish:   build/herald publish --url http://${listen} demo '{"text":"hello"}'
  - follow:    build/herald subscribe --url http://${listen} demo
  - API reference: docs/protocol.md   demos: docs/demos.md   stop with Ctrl-C

MSG

build/herald serve --config "$config" --listen "$listen" "${serve_args[@]}" &
server=$!
build/herald demo-backend --url "$backend_url" &
backend=$!
# Ctrl-C and SIGTERM stop the server gracefully (background jobs of a script ignore SIGINT themselves).
trap 'kill -TERM "$server" 2>/dev/null || true' INT TERM
# wait also returns (with 128 + the signal) when a trapped signal arrives: wait again until the server
# has exited, then take its own exit status (bash keeps it for a waited-for background job).
while kill -0 "$server" 2>/dev/null; do
  wait "$server" 2>/dev/null || true
done
status=0
wait "$server" || status=$?
kill -TERM "$backend" 2>/dev/null || true
wait "$backend" 2>/dev/null || true
exit "$status"
