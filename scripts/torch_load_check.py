#!/usr/bin/python3
"""Trained weights in PyTorch: TorchLoadTest runs this to check that `cnn train`'s output loads into
the PyTorch modules with load_state_dict(strict=True) and computes the same outputs.

    torch_load_check.py prepare DIR   for each MODEL (lenet5, resnet_mini): the network's source
                                      DIR/MODEL.cnn and 8 random labelled images DIR/MODEL.data.safetensors
    torch_load_check.py check DIR     for each MODEL: load DIR/MODEL.trained.safetensors strictly, run
                                      eval() on 3 seeded images, write them ('x') and the logits ('y')
                                      to DIR/MODEL.torch.safetensors
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_torch_fixtures import LENET_CNN, RESNET_CNN, LeNet5, ResNetMini, write_safetensors  # noqa: E402
from make_train_fixtures import read_safetensors  # noqa: E402

MODELS = {"lenet5": (LeNet5, LENET_CNN, (1, 32, 32)), "resnet_mini": (ResNetMini, RESNET_CNN, (3, 32, 32))}


def main():
    command, folder = sys.argv[1], sys.argv[2]
    for name, (model_class, source, shape) in MODELS.items():
        g = torch.Generator().manual_seed(11)
        base = os.path.join(folder, name)
        if command == "prepare":
            with open(base + ".cnn", "w") as f:
                f.write(source)
            write_safetensors(base + ".data.safetensors", {"images": torch.rand((8,) + shape, generator=g),
                                                           "labels": torch.randint(0, 10, (8,), generator=g)})
        elif command == "check":
            model = model_class()
            model.load_state_dict(read_safetensors(base + ".trained.safetensors"), strict=True)
            model.eval()
            x = torch.randn((3,) + shape, generator=g)
            with torch.no_grad():
                y = model(x)
            write_safetensors(base + ".torch.safetensors", {"x": x, "y": y})
        else:
            raise SystemExit("unknown command " + command)


if __name__ == "__main__":
    main()
