#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The README's suggested masks (make docs): for each photo in PHOTOS, the
# photo with `smpsim mask`'s suggestion tinted and outlined, beside the same
# photo with the mask painted by hand (the crown's and hairline's in PHOTOS,
# the top-downs' in tests/data/photos/), and their soft IoU (sum of the
# smaller grey over sum of the larger, as tests/test_suggest.c measures it)
# and their IoU as regions (where each mask treats at least half, the
# outline drawn), as small JPEGs in OUTDIR; the bundled sample too, against
# its own mask.
# The photos stay outside the repo; without them,
# or without Python 3 with Pillow and NumPy (Debian: python3-pil,
# python3-numpy), this says so and does nothing. Prints "NAME SOFT_IOU REGION_IOU" lines.
# Usage: tools/masks_gallery.sh BUILD PHOTOS OUTDIR
set -eu
b=$1 photos=$2 out=$3
. "$(dirname "$0")/needs_photos.sh"
needs_photos "masks gallery" "$photos"
mkdir -p "$out"
while read -r name mask; do
    stem=$(basename "${name%.*}")
    case $name in /*) ;; *) name=$photos/$name ;; esac
    case $mask in /*) ;; *) mask=$photos/$mask ;; esac
    "$b/smpsim" mask "$name" -o "$b/masks-$stem.png" --force
    "$py" - "$name" "$b/masks-$stem.png" "$mask" "$out/$stem.jpg" "$stem" <<'PY'
import sys
import numpy as np
from PIL import Image, ImageDraw, ImageFont

photo_path, sugg_path, hand_path, out_path, stem = sys.argv[1:6]
PANEL = 320  # each panel's width: two side by side make a 640 px picture
photo = Image.open(photo_path).convert("RGB")
sugg = np.asarray(Image.open(sugg_path).convert("L"), dtype=np.float64)
hand = np.asarray(Image.open(hand_path).convert("L"), dtype=np.float64)
assert sugg.shape == hand.shape == (photo.height, photo.width), (sugg.shape, hand.shape, photo.size)
iou = np.minimum(sugg, hand).sum() / max(np.maximum(sugg, hand).sum(), 1)
# As regions: the grey says how much density to add, the region where to
# treat; this IoU leaves out how the greys differ inside.
s_half, h_half = sugg >= 127.5, hand >= 127.5
region_iou = (s_half & h_half).sum() / max((s_half | h_half).sum(), 1)
h = round(photo.height * PANEL / photo.width)
small = np.asarray(photo.resize((PANEL, h), Image.LANCZOS), dtype=np.float64)


def panel(mask, tint, line):
    m = np.asarray(Image.fromarray(mask.astype(np.uint8)).resize((PANEL, h), Image.BILINEAR), dtype=np.float64) / 255
    a = 0.45 * m[..., None]
    img = small * (1 - a) + np.array(tint, dtype=np.float64) * a
    # The outline: where the mask crosses half, 1 px, on the panel.
    inside = m >= 0.5
    edge = np.zeros_like(inside)
    edge[1:, :] |= inside[1:, :] != inside[:-1, :]
    edge[:, 1:] |= inside[:, 1:] != inside[:, :-1]
    img[edge] = line
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


try:
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 13)
except OSError:
    font = ImageFont.load_default()
bar = 20
pic = Image.new("RGB", (2 * PANEL, h + bar), (255, 255, 255))
pic.paste(panel(sugg, (255, 90, 0), (255, 230, 0)), (0, bar))
pic.paste(panel(hand, (0, 150, 255), (0, 255, 255)), (PANEL, bar))
d = ImageDraw.Draw(pic)
d.text((4, 3), "suggested (smpsim mask)", fill=(0, 0, 0), font=font)
d.text((PANEL + 4, 3), f"by hand; soft IoU {iou:.2f}, regions {region_iou:.2f}", fill=(0, 0, 0), font=font)
pic.save(out_path + ".tmp.jpg", quality=80, optimize=True, progressive=True)
import os
os.replace(out_path + ".tmp.jpg", out_path)
print(f"{stem} {iou:.3f} {region_iou:.3f}")
PY
done <<LIST
crown-shaved-4000x3000.jpg crown-shaved-4000x3000.mask.png
hairline-1302x892.png hairline-1302x892.mask.png
topdown-1.jpg $PWD/tests/data/photos/topdown-1.mask.png
topdown-11.jpg $PWD/tests/data/photos/topdown-11.mask.png
topdown-16.jpg $PWD/tests/data/photos/topdown-16.mask.png
$PWD/samples/scalp.jpg $PWD/samples/scalp.mask.png
LIST
