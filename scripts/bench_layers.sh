#!/usr/bin/env bash
# ResNet-18's convolutions one at a time, cnnkit next to ONNX Runtime (paired, alternated runs):
#   scripts/bench_layers.sh [cnn bench options, e.g. --threads 1 --runs 30]
# Each layer is a one-layer .cnn network (batch 1, no bias, padding kernel / 2) written to a
# temporary directory; the table lists median ms of both sides, the ratio of medians and of minima,
# GFLOP/s at the median and % of the peak probe's figure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
# channels-in, size, kernel, stride, channels-out
layers=("3 224 7 2 64" "64 56 3 1 64" "128 28 3 1 128" "256 14 3 1 256" "512 7 3 1 512" "64 56 3 2 128"
        "128 28 3 2 256" "256 14 3 2 512" "64 56 1 2 128" "128 28 1 2 256" "256 14 1 2 512")
printf '%-22s %10s %10s %7s %9s %9s %7s %9s %7s\n' layer "cnnkit ms" "ORT ms" ratio "min ratio" "cnnkit GF" "% peak" \
  "ORT GF" "% peak"
for spec in "${layers[@]}"; do
  read -r cin size k s cout <<<"$spec"
  name="${cin}x${size}-${k}s${s}-${cout}"
  file="$dir/conv.cnn"
  printf 'network Conv\ninput x: %sx%sx%s\noutput y = x -> conv: conv(%s, %s, stride=%s, pad=%s, bias=false)\n' \
    "$cin" "$size" "$size" "$cout" "$k" "$s" $((k / 2)) >"$file"
  out="$("$root/cnn" bench "$file" "$@" 2> >(grep -v 'Using incubator modules' >&2))"
  ours="$(grep '^cnnkit ' <<<"$out")"
  theirs="$(grep '^ONNX Runtime ' <<<"$out")"
  ratio="$(grep '^ratio cnnkit/ORT' <<<"$out" | awk '{print $3, $4}')"
  printf '%-22s %10s %10s %7s %9s %9s %7s %9s %7s\n' "$name" "$(awk '{print $2}' <<<"$ours")" \
    "$(awk '{print $3}' <<<"$theirs")" $ratio "$(awk '{print $5}' <<<"$ours")" "$(awk '{print $6}' <<<"$ours")" \
    "$(awk '{print $6}' <<<"$theirs")" "$(awk '{print $7}' <<<"$theirs")"
done
