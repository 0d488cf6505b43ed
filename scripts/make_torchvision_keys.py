#!/usr/bin/python3
"""Writes the state_dict keys and shapes of torchvision's models, the reference that the zoo's
layer names are tested against (examples/src/test/resources/torchvision/MODEL.keys).

One line per tensor, in state_dict order: `key dim0xdim1x...` (a scalar has shape `-`).
Weights are not needed, so the models are built without downloading anything.

Regenerate with Debian's python3-torchvision (the system python, not a virtualenv):

    /usr/bin/python3 scripts/make_torchvision_keys.py
"""
import os

import torchvision.models as models

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "src", "test",
                   "resources", "torchvision")

MODELS = {
    "alexnet": lambda: models.alexnet(),
    "vgg16": lambda: models.vgg16(),
    "vgg19": lambda: models.vgg19(),
    "resnet18": lambda: models.resnet18(),
    "resnet34": lambda: models.resnet34(),
    "resnet50": lambda: models.resnet50(),
    "resnet101": lambda: models.resnet101(),
    "resnet152": lambda: models.resnet152(),
    # init_weights=False skips scipy's truncated normal, which is slow and irrelevant here.
    "googlenet": lambda: models.googlenet(aux_logits=True, init_weights=False),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, build in MODELS.items():
        lines = []
        for key, tensor in build().state_dict().items():
            shape = "x".join(str(d) for d in tensor.shape) or "-"
            lines.append(f"{key} {shape}\n")
        with open(os.path.join(OUT, name + ".keys"), "w", encoding="utf-8") as f:
            f.writelines(lines)
        print(f"{name}: {len(lines)} tensors")


if __name__ == "__main__":
    main()
