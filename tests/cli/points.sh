#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# points (CSV/SVG, density, layers, density maps, determinism) and analyze
# (our CSV, whitespace columns, JSON, plots, refusals).
# Usage: tests/cli/points.sh BUILD_DIR (from the top of the tree)
. "$(dirname "$0")/lib.sh"

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

finish
