#!/usr/bin/env bash
# Looks for JVMs in which C2 compiled a cnnkit kernel without some of its Vector API intrinsics
# (the "pathological JVM" of docs/performance.md, JIT pitfalls: a kernel that runs the Vector
# API's scalar fallback for the life of the JVM). Runs `cnn bench` RUNS times, each in a fresh
# JVM with -XX:+PrintIntrinsics, and prints per run cnnkit's median and every C2 compilation of a
# cnnkit method under which HotSpot reported an intrinsic it could not apply ("** ..." lines):
#   scripts/jit_check.sh RUNS MODEL.cnn [cnn bench options, e.g. --threads 2]
# Exits 1 if any run had such a compilation, 2 if cnn bench itself failed. The failure depends
# on the order of compilation and the profiles, so a clean result needs many runs: before the fix
# of the fifth session, about one ResNet-18 JVM in twelve showed it. Assumes one C2 compiler
# thread (2 cores; with more, a "**" line is charged to the latest C2 compilation started, which
# may be another thread's).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -lt 2 ]; then
  echo "usage: scripts/jit_check.sh RUNS MODEL.cnn [cnn bench options]" >&2
  exit 2
fi
runs="$1" model="$2"
shift 2
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
flagged=0
for i in $(seq 1 "$runs"); do
  if ! JAVA_TOOL_OPTIONS="-XX:+UnlockDiagnosticVMOptions -XX:+PrintCompilation -XX:+PrintIntrinsics" \
      "$root/cnn" bench "$model" --peer none --runs 3 "$@" >"$log" 2>&1; then
    echo "run $i: cnn bench failed:" >&2
    grep -v -e '^ *[0-9]' -e '^ *@' -e '^ *\*\*' -e 'JAVA_TOOL_OPTIONS' "$log" | tail -5 >&2
    exit 2
  fi
  median="$(awk '$1 == "cnnkit" && $2 ~ /^[0-9.]+$/ {print $2; exit}' "$log")"
  # --train reports throughput (its first column is "median img/s"); inference reports time
  unit="ms"
  if grep -q 'median img/s' "$log"; then unit="img/s"; fi
  # PrintCompilation: "time id flags level method ..."; the "** ..." lines of PrintIntrinsics follow
  # the header of the C2 (level 4) compilation that printed them.
  failed="$(awk '
    /^ +[0-9]+ +[0-9]+ / && !/made not entrant/ {
      i = 3; osr = ""
      while ($i ~ /^[%sbn!]$/) { if ($i == "%") osr = " (OSR)"; i++ }
      if ($i == "4") current = $(i + 1) osr
      next
    }
    /^ +\*\* / && current ~ /^io\.cnnkit\./ { bad[current]++ }
    END { for (m in bad) printf "%s: %d; ", m, bad[m] }' "$log")"
  if [ -n "$failed" ]; then
    flagged=$((flagged + 1))
    echo "run $i: cnnkit median ${median:-?} $unit; failed intrinsics in $failed"
  else
    echo "run $i: cnnkit median ${median:-?} $unit; every intrinsic applied"
  fi
done
echo "$flagged of $runs runs had a cnnkit kernel compiled without some of its intrinsics"
[ "$flagged" -eq 0 ]
