#!/usr/bin/env bash
# Prints the size of the built app (wasm and js), raw and gzipped, and checks the budget.
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET_GZIP_BYTES=${BUDGET_GZIP_BYTES:-614400}   # 600 KB gzipped, wasm + js
total=0
for f in dist/*.wasm dist/*.js; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  total=$((total + gz))
  printf 'size: %-40s %9d bytes raw, %8d bytes gzipped\n' "$(basename "$f")" "$raw" "$gz"
done
printf 'size: wasm+js gzipped total %d bytes (budget %d)\n' "$total" "$BUDGET_GZIP_BYTES"
if [ "$total" -gt "$BUDGET_GZIP_BYTES" ]; then
  echo "size: over budget" >&2
  exit 1
fi
