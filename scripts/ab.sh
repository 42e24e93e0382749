#!/usr/bin/env bash
# Compares two builds of the profile_scan example on one workload, in alternating runs: prints,
# per build, the medians of our events/s, of serde_json's events/s in the same runs, and of
# their ratio, and B's medians relative to A's.
#
# Compare our events/s between the builds. serde_json's figure is the control: its code is the
# same in both builds, but where the linker places it is not, and that alone has moved its speed
# by up to 9 % between two builds of this project (session 19). A change of ours then shows in
# "ours ÷ serde" too, as a gain or a loss that ours never had, so the ratio is the goal's
# figure within one run, not a measure of a change. Alternating runs keep a noisy machine's
# swings out of the comparison as far as they can be kept out; on this project's machines
# medians of seven pairs still moved by about 3 % between batches, so only a larger difference
# says anything.
#
#   cargo build --profile bench -p ebw-bench --example profile_scan
#   cp target/release/examples/profile_scan /tmp/before   # then change, build again:
#   scripts/ab.sh /tmp/before target/release/examples/profile_scan eventbridge 10000 40
#
# Usage: scripts/ab.sh BIN_A BIN_B <profile_scan arguments...> (PAIRS=7 by default)
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,19p' "$0"
  exit 2
fi
a=$1
b=$2
shift 2
pairs=${PAIRS:-7}
# One run: "ours serde ratio" from profile_scan's last line.
run() {
  "$1" "${@:2}" | tail -1 |
    sed -E 's/.*: ([0-9]+) events\/s,.*validate: ([0-9]+) events\/s; ours ÷ serde ([0-9.]+).*/\1 \2 \3/'
}
runs_a=()
runs_b=()
for _ in $(seq "$pairs"); do
  runs_a+=("$(run "$a" "$@")")
  runs_b+=("$(run "$b" "$@")")
done
# The median of column `k` (1: ours, 2: serde_json, 3: their ratio) of the runs given.
median() {
  local k=$1
  shift
  printf '%s\n' "$@" | awk -v k="$k" '{print $k}' | sort -n |
    awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'
}
report() {
  local side=$1 bin=$2
  shift 2
  local ours
  ours=$(printf '%s\n' "$@" | awk '{printf "%s ", $1}')
  echo "$side $bin: ours ${ours}(median $(median 1 "$@")); serde_json median $(median 2 "$@"); ours ÷ serde median $(median 3 "$@")"
}
report A "$a" "${runs_a[@]}"
report B "$b" "${runs_b[@]}"
awk -v o="$(median 1 "${runs_b[@]}")" -v oa="$(median 1 "${runs_a[@]}")" \
  -v s="$(median 2 "${runs_b[@]}")" -v sa="$(median 2 "${runs_a[@]}")" 'BEGIN {
  printf "B ÷ A: ours %.3f, serde_json %.3f (its code is the same: how far placement alone moved it)\n", o / oa, s / sa
}'
