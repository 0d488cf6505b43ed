#!/usr/bin/python3
"""Training speed of cnnkit next to PyTorch on the CPU: images per second of LeNet-5 (1x32x32;
batch 64 by default) or ResNet-18 (3x224x224, --model resnet18), SGD with momentum, the same thread
count for both, runs alternated.

    nice -n 19 /usr/bin/python3 scripts/bench_train.py [--model lenet5|resnet18] [--threads T] [--batch B]
        [--rounds R] [--steps S] [--warmup W] [--jar cli/target/cnn.jar]

cnnkit runs `cnn train` (the ./cnn launcher of this checkout, or java -jar JAR with the launcher's
JVM options) on a synthetic uint8 safetensors
data set written here, for three epochs of S steps, and its last epoch's images/s (from the
metrics file) is taken: the first two warm the JIT up. PyTorch trains the same network on the
same data in memory: W warm-up steps (10), then S timed steps. Prints each round and the medians.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_torch_fixtures  # noqa: E402
from make_torch_fixtures import LeNet5, write_safetensors  # noqa: E402

make_torch_fixtures.DTYPES[torch.uint8] = "U8"

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


MODELS = {"lenet5": ((1, 32, 32), 10), "resnet18": ((3, 224, 224), 1000)}


def torch_model(name):
    if name == "lenet5":
        return LeNet5()
    import torchvision
    return torchvision.models.resnet18(num_classes=1000)


def torch_rate(name, images, labels, batch, steps, threads, warmup):
    torch.set_num_threads(threads)
    model = torch_model(name)
    model.train()
    optimiser = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = images.float() / 255

    def step(i):
        s = (i * batch) % (x.shape[0] - batch)
        loss = F.cross_entropy(model(x[s:s + batch]), labels[s:s + batch])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    for i in range(warmup):
        step(i)
    start = time.perf_counter()
    for i in range(steps):
        step(i)
    return steps * batch / (time.perf_counter() - start)


def cnnkit_rate(name, data, batch, steps, threads, work, jar):
    metrics = os.path.join(work, "metrics.jsonl")
    if os.path.exists(metrics):
        os.remove(metrics)
    command = ([os.path.join(ROOT, "cnn")] if jar is None else
               ["java", "-XX:+UseParallelGC", "--add-modules", "jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64",
                "-jar", jar])
    subprocess.run(command + ["train", os.path.join(ROOT, "examples", name + ".cnn"),
                    "--data", data, "--epochs", "3", "--steps", str(steps), "--batch", str(batch),
                    "--optimizer", "sgd", "--lr", "0.01", "--momentum", "0.9", "--threads", str(threads),
                    "-o", os.path.join(work, "out.safetensors"), "--metrics", metrics],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(metrics) as f:
        return json.loads(f.read().splitlines()[-1])["images_per_s"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=sorted(MODELS), default="lenet5")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--jar", help="a built cnn.jar to run instead of the ./cnn launcher")
    args = parser.parse_args()
    g = torch.Generator().manual_seed(0)
    shape, classes = MODELS[args.model]
    n = args.batch * (args.steps + args.warmup + 1)
    images = torch.randint(0, 256, (n,) + shape, generator=g, dtype=torch.uint8)
    labels = torch.randint(0, classes, (n,), generator=g)
    with tempfile.TemporaryDirectory() as work:
        data = os.path.join(work, "data.safetensors")
        write_safetensors(data, {"images": images, "labels": labels})
        ours, theirs = [], []
        for r in range(args.rounds):
            ours.append(cnnkit_rate(args.model, data, args.batch, args.steps, args.threads, work, args.jar))
            theirs.append(torch_rate(args.model, images, labels, args.batch, args.steps, args.threads, args.warmup))
            print("round %d: cnnkit %.1f img/s, PyTorch %.1f img/s" % (r + 1, ours[-1], theirs[-1]), flush=True)
    a, b = statistics.median(ours), statistics.median(theirs)
    print("%s batch %d, %d thread(s): cnnkit %.1f img/s, PyTorch %s %.1f img/s, ratio %.2f"
          % (args.model, args.batch, args.threads, a, torch.__version__, b, a / b))


if __name__ == "__main__":
    main()
