#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Seeds for the image target in the phone formats, made from the PNG/JPEG
# seeds mkcorpus writes, by Debian's cwebp (webp) and heif-enc
# (libheif-examples). Run by `make corpus` after mkcorpus. Usage: fuzz/phone_seeds.sh CORPUS_DIR
set -eu
d=$1/image
command -v cwebp >/dev/null && command -v heif-enc >/dev/null ||
    { echo "phone_seeds: cwebp (webp) and heif-enc (libheif-examples) are needed" >&2; exit 1; }
cwebp -quiet -q 70 "$d/rgb8.png" -o "$d/lossy.webp"
cwebp -quiet -lossless "$d/rgba8.png" -o "$d/lossless-alpha.webp"
cwebp -quiet -q 70 -metadata all "$d/exif6-icc.jpg" -o "$d/exif6-icc.webp"
heif-enc -q 60 "$d/exif6-icc.jpg" -o "$d/exif6-icc.heic" >/dev/null
heif-enc -q 60 "$d/rgba8.png" -o "$d/alpha.heic" >/dev/null
heif-enc -L -p chroma=444 --matrix_coefficients=0 "$d/rgb8.png" -o "$d/lossless.heic" >/dev/null
