#!/usr/bin/env bash
# Runs every fuzz target for FUZZ_SECONDS (default 600) each. Not part of `make test`.
# Crashes land in fuzz/artifacts/<target>/; minimize them (cargo fuzz tmin) and store them in
# fuzz/regressions/<target>/, where `make test` replays them.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
SECONDS_EACH=${FUZZ_SECONDS:-600}
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz"
  cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi
python3 scripts/fuzz-seed.py
targets=${FUZZ_TARGETS:-"pattern_parse pattern_match compiled_vs_reference transformer vtl putevents share_link insights replay_custom"}
SANITIZER=${FUZZ_SANITIZER:-none}
JOBS=${FUZZ_JOBS:-2}
mkdir -p fuzz/logs
(cd fuzz && cargo +nightly fuzz build -s "$SANITIZER")
run_one() {
  local t=$1
  local before
  before=$(ls "fuzz/corpus/$t" | wc -l)
  (cd fuzz && cargo +nightly fuzz run -s "$SANITIZER" "$t" "corpus/$t" -- -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -max_len=8192) >"fuzz/logs/$t.log" 2>&1
  local rc=$?
  echo "fuzz: $t exit $rc, corpus $before -> $(ls "fuzz/corpus/$t" | wc -l) inputs; $(grep -E '^Done [0-9]+ runs' "fuzz/logs/$t.log" | tail -n 1)"
}
set +e
running=0
for t in $targets; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait
