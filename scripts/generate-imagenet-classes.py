#!/usr/bin/python3
"""The 1,000 ImageNet class names, in the order of torchvision's classifier heads, for `predict`.

Written from Debian's python3-torchvision (nothing is downloaded), into the file `predict` reads:
    /usr/bin/python3 scripts/generate-imagenet-classes.py src/trainer/predict/imagenetClasses.json
"""
import json
import sys

from torchvision.models._meta import _IMAGENET_CATEGORIES

if len(sys.argv) != 2:
    print(__doc__, file=sys.stderr)
    sys.exit(2)
if len(_IMAGENET_CATEGORIES) != 1000:
    sys.exit(f"expected 1000 ImageNet categories, torchvision has {len(_IMAGENET_CATEGORIES)}")
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(list(_IMAGENET_CATEGORIES), out, ensure_ascii=False, indent=0)
    out.write("\n")
