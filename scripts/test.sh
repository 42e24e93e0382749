#!/usr/bin/env bash
# Runs every suite, keeps going after a failure, and ends with one line: "N passed, N failed".
# A step without its own test count (fmt, clippy, build) counts as one check.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never

passed=0
failed=0
failed_steps=()
log_dir=$(mktemp -d)

# Adds the counts of cargo's / wasm-bindgen's "test result:" lines in a log.
count_rust() {
  awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1) } }
       END { print p+0, f+0 }' "$1"
}

# step NAME KIND COMMAND...   KIND: check | rust | node
step() {
  local name=$1 kind=$2; shift 2
  local log="$log_dir/${name// /_}.log"
  echo "==> $name"
  "$@" >"$log" 2>&1
  local rc=$?
  local p=0 f=0
  case $kind in
    rust) read -r p f < <(count_rust "$log") ;;
    node)
      p=$(grep -E '^# pass ' "$log" | awk '{s+=$3} END {print s+0}')
      f=$(grep -E '^# fail ' "$log" | awk '{s+=$3} END {print s+0}') ;;
  esac
  if [ "$kind" = check ]; then
    if [ $rc -eq 0 ]; then p=1; else f=1; fi
  elif [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1   # the step failed without a failing test (build error, runner crash)
  fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ $rc -ne 0 ]; then
    failed_steps+=("$name")
    echo "    FAILED (exit $rc); last lines of the log:"
    tail -n 40 "$log" | sed 's/^/    | /'
  else
    echo "    ok ($p passed)"
  fi
  grep -E '^(size:|patterns.json:|input_transformer.json:|vtl.json:)' "$log" | sed 's/^/    /'
}

step "cargo fmt --check" check cargo fmt --all -- --check
step "cargo clippy" check cargo clippy --workspace --all-targets -- -D warnings
# Engine crates deny missing docs; broken doc links fail here too.
step "cargo doc (engine crates)" check env RUSTDOCFLAGS="-D warnings" cargo doc --no-deps \
  -p event-pattern -p input-transformer -p apigw-vtl -p eventbridge-sim -p workshop
step "cargo test" rust cargo test --workspace -- --nocapture
step "browser tests (wasm-pack, Chromium)" rust \
  wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver web
# The event-pattern crate's own unit and integration tests, built for wasm32 and run in
# Chromium (doc tests run natively above).
step "event-pattern in the browser (wasm-pack, Chromium)" rust \
  wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver crates/event-pattern \
  --lib --test '*'
step "trunk build --release" check bash -c 'trunk build --release && scripts/wasm-size.sh && python3 scripts/check-csp.py'
step "end-to-end (Playwright, Chromium)" node bash -c 'cd tests/e2e && node --test --test-concurrency=1 --test-reporter=tap'

echo
if [ ${#failed_steps[@]} -gt 0 ]; then
  echo "failed steps: ${failed_steps[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#failed_steps[@]} -eq 0 ]
