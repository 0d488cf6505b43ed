"""PyTorch's side of `cnn bench --train`: trains the network cnnkit exported to ONNX, on the same
batch, with SGD (momentum 0.9, lr 0.01) and softmax cross-entropy in train() mode, as cnnkit's
trainer does. The ONNX graph is interpreted node by node with torch.nn.functional; its initializers
(PyTorch state_dict names) become the parameters (weights and biases) and buffers (running
statistics).

    python3 torch_train_peer.py MODEL.onnx IMAGES.f32 LABELS.i64 THREADS MAIN [AUX=WEIGHT ...]

The loss is the cross-entropy of the graph output MAIN plus WEIGHT times that of each auxiliary
output AUX. Dropout draws its own masks (training mode), so its losses differ from cnnkit's.

Reads commands on stdin: `run K` trains K steps and answers `seconds S loss L` (wall time of
the K steps, the last one's loss); `profile K ROWS` trains K steps under torch.autograd.profiler and
prints its table of the ROWS operators with the most self CPU time, each line after `| `, then
`end`; `quit` ends. Prints `ready TORCH_VERSION` once built, or `error MESSAGE` and exits 2.
"""
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def attributes(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def pads2d(a):
    p = list(a.get("pads", [0, 0, 0, 0]))
    return p[0], p[1], p[2], p[3]  # top, left, bottom, right


def padded(x, a, value=0.0):
    top, left, bottom, right = pads2d(a)
    if top == bottom and left == right:
        return x, (top, left)
    return F.pad(x, (left, right, top, bottom), value=value), (0, 0)


class OnnxModule(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.graph = model.graph
        self.trainable = {}
        self.buffers_ = {}
        for init in model.graph.initializer:
            value = torch.from_numpy(numpy_helper.to_array(init).copy())
            if (init.name.endswith("running_mean") or init.name.endswith("running_var")
                    or value.dtype != torch.float32 or value.dim() == 0):
                self.buffers_[init.name] = value
            else:
                p = torch.nn.Parameter(value)
                self.trainable[init.name] = p
                self.register_parameter(init.name.replace(".", "__"), p)
        supported = set(OPS)
        for node in model.graph.node:
            if node.op_type not in supported:
                raise ValueError("operator %s is not supported by the PyTorch peer" % node.op_type)

    def value(self, values, name):
        if name in values:
            return values[name]
        if name in self.trainable:
            return self.trainable[name]
        return self.buffers_[name]

    def forward(self, x):
        values = {self.graph.input[0].name: x}
        for node in self.graph.node:
            ins = [self.value(values, n) if n else None for n in node.input]
            values[node.output[0]] = OPS[node.op_type](ins, attributes(node))
        return {o.name: values[o.name] for o in self.graph.output}


def conv(ins, a):
    x, (ph, pw) = padded(ins[0], a)
    return F.conv2d(x, ins[1], ins[2] if len(ins) > 2 else None, tuple(a.get("strides", [1, 1])), (ph, pw),
                    tuple(a.get("dilations", [1, 1])), a.get("group", 1))


def max_pool(ins, a):
    x, (ph, pw) = padded(ins[0], a, float("-inf"))
    return F.max_pool2d(x, tuple(a["kernel_shape"]), tuple(a.get("strides", [1, 1])), (ph, pw),
                        ceil_mode=bool(a.get("ceil_mode", 0)))


def avg_pool(ins, a):
    x, (ph, pw) = padded(ins[0], a)
    return F.avg_pool2d(x, tuple(a["kernel_shape"]), tuple(a.get("strides", [1, 1])), (ph, pw),
                        ceil_mode=bool(a.get("ceil_mode", 0)), count_include_pad=bool(a.get("count_include_pad", 0)))


def gemm(ins, a):
    w = ins[1].t() if a.get("transB", 0) else ins[1]
    y = ins[0].t() @ w if a.get("transA", 0) else ins[0] @ w
    return y + ins[2] if len(ins) > 2 and ins[2] is not None else y


OPS = {
    "Conv": conv,
    "Relu": lambda ins, a: F.relu(ins[0]),
    "MaxPool": max_pool,
    "AveragePool": avg_pool,
    "GlobalAveragePool": lambda ins, a: ins[0].mean((2, 3), keepdim=True),
    "GlobalMaxPool": lambda ins, a: ins[0].amax((2, 3), keepdim=True),
    "Gemm": gemm,
    "Flatten": lambda ins, a: ins[0].flatten(a.get("axis", 1)),
    "BatchNormalization": lambda ins, a: F.batch_norm(ins[0], ins[3], ins[4], ins[1], ins[2], True, 0.1,
                                                       a.get("epsilon", 1e-5)),
    "Add": lambda ins, a: ins[0] + ins[1],
    "Mul": lambda ins, a: ins[0] * ins[1],
    "Concat": lambda ins, a: torch.cat(ins, a.get("axis", 1)),
    "Sigmoid": lambda ins, a: torch.sigmoid(ins[0]),
    "Tanh": lambda ins, a: torch.tanh(ins[0]),
    "LeakyRelu": lambda ins, a: F.leaky_relu(ins[0], a.get("alpha", 0.01)),
    "LRN": lambda ins, a: F.local_response_norm(ins[0], a["size"], a.get("alpha", 1e-4), a.get("beta", 0.75),
                                                a.get("bias", 1.0)),
    "Dropout": lambda ins, a: F.dropout(ins[0], float(ins[1]) if len(ins) > 1 and ins[1] is not None
                                        else a.get("ratio", 0.5), True),
    "Identity": lambda ins, a: ins[0],
}


def main():
    model_path, images_path, labels_path, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    main_output = sys.argv[5]
    aux = [(spec.rsplit("=", 1)[0], float(spec.rsplit("=", 1)[1])) for spec in sys.argv[6:]]
    torch.set_num_threads(threads)
    try:
        model = OnnxModule(onnx.load(model_path))
    except (ValueError, KeyError) as e:
        print("error %s" % e, flush=True)
        sys.exit(2)
    shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    images = torch.from_numpy(np.fromfile(images_path, dtype="<f4").reshape([-1] + shape[1:]))
    labels = torch.from_numpy(np.fromfile(labels_path, dtype="<i8"))
    model.train()
    optimiser = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    print("ready %s" % torch.__version__, flush=True)
    import time

    def train(steps):
        for _ in range(steps):
            outputs = model(images)
            loss = F.cross_entropy(outputs[main_output].flatten(1), labels)
            for name, weight in aux:
                loss = loss + weight * F.cross_entropy(outputs[name].flatten(1), labels)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        return loss

    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] == "profile":
            steps = int(words[1])
            with torch.autograd.profiler.profile() as prof:
                train(steps)
            table = prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=int(words[2]))
            for row in table.splitlines():
                print("| " + row)
            print("end", flush=True)
            continue
        start = time.perf_counter()
        loss = train(int(words[1]))
        print("seconds %.9f loss %.9g" % (time.perf_counter() - start, loss.item()), flush=True)


if __name__ == "__main__":
    main()
