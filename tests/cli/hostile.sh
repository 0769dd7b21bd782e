#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Hostile and odd inputs (exit code, a message naming the file, nothing left
# behind, bounded time and memory) and faults (unwritable folder, file size
# limit, full disk).
# Usage: tests/cli/hostile.sh BUILD_DIR (from the top of the tree)
. "$(dirname "$0")/lib.sh"

# --- hostile and odd inputs: exit code, a message naming the file, nothing
# left behind, bounded time (60 s) and memory (3 GB of address space)
H="$tmp/hostile"
mkdir -p "$H/out"
bounded() { # like expect, inside limits
    want=$1 what=$2
    shift 3
    (
        [ -z "${SMPSIM_SANITIZED:-}" ] && ulimit -v 3000000
        exec timeout 60 "$@"
    ) >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, wanted $want ($(head -c 300 "$tmp/err"))"; fi
}
white() { "$img" paint "$2" $("$img" info "$1" | cut -d' ' -f1-2) 0 0 100000 100000; }
C=fuzz/corpus/image
head -c 100 "$C/rgb8.png" >"$H/trunc.png"
cp "$C/rgb8.png" "$H/badcrc.png" && printf '\377' | dd of="$H/badcrc.png" bs=1 seek=20 conv=notrunc 2>/dev/null
cp "$sample" "$H/huffman.jpg" && dd if=/dev/zero of="$H/huffman.jpg" bs=1 seek=40000 count=3000 conv=notrunc 2>/dev/null
"$img" huge-png "$H/huge.png"
"$img" exif-jpeg 40 30 6 "$H/exif-bogus.jpg" 60000 0
"$img" exif-jpeg 40 30 9 "$H/exif9.jpg"
"$img" exif-jpeg 40 30 1 "$H/icc-lies.jpg" 8 1000000
"$img" paint "$H/black.png" 960 720 0 0 0 0
for f in trunc.png badcrc.png huge.png; do
    bounded 2 "hostile $f" -- "$smp" render "$H/$f" "$smask" -o "$H/out/$f.png"
    says "smpsim: $H/$f:" "hostile $f names the file"
done
says "over the limit" "huge header refused"
bounded 2 "bad CRC" -- "$smp" render "$H/badcrc.png" "$smask" -o "$H/out/x.png"
says "corrupt PNG" "bad CRC"
# Corrupt entropy-coded data: decoded as far as possible, or refused; never a crash.
bounded 0 "corrupt Huffman data" -- sh -c "'$smp' render '$H/huffman.jpg' '$smask' -o '$H/out/huffman.png'; [ \$? -lt 3 ]"
for f in grey.jpg cmyk-adobe.jpg grey16.png palette-trns.png grey1.png interlaced.png exif8-be.jpg; do
    white "$C/$f" "$H/$f.mask.png"
    bounded 0 "odd but valid $f" -- "$smp" render "$C/$f" "$H/$f.mask.png" -o "$H/out/$f.png"
done
for f in exif-bogus.jpg exif9.jpg icc-lies.jpg; do
    white "$H/$f" "$H/$f.mask.png"
    bounded 0 "bad metadata $f" -- "$smp" render "$H/$f" "$H/$f.mask.png" -o "$H/out/$f.png"
    if [ "$("$img" info "$H/out/$f.png" | cut -d' ' -f1-2)" = "40 30" ]; then ok; else bad "$f: bogus EXIF rotated the image"; fi
done
"$img" paint "$H/one.png" 1 1 0 0 1 1
bounded 0 "1x1 photo" -- "$smp" render "$H/one.png" "$H/one.png" -o "$H/out/one.png"
bounded 0 "all-black mask" -- "$smp" render "$sample" "$H/black.png" -o "$H/out/black.png"
says "selects nothing to treat" "all-black mask note"
if "$img" same "$sample" "$H/out/black.png"; then ok; else bad "an all-black mask changed the photo"; fi
# A head with no bald or thin scalp to find (flat skin): the suggestion is
# empty, the user is told so, and the photo stays as it was.
white "$sample" "$H/flat.png"
"$img" paint-over "$sample" "$H/flat.png" "$H/skin.png" 200 150 120
bounded 0 "empty suggested mask" -- "$smp" render "$H/skin.png" auto -o "$H/out/skin.png"
says "the suggested mask is empty" "empty suggested mask note"
if "$img" same "$H/skin.png" "$H/out/skin.png"; then ok; else bad "an empty suggested mask changed the photo"; fi
# A scale that makes the mask narrower than the edge's ramp (the sample at
# 100 px/mm is 9.6 mm wide): no dots and a note saying why, not an error.
bounded 0 "mask inside the edge's ramp" -- "$smp" render "$sample" "$smask" --px-per-mm 100 -o "$H/out/ramp.png"
says "lies within the edge's 4 mm ramp" "mask inside the edge's ramp note"
if "$img" same "$sample" "$H/out/ramp.png"; then ok; else bad "a mask inside the edge's ramp changed the photo"; fi
white "$sample" "$H/white.png"
bounded 0 "all-white mask" -- "$smp" render "$sample" "$H/white.png" -o "$H/out/white.png"
absent "$H/out/trunc.png.png" "hostile input"
absent "$H/out/huge.png.png" "hostile input"
no_temps "$H/out" "hostile inputs"

# An unreadable file: as root, checked as the user nobody (root reads anything).
cp "$sample" "$H/unreadable.jpg" && chmod 000 "$H/unreadable.jpg"
if [ "$(id -u)" != 0 ]; then
    bounded 2 "unreadable photo" -- "$smp" render "$H/unreadable.jpg" "$smask" -o "$H/out/u.png"
    says "unreadable.jpg: cannot open: Permission denied" "unreadable photo"
elif command -v su >/dev/null 2>&1 && su nobody -s /bin/sh -c "test -x '$PWD/$smp'" 2>/dev/null; then
    chmod 755 "$tmp" "$H" && chmod 777 "$H/out"
    bounded 2 "unreadable photo" -- su nobody -s /bin/sh -c "'$PWD/$smp' render '$H/unreadable.jpg' '$PWD/$smask' -o '$H/out/u.png'"
    says "unreadable.jpg: cannot open: Permission denied" "unreadable photo"
else
    echo "cli: cannot run as another user here; skipping the unreadable-file check"
fi
absent "$H/out/u.png" "unreadable photo"

# --- faults: unwritable folder, file size limit, full disk
# The first two on a 320x240 scalp (its after.png is 120 KB, over the 20 KB
# limit), not the sample: they are of the output, not of the render.
"$gen" --width 320 --height 240 --px-per-mm 8 --seed 4 -o "$H/small.jpg" --mask "$H/small.mask.png" --force
bounded 3 "unwritable folder" -- "$smp" render "$H/small.jpg" "$H/small.mask.png" --px-per-mm 8 -o /proc/smpsim-out.png
says "smpsim: /proc/smpsim-out.png: cannot create" "unwritable folder"
bounded 3 "file size limit" -- sh -c "ulimit -f 20; exec '$smp' render '$H/small.jpg' '$H/small.mask.png' --px-per-mm 8 -o '$H/out/efbig.png'"
says "File too large" "file size limit"
absent "$H/out/efbig.png" "file size limit"
no_temps "$H/out" "file size limit"
mkdir -p "$H/full"
if mount -t tmpfs -o size=128k tmpfs "$H/full" 2>/dev/null; then
    cp "$smask" "$H/full/keep.png"
    before=$(cksum <"$H/full/keep.png")
    bounded 3 "disk full" -- "$smp" render "$sample" "$smask" -o "$H/full/after.png"
    says "No space left" "disk full"
    absent "$H/full/after.png" "disk full"
    if [ -z "$(ls -A "$H/full" | grep '^\.')" ]; then ok; else bad "disk full left a temporary"; fi
    if [ "$(cksum <"$H/full/keep.png")" = "$before" ]; then ok; else bad "disk full damaged an existing file"; fi
    umount "$H/full"
else
    echo "cli: cannot mount a small tmpfs here; skipping the full-disk check"
fi

finish
