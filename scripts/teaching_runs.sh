#!/usr/bin/env bash
# The runs behind docs/teaching.md's training pairs: cnn grads at initialisation on the first 64
# Fashion-MNIST training images, then SGD (momentum 0.9, learning rate 0.05, batch 32, one thread)
# with per-layer statistics every 5 steps: STEPS steps (default 40) for the 20-layer pair and the
# Inception with and without auxiliary heads, DEEP_STEPS (default 15) for the 56-layer networks. Each
# run under nice -n 19 and bounded by a timeout; seconds and exit codes go to OUT_DIR/times.txt.
# Usage: scripts/teaching_runs.sh OUT_DIR [STEPS [DEEP_STEPS [grads|train|all]]]
set -u
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: teaching_runs.sh OUT_DIR [STEPS [DEEP_STEPS [grads|train|all]]]}"
steps="${2:-40}"
deep_steps="${3:-15}"
part="${4:-all}"
mkdir -p "$out"
cnn="${CNN:-$root/cnn}" # CNN=path: another launcher, e.g. a fixed build while sources change
teaching="$root/examples/teaching"
data=(--data fashion-mnist:train --mean 0.286 --std 0.353)
timed() { # NAME COMMAND...: runs it, appends its name, seconds and exit code to OUT/times.txt
  local name="$1" start
  shift
  start=$(date +%s)
  timeout 3600 nice -n 19 "$@"
  local code=$?
  echo "$name $(( $(date +%s) - start )) s, exit $code" >> "$out/times.txt"
}
[ "$part" = train ] || for net in plain20 resnet20 plain56 resnet56 plain56_tanh plain56_sigmoid; do
  timed "grads-$net" "$cnn" grads "$teaching/$net.cnn" "${data[@]}" --threads 2 --batch 64 --seed 1 --format json \
    > "$out/$net.grads.json"
done
[ "$part" = grads ] && exit 0
train() { # NAME MODEL STEPS EXTRA...
  local name="$1" model="$2" n="$3"
  shift 3
  timed "train-$name" "$cnn" train "$teaching/$model.cnn" "${data[@]}" --threads 1 --batch 32 --epochs 1 --steps "$n" \
    --optimizer sgd --lr 0.05 --momentum 0.9 --seed 1 --stats-every 5 \
    -o "$out/$name.safetensors" --metrics "$out/$name.jsonl" "$@" 2> "$out/$name.log"
}
train plain20 plain20 "$steps"
train resnet20 resnet20 "$steps"
train inception_aux inception_aux "$steps" --aux-weight 0.3
train inception_noaux inception_aux "$steps" --aux-weight 0
train plain56 plain56 "$deep_steps"
train resnet56 resnet56 "$deep_steps"
train plain56_tanh plain56_tanh "$deep_steps"
train plain56_sigmoid plain56_sigmoid "$deep_steps"
for name in inception_aux inception_noaux; do # the main output alone: the two training losses differ by the aux terms
  timed "eval-$name" "$cnn" eval "$teaching/inception_aux.cnn" --weights "$out/$name.safetensors" --data fashion-mnist:test \
    --mean 0.286 --std 0.353 --limit 2000 --threads 2 --format json > "$out/$name.eval.json"
done
