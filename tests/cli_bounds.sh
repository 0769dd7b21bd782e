#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Bounded work and meaningful numbers (issue 16): the expected dot count and
# the assumed scale checked before the work, the preview fitted to its size
# limit, Ctrl-C during decoding, a JPEG scan limit, the loupe inside the
# photo, analyses and scales that mean something. Every input is made here
# (tools/bomb_jpeg.py writes the JPEGs by hand). Timeouts only guard hangs.
# Usage: tests/cli_bounds.sh BUILD_DIR   (SMPSIM_BIN overrides the program)
set -u
build=${1:-build}
smp=${SMPSIM_BIN:-$build/smpsim}
gen="$build/tools/gen_scalp"
img="$build/tests/imgtool"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smpsim-bounds-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM # the EXIT trap cleans up
. "$(dirname "$0")/harness.sh"

"$gen" --width 240 --height 180 --px-per-mm 8 --seed 1 -o "$tmp/p.jpg" --mask "$tmp/p.mask.png" --force 2>/dev/null
"$img" paint "$tmp/sq.mask.png" 100 100 0 0 100 100

# --- the expected number of dots, before the work
"$img" paint "$tmp/wide.png" 20000 10 0 0 0 0
"$img" paint "$tmp/wide.mask.png" 20000 10 0 0 20000 10
expect 2 "20000x10 white mask" -- timeout -k 5 120 "$smp" render "$tmp/wide.png" "$tmp/wide.mask.png" -o "$tmp/w.png"
says "the cap is 1000000 dots" "20000x10 white mask"
python3 tools/bomb_jpeg.py "$tmp/b49.jpg" 7000 7000 2
expect 2 "49 MP at 0.5 px/mm" -- timeout -k 5 120 "$smp" render "$tmp/b49.jpg" "$tmp/sq.mask.png" --px-per-mm 0.5 \
    -o "$tmp/b49a.png"
says "the cap is 1000000 dots" "49 MP at 0.5 px/mm"
expect 2 "--density 400 at 0.5 px/mm on 49 MP" -- timeout -k 5 120 "$smp" render "$tmp/b49.jpg" "$tmp/sq.mask.png" \
    --px-per-mm 0.5 --density 400 -o "$tmp/b49.png"
says "the cap is 1000000 dots" "--density 400 at 0.5 px/mm"
check '[ ! -e "$tmp/b49.png" ] && [ ! -e "$tmp/b49a.png" ] && [ ! -e "$tmp/w.png" ]' "a refused run left an image"
expect 2 "points over 100 x 100 m" -- timeout -k 5 60 "$smp" points --width-mm 100000 --height-mm 100000 -o "$tmp/big.csv"
says "the cap is 1000000 dots" "points over 100 x 100 m"
# 2 m² at 100/cm² is 2 million dots: refused before the work, not made (the
# density is given: the default was once 'auto', refused without a photo).
expect 2 "points, 2 million dots" -- timeout -k 5 60 "$smp" points --width-mm 2000 --height-mm 1000 --density 100 \
    -o "$tmp/big2.csv"
says "(100 dots/cm² over 2e+04 cm²); the cap is 1000000 dots" "points, 2 million dots"
check '[ ! -e "$tmp/big.csv" ] && [ ! -e "$tmp/big2.csv" ]' "points over the cap wrote dots"
expect 0 "points under the cap" -- "$smp" points --width-mm 300 --height-mm 300 --density 100 -o "$tmp/ok.csv"

# --- the assumed scale stays in the range --px-per-mm accepts (0.5..1000)
"$img" paint "$tmp/wide-box.mask.png" 20000 10 0 0 10 10
expect 0 "20000x10 with a small mask" -- timeout -k 5 120 "$smp" render "$tmp/wide.png" "$tmp/wide-box.mask.png" \
    -o "$tmp/wb.png" -v
says "0.50 px/mm (assumed" "assumed scale clamped"

# --- the preview fits its output limit (twice --max-pixels) instead of failing after the run
"$img" paint "$tmp/two.png" 2000 1000 0 0 0 0
"$img" paint "$tmp/two.mask.png" 2000 1000 800 300 1200 700
expect 0 "preview over twice --max-pixels" -- timeout -k 5 120 "$smp" preview "$tmp/two.png" "$tmp/two.mask.png" \
    --max-pixels 2000000 --layout stack -o "$tmp/two.preview.png"
check '[ "$("$img" info "$tmp/two.preview.png" 2>/dev/null | awk "{print \$1 * \$2 <= 4000000}")" = 1 ]' \
    "preview larger than twice --max-pixels: $("$img" info "$tmp/two.preview.png" 2>&1)"

# --- decoding: a scan limit, and Ctrl-C in the middle of a long decode
python3 tools/bomb_jpeg.py "$tmp/scans.jpg" 512 512 10000
expect 2 "10000 empty scans" -- timeout -k 5 120 "$smp" render "$tmp/scans.jpg" "$tmp/sq.mask.png" -o "$tmp/sc.png"
says "more than 100 scans" "10000 empty scans"
python3 tools/bomb_jpeg.py "$tmp/slow.jpg" 8000 8000 64 # 64 megapixels, 64 scans: seconds of decoding
"$smp" render "$tmp/slow.jpg" "$tmp/sq.mask.png" -o "$tmp/slow.png" 2>"$tmp/err" &
pid=$!
sleep 0.5
kill -INT "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 20 ]; do
    sleep 0.1
    i=$((i + 1))
done
if kill -0 "$pid" 2>/dev/null; then
    bad "SIGINT during decoding: still running 2 s later"
    kill -KILL "$pid"
else
    ok
fi
wait "$pid"
rc=$?
check '[ "$rc" -eq 130 ]' "SIGINT during decoding: exit $rc, wanted 130"
check '[ ! -e "$tmp/slow.png" ]' "SIGINT during decoding left an output"

# --- the loupe inside the photo
expect 1 "--loupe outside the photo" -- "$smp" preview "$tmp/p.jpg" "$tmp/p.mask.png" --loupe 999999,999999 \
    -o "$tmp/l.jpg"
says "240x180" "--loupe outside the photo names its size"
check '[ ! -e "$tmp/l.jpg" ]' "--loupe outside the photo wrote a preview"
expect 0 "--loupe at the last pixel" -- "$smp" preview "$tmp/p.jpg" "$tmp/p.mask.png" --loupe 239,179 -o "$tmp/l2.jpg"

# --- numbers that mean something
printf 'x_mm,y_mm\n1,1\n1,1\n' >"$tmp/same.csv"
expect 2 "analyze of identical points" -- "$smp" analyze "$tmp/same.csv"
check '! grep -q "e+\|00000000" "$tmp/out"' "analyze of identical points printed a density"
printf 'x_mm,y_mm\n1,1\n1,1\n1,1\n' >"$tmp/same3.csv"
expect 2 "analyze of identical points in a given area" -- "$smp" analyze "$tmp/same3.csv" --width-mm 5 --height-mm 5
"$img" paint "$tmp/map.png" 40 40 0 0 40 40
for v in 1e308 0.01 1e-300 2000; do
    expect 1 "points --px-per-mm $v" -- timeout -k 5 60 "$smp" points --density-map "$tmp/map.png" --px-per-mm "$v" \
        --density 100 -o "$tmp/pp.csv"
    says "0.5" "points --px-per-mm $v names the range"
    expect 1 "points --px-per-mm $v without a map" -- "$smp" points --width-mm 10 --height-mm 10 --px-per-mm "$v" \
        --density 100 -o "$tmp/pq.csv"
    for cmd in render preview sweep; do
        expect 1 "$cmd --px-per-mm $v" -- "$smp" $cmd "$tmp/p.jpg" "$tmp/p.mask.png" --px-per-mm "$v" -o "$tmp/pr.png"
    done
done
check '[ ! -e "$tmp/pp.csv" ] && [ ! -e "$tmp/pq.csv" ]' "a refused scale wrote dots"

echo "cli_bounds: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
