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
targets=${FUZZ_TARGETS:-"pattern_parse pattern_match compiled_vs_reference transformer vtl putevents share_link insights"}
for t in $targets; do
  echo "fuzz: $t for ${SECONDS_EACH}s"
  (cd fuzz && cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -max_len=8192) 2>&1 | tail -n 3
  echo "fuzz: $t corpus now $(ls "fuzz/corpus/$t" | wc -l) inputs"
done
