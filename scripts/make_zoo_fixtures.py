#!/usr/bin/python3
"""Writes PyTorch reference data for the zoo's torchvision-named models, for
examples/src/test/java/io/cnnkit/examples/TorchvisionEquivalenceTest.java.

    /usr/bin/python3 scripts/make_zoo_fixtures.py OUT_DIR MODEL [MODEL ...]

For each MODEL (a torchvision.models builder: resnet18, alexnet, ...) it writes into OUT_DIR:

  MODEL.weights.safetensors  the state_dict of the torchvision model with seeded random weights
                             (batchnorm statistics and affine parameters randomised too, so that
                             loading them is really tested), saved as it is, keys untouched
  MODEL.io.safetensors       'input', one seeded standard-normal 3x224x224 image (batch 1), and
                             'output', torchvision's logits in eval mode

The expected output is computed in float64 on the float32 weights and input, then rounded to
float32. The files are large (up to 0.6 GB for vgg16), so the test writes them into a temporary
folder at run time instead of committing them. Run with Debian's python3-torch and
python3-torchvision (the system python, not a virtualenv).
"""
import os
import sys

import torch
import torchvision.models as models

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_torch_fixtures import randomise_batchnorm, write_safetensors  # noqa: E402

SEED = 5

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
}


def fixture(out, name):
    torch.manual_seed(SEED)
    generator = torch.Generator().manual_seed(SEED)
    model = BUILDERS[name]()
    randomise_batchnorm(model, generator)
    model.eval()
    x = torch.randn(1, 3, 224, 224, generator=generator)
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
