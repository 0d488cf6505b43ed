#!/usr/bin/python3
"""Saves a torchvision model's state_dict as safetensors, keys untouched, for the zoo's
torchvision-named models (examples/resnet18.cnn, vgg16.cnn, alexnet_torchvision.cnn,
googlenet_torchvision.cnn, ...):

    /usr/bin/python3 scripts/export_torchvision_weights.py resnet18 resnet18.safetensors --pretrained
    ./cnn run examples/resnet18.cnn --weights resnet18.safetensors --input photo.jpg \\
        --labels data/imagenet_classes.txt

--pretrained takes torchvision's ImageNet weights (downloaded by torchvision on first use);
without it the weights are torchvision's random initialisation. GoogLeNet keeps its auxiliary
heads (googlenet_torchvision.cnn declares them). Its pretrained weights expect torchvision's
transform_input, which re-normalises ImageNet-normalised input to mean 0.5, std 0.5 per channel;
cnn run normalises with ImageNet's statistics, so its GoogLeNet scores differ slightly from
torchvision's.
"""
import argparse
import os
import sys

import torchvision.models as models

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_torch_fixtures import write_safetensors  # noqa: E402

MODELS = ["alexnet", "vgg16", "vgg19", "googlenet", "resnet18", "resnet34", "resnet50", "resnet101", "resnet152"]


def main():
    parser = argparse.ArgumentParser(description="Save a torchvision state_dict as safetensors.")
    parser.add_argument("model", choices=MODELS)
    parser.add_argument("out", help="the .safetensors file to write")
    parser.add_argument("--pretrained", action="store_true", help="torchvision's ImageNet weights")
    args = parser.parse_args()
    kwargs = {"weights": "DEFAULT" if args.pretrained else None}
    if args.model == "googlenet":
        kwargs.update(aux_logits=True, init_weights=False)
    model = models.get_model(args.model, **kwargs)
    write_safetensors(args.out, model.state_dict(),
                      {"producer": "scripts/export_torchvision_weights.py", "model": args.model,
                       "pretrained": str(args.pretrained)})
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
