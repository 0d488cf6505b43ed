#!/usr/bin/python3
"""Writes the small PyTorch reference fixtures used by cnnkit's tests.

For each network (LeNet-5, a reduced ResNet, a reduced Inception) it writes, into
exec/src/test/resources/fixtures/:

  NAME.cnn                  the network in the .cnn language; its layer names equal the
                            PyTorch module names, so the state_dict keys are the weight names
  NAME.weights.safetensors  the state_dict (F32; batchnorm's num_batches_tracked as I64)
  NAME.io.safetensors       'input' (a batch of 2) and 'output', PyTorch's result in eval mode

plus dtypes.safetensors: the same values stored as F16, BF16 and F32 (PyTorch's own conversion),
to check the reader's widening, and an I64 tensor; and images/: one small random image saved as
PNG (RGB, grey, RGBA), BMP and JPEG, with torchvision's preprocessing of it in
images/expected.safetensors (Resize(36) + CenterCrop(32) + ToTensor + ImageNet Normalize, both
through PIL and through torchvision's float tensor path with antialias=True).

Expected outputs are computed by PyTorch in float64 on the float32 weights and inputs, then
rounded to float32, so they are the exact result up to one float32 rounding.

Regenerate (Debian's python3-torch; run with the system python, not a virtualenv):

    /usr/bin/python3 scripts/make_torch_fixtures.py

Everything is seeded, so the files only change when this script or PyTorch's numerics change.
Safetensors are written by hand (struct + json) to keep the script free of extra packages.
"""
import json
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "exec", "src", "test",
                   "resources", "fixtures")

DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
          torch.int64: "I64"}


def write_safetensors(path, tensors, metadata=None):
    """The safetensors layout: u64 LE header length, JSON header, little-endian data."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        if t.dtype == torch.bfloat16:
            data = t.view(torch.int16).numpy().astype("<i2").tobytes()
        else:
            data = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


# ---------------------------------------------------------------- LeNet-5

LENET_CNN = """\
// LeNet-5 (LeCun et al. 1998) with ReLU and max pooling, as in most modern re-implementations
network LeNet5
input image: 1x32x32
x = image -> conv1: conv(6, 5) -> relu -> maxpool(2) -> conv2: conv(16, 5) -> relu -> maxpool(2)
output logits = x -> flatten -> fc1: dense(120) -> relu -> fc2: dense(84) -> relu -> fc3: dense(10)
"""


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


# ---------------------------------------------------------------- reduced ResNet

RESNET_CNN = """\
// A reduced ResNet (He et al. 2015): basic blocks, batchnorm, a projection shortcut where the
// shape changes; two stages on a 3x32x32 input
network ResNetMini
input image: 3x32x32

module basic(planes, stride=1, project=false) {
  y = in -> conv1: conv(planes, 3, stride=stride, pad=1, bias=false) -> bn1: batchnorm -> relu
         -> conv2: conv(planes, 3, pad=1, bias=false) -> bn2: batchnorm
  s = if project { in -> downsample: [conv(planes, 1, stride=stride, bias=false) -> batchnorm] } else { in }
  out add(y, s) -> relu
}

stem = image -> conv1: conv(16, 3, pad=1, bias=false) -> bn1: batchnorm -> relu
layer1 = stem -> repeat 2 basic(16)
layer2 = layer1 -> repeat 2 as i basic(32, stride=if i == 0 then 2 else 1, project=i == 0)
output logits = layer2 -> globalavgpool -> flatten -> fc: dense(10)
"""


class BasicBlock(nn.Module):
    def __init__(self, cin, planes, stride=1, project=False):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = nn.Sequential(nn.Conv2d(cin, planes, 1, stride=stride, bias=False),
                                        nn.BatchNorm2d(planes)) if project else None

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        s = self.downsample(x) if self.downsample is not None else x
        return F.relu(y + s)


class ResNetMini(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.layer1 = nn.Sequential(BasicBlock(16, 16), BasicBlock(16, 16))
        self.layer2 = nn.Sequential(BasicBlock(16, 32, stride=2, project=True), BasicBlock(32, 32))
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer2(self.layer1(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


# ---------------------------------------------------------------- reduced Inception

INCEPTION_CNN = """\
// A reduced GoogLeNet (Szegedy et al. 2014): inception modules (concat of four branches),
// ceil-mode max pools, LRN, average pools with padding counted, dropout
network InceptionMini
input image: 3x32x32

module inception(c1, c3r, c3, c5r, c5, proj) {
  b1 = in -> branch1: conv(c1, 1) -> relu
  b2 = in -> branch2a: conv(c3r, 1) -> relu -> branch2b: conv(c3, 3, pad=1) -> relu
  b3 = in -> branch3a: conv(c5r, 1) -> relu -> branch3b: conv(c5, 5, pad=2) -> relu
  b4 = in -> maxpool(3, stride=1, pad=1, ceil=true) -> branch4: conv(proj, 1) -> relu
  out concat(b1, b2, b3, b4)
}

stem = image -> conv1: conv(16, 5, stride=2, pad=2) -> relu -> maxpool(3, stride=2, ceil=true)
            -> lrn(size=5, alpha=0.1, beta=0.75, k=2.0)
i3 = stem -> inception3a: inception(8, 8, 16, 4, 8, 8) : 40x8x8 -> maxpool(3, stride=2, ceil=true)
i4 = i3 -> inception4a: inception(16, 12, 24, 4, 8, 8) : 56x4x4
pooled = i4 -> avgpool(3, stride=1, pad=1) -> avgpool(3, stride=2, pad=1, ceil=true) : 56x3x3
output logits = pooled -> globalavgpool -> dropout(0.4) -> flatten -> fc: dense(10)
"""


class Inception(nn.Module):
    def __init__(self, cin, c1, c3r, c3, c5r, c5, proj):
        super().__init__()
        self.branch1 = nn.Conv2d(cin, c1, 1)
        self.branch2a = nn.Conv2d(cin, c3r, 1)
        self.branch2b = nn.Conv2d(c3r, c3, 3, padding=1)
        self.branch3a = nn.Conv2d(cin, c5r, 1)
        self.branch3b = nn.Conv2d(c5r, c5, 5, padding=2)
        self.branch4 = nn.Conv2d(cin, proj, 1)

    def forward(self, x):
        b1 = F.relu(self.branch1(x))
        b2 = F.relu(self.branch2b(F.relu(self.branch2a(x))))
        b3 = F.relu(self.branch3b(F.relu(self.branch3a(x))))
        b4 = F.relu(self.branch4(F.max_pool2d(x, 3, stride=1, padding=1, ceil_mode=True)))
        return torch.cat([b1, b2, b3, b4], 1)


class InceptionMini(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 5, stride=2, padding=2)
        self.lrn = nn.LocalResponseNorm(5, alpha=0.1, beta=0.75, k=2.0)
        self.inception3a = Inception(16, 8, 8, 16, 4, 8, 8)
        self.inception4a = Inception(40, 16, 12, 24, 4, 8, 8)
        self.dropout = nn.Dropout(0.4)
        self.fc = nn.Linear(56, 10)

    def forward(self, x):
        x = self.lrn(F.max_pool2d(F.relu(self.conv1(x)), 3, stride=2, ceil_mode=True))
        x = F.max_pool2d(self.inception3a(x), 3, stride=2, ceil_mode=True)
        x = self.inception4a(x)
        x = F.avg_pool2d(x, 3, stride=1, padding=1)  # count_include_pad=True is PyTorch's default
        x = F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True)
        return self.fc(torch.flatten(self.dropout(F.adaptive_avg_pool2d(x, 1)), 1))


# ---------------------------------------------------------------- writing

def randomise_batchnorm(model, generator):
    """Non-trivial statistics and affine parameters, so that batchnorm is really exercised."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.weight.data = torch.rand(c, generator=generator) + 0.5
            m.bias.data = torch.randn(c, generator=generator) * 0.1
            m.running_mean.data = torch.randn(c, generator=generator) * 0.1
            m.running_var.data = torch.rand(c, generator=generator) + 0.5
            m.num_batches_tracked.fill_(100)


def fixture(name, model, cnn, input_shape, seed):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = model()
    randomise_batchnorm(model, generator)
    model.eval()
    x = torch.randn(2, *input_shape, generator=generator)
    with torch.no_grad():
        expected = model.double()(x.double()).float()
        model.float()
    state = model.state_dict()
    write_safetensors(os.path.join(OUT, name + ".weights.safetensors"), state,
                      {"producer": "scripts/make_torch_fixtures.py", "torch": torch.__version__})
    write_safetensors(os.path.join(OUT, name + ".io.safetensors"), {"input": x, "output": expected},
                      {"producer": "scripts/make_torch_fixtures.py", "torch": torch.__version__})
    with open(os.path.join(OUT, name + ".cnn"), "w") as f:
        f.write(cnn)
    params = sum(t.numel() for k, t in state.items() if not k.endswith("num_batches_tracked"))
    print(f"{name}: {params} parameters, output {list(expected.shape)}")


def dtype_fixture():
    generator = torch.Generator().manual_seed(7)
    values = torch.cat([torch.randn(16, generator=generator) * 10,
                        torch.tensor([0.0, -0.0, 1.0, -2.0, 65504.0, 2.0 ** -24, 1e-3, 3.0e38])])
    half = values[:-1].half()   # 3e38 does not fit binary16
    brain = values.bfloat16()
    write_safetensors(os.path.join(OUT, "dtypes.safetensors"), {
        "f16": half, "f16_as_f32": half.float(),
        "bf16": brain.reshape(4, 6), "bf16_as_f32": brain.float().reshape(4, 6),
        "i64": torch.tensor([[1, -2, 3], [2 ** 40, -(2 ** 62), 0]], dtype=torch.int64),
    })


MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def image_fixtures():
    from PIL import Image
    import torchvision.transforms as T
    import torchvision.transforms.functional as TF

    folder = os.path.join(OUT, "images")
    os.makedirs(folder, exist_ok=True)
    generator = torch.Generator().manual_seed(11)
    # 48 wide, 36 high: a landscape image, so the shorter side is the height
    pixels = torch.randint(0, 256, (36, 48, 3), generator=generator, dtype=torch.uint8).numpy()
    alpha = torch.randint(0, 256, (36, 48, 1), generator=generator, dtype=torch.uint8).numpy()
    rgb = Image.fromarray(pixels, "RGB")
    rgb.save(os.path.join(folder, "rgb.png"))
    rgb.save(os.path.join(folder, "rgb.bmp"))
    rgb.save(os.path.join(folder, "rgb.jpg"), quality=95)
    rgb.convert("L").save(os.path.join(folder, "grey.png"))
    Image.fromarray(__import__("numpy").concatenate([pixels, alpha], 2), "RGBA").save(
        os.path.join(folder, "rgba.png"))

    pil_pipeline = T.Compose([T.Resize(36), T.CenterCrop(32), T.ToTensor()])

    def tensor_path(img):
        t = TF.pil_to_tensor(img).float() / 255
        return TF.center_crop(TF.resize(t, 36, antialias=True), 32)

    grey = Image.open(os.path.join(folder, "grey.png"))
    jpeg = Image.open(os.path.join(folder, "rgb.jpg")).convert("RGB")
    write_safetensors(os.path.join(folder, "expected.safetensors"), {
        "rgb_pil": TF.normalize(pil_pipeline(rgb), MEAN, STD),
        "rgb_tensor_aa": TF.normalize(tensor_path(rgb), MEAN, STD),
        "rgb_unnormalised_tensor_aa": tensor_path(rgb),
        "grey_tensor_aa": tensor_path(grey),
        "jpeg_pil": TF.normalize(pil_pipeline(jpeg), MEAN, STD),
    }, {"producer": "scripts/make_torch_fixtures.py", "torchvision": __import__("torchvision").__version__})


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    fixture("lenet5", LeNet5, LENET_CNN, (1, 32, 32), seed=1)
    fixture("resnet_mini", ResNetMini, RESNET_CNN, (3, 32, 32), seed=2)
    fixture("inception_mini", InceptionMini, INCEPTION_CNN, (3, 32, 32), seed=3)
    dtype_fixture()
    image_fixtures()
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(OUT) for f in files)
    print(f"{total} bytes in {os.path.normpath(OUT)}")
    if total > 1_000_000:
        sys.exit("fixtures exceed 1 MB")


if __name__ == "__main__":
    main()
