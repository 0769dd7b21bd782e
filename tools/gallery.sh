#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The README's gallery of real photos (make docs): each photo's before/after
# at viewing size, then 100 % crops: the client's own stubble in the
# reference, the treated core before, and after. The photos stay outside the
# repo (../shared/photos); without them this says so and does nothing.
# Usage: tools/gallery.sh BUILD PHOTOS OUTDIR
set -eu
b=$1 photos=$2 out=$3
if [ ! -d "$photos" ]; then
    echo "gallery: $photos is absent; skipped"
    exit 0
fi
mkdir -p "$out"
# name, mask, px/mm measured by hand (tests/data/photos/README.md), the
# centres of the stubble and core crops (photo px), the crops' side (px).
while read -r name mask ppm ref core side; do
    stem=${name%.*}
    case $mask in /*) ;; *) mask=$photos/$mask ;; esac
    SOURCE_DATE_EPOCH=1795000000 "$b/smpsim" preview "$photos/$name" "$mask" --px-per-mm "$ppm" \
        --caption "$stem" --max-size 1400 -o "$out/$stem.jpg" --force
    "$b/smpsim" render "$photos/$name" "$mask" --px-per-mm "$ppm" -o "$b/gallery-$stem.png" --force
    "$b/tools/strip" "$out/$stem-100.jpg" "$b/gallery-$stem.png@c$ref,$side,$side" \
        "$photos/$name@c$core,$side,$side" "$b/gallery-$stem.png@c$core,$side,$side"
done <<LIST
crown-shaved-4000x3000.jpg crown-shaved-4000x3000.mask.png 17 2250,290 2000,1700 240
hairline-1302x892.png hairline-1302x892.mask.png 6.3 560,330 330,500 200
topdown-1.jpg $PWD/tests/data/photos/topdown-1.mask.png 3.6 600,180 312,206 160
topdown-11.jpg $PWD/tests/data/photos/topdown-11.mask.png 3.6 55,183 302,165 160
topdown-16.jpg $PWD/tests/data/photos/topdown-16.mask.png 3.6 73,274 320,256 160
LIST
