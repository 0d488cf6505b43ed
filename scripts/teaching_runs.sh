#!/usr/bin/env bash
# The runs behind docs/teaching.md's training pairs: cnn grads at initialisation on one batch of
# 64 Fashion-MNIST images, then STEPS steps (default 100) of SGD on batches of 32 with per-layer
# statistics every 10 steps, for each network; under nice -n 19, each run bounded by a timeout.
# Usage: scripts/teaching_runs.sh OUT_DIR [STEPS [grads|train|all]]
set -u
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: teaching_runs.sh OUT_DIR [STEPS]}"
steps="${2:-100}"
part="${3:-all}"
mkdir -p "$out"
cnn="${CNN:-$root/cnn}" # CNN=path: another launcher, e.g. a fixed build while sources change
teaching="$root/examples/teaching"
data=(--data fashion-mnist:train --mean 0.286 --std 0.353 --threads 2)
timed() { # NAME COMMAND...: runs it, appends its name, seconds and exit code to OUT/times.txt
  local name="$1" start
  shift
  start=$(date +%s)
  timeout 1800 nice -n 19 "$@"
  local code=$?
  echo "$name $(( $(date +%s) - start )) s, exit $code" >> "$out/times.txt"
}
[ "$part" = train ] || for net in plain20 resnet20 plain56 resnet56 plain56_tanh; do
  timed "grads-$net" "$cnn" grads "$teaching/$net.cnn" "${data[@]}" --batch 64 --seed 1 --format json \
    > "$out/$net.grads.json"
done
train() { # NAME MODEL EXTRA...
  local name="$1" model="$2"
  shift 2
  timed "train-$name" "$cnn" train "$teaching/$model.cnn" "${data[@]}" --batch 32 --epochs 1 --steps "$steps" \
    --optimizer sgd --lr 0.05 --momentum 0.9 --seed 1 --stats-every 10 \
    -o "$out/$name.safetensors" --metrics "$out/$name.jsonl" "$@" 2> "$out/$name.log"
}
[ "$part" = grads ] && exit 0
for net in plain20 resnet20 plain56 resnet56 plain56_tanh; do
  train "$net" "$net"
done
train inception_aux inception_aux --aux-weight 0.3
train inception_noaux inception_aux --aux-weight 0
