#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# CLI tests: exit codes, messages naming the file, no output left behind on
# failure, no clobbering, byte-identical output across thread counts, and
# the real photos in ../shared/photos when they are there.
# Usage: tests/cli.sh BUILD_DIR
set -u
build=${1:-build}
smp="$build/smpsim"
img="$build/tests/imgtool"
gen="$build/tools/gen_scalp"
photos=${SMPSIM_PHOTOS:-../shared/photos}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smpsim-cli-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

. "$(dirname "$0")/harness.sh"
absent() { if [ ! -e "$1" ]; then ok; else bad "$2: $1 was left behind"; fi; }
no_temps() {
    if ls -A "$1" | grep -q '^\.'; then bad "$2: temporary files left in $1: $(ls -A "$1" | tr '\n' ' ')"; else ok; fi
}

sample=samples/scalp.jpg
smask=samples/scalp.mask.png
o="$tmp/o"
mkdir -p "$o"

# --- usage
expect 1 "no arguments" -- "$smp"
expect 1 "unknown command" -- "$smp" frobnicate
says "unknown command 'frobnicate'" "unknown command"
expect 0 "render --help" -- "$smp" render --help
if grep -q -- "--density N" "$tmp/out" && grep -q "dots per cm" "$tmp/out"; then ok; else bad "render --help lacks options"; fi
expect 0 "preview --help" -- "$smp" preview --help
expect 0 "version" -- "$smp" version
expect 1 "missing output" -- "$smp" render "$sample" "$smask"
expect 1 "not a number" -- "$smp" render "$sample" "$smask" --density abc -o "$o/x.png"
says "density: 'abc' is not a number" "not a number"
expect 1 "out of range" -- "$smp" render "$sample" "$smask" --density 5000 -o "$o/x.png"
says "outside 1..400" "out of range"
expect 1 "bad colour" -- "$smp" render "$sample" "$smask" --pigment 12345 -o "$o/x.png"
expect 1 "unknown extension" -- "$smp" render "$sample" "$smask" -o "$o/x.tiff"
says "x.tiff: unknown output type" "unknown extension"
absent "$o/x.png" "usage errors"

# --- bad input: exit 2, message names the file, nothing written
expect 2 "missing photo" -- "$smp" render "$tmp/nope.jpg" "$smask" -o "$o/x.png"
says "smpsim: $tmp/nope.jpg: cannot open" "missing photo"
: >"$tmp/empty.jpg"
expect 2 "empty photo" -- "$smp" render "$tmp/empty.jpg" "$smask" -o "$o/x.png"
says "smpsim: $tmp/empty.jpg: file is empty" "empty photo"
head -c 5000 "$sample" >"$tmp/trunc.jpg"
expect 2 "truncated photo" -- "$smp" render "$tmp/trunc.jpg" "$smask" -o "$o/x.png"
says "$tmp/trunc.jpg: corrupt JPEG" "truncated photo"
expect 2 "directory as photo" -- "$smp" render "$tmp" "$smask" -o "$o/x.png"
says "is a directory" "directory as photo"
printf 'GIF89a\001\000\001\000' >"$tmp/pic.png"
expect 2 "GIF named .png" -- "$smp" render "$tmp/pic.png" "$smask" -o "$o/x.png"
says "is a GIF image" "GIF named .png"
"$gen" --width 100 --height 100 --px-per-mm 8 -o "$tmp/sq.jpg" --mask "$tmp/sq.mask.png" --force
expect 2 "mask of another shape" -- "$smp" render "$sample" "$tmp/sq.mask.png" -o "$o/x.png"
says "smpsim: $tmp/sq.mask.png: 100x100 does not match photo 960x720" "mask of another shape"
expect 2 "pixel limit" -- "$smp" render "$sample" "$smask" --max-pixels 100000 -o "$o/x.png"
says "over the limit" "pixel limit"
"$img" exif-jpeg 160 120 6 "$tmp/rot.jpg"
"$gen" --width 160 --height 120 --px-per-mm 8 -o "$tmp/rot-ignored.jpg" --mask "$tmp/rot.mask.png" --force
expect 2 "mask drawn before EXIF rotation" -- "$smp" render "$tmp/rot.jpg" "$tmp/rot.mask.png" -o "$o/x.png"
says "before its EXIF rotation" "EXIF hint"
absent "$o/x.png" "bad input"
no_temps "$o" "bad input"

# --- output errors: exit 3, inputs and existing outputs intact
printf 'keep' >"$o/exists.png"
expect 3 "existing output" -- "$smp" render "$sample" "$smask" -o "$o/exists.png"
says "exists; use --force" "existing output"
if [ "$(cat "$o/exists.png")" = keep ]; then ok; else bad "existing output was changed"; fi
cp "$sample" "$tmp/in.jpg"
expect 3 "output is the photo" -- "$smp" render "$tmp/in.jpg" "$smask" -o "$tmp/in.jpg" --force
says "is an input" "output is the photo"
if cmp -s "$sample" "$tmp/in.jpg"; then ok; else bad "the input photo was overwritten"; fi
expect 3 "missing folder" -- "$smp" render "$sample" "$smask" -o "$tmp/no/such/dir/x.png"
says "$tmp/no/such/dir/x.png: cannot create" "missing folder"
if [ "$(id -u)" != 0 ]; then
    mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
    expect 3 "read-only folder" -- "$smp" render "$sample" "$smask" -o "$tmp/ro/x.png"
    chmod 755 "$tmp/ro"
fi
no_temps "$o" "output errors"

# --- success: quiet, right size, outside untouched, --force replaces
expect 0 "render" -- "$smp" render "$sample" "$smask" --px-per-mm 8 -o "$o/after.png"
if [ ! -s "$tmp/err" ]; then ok; else bad "render wrote to stderr: $(head -c 200 "$tmp/err")"; fi
if [ "$("$img" info "$o/after.png")" = "960 720 3 1" ]; then ok; else bad "after size: $("$img" info "$o/after.png")"; fi
# feather 4 mm at 8 px/mm reaches under 60 px; a dot adds under 3 px.
if "$img" outside-same "$sample" "$o/after.png" "$smask" 64; then ok; else bad "pixels changed outside the mask"; fi
if "$img" same "$sample" "$o/after.png"; then bad "render changed nothing"; else ok; fi
expect 0 "render --force" -- "$smp" render "$sample" "$smask" --px-per-mm 8 -o "$o/exists.png" --force
if [ "$("$img" info "$o/exists.png")" = "960 720 3 1" ]; then ok; else bad "--force did not replace"; fi
expect 0 "preview" -- "$smp" preview "$sample" "$smask" -o "$o/preview.jpg"
if [ "$("$img" info "$o/preview.jpg")" = "960 1491 3 1" ]; then ok; else bad "preview of a landscape photo is not stacked (two panels, a gap, the caption): $("$img" info "$o/preview.jpg")"; fi
expect 0 "verbose" -- "$smp" render "$sample" "$smask" -o "$o/v.jpg" -v
says "assumed: the shorter side spans 200 mm" "verbose scale"
"$gen" --width 480 --height 360 --px-per-mm 4 -o "$tmp/half.jpg" --mask "$tmp/half.mask.png" --force
expect 0 "half-size mask" -- "$smp" render "$sample" "$tmp/half.mask.png" -o "$o/half.png"
says "note: mask resampled from 480x360 to 960x720" "resample note"
cp "$sample" "$tmp/sp ace é.jpg"
expect 0 "spaces and non-ASCII names" -- "$smp" render "$tmp/sp ace é.jpg" "$smask" -o "$o/out é.jpg"
no_temps "$o" "success"

# --- preview layouts: sizes, the before panel is the photo, the split position
export SOURCE_DATE_EPOCH=1795000000 # a fixed caption date
"$smp" render "$sample" "$smask" --px-per-mm 8 -o "$o/ref-after.png" || bad "render for the layouts"
for spec in "auto 960 1491" "side 1924 755" "stack 960 1491" "split 960 755" "sessions 1924 1514"; do
    set -- $spec
    expect 0 "preview --layout $1" -- "$smp" preview "$sample" "$smask" --px-per-mm 8 --layout "$1" --loupe off \
        --split-at 0.25 -o "$o/layout-$1.png"
    if [ "$("$img" info "$o/layout-$1.png")" = "$2 $3 3 1" ]; then ok; else bad "layout $1: $("$img" info "$o/layout-$1.png"), not $2 x $3"; fi
    # below the label, the first panel is the photo byte for byte (the split: left of its divider)
    wb=960; [ "$1" = split ] && wb=238
    if "$img" region-same "$o/layout-$1.png" 0 100 "$sample" 0 100 $wb 620; then ok; else bad "layout $1: before panel is not the photo"; fi
done
if "$img" region-same "$o/layout-side.png" 964 100 "$o/ref-after.png" 0 100 960 620; then ok; else bad "side: after panel is not the render"; fi
if "$img" region-same "$o/layout-stack.png" 0 824 "$o/ref-after.png" 0 100 960 620; then ok; else bad "stack: after panel is not the render"; fi
if "$img" region-same "$o/layout-split.png" 242 100 "$o/ref-after.png" 242 100 718 620; then ok; else bad "split: the after side is not the render"; fi
if "$img" region-same "$o/layout-split.png" 200 100 "$sample" 200 100 80 620; then bad "split: no after image right of 0.25"; else ok; fi
"$smp" render "$sample" "$smask" --px-per-mm 8 --sessions 3 -o "$o/ref-after3.png" || bad "render with 3 sessions"
if "$img" region-same "$o/layout-sessions.png" 964 1024 "$o/ref-after3.png" 0 300 960 420; then ok; else bad "sessions: the last panel is not the 3-session render"; fi
if "$img" region-same "$o/layout-sessions.png" 964 300 "$o/ref-after3.png" 0 300 960 420; then bad "sessions: session 1 shows all sessions"; else ok; fi
expect 0 "preview --max-size" -- "$smp" preview "$sample" "$smask" --px-per-mm 8 --max-size 800 -o "$o/small.jpg"
case "$("$img" info "$o/small.jpg")" in 51[0-9]" 80"[0]" 3 1"|51[0-9]" 79"[5-9]" 3 1") ok ;; *) bad "--max-size 800: $("$img" info "$o/small.jpg")" ;; esac
expect 0 "preview with a loupe at a point and a caption" -- "$smp" preview "$sample" "$smask" --px-per-mm 8 \
    --loupe 480,360 --loupe-zoom 6 --caption "José Müller" -o "$o/loupe.png"
if "$img" same "$o/loupe.png" "$o/layout-auto.png"; then bad "the loupe and caption changed nothing"; else ok; fi
expect 0 "preview page" -- "$smp" preview "$sample" "$smask" --px-per-mm 8 --sessions 3 -o "$o/page.html"
if [ "$(grep -o 'src="data:image/jpeg;base64,' "$o/page.html" | wc -l)" = 5 ]; then ok; else bad "page: not before + 3 sessions + close-up embedded"; fi
if grep -qiE '(src|href)="(https?:)?//|@import|url\(' "$o/page.html"; then bad "page: an external reference"; else ok; fi
OMP_NUM_THREADS=1 "$smp" preview "$sample" "$smask" --seed 3 -o "$o/page1.html" &&
    OMP_NUM_THREADS=3 "$smp" preview "$sample" "$smask" --seed 3 -o "$o/page3.html" &&
    cmp -s "$o/page1.html" "$o/page3.html" && ok || bad "page bytes depend on the thread count"
expect 1 "bad layout" -- "$smp" preview "$sample" "$smask" --layout grid -o "$o/x.png"
says "--layout: 'grid' is not auto, side, stack, split or sessions" "bad layout message"
expect 1 "split outside 0..1" -- "$smp" preview "$sample" "$smask" --split-at 1.5 -o "$o/x.png"
expect 1 "two-line caption" -- "$smp" preview "$sample" "$smask" --caption "$(printf 'a\nb')" -o "$o/x.png"
expect 1 "layout on render" -- "$smp" render "$sample" "$smask" --layout side -o "$o/x.png"
says "--layout is a preview option" "preview option on render"
expect 1 "html from render" -- "$smp" render "$sample" "$smask" -o "$o/x.html"
expect 1 "bad loupe" -- "$smp" preview "$sample" "$smask" --loupe 3 -o "$o/x.png"
unset SOURCE_DATE_EPOCH
no_temps "$o" "layouts"

# --- determinism: same bytes for 1, 2 and 3 threads
for t in 1 2 3; do
    OMP_NUM_THREADS=$t "$smp" render "$sample" "$smask" --seed 5 -o "$o/t$t.png" || bad "render with $t threads"
done
if cmp -s "$o/t1.png" "$o/t2.png" && cmp -s "$o/t1.png" "$o/t3.png"; then ok; else bad "thread count changed the output bytes"; fi
if [ -n "${SMPSIM_SERIAL_BIN:-}" ]; then # the OPENMP=0 build
    "$SMPSIM_SERIAL_BIN" render "$sample" "$smask" --seed 5 -o "$o/serial.png" || bad "serial render"
    if cmp -s "$o/t1.png" "$o/serial.png"; then ok; else bad "the serial build gave other bytes"; fi
fi
"$smp" render "$sample" "$smask" --seed 6 -o "$o/s6.png"
if cmp -s "$o/t1.png" "$o/s6.png"; then bad "another seed gave the same bytes"; else ok; fi

# --- SIGTERM at any moment: either no output or a whole one, never a temporary
"$gen" --width 2400 --height 1800 --px-per-mm 12 -o "$tmp/big.jpg" --mask "$tmp/big.mask.png" --force
mkdir -p "$o/sig"
for d in 0.02 0.1 0.2 0.3 0.4 0.6; do
    "$smp" render "$tmp/big.jpg" "$tmp/big.mask.png" -o "$o/sig/x.png" 2>/dev/null &
    pid=$!
    sleep "$d"
    kill -TERM "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    if [ "$rc" -eq 143 ] || [ "$rc" -eq 0 ]; then ok; else bad "SIGTERM after ${d}s: exit $rc"; fi
    no_temps "$o/sig" "SIGTERM after ${d}s"
    if [ -e "$o/sig/x.png" ] && ! "$img" info "$o/sig/x.png" >/dev/null; then bad "SIGTERM after ${d}s left a broken file"; else ok; fi
    rm -f "$o/sig/x.png"
done

# --- shade and look: auto, metrics, sessions, age, cast, edges, reference, scars
expect 0 "density auto with metrics" -- "$smp" render "$sample" "$smask" --px-per-mm 8 --density auto \
    --sessions 3 -o "$o/auto.png" --metrics "$o/auto.json"
for key in '"schema": "smpsim-metrics/1"' '"density_cm2": "auto"' '"per_session": \[' '"delta_e2000": {"before"' \
    '"reference": \[' '"sessions_percent": \[30.0, 70.0, 100.0\]' '"assumed": false'; do
    if grep -q "$key" "$o/auto.json"; then ok; else bad "metrics lack $key"; fi
done
expect 3 "metrics over an existing file" -- "$smp" render "$sample" "$smask" -o "$o/auto2.png" --metrics "$o/auto.json"
absent "$o/auto2.png" "metrics over an existing file"
expect 0 "session 1 of 3" -- "$smp" render "$sample" "$smask" --px-per-mm 8 --sessions 3 --session 1 -o "$o/s1.png"
if "$img" same "$o/s1.png" "$o/auto.png"; then bad "session 1 looks like the whole treatment"; else ok; fi
expect 0 "fresh, 3 years, blue cast, sharp and soft edges" -- sh -c "
    '$smp' render '$sample' '$smask' --age fresh -o '$o/fresh.png' &&
    '$smp' render '$sample' '$smask' --age 3y -o '$o/old.png' &&
    '$smp' render '$sample' '$smask' --cast blue -o '$o/blue.png' &&
    '$smp' render '$sample' '$smask' --edge sharp -o '$o/sharp.png' &&
    '$smp' render '$sample' '$smask' --edge soft -o '$o/soft.png'"
expect 1 "bad edge" -- "$smp" render "$sample" "$smask" --edge wobbly -o "$o/x.png"
expect 1 "bad age" -- "$smp" render "$sample" "$smask" --age old -o "$o/x.png"
expect 1 "bad dilution" -- "$smp" render "$sample" "$smask" --dilution 2 -o "$o/x.png"
expect 1 "bad sessions" -- "$smp" render "$sample" "$smask" --sessions 7 -o "$o/x.png"
expect 1 "auto for points" -- "$smp" points --width-mm 10 --height-mm 10 --density auto -o "$o/x.csv"
# A painted reference: the left third of the frame.
"$gen" --width 960 --height 720 --px-per-mm 8 -o "$tmp/ref-src.jpg" --mask "$tmp/ref-src.png" --force
"$img" paint "$tmp/ref.png" 960 720 0 0 320 720
expect 0 "painted reference" -- "$smp" render "$sample" "$smask" --reference "$tmp/ref.png" -o "$o/ref.png" \
    --metrics "$o/ref.json"
if grep -q '"reference": "painted"' "$o/ref.json"; then ok; else bad "metrics do not say the reference was painted"; fi
expect 2 "reference of another size" -- "$smp" render "$sample" "$smask" --reference "$tmp/sq.mask.png" -o "$o/x.png"
says "smpsim: $tmp/sq.mask.png: reference: 100x100 does not match photo 960x720" "reference of another size"
expect 0 "scar mask" -- "$smp" render "$sample" "$smask" --scar-mask "$tmp/ref.png" -o "$o/scar.png"
absent "$o/x.png" "shade errors"
for t in 1 2 3; do
    OMP_NUM_THREADS=$t "$smp" render "$sample" "$smask" --density auto --sessions 3 --age 2y -o "$o/a$t.png" 2>/dev/null
done
if cmp -s "$o/a1.png" "$o/a2.png" && cmp -s "$o/a1.png" "$o/a3.png"; then ok; else bad "auto + sessions differ across threads"; fi
if "$img" outside-same "$sample" "$o/a1.png" "$smask" 64; then ok; else bad "auto changed pixels outside the mask"; fi

# --- points: CSV/SVG, density, layers, density map, determinism
expect 0 "points" -- "$smp" points --width-mm 50 --height-mm 40 --density 100 --layers 30,70,100 \
    -o "$o/p.csv" --svg "$o/p.svg"
if [ "$(head -1 "$o/p.csv")" = "x_mm,y_mm,diameter_mm,layer,opacity" ]; then ok; else bad "points CSV header"; fi
n=$(($(wc -l <"$o/p.csv") - 1))
# 20 cm² at 100 dots/cm², border included: within 3 %
if [ "$n" -ge 1940 ] && [ "$n" -le 2060 ]; then ok; else bad "points: $n dots for 2000 asked"; fi
if [ "$(grep -c '<circle' "$o/p.svg")" -eq "$n" ]; then ok; else bad "SVG and CSV disagree"; fi
layers=$(cut -d, -f4 "$o/p.csv" | sed 1d | sort -u | tr '\n' ' ')
if [ "$layers" = "1 2 3 " ]; then ok; else bad "layers column: $layers"; fi
l1=$(cut -d, -f4 "$o/p.csv" | grep -c '^1$')
if [ "$l1" -ge 540 ] && [ "$l1" -le 660 ]; then ok; else bad "layer 1 holds $l1 dots, not about 30 %"; fi
awk -F, 'NR > 1 && ($1 < 0 || $1 >= 50 || $2 < 0 || $2 >= 40) { bad = 1 } END { exit bad }' "$o/p.csv" && ok || bad "points outside the area"
for t in 1 2 3 8; do
    OMP_NUM_THREADS=$t "$smp" points --width-mm 50 --height-mm 40 --density 100 --layers 30,70,100 -o "$o/p$t.csv"
    if cmp -s "$o/p.csv" "$o/p$t.csv"; then ok; else bad "points with $t threads differ"; fi
done
if [ -n "${SMPSIM_SERIAL_BIN:-}" ]; then
    "$SMPSIM_SERIAL_BIN" points --width-mm 50 --height-mm 40 --density 100 --layers 30,70,100 -o "$o/ps.csv"
    if cmp -s "$o/p.csv" "$o/ps.csv"; then ok; else bad "points from the serial build differ"; fi
fi
# A density map: left half black, right half white -> dots only on the right.
"$gen" --width 200 --height 100 --px-per-mm 4 -o "$tmp/map-src.jpg" --mask "$tmp/map.png" --force
expect 0 "points with a density map" -- "$smp" points --density-map "$tmp/map.png" --px-per-mm 4 -o "$o/m.csv"
n=$(($(wc -l <"$o/m.csv") - 1))
if [ "$n" -gt 100 ] && [ "$n" -lt 4500 ]; then ok; else bad "density map gave $n dots"; fi
"$img" paint "$tmp/halfmap.png" 400 400 200 0 400 400
expect 0 "points with a density range" -- "$smp" points --density-map "$tmp/halfmap.png" --px-per-mm 4 \
    --density-range 50:150 -o "$o/dm.csv"
if awk -F, 'NR > 1 { if ($1 < 48) l++; else if ($1 > 52) r++ }
    END { exit !(l / 48 > 47 && l / 48 < 53 && r / 48 > 142 && r / 48 < 158) }' "$o/dm.csv"; then ok
else bad "density range not honoured"; fi
expect 2 "density map of another size" -- "$smp" render "$sample" "$smask" --density-map "$tmp/halfmap.png" -o "$o/x.png"
says "halfmap.png: density map: 400x400 does not match" "density map of another size"
expect 1 "density range without a map" -- "$smp" render "$sample" "$smask" --density-range 10:20 -o "$o/x.png"
expect 1 "map without a scale" -- "$smp" points --density-map "$tmp/map.png" -o "$o/m2.csv"
expect 1 "points without an area" -- "$smp" points -o "$o/m3.csv"
expect 1 "bad layers" -- "$smp" points --width-mm 10 --height-mm 10 --layers 70,30 -o "$o/m4.csv"
says "rising" "bad layers"
expect 1 "points to a .png" -- "$smp" points --width-mm 10 --height-mm 10 -o "$o/m5.png"
expect 3 "points over an existing file" -- "$smp" points --width-mm 10 --height-mm 10 -o "$o/p.csv"
absent "$o/m2.csv" "points errors"
no_temps "$o" "points"

# --- analyze: our CSV, any whitespace file with --columns, JSON, refusals
expect 0 "analyze points" -- "$smp" analyze "$o/p.csv"
# The natural pattern: close pairs (min), about 0.6 of the hexagonal spacing apart otherwise.
if grep -q '^rho  *min 0\.[1-4][0-9]*, mean 0\.[5-7]' "$tmp/out"; then ok; else bad "analyze: rho of smpsim's points: $(grep rho "$tmp/out")"; fi
expect 0 "points maximal" -- "$smp" points --width-mm 60 --height-mm 60 --regularity 0.77 -o "$o/pmax.csv"
expect 0 "analyze maximal points" -- "$smp" analyze "$o/pmax.csv"
if grep -q '^rho  *min 0\.7[5-9]' "$tmp/out"; then ok; else bad "analyze: rho of maximal points: $(grep rho "$tmp/out")"; fi
awk -F, 'NR > 1 { print "id" NR, $2, $1 }' "$o/p.csv" >"$tmp/pts.txt"
expect 0 "analyze whitespace columns" -- "$smp" analyze "$tmp/pts.txt" --columns 3,2 --json
if grep -q '"schema": "smpsim-analysis/1"' "$tmp/out" && grep -q '"rho_min": 0.[1-4]' "$tmp/out"; then ok
else bad "analyze --json: $(head -c 300 "$tmp/out")"; fi
expect 0 "analyze --plot" -- "$smp" analyze "$o/p.csv" --plot "$o/spectrum.png"
if [ "$("$img" info "$o/spectrum.png")" = "1540 560 3 1" ]; then ok; else bad "spectrum plot: $("$img" info "$o/spectrum.png")"; fi
expect 3 "analyze --plot over a file" -- "$smp" analyze "$o/p.csv" --plot "$o/spectrum.png"
printf 'x y\n1 2\n3 oops\n' >"$tmp/badpts.txt"
expect 2 "analyze a bad line" -- "$smp" analyze "$tmp/badpts.txt"
says "badpts.txt: line 3" "analyze a bad line"
expect 2 "analyze a missing file" -- "$smp" analyze "$tmp/none.csv"

# --- sweep: every combination, in parallel, deterministic; sheet and tables
S="$tmp/sweep"
mkdir -p "$S"
expect 0 "sweep" -- "$smp" sweep "$sample" "$smask" --density 40:120:40 --dot 0.10,0.20 --seeds 1..3 \
    --jobs 2 -o "$S/sheet.png" --csv "$S/runs.csv"
# runs.csv: cell,seed,density_cm2,dot_mm,dilution,opacity,age_years,feather_mm,px_per_mm,
# density_used_cm2,dilution_used,dots,achieved_cm2,min_spacing_mm,rho,delta_e_before,delta_e_after,seconds
if [ "$(wc -l <"$S/runs.csv")" -eq 19 ] && [ "$(wc -l <"$S/runs.summary.csv")" -eq 7 ]; then ok
else bad "sweep: 3 x 2 cells x 3 seeds should give 18 runs and 6 cells: $(wc -l "$S"/*.csv)"; fi
if awk -F, 'NR > 1 && ($13 < 0.9 * $3 || $13 > 1.05 * $3 || $15 < 0.50 || $15 > 0.70) { bad = 1 }
        END { exit bad }' "$S/runs.csv"; then ok
else bad "sweep: achieved density or rho off: $(cut -d, -f3,13,15 "$S/runs.csv" | tr '\n' ' ')"; fi
# Bigger dots cover more of the core, so it comes closer to the reference.
if awk -F, 'NR > 1 { de[$3 "," $2 "," $4] = $17 }
        END { for (k in de) { split(k, f, ","); if (f[3] == 0.1 && !(de[f[1] "," f[2] ",0.2"] < de[k])) bad = 1 }
              exit bad }' "$S/runs.csv"; then ok
else bad "sweep: 0.2 mm dots should bring the core closer than 0.1 mm"; fi
# The summary's mean and sd are those of the runs, recomputed here.
if awk -F, 'NR == FNR { if (FNR > 1) { n[$1]++; s[$1] += $12; q[$1] += $12 * $12 } next }
        FNR > 1 { m = s[$1] / n[$1]; sd = sqrt((q[$1] - n[$1] * m * m) / (n[$1] - 1))
                  if ($7 != 3 || (m - $8) ^ 2 > 0.01 || (sd - $9) ^ 2 > 0.01 || !(sd > 0)) bad = 1 }
        END { exit bad }' "$S/runs.csv" "$S/runs.summary.csv"; then ok
else bad "sweep: summary disagrees with the runs: $(head -3 "$S/runs.summary.csv")"; fi
size=$("$img" info "$S/sheet.png")
w=${size%% *} h=$(echo "$size" | cut -d' ' -f2)
if [ "$w" -ge 540 ] && [ "$h" -ge 810 ] && [ "$h" -le 1100 ]; then ok; else bad "sweep sheet of 3 x 2 cells: $size"; fi
expect 0 "sweep, one job" -- "$smp" sweep "$sample" "$smask" --density 40:120:40 --dot 0.10,0.20 --seeds 1..3 \
    --jobs 1 -o "$S/sheet1.png" --csv "$S/runs1.csv"
expect 0 "sweep, three jobs" -- "$smp" sweep "$sample" "$smask" --density 40:120:40 --dot 0.10,0.20 --seeds 1..3 \
    --jobs 3 -o "$S/sheet3.png" --csv "$S/runs3.csv"
for k in 1 3; do
    if cmp -s "$S/sheet.png" "$S/sheet$k.png"; then ok; else bad "sweep sheet differs with --jobs $k"; fi
    cut -d, -f1-17 "$S/runs.csv" >"$S/a" && cut -d, -f1-17 "$S/runs$k.csv" >"$S/b"
    if cmp -s "$S/a" "$S/b"; then ok; else bad "sweep table differs with --jobs $k"; fi
done
expect 1 "sweep: falling range" -- "$smp" sweep "$sample" "$smask" --density 160:40:20 --csv "$S/x.csv"
says "start <= stop" "sweep: falling range"
expect 1 "sweep: zero step" -- "$smp" sweep "$sample" "$smask" --density 40:160:0 --csv "$S/x.csv"
expect 1 "sweep: dot out of range" -- "$smp" sweep "$sample" "$smask" --dot 0.1,5 --csv "$S/x.csv"
says "dot: '5'" "sweep: dot out of range"
expect 1 "sweep: too many values" -- "$smp" sweep "$sample" "$smask" --density 1:400:1 --csv "$S/x.csv"
expect 1 "sweep: seeds backwards" -- "$smp" sweep "$sample" "$smask" --seeds 5..1 --csv "$S/x.csv"
expect 1 "sweep: no output" -- "$smp" sweep "$sample" "$smask" --density 40,80
expect 1 "sweep: sheet type" -- "$smp" sweep "$sample" "$smask" -o "$S/x.tiff"
expect 3 "sweep over its input" -- "$smp" sweep "$sample" "$smask" -o "$sample"
says "is an input" "sweep over its input"
expect 3 "sweep over a table" -- "$smp" sweep "$sample" "$smask" -o "$S/new.png" --csv "$S/runs.csv"
expect 2 "sweep: missing photo" -- "$smp" sweep "$tmp/nope.jpg" "$smask" -o "$S/new.png" --csv "$S/new.csv"
absent "$S/x.csv" "sweep errors"
absent "$S/new.png" "sweep errors"
absent "$S/new.csv" "sweep errors"
no_temps "$S" "sweep"

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
bounded 3 "unwritable folder" -- "$smp" render "$sample" "$smask" -o /proc/smpsim-out.png
says "smpsim: /proc/smpsim-out.png: cannot create" "unwritable folder"
bounded 3 "file size limit" -- sh -c "ulimit -f 20; exec '$smp' render '$sample' '$smask' -o '$H/out/efbig.png'"
says "File too large" "file size limit"
absent "$H/out/efbig.png" "file size limit"
no_temps "$H/out" "file size limit"
mkdir -p "$H/full"
if mount -t tmpfs -o size=128k tmpfs "$H/full" 2>/dev/null; then
    cp "$o/t1.png" "$H/full/keep.png" 2>/dev/null || : >"$H/full/keep.png"
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

# --- batch: pairing, failures isolated, report, resume, shards, manifest, signals
B="$tmp/batch"
mkdir -p "$B/in/sub" "$B/in/nomask" "$B/elsewhere"
"$gen" --width 400 --height 300 --px-per-mm 8 --seed 1 -o "$B/in/a.jpg" --mask "$B/in/a.mask.png" --force
"$gen" --width 400 --height 300 --px-per-mm 8 --seed 2 -o "$B/in/sub/b.jpg" --mask "$B/in/sub/b_mask.png" --force
"$gen" --width 300 --height 300 --px-per-mm 8 --seed 3 -o "$B/in/c.png" --mask "$B/in/c.mask.png" --force
head -c 3000 "$B/in/a.jpg" >"$B/in/broken.jpg" && cp "$B/in/a.mask.png" "$B/in/broken.mask.png"
"$gen" --width 200 --height 100 --px-per-mm 8 -o "$B/in/wrong.jpg" --mask "$B/wrong-unused.png" --force
cp "$B/in/a.mask.png" "$B/in/wrong.mask.png"
cp "$B/in/a.jpg" "$B/in/nomask/lonely.jpg"
cp "$B/in/a.jpg" "$B/elsewhere/outside.jpg" && cp "$B/in/a.mask.png" "$B/elsewhere/outside.mask.png"
ln -s "$B/elsewhere" "$B/in/link"
expect 4 "batch with failures" -- "$smp" batch "$B/in" -o "$B/out" --what both --progress jsonl
r="$B/out/report.csv"
row() { grep "^\"$1\"" "$r" | cut -d, -f3; }
if [ "$(row a.jpg)" = ok ] && [ "$(row sub/b.jpg)" = ok ] && [ "$(row c.png)" = ok ]; then ok; else bad "batch: good pairs not ok: $(cat "$r")"; fi
if [ "$(row broken.jpg)" = failed ] && [ "$(row wrong.jpg)" = failed ] && [ "$(row nomask/lonely.jpg)" = skipped ]; then ok
else bad "batch: failures not isolated: $(cat "$r")"; fi
if grep -q 'wrong.mask.png: 400x300 does not match photo 200x100' "$r" && grep -q 'broken.jpg: corrupt JPEG' "$r"; then ok
else bad "batch: report lacks the errors"; fi
if grep -q "link/outside" "$r"; then bad "batch followed a link out of the input"; else ok; fi
if [ "$(grep -c '"status"' "$tmp/out")" -eq 5 ]; then ok; else bad "batch: jsonl lines $(grep -c '"status"' "$tmp/out"), wanted 5"; fi
for f in a.after.jpg a.preview.jpg sub/b.after.jpg sub/b.preview.jpg c.after.jpg c.preview.jpg; do
    if "$img" info "$B/out/$f" >/dev/null 2>&1; then ok; else bad "batch: $f missing or broken"; fi
done
absent "$B/out/broken.after.jpg" "batch: failed photo"
absent "$B/out/wrong.after.jpg" "batch: failed photo"
if [ -z "$(find "$B/out" -name '.*' ! -name . )" ]; then ok; else bad "batch left temporaries: $(find "$B/out" -name '.*')"; fi
if grep -q '"schema": "smpsim-batch/1"' "$B/out/report.json"; then ok; else bad "batch: report.json"; fi
# The same bytes as render alone with the photo's seed.
seed=$(grep '^"a.jpg"' "$r" | cut -d, -f7)
"$smp" render "$B/in/a.jpg" "$B/in/a.mask.png" --seed "$seed" -o "$o/single-a.jpg"
if cmp -s "$B/out/a.after.jpg" "$o/single-a.jpg"; then ok; else bad "batch output differs from render alone"; fi
# Resume: nothing is redone, nothing rewritten.
before=$(ls -l --time-style=+%s.%N "$B/out/a.after.jpg" | awk '{print $6}')
expect 4 "batch --resume" -- "$smp" batch "$B/in" -o "$B/out" --what both --resume
if [ "$(row a.jpg)" = up-to-date ] && [ "$(row sub/b.jpg)" = up-to-date ]; then ok; else bad "resume redid work: $(cat "$r")"; fi
after=$(ls -l --time-style=+%s.%N "$B/out/a.after.jpg" | awk '{print $6}')
if [ "$before" = "$after" ]; then ok; else bad "resume rewrote an output"; fi
# Two shards together are the unsharded run.
"$smp" batch "$B/in" -o "$B/s0" --shard 0/2 2>/dev/null
"$smp" batch "$B/in" -o "$B/s1" --shard 1/2 2>/dev/null
"$smp" batch "$B/in" -o "$B/all" 2>/dev/null
same_union=1
for f in a.after.jpg sub/b.after.jpg c.after.jpg; do
    if [ -f "$B/s0/$f" ]; then s="$B/s0/$f"; else s="$B/s1/$f"; fi
    [ -f "$B/s0/$f" ] && [ -f "$B/s1/$f" ] && same_union=0
    cmp -s "$s" "$B/all/$f" || same_union=0
done
if [ "$same_union" = 1 ]; then ok; else bad "shards do not add up to the whole run"; fi
# The README's Slurm array script and GNU parallel line, run here without a cluster.
for k in 0 1; do
    SMPSIM="$smp" SHARDS=2 SLURM_ARRAY_TASK_ID=$k sh examples/slurm-smpsim.sh "$B/in" "$B/slurm" 2>/dev/null
done
same_union=1
for f in a.after.jpg sub/b.after.jpg c.after.jpg; do cmp -s "$B/slurm/$f" "$B/all/$f" || same_union=0; done
if [ "$same_union" = 1 ] && [ -f "$B/slurm/report.shard-0-of-2.csv" ] && [ -f "$B/slurm/report.shard-1-of-2.csv" ]; then ok
else bad "the Slurm array script does not cover the folder"; fi
if command -v parallel >/dev/null 2>&1 && parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
    parallel --will-cite -j2 "$smp" batch "$B/in" -o "$B/par" --shard {}/2 ::: 0 1 2>/dev/null
    same_union=1
    for f in a.after.jpg sub/b.after.jpg c.after.jpg; do cmp -s "$B/par/$f" "$B/all/$f" || same_union=0; done
    if [ "$same_union" = 1 ]; then ok; else bad "GNU parallel over shards does not cover the folder"; fi
else
    echo "cli: GNU parallel not installed; skipping its check (apt-get install parallel)"
fi
# On a terminal, a progress bar; off one, silence (the runs above print nothing to stdout).
if command -v script >/dev/null 2>&1; then
    script -qec "'$smp' batch '$B/in' -o '$B/tty' --jobs 1" /dev/null >"$tmp/tty.txt" 2>&1
    if grep -q 'photos/s' "$tmp/tty.txt" && grep -q 'ETA' "$tmp/tty.txt" && grep -q 'failed 2' "$tmp/tty.txt"; then ok
    else bad "no progress bar on a terminal: $(tail -c 300 "$tmp/tty.txt")"; fi
fi
"$smp" batch "$B/in" -o "$B/quiet" >"$tmp/quiet.txt" 2>/dev/null
if [ ! -s "$tmp/quiet.txt" ]; then ok; else bad "batch printed to stdout off a terminal"; fi
# Links that leave the input folder are followed only when asked.
"$smp" batch "$B/in" -o "$B/follow" --follow-symlinks 2>/dev/null
if [ -f "$B/follow/link/outside.after.jpg" ]; then ok; else bad "--follow-symlinks did not follow"; fi
# A manifest: per-photo density, malformed rows and traversal refused with their line.
printf 'photo,mask,output,density\na.jpg,a.mask.png,x/first.jpg,40\nsub/b.jpg,sub/b_mask.png,,auto\n' >"$B/m.csv"
expect 0 "batch --manifest" -- "$smp" batch "$B/in" -o "$B/man" --manifest "$B/m.csv"
if [ -f "$B/man/x/first.jpg" ] && [ -f "$B/man/sub/b.after.jpg" ] && grep -q '^"a.jpg".*,40.00,' "$B/man/report.csv"; then ok
else bad "manifest outputs or density: $(cat "$B/man/report.csv")"; fi
printf 'a.jpg,a.mask.png\n"b.jpg,b.mask.png\n' >"$B/bad.csv"
expect 2 "malformed manifest" -- "$smp" batch "$B/in" -o "$B/man2" --manifest "$B/bad.csv"
says "bad.csv: line 2: malformed CSV" "malformed manifest"
printf 'a.jpg,a.mask.png\n../../etc/passwd,a.mask.png\n' >"$B/trav.csv"
expect 2 "manifest traversal" -- "$smp" batch "$B/in" -o "$B/man3" --manifest "$B/trav.csv"
says "trav.csv: line 2: paths must be relative" "manifest traversal"
expect 1 "bad shard" -- "$smp" batch "$B/in" -o "$B/x" --shard 2/2
# SIGINT mid-run: no partial file, and the report is written.
mkdir -p "$B/big"
for i in 1 2 3 4 5 6; do
    "$gen" --width 1600 --height 1200 --px-per-mm 10 --seed $i -o "$B/big/p$i.jpg" --mask "$B/big/p$i.mask.png" --force
done
"$smp" batch "$B/big" -o "$B/bigout" --jobs 2 >/dev/null 2>&1 &
pid=$!
sleep 0.7
kill -INT "$pid"
wait "$pid"
rc=$?
if [ "$rc" -eq 130 ] || [ "$rc" -eq 0 ]; then ok; else bad "batch after SIGINT: exit $rc"; fi
if [ -f "$B/bigout/report.csv" ]; then ok; else bad "no report after SIGINT"; fi
if [ -z "$(find "$B/bigout" -name '.*' ! -name . )" ]; then ok; else bad "SIGINT left temporaries"; fi
for f in "$B"/bigout/*.jpg; do
    [ -e "$f" ] || continue
    "$img" info "$f" >/dev/null 2>&1 || bad "SIGINT left a broken $f"
done

# --- real photos, when ../shared is present
if [ -d "$photos" ]; then
    for p in crown-shaved-4000x3000.jpg hairline-1302x892.png; do
        m="$photos/${p%.*}.mask.png"
        expect 0 "render $p" -- "$smp" render "$photos/$p" "$m" -o "$o/real-$p.png"
        if [ "$("$img" info "$o/real-$p.png" | cut -d' ' -f1-2)" = "$("$img" info "$photos/$p" | cut -d' ' -f1-2)" ]; then ok; else bad "$p: after size differs"; fi
        for l in auto side stack split sessions; do
            expect 0 "preview $p --layout $l" -- "$smp" preview "$photos/$p" "$m" --layout $l --max-size 2000 \
                -o "$o/real-$p-$l.jpg"
        done
        expect 0 "preview page $p" -- "$smp" preview "$photos/$p" "$m" --sessions 3 -o "$o/real-$p.html"
        # Density auto: the core's tone moves toward the reference, never beyond it.
        expect 0 "auto on $p" -- "$smp" render "$photos/$p" "$m" --density auto -o "$o/auto-$p.png" \
            --metrics "$o/auto-$p.json"
        if awk '/"delta_e2000"/ { gsub(/[{},]/, " "); before = $3; after = $5 }
                /"reference": \[/ { gsub(/[\[\],]/, " "); ref = $2 }
                /"core_after": \[/ { gsub(/[\[\],]/, " "); core = $2 }
                END { exit !(after < before && core >= ref - 1.0) }' "$o/auto-$p.json"; then ok
        else bad "$p: auto did not move the core toward the reference: $(grep -E 'delta_e2000|core_after|"reference"' "$o/auto-$p.json" | tr -d '\n')"; fi
        # Issue 13's bounds with the mask and defaults alone: tone within CIEDE2000 1 and never
        # darker than the reference, a visible change, the shine left on top, the texture
        # within 0.5-2x the reference's (at its blur), strands untouched. Not the hairline's
        # shine: its brightest 3 % is a broad sheen at the temple that is mostly diffuse
        # (29-44 % specular), so pigment under it darkens it 0.6 of the core (README).
        shine=1
        [ "$p" = hairline-1302x892.png ] && shine=0
        if awk -v shine=$shine '
            function num(key,   s) {
                if (!match($0, "\"" key "\": [-0-9.e]+")) return "nan"
                s = substr($0, RSTART, RLENGTH); sub(/.*: /, "", s); return s + 0 }
            /"delta_e2000"/ { de = num("after") }
            /"reference": \[/ { gsub(/[\[\],]/, " "); ref = $2 }
            /"core_after": \[/ { gsub(/[\[\],]/, " "); core = $2 }
            /"realism"/ { dark = num("core_darkening"); sh = num("shine_darkening"); ratio = num("ratio")
                          strand = num("strand_max_diff") }
            END { exit !(de <= 1.0 && core >= ref - 1.0 && dark >= 0.05 && (!shine || sh < 0.5 * dark) &&
                         ratio >= 0.5 && ratio <= 2 && strand <= 2) }' "$o/auto-$p.json"; then ok
        else bad "$p: issue 13's bounds: $(grep -E 'delta_e2000|core_after|"reference": \[|realism' "$o/auto-$p.json" | tr -d '\n')"; fi
        # The dots placed on a photo, through analyze.
        expect 0 "render --dots $p" -- "$smp" render "$photos/$p" "$m" -o "$o/dots-$p.png" --dots "$o/dots-$p.csv"
        expect 0 "analyze the dots of $p" -- "$smp" analyze "$o/dots-$p.csv"
        if grep -q "^points  *$(($(wc -l <"$o/dots-$p.csv") - 1)) over" "$tmp/out" && grep -q '^rho  *min 0\.[0-9]*, mean 0\.[4-8]' "$tmp/out"
        then ok; else bad "analyze the dots of $p: $(head -4 "$tmp/out")"; fi
        expect 0 "sweep $p" -- "$smp" sweep "$photos/$p" "$m" --density 60,120 --dilution 0.3,auto \
            -o "$o/sweep-$p.jpg" --csv "$o/sweep-$p.csv"
        if awk -F, 'NR > 1 && !($13 > 0.8 * $3 && $16 != "" && $17 != "") { bad = 1 } END { exit bad || NR != 5 }' \
            "$o/sweep-$p.csv"; then ok; else bad "sweep $p: $(cat "$o/sweep-$p.csv")"; fi
    done
    # Topdown photos come without masks: the crown mask resampled does not fit.
    expect 2 "mask for another photo" -- "$smp" render "$photos/topdown-1.jpg" "$photos/crown-shaved-4000x3000.mask.png" -o "$o/x.png"
    says "4000x3000 does not match photo 640x640" "mask for another photo"
else
    echo "cli: $photos not found; skipping the real-photo tests"
fi

# --- masks and scale from the photo (issue 14)
expect 0 "mask --help" -- "$smp" mask --help
expect 1 "mask without output" -- "$smp" mask "$sample"
expect 1 "bad --measure" -- "$smp" render "$sample" "$smask" --measure "1,2=5" -o "$o/x.png"
says "is not \"x1,y1 x2,y2=MM\"" "bad --measure"
expect 1 "bad --hairline" -- "$smp" render "$sample" "$smask" --hairline "1,2" -o "$o/x.png"
expect 1 "template without temples" -- "$smp" render "$sample" "$smask" --hairline-template rounded -o "$o/x.png"
expect 0 "--measure sets the scale" -- "$smp" render "$sample" "$smask" --measure "0,0 80,0=10" -v -o "$o/measure.png"
says "8.00 px/mm" "--measure sets the scale"
if [ -d "$photos" ]; then
    for f in crown-shaved-4000x3000.jpg hairline-1302x892.png topdown-1.jpg topdown-11.jpg topdown-16.jpg; do
        expect 0 "mask $f" -- "$smp" mask "$photos/$f" --px-per-mm auto -v -o "$o/$f.mask.png"
        says "estimated from the head" "mask $f: scale"
        says "cm² bald" "mask $f: areas"
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

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
