#!/usr/bin/python3
"""Writes PyTorch checkpoints (torch.save files) for the tests of cnnkit's .pth reader.

Into exec/src/test/resources/fixtures/torch/ (committed; a few kB):

  layouts.pth              a state dict of the layouts torch.save produces: float32, float16,
                           bfloat16 and float64 tensors, a transposed (non-contiguous) view, a view
                           at an offset into a larger storage, two tensors sharing one storage, a
                           nn.Parameter, a 0-d int64 num_batches_tracked and an empty tensor
  layouts_legacy.pth       the same, in the format before PyTorch 1.6 (_use_new_zipfile_serialization=False)
  layouts.safetensors      the same tensors, contiguous, in their own dtypes: what the reader must return
  wrapped.pth              {'state_dict': the same state dict}, as training checkpoints often are
  lenet5.pth               the weights of fixtures/lenet5.weights.safetensors, saved by torch.save
  hostile.pth              a state dict with an object whose __reduce__ calls os.system: must be refused
  not_a_state_dict.pth     a list of tensors rather than a dict

With --torchvision MODEL DIR it instead writes DIR/MODEL.pth and DIR/MODEL.safetensors: torchvision's
MODEL with its random initialisation (seed 0), saved by torch.save and as safetensors
(what cnnkit's CLI test compares; too large to commit).

    /usr/bin/python3 scripts/make_pth_fixtures.py
    /usr/bin/python3 scripts/make_pth_fixtures.py --torchvision resnet18 /tmp/tv
"""
import collections
import json
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_torch_fixtures import write_safetensors  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FIXTURES = os.path.join(ROOT, "exec", "src", "test", "resources", "fixtures")
OUT = os.path.join(FIXTURES, "torch")


class Hostile:
    """Unpickling this would run a shell command; a safe reader must refuse before calling anything."""

    def __reduce__(self):
        return (os.system, ("echo this should never run",))


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = collections.OrderedDict()
    dtypes = {"F32": torch.float32, "I64": torch.int64}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        begin, end = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtypes[e["dtype"]]).reshape(e["shape"])
        out[name] = t.clone()
    return out


def layouts():
    g = torch.Generator().manual_seed(20261206)
    sd = collections.OrderedDict()
    sd["conv.weight"] = torch.randn(4, 3, 3, 3, generator=g)
    base = torch.randn(6, 5, generator=g)
    sd["dense.weight"] = base.t()                           # non-contiguous: stride (1, 5)
    big = torch.randn(40, generator=g)
    sd["dense.bias"] = big[7:13]                            # offset 7 into a storage of 40
    sd["dense.bias_every_other"] = big[1:21:2]              # offset and stride 2
    shared = torch.randn(3, 4, generator=g)
    sd["tied.a"] = shared
    sd["tied.b"] = shared[1]                                # same storage as tied.a
    sd["half.weight"] = torch.randn(2, 3, generator=g).half()
    sd["bf16.weight"] = torch.randn(2, 3, generator=g).bfloat16()
    sd["double.weight"] = torch.randn(3, generator=g).double()
    sd["param.weight"] = torch.nn.Parameter(torch.randn(2, 2, generator=g))
    sd["bn.num_batches_tracked"] = torch.tensor(7)
    sd["empty"] = torch.zeros(0, 3)
    return sd


def contiguous(sd):
    return collections.OrderedDict((k, v.detach().contiguous().clone()) for k, v in sd.items())


def fixtures():
    os.makedirs(OUT, exist_ok=True)
    sd = layouts()
    torch.save(sd, os.path.join(OUT, "layouts.pth"))
    torch.save(sd, os.path.join(OUT, "layouts_legacy.pth"), _use_new_zipfile_serialization=False)
    expected = contiguous(sd)
    write_safetensors(os.path.join(OUT, "layouts.safetensors"), expected,
                      {"producer": "scripts/make_pth_fixtures.py"})
    torch.save({"state_dict": sd}, os.path.join(OUT, "wrapped.pth"))
    torch.save(read_safetensors(os.path.join(FIXTURES, "lenet5.weights.safetensors")),
               os.path.join(OUT, "lenet5.pth"))
    hostile = collections.OrderedDict(sd)
    hostile["payload"] = Hostile()
    torch.save(hostile, os.path.join(OUT, "hostile.pth"))
    torch.save([sd["conv.weight"]], os.path.join(OUT, "not_a_state_dict.pth"))


def torchvision_pair(model, out_dir):
    import torchvision.models as models
    torch.manual_seed(0)
    net = models.get_model(model, weights=None).eval()
    os.makedirs(out_dir, exist_ok=True)
    torch.save(net.state_dict(), os.path.join(out_dir, model + ".pth"))
    write_safetensors(os.path.join(out_dir, model + ".safetensors"), net.state_dict())


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--torchvision":
        torchvision_pair(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 1:
        fixtures()
    else:
        sys.exit(__doc__)
