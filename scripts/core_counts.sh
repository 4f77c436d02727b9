#!/usr/bin/env bash
# Instructions and heap allocations per operation of the `core` bench, counted by valgrind:
# figures that do not move with the machine's load, for A/B comparisons of library changes on
# hosts too noisy for criterion (see docs/PERFORMANCE.md).
#
#   scripts/core_counts.sh [CORE_BIN ...]
#
# Each CORE_BIN is a build of `cargo bench -p oauth2-server --bench core --no-run`
# (target/release/deps/core-<hash>; copy it aside between builds to compare two). Without one,
# the newest core-<hash> under target/release/deps is used. OPS (env, default
# "client_credentials_token password_token authenticate code_issue_redeem") picks the
# operations; each is run N1 and then N2 times (env, defaults 2000 and 12000) and the
# difference of the two totals divided by N2 - N1 is the per-operation figure, so that the
# bench's setup cancels out. SHA-256 runs in software under valgrind (~3,500 instructions a
# 64-byte block, against a few hundred cycles with SHA-NI), so its share is larger here than in
# native runs.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 2; }
OPS=${OPS:-client_credentials_token password_token authenticate code_issue_redeem}
N1=${N1:-2000}
N2=${N2:-12000}
if [ $# -eq 0 ]; then
  newest=$(ls -t target/release/deps/core-* 2>/dev/null | grep -v '\.d$' | head -1 || true)
  [ -n "$newest" ] || {
    echo "no core bench binary: cargo bench -p oauth2-server --bench core --no-run" >&2
    exit 2
  }
  set -- "$newest"
fi

# Total of one run of `op` repeated `n` times: instructions (callgrind) or blocks (dhat).
instructions() {
  CORE_BENCH_LOOP=$3 CORE_BENCH_OP=$2 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    "$1" 2>&1 | awk '/Collected :/ {print $NF}'
}
allocations() {
  CORE_BENCH_LOOP=$3 CORE_BENCH_OP=$2 valgrind --tool=dhat --dhat-out-file=/dev/null "$1" 2>&1 \
    | awk '/Total:/ {gsub(",", "", $(NF-1)); print $(NF-1)}'
}
per_op() {
  local a b
  a=$($1 "$2" "$3" "$N1")
  b=$($1 "$2" "$3" "$N2")
  awk -v a="$a" -v b="$b" -v n=$((N2 - N1)) 'BEGIN {printf "%.1f", (b - a) / n}'
}

for op in $OPS; do
  case $op in
    client_credentials_token | password_token | authenticate | code_issue_redeem) ;;
    *) echo "unknown operation: $op (see oauth2-server/benches/core.rs)" >&2; exit 2 ;;
  esac
done

echo "| binary | operation | instructions per op | allocations per op |"
echo "|---|---|---:|---:|"
for bin in "$@"; do
  [ -x "$bin" ] || { echo "not an executable: $bin" >&2; exit 2; }
  for op in $OPS; do
    echo "| $(basename "$bin") | $op | $(per_op instructions "$bin" "$op") | $(per_op allocations "$bin" "$op") |"
  done
done
