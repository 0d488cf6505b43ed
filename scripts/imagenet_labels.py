#!/usr/bin/python3
"""Writes data/imagenet_classes.txt: the 1000 ImageNet-1k class names in torchvision's order,
one per line, taken from Debian's python3-torchvision (torchvision.models._meta).

Run: /usr/bin/python3 scripts/imagenet_labels.py
"""
import pathlib

from torchvision.models._meta import _IMAGENET_CATEGORIES

out = pathlib.Path(__file__).resolve().parent.parent / "data" / "imagenet_classes.txt"
out.write_text("".join(name + "\n" for name in _IMAGENET_CATEGORIES), encoding="utf-8")
print(f"wrote {len(_IMAGENET_CATEGORIES)} labels to {out}")
