#!/usr/bin/env bash
# Start-up of whole cnn processes, this checkout's launcher next to another one, alternated.
#   scripts/startup_bench.sh OTHER_LAUNCHER [RUNS]
# OTHER_LAUNCHER is a ./cnn of another build (say a copy of main's cnn and cli/target/cnn.jar in
# /tmp/base). Prints, per command, the minimum and median wall time and CPU time (user + system)
# over RUNS runs each (default 10), measured by /usr/bin/time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
other="$1"
runs="${2:-10}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cd "$root"
# "min X s median Y s" of sorted numbers
stats() {
  echo "$1" | awk '{ printf "min %.2f s median %.2f s", $1, (NF % 2 ? $((NF + 1) / 2) : ($(NF / 2) + $(NF / 2 + 1)) / 2) }'
}
"$root/cnn" --version >/dev/null # builds and writes the archive first, outside the timing
for cmd in "check examples/lenet5.cnn" "analyze examples/resnet152.cnn" "--version"; do
  for _ in $(seq 1 "$runs"); do
    for who in other this; do
      launcher="$other"; [ "$who" = this ] && launcher="$root/cnn"
      # shellcheck disable=SC2086 # the command is split into its words on purpose
      /usr/bin/time -f "%e %U %S" -a -o "$out/$who" "$launcher" $cmd >/dev/null 2>&1
    done
  done
  for who in other this; do
    wall="$(awk '{ print $1 }' "$out/$who" | sort -n | tr '\n' ' ')"
    cpu="$(awk '{ print $2 + $3 }' "$out/$who" | sort -n | tr '\n' ' ')"
    printf '%-32s %-5s wall %s | cpu %s\n' "$cmd" "$who" "$(stats "$wall")" "$(stats "$cpu")"
    rm -f "$out/$who"
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
