#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# How far painters agree (make docs): on each shared photo, the soft IoU and
# the IoU as regions (as tools/masks_gallery.sh measures them) between the
# first hand mask (A: the crown's and hairline's in PHOTOS, the top-downs'
# in tests/data/photos/) and the masks painted blind by the painters in
# tests/data/photos/painters/*/ (B, C, ...), between those painters, and
# between `smpsim mask`'s suggestion and each painter. Prints a Markdown
# table, then a second: each painter's mean soft IoU against the other
# painters, beside the suggestion's against the same painters (would the
# suggestion, as one more painter, agree with them as well as each does?).
# Without the photos, or Python 3 with Pillow and NumPy, it says so and
# does nothing.
# Usage: tools/painters.sh BUILD PHOTOS
set -eu
b=$1 photos=$2
. "$(dirname "$0")/needs_photos.sh"
needs_photos "painters" "$photos"
painted=$PWD/tests/data/photos
# The suggestions masks_gallery.sh made just before (make docs), else made here.
for name in crown-shaved-4000x3000.jpg hairline-1302x892.png topdown-1.jpg topdown-11.jpg topdown-16.jpg; do
    sugg=$b/masks-${name%.*}.png
    [ "$sugg" -nt "$b/smpsim" ] && [ "$sugg" -nt "$photos/$name" ] ||
        "$b/smpsim" mask "$photos/$name" -o "$sugg" --force
done
"$py" - "$b" "$photos" "$painted" <<'PY'
import os
import sys

import numpy as np
from PIL import Image

build, photos, painted = sys.argv[1:4]
first = {
    "crown-shaved-4000x3000": f"{photos}/crown-shaved-4000x3000.mask.png",
    "hairline-1302x892": f"{photos}/hairline-1302x892.mask.png",
    "topdown-1": f"{painted}/topdown-1.mask.png",
    "topdown-11": f"{painted}/topdown-11.mask.png",
    "topdown-16": f"{painted}/topdown-16.mask.png",
}
others = sorted(d for d in os.listdir(f"{painted}/painters") if os.path.isdir(f"{painted}/painters/{d}"))


def load(path):
    return np.asarray(Image.open(path).convert("L"), dtype=np.float64)


def soft_iou(a, b):
    return np.minimum(a, b).sum() / max(np.maximum(a, b).sum(), 1)


def region_iou(a, b):
    ha, hb = a >= 127.5, b >= 127.5
    return (ha & hb).sum() / max((ha | hb).sum(), 1)


names = ["A"] + [p.upper() for p in others]
pairs = [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))]
head = [f"{names[i]}-{names[j]}" for i, j in pairs] + [f"suggested-{n}" for n in names]
print("| photo | " + " | ".join(head) + " |")
print("|---" * (len(head) + 1) + "|")
loo = []
for stem, path in first.items():
    masks = [load(path)] + [load(f"{painted}/painters/{p}/{stem}.mask.png") for p in others]
    sugg = load(f"{build}/masks-{stem}.png")
    n = len(masks)
    # Each pair's soft IoU once, for both tables; the suggestion is index n.
    soft = {(i, j): soft_iou(masks[i], masks[j]) for i, j in pairs}
    soft.update({(j, n): soft_iou(sugg, masks[j]) for j in range(n)})
    cells = [f"{soft[i, j]:.2f} / {region_iou(masks[i], masks[j]):.2f}" for i, j in pairs]
    cells += [f"{soft[j, n]:.2f} / {region_iou(sugg, masks[j]):.2f}" for j in range(n)]
    print(f"| {stem} | " + " | ".join(cells) + " |")
    loo.append((stem, [(np.mean([soft[min(i, j), max(i, j)] for j in range(n) if j != i]),
                        np.mean([soft[j, n] for j in range(n) if j != i])) for i in range(n)]))
print()
print("| photo | " + " | ".join(f"{n} / suggested, against the others" for n in names) + " |")
print("|---" * (len(names) + 1) + "|")
for stem, row in loo:
    print(f"| {stem} | " + " | ".join(f"{p:.2f} / {s:.2f}" for p, s in row) + " |")
PY
