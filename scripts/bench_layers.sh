#!/usr/bin/env bash
# Convolutions of ResNet-18 or GoogLeNet one at a time, cnnkit next to ONNX Runtime (paired, alternated runs):
#   scripts/bench_layers.sh [--net resnet18|googlenet] [cnn bench options, e.g. --threads 1 --runs 30]
# Each distinct convolution shape is a one-layer .cnn network (batch 1, no bias, padding kernel / 2) written to
# a temporary directory; the table lists how many layers of the network have the shape, median ms of both sides,
# the ratio of medians and of minima, GFLOP/s at the median and % of the peak probe's figure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
net=resnet18
if [ "${1:-}" = --net ]; then
  net="${2:?--net needs resnet18 or googlenet}"; shift 2
fi
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
# channels-in, size, kernel, stride, channels-out, layers of the network with this shape
case "$net" in
  resnet18)
    layers=("3 224 7 2 64 1" "64 56 3 1 64 4" "128 28 3 1 128 3" "256 14 3 1 256 3" "512 7 3 1 512 3"
            "64 56 3 2 128 1" "128 28 3 2 256 1" "256 14 3 2 512 1" "64 56 1 2 128 1" "128 28 1 2 256 1"
            "256 14 1 2 512 1") ;;
  googlenet)
    layers=("3 224 7 2 64 1" "64 56 1 1 64 1" "64 56 3 1 192 1")
    # inception(cin, size, c1, c3r, c3, c5r, c5, proj): 1x1 to c1, c3r, c5r and proj; 3x3 c3r to c3; 5x5 c5r to c5
    for m in "192 28 64 96 128 16 32 32" "256 28 128 128 192 32 96 64" "480 14 192 96 208 16 48 64" \
             "512 14 160 112 224 24 64 64" "512 14 128 128 256 24 64 64" "512 14 112 144 288 32 64 64" \
             "528 14 256 160 320 32 128 128" "832 7 256 160 320 32 128 128" "832 7 384 192 384 48 128 128"; do
      read -r cin size c1 c3r c3 c5r c5 proj <<<"$m"
      layers+=("$cin $size 1 1 $c1 1" "$cin $size 1 1 $c3r 1" "$c3r $size 3 1 $c3 1" "$cin $size 1 1 $c5r 1"
               "$c5r $size 5 1 $c5 1" "$cin $size 1 1 $proj 1")
    done
    # one row per distinct shape, counting its layers
    mapfile -t layers < <(printf '%s\n' "${layers[@]}" | awk '{key = $1 " " $2 " " $3 " " $4 " " $5; if (!(key in n)) order[++k] = key; n[key] += $6}
      END {for (i = 1; i <= k; i++) print order[i], n[order[i]]}') ;;
  *) echo "bench_layers.sh: --net must be resnet18 or googlenet, not $net" >&2; exit 2 ;;
esac
printf '%-22s %6s %10s %10s %7s %9s %9s %7s %9s %7s\n' layer layers "cnnkit ms" "ORT ms" ratio "min ratio" "cnnkit GF" "% peak" \
  "ORT GF" "% peak"
for spec in "${layers[@]}"; do
  read -r cin size k s cout count <<<"$spec"
  name="${cin}x${size}-${k}s${s}-${cout}"
  file="$dir/conv.cnn"
  printf 'network Conv\ninput x: %sx%sx%s\noutput y = x -> conv: conv(%s, %s, stride=%s, pad=%s, bias=false)\n' \
    "$cin" "$size" "$size" "$cout" "$k" "$s" $((k / 2)) >"$file"
  out="$("$root/cnn" bench "$file" "$@" 2> >(grep -v 'Using incubator modules' >&2))"
  ours="$(grep '^cnnkit ' <<<"$out")"
  theirs="$(grep '^ONNX Runtime ' <<<"$out")"
  ratio="$(grep '^ratio cnnkit/ORT' <<<"$out" | awk '{print $3, $4}')"
  printf '%-22s %6s %10s %10s %7s %9s %9s %7s %9s %7s\n' "$name" "$count" "$(awk '{print $2}' <<<"$ours")" \
    "$(awk '{print $3}' <<<"$theirs")" $ratio "$(awk '{print $5}' <<<"$ours")" "$(awk '{print $6}' <<<"$ours")" \
    "$(awk '{print $6}' <<<"$theirs")" "$(awk '{print $7}' <<<"$theirs")"
done
