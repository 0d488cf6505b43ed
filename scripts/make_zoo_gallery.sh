#!/usr/bin/env bash
# Writes the model zoo's gallery, docs/zoo.md, from the .cnn sources in examples/: for each model
# its header comment, its diagram at depth 1 (docs/zoo/MODEL.svg, drawn by `cnn render`) and its
# summary table (`cnn analyze --depth 1 --format markdown`).
#
#   scripts/make_zoo_gallery.sh                  # the page and the diagrams
#   scripts/make_zoo_gallery.sh --no-diagrams    # the page alone, for a build without `cnn render`
#
# Everything is written to a temporary directory first and moved into place only when all of it
# succeeded, so a failure leaves the previous gallery untouched.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cnn="$root/cnn"
models=(lenet5 alexnet alexnet_torchvision vgg16 vgg19 googlenet googlenet_torchvision
        resnet18 resnet34 resnet50 resnet101 resnet152 mobilenet_v2 efficientnet_b0
        mobilenet_v3_large mobilenet_v3_small shufflenet_v2_x1_0 regnet_y_400mf convnext_tiny)

diagrams=true
case "${1:-}" in
  "") ;;
  --no-diagrams) diagrams=false ;;
  *) echo "usage: $0 [--no-diagrams]" >&2; exit 2 ;;
esac
if $diagrams && ! "$cnn" --help | grep -q '^ *render '; then
  echo "$0: this build has no 'cnn render'; run with --no-diagrams for the page without diagrams" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/zoo"
page="$tmp/zoo.md"

# The title of a model: its first comment line up to the dash ("// VGG-16 — Simonyan ...").
title() { sed -n '1s|^// *\(.*\) — .*|\1|p' "$1"; }

# The header comment (the // lines before `network`) as Markdown paragraphs.
description() {
  awk '/^network /{exit} /^\/\//{sub(/^\/\/ ?/, ""); if ($0 == "") print ""; else printf "%s\n", $0}' "$1"
}

# A summary row from a Markdown report: | model | input shape | parameters | MACs | (inference totals:
# the first figure column of the Totals table, without its rounded form in parentheses).
summary_row() {
  awk -F' *\\| *' -v name="$2" -v anchor="$3" '
    $3 == "input" && input == "" { input = $4 }
    $2 == "Parameters (trainable)" { params = $3 }
    $2 == "MACs" { macs = $3 }
    END {
      sub(/ \(.*/, "", params); sub(/ \(.*/, "", macs)
      printf "| [%s](#%s) | %s | %s | %s |\n", name, anchor, input, params, macs
    }' "$1"
}
{
  echo "# The model zoo"
  echo
  echo "The classic CNNs and their efficient descendants in [\`examples/\`](../examples), each written once in the \`.cnn\` language."
  echo "This page is generated from those sources by \`scripts/make_zoo_gallery.sh\`; do not edit it by hand."
  echo "The tests in \`examples/src/test/\` pin every model's parameters and MACs to the published"
  echo "figures, check that the torchvision variants have torchvision's \`state_dict\` names, run every"
  echo "model on an image, and compare fourteen of them with PyTorch's output (torchvision's own models"
  echo "for the torchvision-named files)."
  echo "Teaching pairs that isolate one design idea each are walked through in [teaching.md](teaching.md)."
  echo
  echo "To run a torchvision-named model with torchvision's ImageNet weights:"
  echo
  echo '```'
  echo "/usr/bin/python3 scripts/export_torchvision_weights.py resnet18 resnet18.safetensors --pretrained"
  echo "./cnn run examples/resnet18.cnn --weights resnet18.safetensors --input photo.jpg --labels data/imagenet_classes.txt"
  echo '```'
  echo
  echo "(\`--seed 1\` instead of \`--weights\` runs any model of the zoo with seeded random weights.)"
  echo
  if ! $diagrams; then
    echo "*Diagrams are not included: this page was generated with \`--no-diagrams\`.*"
    echo
  fi
} >"$page"

overview="$tmp/overview.md"
sections="$tmp/sections.md"
: >"$sections"
banner=""
for model in "${models[@]}"; do
  src="$root/examples/$model.cnn"
  name="$(title "$src")"
  "$cnn" analyze "$src" --depth 1 --format markdown >"$tmp/$model.md"
  [ -n "$banner" ] || banner="$(sed -n '/^1 MAC/p' "$tmp/$model.md")"
  summary_row "$tmp/$model.md" "$name" "$model" >>"$overview"
  {
    echo "<a id=\"$model\"></a>"
    echo
    echo "## $name"
    echo
    echo "Source: [\`examples/$model.cnn\`](../examples/$model.cnn)"
    echo
    description "$src"
    echo
    if $diagrams; then
      "$cnn" render "$src" -o "$tmp/zoo/$model.svg" --depth 1 >/dev/null
      echo "![$name at depth 1](zoo/$model.svg)"
      echo
    fi
    # The table without its heading and convention banner (printed once at the top).
    sed '1,/^1 MAC/d' "$tmp/$model.md" | sed '1{/^$/d}'
    echo
  } >>"$sections"
done

{
  echo "| model | input | parameters | MACs |"
  echo "| --- | --- | ---: | ---: |"
  cat "$overview"
  echo
  echo "Counting convention of every table below: $banner"
  echo
  cat "$sections"
} >>"$page"

mkdir -p "$root/docs"
if $diagrams; then
  rm -rf "$root/docs/zoo"
  mv "$tmp/zoo" "$root/docs/zoo"
fi
mv "$page" "$root/docs/zoo.md"
echo "wrote docs/zoo.md ($( $diagrams && echo "with" || echo "without") diagrams)"
