#!/usr/bin/env bash
# Checks that includes run one way through the layers of src/ (docs/architecture.md): a file in a layer
# includes only headers of its own layer and of layers below it. Exits 1 and lists every include that
# runs upward or names a folder that is not a layer. Usage: scripts/check-layers.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# Lowest first; keep in step with HERALD_LAYERS in CMakeLists.txt and docs/architecture.md.
layers=(core protocol engine pubsub runtime auth session transport signaling turn cli server)

rank_of() {
  local i
  for i in "${!layers[@]}"; do [[ "${layers[i]}" == "$1" ]] && { echo "$i"; return; }; done
  echo -1
}

status=0
while IFS= read -r line; do
  file=${line%%:*}
  rest=${line#*:}
  lineno=${rest%%:*}
  target=$(sed -E 's/.*#include "([^"]+)".*/\1/' <<<"$rest")
  [[ "$target" == */* ]] || continue  # a header beside the file
  from=$(cut -d/ -f2 <<<"$file")
  to=${target%%/*}
  from_rank=$(rank_of "$from")
  to_rank=$(rank_of "$to")
  if ((from_rank < 0)); then
    echo "$file: src/$from is not a layer (add it to scripts/check-layers.sh and CMakeLists.txt)"
    status=1
  elif ((to_rank < 0)); then
    echo "$file:$lineno: includes \"$target\": $to is not a layer"
    status=1
  elif ((to_rank > from_rank)); then
    echo "$file:$lineno: includes \"$target\": $from may not use $to, a higher layer"
    status=1
  fi
done < <(grep -rnE '^\s*#\s*include "' src)

if ((status == 0)); then echo "layers: every include runs downward"; fi
exit $status
