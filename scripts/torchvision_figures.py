#!/usr/bin/python3
"""Prints torchvision's parameter and MAC counts for the models named, the figures the zoo's
tests pin (examples/src/test/java/io/cnnkit/examples/PublishedFiguresTest.java).

    /usr/bin/python3 scripts/torchvision_figures.py mobilenet_v3_small efficientnet_b0 ...

Parameters are the model's trainable tensors (batchnorm statistics excluded; a model built with
auxiliary heads, such as googlenet, counts theirs too). MACs follow docs/counting.md:
convolutions and linear layers only, bias excluded, one 3x224x224 image. They are counted by forward hooks on torchvision 0.14's modules in eval mode (Debian's
python3-torchvision; run with the system python).
"""
import sys

import torch
import torch.nn as nn
import torchvision.models as models


def count_macs(model, x):
    """Convolution and linear MACs of one forward pass on x, bias excluded, per image."""
    macs = 0

    def conv(m, inputs, output):
        nonlocal macs
        kh, kw = m.kernel_size
        macs += output.numel() // output.shape[0] * (m.in_channels // m.groups) * kh * kw

    def linear(m, inputs, output):
        nonlocal macs
        macs += output.numel() // output.shape[0] * m.in_features

    hooks = [m.register_forward_hook(conv if isinstance(m, nn.Conv2d) else linear)
             for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(x)
    for h in hooks:
        h.remove()
    return macs


def figures(name):
    model = getattr(models, name)().eval()
    macs = count_macs(model, torch.zeros(1, 3, 224, 224))
    params = sum(p.numel() for p in model.parameters())
    return params, macs


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: torchvision_figures.py MODEL [MODEL ...]")
    torch.set_num_threads(1)
    for name in sys.argv[1:]:
        params, macs = figures(name)
        print(f"{name}: {params} parameters, {macs} MACs")


if __name__ == "__main__":
    main()
