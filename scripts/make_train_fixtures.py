#!/usr/bin/python3
"""Writes the small PyTorch reference fixtures of cnnkit's training tests, into
train/src/test/resources/fixtures/:

  grads/CASE.safetensors   one operator on random odd shapes: its .cnn source (metadata
                           'source', the layer is named 'l'), inputs 'in.0', 'in.1', ...,
                           parameters 'param.NAME', the upstream gradient 'dy', PyTorch's output
                           'out' and autograd's 'grad.in.K' / 'grad.param.NAME'; batchnorm adds
                           'after.running_mean' / 'after.running_var' (training mode, momentum
                           0.1), dropout the mask PyTorch drew ('mask', 0 or 1 / (1 - p)).
  optim.json               torch.optim SGD (momentum, dampening, Nesterov, weight decay, with and
                           without clip_grad_norm_) and AdamW: two parameters, five fixed
                           gradients, the parameters after each step; and the learning rates of
                           StepLR, MultiStepLR, CosineAnnealingLR and LinearLR over 12 epochs;
                           cross-entropy with and without label smoothing.
  steps/NET.safetensors    whole networks trained in model.train() mode: LeNet-5 and the reduced
                           ResNet of make_torch_fixtures.py (here on 3x16x16), from the weights
                           of exec's fixtures, and the reduced Inception (LRN, ceil-mode pools,
                           concat) with dropout p=0 and an auxiliary head weighted 0.3 from its
                           own seeded initial weights ('initial.NAME'); two batches of four images alternating, five steps
                           of SGD with momentum and five of AdamW: 'images', 'labels' (I64), the
                           state_dict after the fifth step of each ('sgd.NAME', 'adamw.NAME'),
                           the source (metadata 'source') and each step's loss (metadata 'losses').
  grad_norms.json          per parameter of LeNet-5 and the reduced ResNet, the L2 norm of its
                           gradient after one forward and backward pass over the eight images of
                           steps/NET from its initial weights, and the loss (what cnn grads prints).

Values are float32; PyTorch computes in float64 on them and the results are rounded to float32.
Everything is seeded. Regenerate with the system python (Debian's python3-torch):

    /usr/bin/python3 scripts/make_train_fixtures.py
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_torch_fixtures import (INCEPTION_CNN, LENET_CNN, RESNET_CNN, InceptionMini,  # noqa: E402
                                 LeNet5, ResNetMini, write_safetensors)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train", "src", "test",
                   "resources", "fixtures")


def network(inputs, expr):
    """A one-layer .cnn network: inputs is [(name, shape)], expr the output expression."""
    lines = ["network Case"]
    for name, shape in inputs:
        lines.append("input %s: %s" % (name, "x".join(str(d) for d in shape)))
    lines.append("output y = " + expr)
    return "\n".join(lines) + "\n"


def grad_case(name, inputs, expr, forward, params=None, values=None, extra=None):
    """inputs: [(name, per-sample shape)], batch 2 (3 for batchnorm); forward(xs, ps) -> y."""
    g = torch.Generator().manual_seed(sum(map(ord, name)))
    torch.manual_seed(sum(map(ord, name)))  # dropout draws from the global generator
    batch = 3
    xs = []
    for i, (_, shape) in enumerate(inputs):
        if values == "ties":
            x = torch.randint(0, 4, (batch,) + tuple(shape), generator=g).float()
        elif values == "wide":
            x = torch.rand((batch,) + tuple(shape), generator=g) * 9 - 1.5
        else:
            x = torch.randn((batch,) + tuple(shape), generator=g)
        xs.append(x)
    ps = {k: v(g) for k, v in (params or {}).items()}
    x64 = [x.double().requires_grad_(True) for x in xs]
    # "" is a bare parameter (a scale layer's factors, named by the layer alone)
    p64 = {k: v.double().requires_grad_(k in ("weight", "bias", "")) for k, v in ps.items()}
    state = {}
    y = forward(x64, p64, state)
    dy = torch.randn(y.shape, generator=g)
    (y * dy.double()).sum().backward()
    tensors = {"dy": dy, "out": y.detach().float()}
    for i, x in enumerate(xs):
        tensors["in.%d" % i] = x
        tensors["grad.in.%d" % i] = x64[i].grad.float()
    for k, v in ps.items():
        tensors["param." + k] = v
        if p64[k].grad is not None:
            tensors["grad.param." + k] = p64[k].grad.float()
    for k, v in state.items():
        tensors[k] = v.float()
    write_safetensors(os.path.join(OUT, "grads", name + ".safetensors"), tensors,
                      {"source": network(inputs, expr)})


def randn(*shape):
    return lambda g: torch.randn(shape, generator=g)


def positive(*shape):
    return lambda g: torch.rand(shape, generator=g) + 0.5


def grads():
    os.makedirs(os.path.join(OUT, "grads"), exist_ok=True)
    # conv: asymmetric pads (F.pad order: left, right, top, bottom), stride, dilation, groups
    grad_case("conv_groups", [("x", (4, 9, 11))],
              "x -> l: conv(6, (3, 2), stride=(2, 1), pad=(1, 0, 2, 1), dilation=(1, 2), groups=2)",
              lambda x, p, s: F.conv2d(F.pad(x[0], (0, 1, 1, 2)), p["weight"], p["bias"], stride=(2, 1),
                                       dilation=(1, 2), groups=2),
              {"weight": randn(6, 2, 3, 2), "bias": randn(6)})
    grad_case("conv_depthwise", [("x", (5, 7, 8))], "x -> l: conv(5, 3, stride=2, pad=1, groups=5, bias=false)",
              lambda x, p, s: F.conv2d(x[0], p["weight"], None, stride=2, padding=1, groups=5),
              {"weight": randn(5, 1, 3, 3)})
    grad_case("conv_dense", [("x", (3, 10, 7))], "x -> l: conv(7, 5, pad=2, dilation=2)",
              lambda x, p, s: F.conv2d(x[0], p["weight"], p["bias"], padding=2, dilation=2),
              {"weight": randn(7, 3, 5, 5), "bias": randn(7)})
    grad_case("maxpool_ceil_ties", [("x", (3, 10, 9))], "x -> l: maxpool(3, stride=2, ceil=true)",
              lambda x, p, s: F.max_pool2d(x[0], 3, stride=2, ceil_mode=True), values="ties")
    grad_case("maxpool_pad_dilation", [("x", (2, 11, 8))], "x -> l: maxpool((3, 2), stride=(2, 1), pad=1, dilation=2)",
              lambda x, p, s: F.max_pool2d(x[0], (3, 2), stride=(2, 1), padding=1, dilation=2), values="ties")
    grad_case("avgpool_ceil_countpad", [("x", (3, 10, 7))], "x -> l: avgpool(3, stride=2, pad=1, ceil=true)",
              lambda x, p, s: F.avg_pool2d(x[0], 3, stride=2, padding=1, ceil_mode=True, count_include_pad=True))
    grad_case("avgpool_ceil_nopad", [("x", (3, 9, 10))],
              "x -> l: avgpool((3, 2), stride=2, pad=1, ceil=true, count_pad=false)",
              lambda x, p, s: F.avg_pool2d(x[0], (3, 2), stride=2, padding=1, ceil_mode=True,
                                           count_include_pad=False))
    grad_case("globalavgpool", [("x", (4, 5, 3))], "x -> l: globalavgpool",
              lambda x, p, s: F.adaptive_avg_pool2d(x[0], 1))
    grad_case("globalmaxpool_ties", [("x", (4, 5, 3))], "x -> l: globalmaxpool",
              lambda x, p, s: F.adaptive_max_pool2d(x[0], 1), values="ties")
    grad_case("dense_vector", [("x", (13,))], "x -> l: dense(7)",
              lambda x, p, s: F.linear(x[0], p["weight"], p["bias"]), {"weight": randn(7, 13), "bias": randn(7)})
    grad_case("flatten", [("x", (3, 3, 5))], "x -> l: flatten", lambda x, p, s: torch.flatten(x[0], 1))
    grad_case("relu", [("x", (3, 5, 7))], "x -> l: relu", lambda x, p, s: F.relu(x[0]), values="ties")
    grad_case("relu6", [("x", (3, 5, 7))], "x -> l: relu6", lambda x, p, s: F.relu6(x[0]), values="wide")
    grad_case("leakyrelu", [("x", (3, 5, 7))], "x -> l: leakyrelu(0.2)", lambda x, p, s: F.leaky_relu(x[0], 0.2))
    grad_case("tanh", [("x", (3, 5, 7))], "x -> l: tanh", lambda x, p, s: torch.tanh(x[0]))
    grad_case("sigmoid", [("x", (3, 5, 7))], "x -> l: sigmoid", lambda x, p, s: torch.sigmoid(x[0]))
    grad_case("softmax_map", [("x", (5, 3, 2))], "x -> l: softmax", lambda x, p, s: F.softmax(x[0], 1))
    grad_case("softmax_vector", [("x", (9,))], "x -> l: softmax", lambda x, p, s: F.softmax(x[0], 1))
    grad_case("lrn_odd", [("x", (7, 4, 3))], "x -> l: lrn(size=5, alpha=0.1, beta=0.75, k=2.0)",
              lambda x, p, s: F.local_response_norm(x[0], 5, alpha=0.1, beta=0.75, k=2.0))
    grad_case("lrn_even", [("x", (6, 3, 3))], "x -> l: lrn(size=4, alpha=0.3, beta=0.6, k=1.0)",
              lambda x, p, s: F.local_response_norm(x[0], 4, alpha=0.3, beta=0.6, k=1.0))

    def batchnorm(x, p, s):
        mean, var = p["running_mean"].clone(), p["running_var"].clone()
        y = F.batch_norm(x[0], mean, var, p["weight"], p["bias"], training=True, momentum=0.1, eps=1e-3)
        s["after.running_mean"], s["after.running_var"] = mean, var
        return y
    grad_case("batchnorm_train", [("x", (5, 3, 7))], "x -> l: batchnorm(eps=0.001)", batchnorm,
              {"weight": positive(5), "bias": randn(5), "running_mean": randn(5), "running_var": positive(5)})

    def dropout(x, p, s):
        mask = F.dropout(torch.ones_like(x[0]), 0.3, training=True)
        s["mask"] = mask
        return x[0] * mask
    grad_case("dropout", [("x", (4, 3, 5))], "x -> l: dropout(0.3)", dropout)
    grad_case("zeropad", [("x", (2, 4, 5))], "x -> l: zeropad((1, 2, 0, 3))",
              lambda x, p, s: F.pad(x[0], (2, 3, 1, 0)))
    grad_case("concat", [("a", (2, 3, 4)), ("b", (3, 3, 4)), ("c", (1, 3, 4))], "l: concat(a, b, c)",
              lambda x, p, s: torch.cat(x, 1))
    grad_case("add", [("a", (3, 4, 5)), ("b", (3, 4, 5))], "l: add(a, b)", lambda x, p, s: x[0] + x[1])
    grad_case("silu", [("x", (3, 5, 7))], "x -> l: silu", lambda x, p, s: F.silu(x[0]), values="wide")
    grad_case("hardsigmoid", [("x", (3, 5, 7))], "x -> l: hardsigmoid", lambda x, p, s: F.hardsigmoid(x[0]),
              values="wide")
    grad_case("hardswish", [("x", (3, 5, 7))], "x -> l: hardswish", lambda x, p, s: F.hardswish(x[0]),
              values="wide")
    grad_case("gelu", [("x", (3, 5, 7))], "x -> l: gelu", lambda x, p, s: F.gelu(x[0]))
    grad_case("gelu_tanh", [("x", (3, 5, 7))], 'x -> l: gelu(approximate="tanh")',
              lambda x, p, s: F.gelu(x[0], approximate="tanh"))
    grad_case("mul_se", [("a", (4, 3, 5)), ("b", (4, 1, 1))], "l: mul(a, b)", lambda x, p, s: x[0] * x[1])
    grad_case("mul_same", [("a", (4, 3, 5)), ("b", (4, 3, 5))], "l: mul(a, b)", lambda x, p, s: x[0] * x[1])
    grad_case("adaptiveavgpool", [("x", (3, 10, 7))], "x -> l: adaptiveavgpool((4, 3))",
              lambda x, p, s: F.adaptive_avg_pool2d(x[0], (4, 3)))
    grad_case("adaptivemaxpool_ties", [("x", (3, 10, 7))], "x -> l: adaptivemaxpool((4, 3))",
              lambda x, p, s: F.adaptive_max_pool2d(x[0], (4, 3)), values="ties")
    grad_case("slice", [("x", (6, 3, 4))], "x -> l: slice(2, 5)", lambda x, p, s: x[0][:, 2:5])
    grad_case("channel_shuffle", [("x", (6, 3, 4))], "x -> l: channel_shuffle(3)",
              lambda x, p, s: x[0].reshape(3, 3, 2, 3, 4).transpose(1, 2).reshape(3, 6, 3, 4))
    # ConvNeXt's LayerNorm2d: channels moved last, F.layer_norm over them, moved back
    grad_case("layernorm", [("x", (6, 3, 5))], "x -> l: layernorm(eps=0.000001)",
              lambda x, p, s: F.layer_norm(x[0].permute(0, 2, 3, 1), (6,), p["weight"], p["bias"], 1e-6)
              .permute(0, 3, 1, 2), {"weight": positive(6), "bias": randn(6)}, values="wide")
    grad_case("layernorm_vector", [("x", (9,))], "x -> l: layernorm",
              lambda x, p, s: F.layer_norm(x[0], (9,), p["weight"], p["bias"]), {"weight": positive(9), "bias": randn(9)})
    grad_case("scale", [("x", (4, 3, 5))], "x -> l: scale", lambda x, p, s: p[""] * x[0], {"": randn(4, 1, 1)})
    # nn.Linear on the channels-last tensor, as torchvision's CNBlock applies it
    grad_case("linear", [("x", (5, 3, 4))], "x -> l: linear(7)",
              lambda x, p, s: F.linear(x[0].permute(0, 2, 3, 1), p["weight"], p["bias"]).permute(0, 3, 1, 2),
              {"weight": randn(7, 5), "bias": randn(7)})


OPTIMISERS = [
    ("sgd_plain", "sgd", dict(lr=0.1), None),
    ("sgd_momentum", "sgd", dict(lr=0.05, momentum=0.9), None),
    ("sgd_dampening_decay", "sgd", dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01), None),
    ("sgd_nesterov_decay", "sgd", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4), None),
    ("sgd_momentum_clipped", "sgd", dict(lr=0.1, momentum=0.9), 0.5),
    ("adamw_default", "adamw", dict(lr=0.01), None),
    ("adamw_custom", "adamw", dict(lr=0.003, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1), 1.0),
]


def optimisers():
    cases = []
    for name, kind, settings, clip in OPTIMISERS:
        g = torch.Generator().manual_seed(sum(map(ord, name)))
        params = [torch.randn((3, 2), generator=g).requires_grad_(True),
                  torch.randn((4,), generator=g).requires_grad_(True)]
        initial = [p.detach().clone() for p in params]
        optimiser = (torch.optim.SGD if kind == "sgd" else torch.optim.AdamW)(params, **settings)
        steps = []
        for _ in range(5):
            grads = [torch.randn(p.shape, generator=g) * 3 for p in params]
            for p, grad in zip(params, grads):
                p.grad = grad.clone()
            if clip is not None:
                torch.nn.utils.clip_grad_norm_(params, clip)
            optimiser.step()
            steps.append({"grads": [x.flatten().tolist() for x in grads],
                          "params": [p.detach().flatten().tolist() for p in params]})
        cases.append({"name": name, "kind": kind, "settings": settings, "clip": clip,
                      "initial": [p.flatten().tolist() for p in initial], "steps": steps})
    lr = torch.optim.lr_scheduler

    def rates_of(make, count):
        """The learning rate before each of count optimiser steps, the scheduler stepped after each."""
        optimiser = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.2)
        scheduler = make(optimiser)
        rates = []
        for _ in range(count):
            rates.append(optimiser.param_groups[0]["lr"])
            optimiser.step()
            scheduler.step()
        return rates
    schedules = []
    for spec, make in [("step:3:0.5", lambda o: lr.StepLR(o, 3, 0.5)),
                       ("multistep:2,5,9", lambda o: lr.MultiStepLR(o, [2, 5, 9], 0.1)),
                       ("cosine", lambda o: lr.CosineAnnealingLR(o, 12)),
                       ("cosine:0.1", lambda o: lr.CosineAnnealingLR(o, 12, eta_min=0.02))]:
        schedules.append({"decay": spec, "warmup": 0, "start": 1.0, "rates": rates_of(make, 12)})
    schedules.append({"decay": "constant", "warmup": 4, "start": 0.25,
                      "rates": rates_of(lambda o: lr.LinearLR(o, start_factor=0.25, total_iters=4), 12)})
    # per-iteration schedules: 20 steps, the schedulers stepped after every optimiser step
    for spec, warmup, start, make in [
            ("cosine", 5, 0.1, lambda o: lr.ChainedScheduler([lr.LinearLR(o, start_factor=0.1, total_iters=5),
                                                               lr.CosineAnnealingLR(o, 20)])),
            ("step:4:0.5", 3, 0.2, lambda o: lr.ChainedScheduler([lr.LinearLR(o, start_factor=0.2, total_iters=3),
                                                                   lr.StepLR(o, 4, 0.5)])),
            ("multistep:3,7,15", 0, 1.0, lambda o: lr.MultiStepLR(o, [3, 7, 15], 0.1))]:
        schedules.append({"decay": spec, "warmup": warmup, "start": start, "rates": rates_of(make, 20),
                          "per_step": True})
    losses = []
    for smoothing in (0.0, 0.1):
        g = torch.Generator().manual_seed(int(smoothing * 100) + 5)
        logits = (torch.randn((5, 7), generator=g) * 3).double().requires_grad_(True)
        labels = torch.randint(0, 7, (5,), generator=g)
        loss = F.cross_entropy(logits, labels, label_smoothing=smoothing)
        loss.backward()
        losses.append({"smoothing": smoothing, "logits": logits.detach().float().tolist(),
                       "labels": labels.tolist(), "loss": loss.item(), "grad": logits.grad.float().tolist()})
    with open(os.path.join(OUT, "optim.json"), "w") as f:
        json.dump({"optimisers": cases, "schedules": schedules, "base_rate": 0.2, "losses": losses}, f)


EXEC_FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "exec", "src", "test",
                             "resources", "fixtures")


def read_safetensors(path):
    """F32 and I64 tensors of a safetensors file."""
    import struct
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        begin, end = e["data_offsets"]
        dtype = {"F32": torch.float32, "I64": torch.int64}[e["dtype"]]
        out[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype).reshape(e["shape"]).clone()
    return out


STEP_OPTIMISERS = [("sgd", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, weight_decay=5e-4)),
                   ("adamw", lambda p: torch.optim.AdamW(p, lr=1e-3))]


class InceptionAux(InceptionMini):
    """The reduced Inception with dropout p=0 and an auxiliary head on inception3a, weighted 0.3."""
    def __init__(self):
        super().__init__()
        self.dropout = torch.nn.Dropout(0.0)
        self.auxconv = torch.nn.Conv2d(40, 8, 1)
        self.auxfc = torch.nn.Linear(72, 10)

    def forward(self, x):
        x = self.lrn(F.max_pool2d(F.relu(self.conv1(x)), 3, stride=2, ceil_mode=True))
        a3 = self.inception3a(x)
        aux = self.auxfc(torch.flatten(F.relu(self.auxconv(F.avg_pool2d(a3, 3, stride=2))), 1))
        x = self.inception4a(F.max_pool2d(a3, 3, stride=2, ceil_mode=True))
        x = F.avg_pool2d(x, 3, stride=1, padding=1)
        x = F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True)
        return self.fc(torch.flatten(self.dropout(F.adaptive_avg_pool2d(x, 1)), 1)), aux


INCEPTION_AUX_CNN = (INCEPTION_CNN
                     .replace("i3 = stem -> inception3a: inception(8, 8, 16, 4, 8, 8) : 40x8x8 -> maxpool(3, stride=2, ceil=true)",
                              "a3 = stem -> inception3a: inception(8, 8, 16, 4, 8, 8) : 40x8x8\n"
                              "i3 = a3 -> maxpool(3, stride=2, ceil=true)")
                     .replace("dropout(0.4)", "dropout(0.0)")
                     + "aux output aux1 = a3 -> avgpool(3, stride=2) -> auxconv: conv(8, 1) -> relu -> flatten"
                       " -> auxfc: dense(10)\n")


def loss_of(output, labels):
    if isinstance(output, tuple):
        return F.cross_entropy(output[0], labels) + 0.3 * F.cross_entropy(output[1], labels)
    return F.cross_entropy(output, labels)


def steps_fixture(name, model_class, cnn, input_shape, seed):
    g = torch.Generator().manual_seed(seed)
    images = torch.randn((8,) + input_shape, generator=g)
    labels = torch.randint(0, 10, (8,), generator=g)
    tensors = {"images": images, "labels": labels}
    exec_weights = os.path.join(EXEC_FIXTURES, name + ".weights.safetensors")
    if os.path.exists(exec_weights):
        initial = read_safetensors(exec_weights)
    else:
        torch.manual_seed(seed)
        initial = {k: v for k, v in model_class().state_dict().items()}
        for k, v in initial.items():
            tensors["initial." + k] = v
    losses = {}
    for kind, make in STEP_OPTIMISERS:
        model = model_class().double()
        model.load_state_dict({k: v.double() if v.dtype == torch.float32 else v for k, v in initial.items()})
        model.train()
        optimiser = make(model.parameters())
        losses[kind] = []
        for step in range(5):
            batch = slice(4 * (step % 2), 4 * (step % 2) + 4)
            loss = loss_of(model(images[batch].double()), labels[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            losses[kind].append(loss.item())
        for k, v in model.state_dict().items():
            if not k.endswith("num_batches_tracked"):
                tensors[kind + "." + k] = v.float()
    os.makedirs(os.path.join(OUT, "steps"), exist_ok=True)
    write_safetensors(os.path.join(OUT, "steps", name + ".safetensors"), tensors,
                      {"source": cnn, "losses": json.dumps(losses)})


def grad_norms():
    """grad_norms.json: per parameter, the L2 norm of its gradient after one train()-mode forward and
    backward pass in float64 over all eight images of each steps/ fixture, from its initial weights
    (what cnn grads prints)."""
    out = {}
    for name, model_class in [("lenet5", LeNet5), ("resnet_mini", ResNetMini)]:
        tensors = read_safetensors(os.path.join(OUT, "steps", name + ".safetensors"))
        initial = {k[len("initial."):]: v for k, v in tensors.items() if k.startswith("initial.")}
        if not initial:
            initial = read_safetensors(os.path.join(EXEC_FIXTURES, name + ".weights.safetensors"))
        model = model_class().double()
        model.load_state_dict({k: v.double() if v.dtype == torch.float32 else v for k, v in initial.items()},
                              strict=False)
        model.train()
        loss = loss_of(model(tensors["images"].double()), tensors["labels"])
        loss.backward()
        out[name] = {"loss": loss.item(),
                     "norms": {k: p.grad.norm().item() for k, p in model.named_parameters()}}
    with open(os.path.join(OUT, "grad_norms.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)


def main():
    torch.set_default_dtype(torch.float32)
    grads()
    optimisers()
    steps_fixture("lenet5", LeNet5, LENET_CNN, (1, 32, 32), 1)
    steps_fixture("resnet_mini", ResNetMini, RESNET_CNN.replace("3x32x32", "3x16x16"), (3, 16, 16), 2)
    steps_fixture("inception_aux", InceptionAux, INCEPTION_AUX_CNN, (3, 32, 32), 3)
    grad_norms()


if __name__ == "__main__":
    main()
