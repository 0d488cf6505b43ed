#!/usr/bin/python3
"""Exports PyTorch models to ONNX for cnnkit's import tests.

With no arguments it writes, into onnx/src/test/resources/fixtures/, for LeNet-5, the reduced
ResNet and the reduced Inception of scripts/make_torch_fixtures.py (same classes, same seeds):

  NAME.onnx               torch.onnx.export of the model in eval mode (opset 13; batchnorm kept
                          as BatchNormalization, not folded into the convolutions, so the
                          parameters stay those of the state_dict)
  NAME.io.safetensors     'input' (a batch of 2) and 'output', PyTorch's result; the metadata
                          holds PyTorch's parameter count ('parameters')

With `--resnet18 FOLDER` it writes FOLDER/resnet18.onnx and FOLDER/resnet18.io.safetensors for
torchvision's resnet18 with random (seeded) weights and a 1x3x224x224 input: about 45 MB, so the
tests generate it at test time instead of committing it.

nn.LocalResponseNorm has no ONNX symbolic in PyTorch (it is traced as a dozen small operators),
so the Inception's LRN is exported through an autograd Function whose symbolic is ONNX LRN, the
operator with the same definition; the forward pass is PyTorch's own.

Expected outputs are computed in float64 on the float32 weights and inputs, then rounded to
float32. Run with Debian's python3-torch, python3-torchvision and python3-onnx:

    /usr/bin/python3 scripts/make_onnx_fixtures.py
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_torch_fixtures as tf  # noqa: E402  the models, seeds and safetensors writer

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "onnx", "src", "test",
                   "resources", "fixtures")
OPSET = 13


class _Lrn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, size, alpha, beta, k):
        return F.local_response_norm(x, size, alpha, beta, k)

    @staticmethod
    def symbolic(g, x, size, alpha, beta, k):
        return g.op("LRN", x, size_i=size, alpha_f=alpha, beta_f=beta, bias_f=k)


class ExportableLrn(nn.Module):
    def __init__(self, lrn):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = lrn.size, lrn.alpha, lrn.beta, lrn.k

    def forward(self, x):
        return _Lrn.apply(x, self.size, self.alpha, self.beta, self.k)


def export(model, x, folder, name):
    """Writes NAME.onnx and NAME.io.safetensors; returns the parameter count."""
    model.eval()
    with torch.no_grad():
        expected = model.double()(x.double()).float()
        model.float()
    for child_name, child in list(model.named_children()):
        if isinstance(child, nn.LocalResponseNorm):
            setattr(model, child_name, ExportableLrn(child))
    path = os.path.join(folder, name + ".onnx")
    torch.onnx.export(model, x, path, opset_version=OPSET, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}},
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    params = sum(p.numel() for p in model.parameters())
    tf.write_safetensors(os.path.join(folder, name + ".io.safetensors"), {"input": x, "output": expected},
                         {"producer": "scripts/make_onnx_fixtures.py", "torch": torch.__version__,
                          "parameters": str(params)})
    print(f"{name}: {params} parameters, {os.path.getsize(path)} bytes of ONNX, output {list(expected.shape)}")
    return params


def small_fixture(name, model_class, input_shape, seed):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = model_class()
    tf.randomise_batchnorm(model, generator)
    x = torch.randn(2, *input_shape, generator=generator)
    export(model, x, OUT, name)


def resnet18(folder):
    import torchvision
    torch.manual_seed(18)
    generator = torch.Generator().manual_seed(18)
    model = torchvision.models.resnet18(num_classes=1000)
    tf.randomise_batchnorm(model, generator)
    x = torch.randn(1, 3, 224, 224, generator=generator)
    export(model, x, folder, "resnet18")


def main():
    torch.set_num_threads(1)
    if len(sys.argv) == 3 and sys.argv[1] == "--resnet18":
        os.makedirs(sys.argv[2], exist_ok=True)
        resnet18(sys.argv[2])
        return
    if len(sys.argv) != 1:
        sys.exit("usage: make_onnx_fixtures.py [--resnet18 FOLDER]")
    os.makedirs(OUT, exist_ok=True)
    small_fixture("lenet5", tf.LeNet5, (1, 32, 32), seed=1)
    small_fixture("resnet_mini", tf.ResNetMini, (3, 32, 32), seed=2)
    small_fixture("inception_mini", tf.InceptionMini, (3, 32, 32), seed=3)
    small_fixture("mobile_mini", tf.MobileMini, (3, 32, 32), seed=4)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"{total} bytes in {os.path.normpath(OUT)}")
    if total > 1_000_000:
        sys.exit("fixtures exceed 1 MB")


if __name__ == "__main__":
    main()
