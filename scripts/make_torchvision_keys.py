#!/usr/bin/python3
"""Writes the state_dict keys and shapes of torchvision's models, the reference that the zoo's
layer names are tested against (examples/src/test/resources/torchvision/MODEL.keys).

One line per tensor, in state_dict order: `key dim0xdim1x...` (a scalar has shape `-`).
Weights are not needed, so the models are built without downloading anything.

Regenerate with Debian's python3-torchvision (the system python, not a virtualenv):

    /usr/bin/python3 scripts/make_torchvision_keys.py [MODEL ...]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_zoo_fixtures import BUILDERS  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "src", "test",
                   "resources", "torchvision")

# The zoo's torchvision-named models, built as the equivalence fixtures build them.
MODELS = {name: BUILDERS[name] for name in (
    "alexnet", "vgg16", "vgg19", "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "googlenet",
    "mobilenet_v2", "efficientnet_b0", "mobilenet_v3_large", "mobilenet_v3_small", "shufflenet_v2_x1_0",
    "regnet_y_400mf", "convnext_tiny")}


def main():
    os.makedirs(OUT, exist_ok=True)
    names = sys.argv[1:] or list(MODELS)
    for name in names:
        build = MODELS[name]
        lines = []
        for key, tensor in build().state_dict().items():
            shape = "x".join(str(d) for d in tensor.shape) or "-"
            lines.append(f"{key} {shape}\n")
        with open(os.path.join(OUT, name + ".keys"), "w", encoding="utf-8") as f:
            f.writelines(lines)
        print(f"{name}: {len(lines)} tensors")


if __name__ == "__main__":
    main()
