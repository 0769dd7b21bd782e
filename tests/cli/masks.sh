#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Masks and scale from the photo (issue 14): mask, --measure, --hairline,
# templates, auto, inverted, photo-as-mask and painted masks.
# Usage: tests/cli/masks.sh BUILD_DIR (from the top of the tree)
. "$(dirname "$0")/lib.sh"

# --- masks and scale from the photo (issue 14)
expect 0 "mask --help" -- "$smp" mask --help
# Only what mask takes: it has no MASK, and refuses --mask-paint (both were listed).
check 'grep -q -- "--hairline-file" "$tmp/out" && grep -q -- "--measure" "$tmp/out"' "mask --help lacks the hairline or --measure"
check '! grep -q -- "--mask-paint\|MASK auto" "$tmp/out"' "mask --help offers what mask refuses: $(grep -- "--mask-paint\|MASK auto" "$tmp/out")"
expect 1 "mask --mask-paint" -- "$smp" mask "$sample" --mask-paint '#ff0000' -o "$o/paint.png"
says "goes with render and preview" "mask --mask-paint"
expect 1 "mask without output" -- "$smp" mask "$sample"
expect 1 "bad --measure" -- "$smp" render "$sample" "$smask" --measure "1,2=5" -o "$o/x.png"
says "is not \"x1,y1 x2,y2=MM\"" "bad --measure"
expect 1 "bad --hairline" -- "$smp" render "$sample" "$smask" --hairline "1,2" -o "$o/x.png"
expect 1 "template without temples" -- "$smp" render "$sample" "$smask" --hairline-template rounded -o "$o/x.png"
# Points typed in photo pixels must lie on the photo (960x720), as --loupe's
# must: they were taken, a measure across 2000 px or a hairline far off it.
expect 1 "--measure off the photo" -- "$smp" render "$sample" "$smask" --measure "100,100 2000,100=100" -o "$o/off.png"
says "smpsim: --measure: the point 2000,100 lies outside the photo, which is 960x720 pixels" "--measure off the photo"
expect 1 "--hairline off the photo" -- "$smp" mask "$sample" --hairline "-500,100 5000,200 9000,-300" -o "$o/off.png"
says "smpsim: --hairline: the point -500,100 lies outside the photo, which is 960x720 pixels" "--hairline off the photo"
expect 1 "--hairline's temple points off the photo" -- "$smp" render "$sample" auto --hairline "150,520 960,520" \
    --hairline-template mature -o "$o/off.png"
says "the point 960,520 lies outside" "--hairline's temple points off the photo"
printf '[[100,500],[480,450],[860,720]]' >"$tmp/off.json"
expect 2 "--hairline-file off the photo" -- "$smp" render "$sample" auto --hairline-file "$tmp/off.json" -o "$o/off.png"
says "off.json: --hairline-file: the point 860,720 lies outside the photo, which is 960x720" "--hairline-file off the photo"
absent "$o/off.png" "points off the photo"
# --hairline-file: JSON as such ([[200,330],[450,300] read as 2 points: "takes
# 3 to 9 points, not 2"), its points on the photo at its last pixel too.
for bad in '[[200,330],[450,300]' '[[200,330],[450,300],[700,330]' '[[1,2],[3,4],[5,6]] x' '[[0x10,2],[3,4],[5,6]]' \
    '[[1,2,3],[3,4],[5,6]]' '[1,2,3,4,5,6]' '{"points": [[1,2],[3,4],[5,6]]}'; do
    printf '%s' "$bad" >"$tmp/bad.json"
    expect 2 "--hairline-file $bad" -- "$smp" render "$sample" auto --hairline-file "$tmp/bad.json" -o "$o/off.png"
    says "bad.json: --hairline-file: malformed JSON" "--hairline-file $bad"
done
printf '[[200,330],[450,300]]' >"$tmp/two.json"
expect 2 "--hairline-file of 2 points" -- "$smp" render "$sample" auto --hairline-file "$tmp/two.json" -o "$o/off.png"
says "two.json: a hairline takes 3 to 9 points, not 2" "--hairline-file of 2 points"
# A file of 4 KiB is read whole (one of 4095 or 4096 bytes was "larger than
# 4 KiB"; fuzz_points found it): its last point, off the photo, is named.
{ printf '[[100,500],[480,450],[2000,700]]'; head -c $((4096 - 32)) /dev/zero | tr '\0' ' '; } >"$tmp/4k.json"
expect 2 "--hairline-file of 4 KiB" -- "$smp" render "$sample" auto --hairline-file "$tmp/4k.json" -o "$o/off.png"
says "4k.json: --hairline-file: the point 2000,700 lies outside" "--hairline-file of 4 KiB read whole"
printf ' ' >>"$tmp/4k.json"
expect 2 "--hairline-file past 4 KiB" -- "$smp" render "$sample" auto --hairline-file "$tmp/4k.json" -o "$o/off.png"
says "4k.json: --hairline-file: larger than 4 KiB" "--hairline-file past 4 KiB"
printf ' [ [100, 500.5], [480,4.5e2],\n  [959 ,719] ]\n' >"$tmp/hl.json"
expect 0 "--hairline-file" -- "$smp" mask "$sample" --hairline-file "$tmp/hl.json" -o "$o/hl-file.png"
expect 0 "the same points typed" -- "$smp" mask "$sample" --hairline "100,500.5 480,450 959,719" -o "$o/hl-typed.png"
check '"$img" same "$o/hl-file.png" "$o/hl-typed.png"' "--hairline-file and --hairline give one mask"
expect 0 "--measure sets the scale" -- "$smp" render "$sample" "$smask" --measure "0,0 80,0=10" -v -o "$o/measure.png"
says "8.00 px/mm" "--measure sets the scale"
# --measure with either kind of --px-per-mm is refused alike (with a number,
# the measure silently won: 8.00 px/mm for --px-per-mm 5).
for ppm in 5 auto; do
    expect 1 "--measure with --px-per-mm $ppm" -- "$smp" render "$sample" "$smask" --px-per-mm $ppm \
        --measure "0,0 80,0=10" -o "$o/both.png"
    says "smpsim: --measure and --px-per-mm both set the scale: give one" "--measure with --px-per-mm $ppm"
done
absent "$o/both.png" "--measure with --px-per-mm"
# The last --px-per-mm wins (auto before a number won over it).
expect 0 "--px-per-mm auto then 5" -- "$smp" render "$sample" "$smask" --px-per-mm auto --px-per-mm 5 -v -o "$o/ppm5.png"
says "5.00 px/mm" "--px-per-mm auto then 5"
# The bundled sample's suggestion (the studio shows it when the sample
# opens): the bald ellipse inside the stubble, as painted in its mask. It
# was two blobs at the bottom corners (IoU 0.00) while the stubble, too fine
# for the cells, read as bare skin; read by its texture it is 0.92, and the
# same scene at seeds 1-8, 30-340 hairs per cm² and 3-15 px/mm gives
# 0.83-0.95 (suggest.c's stubble()): 0.85 leaves room for a change elsewhere
# yet fails a suggestion that spills over the stubble (the sample's share
# of the suggestion over its painted mask is 0.05 now).
expect 0 "mask of the sample" -- "$smp" mask "$sample" -o "$o/sample.mask.png"
# -o - writes the same mask as PNG to standard output (it was refused as an
# unknown output type), and nothing there when the run fails.
"$smp" mask "$sample" -o - >"$o/stdout.mask" 2>"$tmp/err"
check '[ $? -eq 0 ] && cmp -s "$o/stdout.mask" "$o/sample.mask.png"' "mask -o -: the mask's PNG on stdout ($(head -c 200 "$tmp/err"))"
expect 2 "mask -o - of a missing photo" -- "$smp" mask "$tmp/none.jpg" -o -
check '[ ! -s "$tmp/out" ]' "mask -o - that fails writes nothing to stdout"
iou=$("$img" iou "$o/sample.mask.png" "$smask")
check 'echo "$iou" | awk "{ exit !(\$1 >= 0.85 && \$2 <= 0.15) }"' "the sample's suggestion: IoU and share over its mask $iou"
# --verbose reports the areas of the mask written: with a hairline, of the
# mask after it (it gave the suggestion's before the cut: 87 cm² either way).
# The reported weighted area at the reported scale against the written
# mask's weight (grey / 255), within the rounding of both numbers.
weighted_matches() { # NAME MASK: stderr's "(N cm² weighted ... at P px/mm" against MASK
    cm2=$(sed -n 's/.*(\([0-9]*\) cm² weighted by its grey) at \([0-9.]*\) px\/mm.*/\1 \2/p' "$tmp/err")
    w=$("$img" weight "$2")
    check 'echo "$cm2 $w" | awk "{ px = \$1 * 100 * \$2 * \$2; exit !(NF == 3 && px > 0.9 * \$3 && px < 1.1 * \$3) }"' \
        "$1: reported weighted area ($cm2: cm², px/mm) is not the written mask's $w px"
}
expect 0 "mask -v" -- "$smp" mask "$sample" -v -o "$o/v0.png"
says "suggested mask: .* cm² bald" "mask -v"
weighted_matches "mask -v" "$o/v0.png"
expect 0 "mask --hairline -v" -- "$smp" mask "$sample" --hairline "100,500 480,450 860,500" -v -o "$o/v1.png"
says "suggested mask with the hairline: " "mask --hairline -v"
weighted_matches "mask --hairline -v" "$o/v1.png"
check '! "$img" same "$o/v0.png" "$o/v1.png"' "the hairline changes the mask"
expect 0 "render auto --hairline -v" -- "$smp" render "$sample" auto --hairline "100,500 480,450 860,500" -v \
    -o "$o/v1r.png"
weighted_matches "render auto --hairline -v" "$o/v1.png"
if [ -d "$photos" ]; then
    for f in crown-shaved-4000x3000.jpg hairline-1302x892.png topdown-1.jpg topdown-11.jpg topdown-16.jpg; do
        expect 0 "mask $f" -- "$smp" mask "$photos/$f" --px-per-mm auto -v -o "$o/$f.mask.png"
        says "estimated from the head" "mask $f: scale"
        says "cm² bald" "mask $f: areas"
        says "forehead: " "mask $f: the temple-line cut"
        case $f in
        hairline*) says "forehead: the face is toward the frame's bottom; temple points" "mask $f: the forehead cut"
            check '! grep -q "turning back" "$tmp/err"' "mask $f: corners on a cut at the temple line" ;;
        topdown-16*) says "left out over the middle, turning back to y = 2[0-9][0-9] px at the temple points" \
            "mask $f: the cut past the frontal tufts keeps its corners at the temples" ;;
        crown*) says "forehead: none cut" "mask $f: no forehead" ;;
        esac
    done
    expect 0 "render auto" -- "$smp" render "$photos/topdown-16.jpg" auto -o "$o/td16.jpg"
    "$img" negate "$photos/hairline-1302x892.mask.png" "$o/inverted.png" 2>/dev/null || convert "$photos/hairline-1302x892.mask.png" -negate "$o/inverted.png" 2>/dev/null
    if [ -f "$o/inverted.png" ]; then
        expect 0 "inverted mask" -- "$smp" render "$photos/hairline-1302x892.png" "$o/inverted.png" -o "$o/inv.jpg"
        says "warning: .* % of the mask is off the scalp" "inverted mask"
    fi
    expect 2 "photo as mask" -- "$smp" render "$photos/topdown-16.jpg" "$photos/topdown-1.jpg" -o "$o/pm.jpg"
    says "looks like a photo" "photo as mask"
    # The area painted red over a smooth photo (under 1000 colours: it passed as a grey mask
    # once, 58 % of it off the scalp): refused, and read by its colour with --mask-paint,
    # to the same render as the mask it was painted from.
    "$img" paint-over "$photos/hairline-1302x892.png" "$photos/hairline-1302x892.mask.png" "$o/red.png" 255 0 0
    expect 2 "red-painted photo as mask" -- "$smp" render "$photos/hairline-1302x892.png" "$o/red.png" -o "$o/red.png.jpg"
    says "looks like a photo" "red-painted photo as mask"
    expect 0 "--mask-paint" -- "$smp" render "$photos/hairline-1302x892.png" "$o/red.png" --mask-paint '#ff0000' \
        -o "$o/red-read.png"
    expect 0 "the mask it was painted from" -- "$smp" render "$photos/hairline-1302x892.png" \
        "$photos/hairline-1302x892.mask.png" -o "$o/red-orig.png"
    if "$img" same "$o/red-read.png" "$o/red-orig.png"; then ok; else bad "--mask-paint: not the painted mask's render"; fi
    expect 0 "hairline template" -- "$smp" render "$photos/hairline-1302x892.png" auto --hairline "150,520 1150,520" \
        --hairline-template mature -o "$o/tmpl.jpg"
fi

finish
