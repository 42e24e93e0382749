#!/usr/bin/env bash
# Compares two builds of the profile_scan example on one workload, in alternating runs, and
# prints each one's "ours ÷ serde_json" ratios and their median. Alternating pairs, and a
# ratio to serde_json's turns of the same run, keep a noisy machine's swings out of the
# comparison as far as they can be kept out; on this project's machines medians of seven pairs
# still moved by about 3 % between batches, so only a larger difference says anything.
#
#   cargo build --profile bench -p ebw-bench --example profile_scan
#   cp target/release/examples/profile_scan /tmp/before   # then change, build again:
#   scripts/ab.sh /tmp/before target/release/examples/profile_scan eventbridge 10000 40
#
# Usage: scripts/ab.sh BIN_A BIN_B <profile_scan arguments...> (PAIRS=7 by default)
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,12p' "$0"
  exit 2
fi
a=$1
b=$2
shift 2
pairs=${PAIRS:-7}
ratios_a=()
ratios_b=()
ratio() {
  "$1" "${@:2}" | grep -o 'ours ÷ serde [0-9.]*' | grep -o '[0-9.]*$'
}
for _ in $(seq "$pairs"); do
  ratios_a+=("$(ratio "$a" "$@")")
  ratios_b+=("$(ratio "$b" "$@")")
done
median() {
  printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'
}
echo "A $a: ${ratios_a[*]} (median $(median "${ratios_a[@]}"))"
echo "B $b: ${ratios_b[*]} (median $(median "${ratios_b[@]}"))"
