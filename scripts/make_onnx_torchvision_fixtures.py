#!/usr/bin/python3
"""Exports torchvision models the way a user does by default, for cnnkit's import tests.

    /usr/bin/python3 scripts/make_onnx_torchvision_fixtures.py FOLDER [NAME...]

For each model (all of MODELS without names) it writes into FOLDER:

  NAME.onnx             torch.onnx.export(model.eval(), x, path) with nothing else: PyTorch
                        1.13's defaults, so opset 14, constant folding on, batchnorm folded into
                        the convolutions (their weights become anonymous 'onnx::Conv_193'
                        initializers) and node names that are module scopes
                        ('/layer1/layer1.0/conv1/Conv')
  NAME.io.safetensors   'input' (1 image) and 'output', PyTorch's result computed in float64 on
                        the float32 weights, rounded to float32; the metadata holds the figures
                        the import must reproduce, worked out from the torchvision module:
                          parameters   the parameters left after folding: torchvision's count
                                       less one per batchnorm channel (its weight and bias become
                                       the bias of the convolution before it)
                          macs         convolutions and linear layers, bias excluded, at this input
                          weights      the state_dict names of the convolutions and linear layers
                                       ('-' written '_', as the importer must), comma-separated

Weights are random (seeded) with random batchnorm statistics, so that the folded biases are not
zero. The models are kept small so that the files are generated at test time and never
committed: most run on a 64x64 image; AlexNet and VGG-11, whose adaptive pools must stay
exportable, run on 224x224 with narrow classifiers (and VGG-11 with an eighth of its widths),
same module names. These exports are the ones shipped: nothing in them is edited.
"""
import os
import sys

import torch
import torch.nn as nn
import torchvision.models as models
from torchvision.models.vgg import VGG, make_layers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_torch_fixtures as tf  # noqa: E402  the safetensors writer and batchnorm randomiser
from torchvision_figures import count_macs  # noqa: E402


def narrow_classifier(model, features):
    """Same indices as torchvision's classifier (Dropout, Linear, ReLU, ...), narrow Linear layers."""
    for i, m in enumerate(model.classifier):
        if isinstance(m, nn.Linear):
            last = i == max(j for j, x in enumerate(model.classifier) if isinstance(x, nn.Linear))
            model.classifier[i] = nn.Linear(features, 10 if last else 64)
            features = 64
    return model


def alexnet():
    return narrow_classifier(models.alexnet(), 256 * 6 * 6), 224


def vgg11():
    widths = [w if w == "M" else w // 8 for w in [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"]]
    model = VGG(make_layers(widths), init_weights=True)
    return narrow_classifier(model, 64 * 7 * 7), 224


MODELS = {
    "resnet18": lambda: (models.resnet18(), 64),
    "resnet50": lambda: (models.resnet50(), 64),
    "googlenet": lambda: (models.googlenet(aux_logits=False, init_weights=True), 64),
    "alexnet": alexnet,
    "vgg11": vgg11,
    "mobilenet_v2": lambda: (models.mobilenet_v2(width_mult=0.5), 64),
    "mnasnet0_5": lambda: (models.mnasnet0_5(), 64),
    "squeezenet1_0": lambda: (models.squeezenet1_0(), 64),
    "efficientnet_b0": lambda: (models.efficientnet_b0(), 64),
    "mobilenet_v3_small": lambda: (models.mobilenet_v3_small(), 64),
    "mobilenet_v3_large": lambda: (models.mobilenet_v3_large(), 64),
    "shufflenet_v2_x0_5": lambda: (models.shufflenet_v2_x0_5(), 64),
    "shufflenet_v2_x1_0": lambda: (models.shufflenet_v2_x1_0(), 64),
    "regnet_y_400mf": lambda: (models.regnet_y_400mf(), 64),
    "convnext_tiny": lambda: (models.convnext_tiny(), 64),
}


def fixture(folder, name, seed):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model, size = MODELS[name]()
    tf.randomise_batchnorm(model, generator)
    model.eval()
    x = torch.randn(1, 3, size, size, generator=generator)
    macs = count_macs(model, x)
    with torch.no_grad():
        expected = model.double()(x.double()).float()
        model.float()
    torch.onnx.export(model.eval(), x, os.path.join(folder, name + ".onnx"))
    channels = sum(m.num_features for m in model.modules() if isinstance(m, nn.BatchNorm2d))
    params = sum(p.numel() for p in model.parameters()) - channels
    weights = [n for n, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    tf.write_safetensors(os.path.join(folder, name + ".io.safetensors"), {"input": x, "output": expected},
                         {"producer": "scripts/make_onnx_torchvision_fixtures.py", "torch": torch.__version__,
                          "parameters": str(params), "macs": str(macs), "weights": ",".join(weights)})
    print(f"{name}: {params} parameters after folding, {macs} MACs, {len(weights)} conv/linear layers")


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: make_onnx_torchvision_fixtures.py FOLDER [NAME...]")
    torch.set_num_threads(1)
    os.makedirs(sys.argv[1], exist_ok=True)
    names = sys.argv[2:] or list(MODELS)
    for name in names:
        if name not in MODELS:
            sys.exit(f"unknown model {name}; known: {', '.join(MODELS)}")
        fixture(sys.argv[1], name, 100 + list(MODELS).index(name))  # a model's seed does not depend on the others


if __name__ == "__main__":
    main()
