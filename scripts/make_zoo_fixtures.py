#!/usr/bin/python3
"""Writes PyTorch reference data for the zoo, for
examples/src/test/java/io/cnnkit/examples/TorchEquivalenceTest.java.

    /usr/bin/python3 scripts/make_zoo_fixtures.py OUT_DIR MODEL [MODEL ...]

MODEL is a torchvision.models builder (alexnet, vgg16, googlenet, resnet18, ...), whose
state_dict the zoo's torchvision-named files must load as it is, or one of the paper models of
the zoo written below in PyTorch with the zoo's layer names (lenet5, alexnet_paper,
googlenet_paper). For each it writes into OUT_DIR:

  MODEL.weights.safetensors  the state_dict with seeded random weights (batchnorm statistics and
                             affine parameters randomised too, so that loading them is really
                             tested), saved as it is, keys untouched
  MODEL.io.safetensors       'input', one seeded standard-normal image (batch 1), and 'output',
                             the model's logits in eval mode

The expected output is computed in float64 on the float32 weights and input, then rounded to
float32. The files are large (up to 0.6 GB for vgg16), so the test writes them into a temporary
folder at run time instead of committing them. Run with Debian's python3-torch and
python3-torchvision (the system python, not a virtualenv).
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.models as models

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_torch_fixtures import randomise_batchnorm, write_safetensors  # noqa: E402

SEED = 5

class LeNet5(nn.Module):
    """examples/lenet5.cnn"""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))))


class AlexNetPaper(nn.Module):
    """examples/alexnet.cnn: Krizhevsky et al. 2012, LRN with the paper's k=2, alpha=1e-4 (per
    element, so 5e-4 in PyTorch's alpha/size form), two-group conv2, conv4 and conv5."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 96, 11, stride=4)
        self.conv2 = nn.Conv2d(96, 256, 5, padding=2, groups=2)
        self.conv3 = nn.Conv2d(256, 384, 3, padding=1)
        self.conv4 = nn.Conv2d(384, 384, 3, padding=1, groups=2)
        self.conv5 = nn.Conv2d(384, 256, 3, padding=1, groups=2)
        self.fc6 = nn.Linear(256 * 6 * 6, 4096)
        self.fc7 = nn.Linear(4096, 4096)
        self.fc8 = nn.Linear(4096, 1000)
        self.lrn = nn.LocalResponseNorm(5, alpha=5e-4, beta=0.75, k=2.0)

    def forward(self, x):
        x = F.max_pool2d(self.lrn(F.relu(self.conv1(x))), 3, 2)
        x = F.max_pool2d(self.lrn(F.relu(self.conv2(x))), 3, 2)
        x = F.relu(self.conv4(F.relu(self.conv3(x))))
        x = F.max_pool2d(F.relu(self.conv5(x)), 3, 2)
        return self.fc8(F.relu(self.fc7(F.relu(self.fc6(torch.flatten(x, 1))))))


class InceptionPaper(nn.Module):
    def __init__(self, cin, c1, c3r, c3, c5r, c5, proj):
        super().__init__()
        self.branch1 = nn.Sequential(nn.Conv2d(cin, c1, 1), nn.ReLU())
        self.branch2 = nn.Sequential(nn.Conv2d(cin, c3r, 1), nn.ReLU(), nn.Conv2d(c3r, c3, 3, padding=1), nn.ReLU())
        self.branch3 = nn.Sequential(nn.Conv2d(cin, c5r, 1), nn.ReLU(), nn.Conv2d(c5r, c5, 5, padding=2), nn.ReLU())
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, 1, 1), nn.Conv2d(cin, proj, 1), nn.ReLU())

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class AuxPaper(nn.Module):
    """The auxiliary classifier's parameters; it does not run in eval mode."""

    def __init__(self, cin):
        super().__init__()
        self.conv = nn.Conv2d(cin, 128, 1)
        self.fc1 = nn.Linear(128 * 4 * 4, 1024)
        self.fc2 = nn.Linear(1024, 1000)


class GoogLeNetPaper(nn.Module):
    """examples/googlenet.cnn: Szegedy et al. 2015, Table 1, with LRN and ceil-mode pooling."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3)
        self.conv2_reduce = nn.Conv2d(64, 64, 1)
        self.conv2 = nn.Conv2d(64, 192, 3, padding=1)
        self.lrn = nn.LocalResponseNorm(5)
        self.inception3a = InceptionPaper(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = InceptionPaper(256, 128, 128, 192, 32, 96, 64)
        self.inception4a = InceptionPaper(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = InceptionPaper(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = InceptionPaper(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = InceptionPaper(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = InceptionPaper(528, 256, 160, 320, 32, 128, 128)
        self.inception5a = InceptionPaper(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = InceptionPaper(832, 384, 192, 384, 48, 128, 128)
        self.aux1 = AuxPaper(512)
        self.aux2 = AuxPaper(528)
        self.fc = nn.Linear(1024, 1000)

    def forward(self, x):
        def pool(t):
            return F.max_pool2d(t, 3, 2, ceil_mode=True)
        x = self.lrn(pool(F.relu(self.conv1(x))))
        x = pool(self.lrn(F.relu(self.conv2(F.relu(self.conv2_reduce(x))))))
        x = pool(self.inception3b(self.inception3a(x)))
        for block in (self.inception4a, self.inception4b, self.inception4c, self.inception4d, self.inception4e):
            x = block(x)
        x = self.inception5b(self.inception5a(pool(x)))
        return self.fc(torch.flatten(F.avg_pool2d(x, 7), 1))


BUILDERS = {
    "alexnet": lambda: models.alexnet(),
    "vgg16": lambda: models.vgg16(),
    "vgg19": lambda: models.vgg19(),
    # aux_logits keeps aux1/aux2 in the state_dict (eval mode does not run them); init_weights=False
    # skips scipy's slow truncated normal; transform_input is False, as the .cnn graph expects.
    "googlenet": lambda: models.googlenet(aux_logits=True, init_weights=False, transform_input=False),
    "resnet18": lambda: models.resnet18(),
    "resnet34": lambda: models.resnet34(),
    "resnet50": lambda: models.resnet50(),
    "resnet101": lambda: models.resnet101(),
    "resnet152": lambda: models.resnet152(),
    "mobilenet_v2": lambda: models.mobilenet_v2(),
    "efficientnet_b0": lambda: models.efficientnet_b0(),
    "mobilenet_v3_large": lambda: models.mobilenet_v3_large(),
    "mobilenet_v3_small": lambda: models.mobilenet_v3_small(),
    "shufflenet_v2_x1_0": lambda: models.shufflenet_v2_x1_0(),
    "regnet_y_400mf": lambda: models.regnet_y_400mf(),
    "convnext_tiny": lambda: convnext_tiny(),
    "lenet5": LeNet5,
    "alexnet_paper": AlexNetPaper,
    "googlenet_paper": GoogLeNetPaper,
}

def convnext_tiny():
    """torchvision's convnext_tiny with its layer scales (1e-6 at initialisation, which would hide the
    blocks' branches) and its layer norms' scale and shift drawn at random, as batchnorm statistics
    are for the other models."""
    model = models.convnext_tiny()
    generator = torch.Generator().manual_seed(SEED + 1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("layer_scale"):
                p.copy_(torch.rand(p.shape, generator=generator) * 0.5 + 0.25)
        for m in model.modules():
            if isinstance(m, nn.LayerNorm):
                m.weight.copy_(torch.rand(m.weight.shape, generator=generator) + 0.5)
                m.bias.copy_(torch.randn(m.bias.shape, generator=generator) * 0.1)
    return model


INPUT_SHAPES = {"lenet5": (1, 32, 32), "alexnet_paper": (3, 227, 227)}


def fixture(out, name):
    torch.manual_seed(SEED)
    generator = torch.Generator().manual_seed(SEED)
    model = BUILDERS[name]()
    randomise_batchnorm(model, generator)
    model.eval()
    x = torch.randn(1, *INPUT_SHAPES.get(name, (3, 224, 224)), generator=generator)
    with torch.no_grad():
        expected = model.double()(x.double()).float()
        model.float()
    meta = {"producer": "scripts/make_zoo_fixtures.py", "torch": torch.__version__}
    write_safetensors(os.path.join(out, name + ".weights.safetensors"), model.state_dict(), meta)
    write_safetensors(os.path.join(out, name + ".io.safetensors"), {"input": x, "output": expected}, meta)
    print(f"{name}: output {list(expected.shape)}")


def main():
    if len(sys.argv) < 3 or any(m not in BUILDERS for m in sys.argv[2:]):
        sys.exit(f"usage: {sys.argv[0]} OUT_DIR MODEL... (models: {', '.join(BUILDERS)})")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in sys.argv[2:]:
        fixture(out, name)


if __name__ == "__main__":
    main()
