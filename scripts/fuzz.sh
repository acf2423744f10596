#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ and runs each for a while on a copy of its seed corpus
# (fuzz/corpus/<target>/, never written unless --update-corpus). Fails when a target crashes, leaks,
# hangs or runs out of memory, and prints the input that did it. docs/testing.md explains the workflow.
#   scripts/fuzz.sh [--seconds N] [--build-dir DIR] [--update-corpus] [TARGET...] [-- LIBFUZZER-FLAGS...]
#   --seconds N      run each target N seconds (default 30)
#   --build-dir DIR  build into DIR (default build-fuzz; scripts/test.sh passes its sanitizer build)
#   --update-corpus  afterwards, merge the inputs that found new coverage into fuzz/corpus/<target>/
#   TARGET           e.g. http_request (default: every fuzz/*_fuzz.cpp)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=30
build_dir=build-fuzz
update_corpus=0
targets=()
extra_flags=()
while (($#)); do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --update-corpus) update_corpus=1; shift ;;
    --) shift; extra_flags=("$@"); break ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if ((${#targets[@]} == 0)); then
  for source in fuzz/*_fuzz.cpp; do
    name=$(basename "$source" .cpp)
    targets+=("${name%_fuzz}")
  done
fi

if [[ ! -f "$build_dir/build.ninja" ]]; then
  CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHERALD_FUZZ=ON \
    -DHERALD_BUILD_TESTS=OFF >/dev/null
fi
ninja -C "$build_dir" -j2 "${targets[@]/%/_fuzz}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

# Runs one target; prints its executions and time, or the reproducer when it failed.
run_target() {
  local target="$1"
  local binary="$build_dir/${target}_fuzz"
  local work="$build_dir/fuzz-runs/$target"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp fuzz/corpus/"$target"/* "$work/corpus/" 2>/dev/null || true
  local flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
               -artifact_prefix="$work/artifacts/")
  [[ -f "fuzz/$target.dict" ]] && flags+=(-dict="fuzz/$target.dict")
  local status=0
  "$binary" "${flags[@]}" "${extra_flags[@]}" "$work/corpus" >"$work/log" 2>&1 || status=$?
  local executions
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  if ((status != 0)); then
    local reproducer
    reproducer=$(find "$work/artifacts" -type f | head -1)
    echo "FAIL $target (exit $status): reproducer ${reproducer:-none}; log $work/log"
    echo "     reproduce: $binary ${reproducer:-}"
    grep -m1 -E "ERROR: |runtime error|SUMMARY" "$work/log" | sed 's/^/     /' || true
    return 1
  fi
  echo "ok   $target: ${executions:-?} executions in ${seconds}s, corpus $(ls "$work/corpus" | wc -l) inputs"
  if ((update_corpus)); then
    "$binary" -merge=1 fuzz/corpus/"$target" "$work/corpus" >>"$work/log" 2>&1
    echo "     fuzz/corpus/$target now has $(ls fuzz/corpus/"$target" | wc -l) inputs"
  fi
}

failed=()
for target in "${targets[@]}"; do
  run_target "$target" || failed+=("$target")
done
if ((${#failed[@]})); then
  echo "fuzz.sh: failed: ${failed[*]}" >&2
  exit 1
fi
