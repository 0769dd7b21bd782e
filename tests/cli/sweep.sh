#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# sweep: every combination, in parallel, deterministic; the sheet and tables.
# Usage: tests/cli/sweep.sh BUILD_DIR (from the top of the tree)
. "$(dirname "$0")/lib.sh"

# --- sweep: every combination, in parallel, deterministic; sheet and tables
S="$tmp/sweep"
mkdir -p "$S"
# A scalp a quarter of the sample's area at its scale (given: at the assumed 200 mm it would
# be 1.8 px/mm and 267 x 200 mm of dots): 36 runs of it, three times over.
"$gen" --width 480 --height 360 --px-per-mm 8 --seed 7 -o "$tmp/sw.jpg" --mask "$tmp/sw.mask.png" --force
sample=$tmp/sw.jpg
smask=$tmp/sw.mask.png
expect 0 "sweep" -- "$smp" sweep "$sample" "$smask" --px-per-mm 8 --density 40:120:40 --dot 0.10,0.20 --seeds 1..2 \
    --jobs 2 -o "$S/sheet.png" --csv "$S/runs.csv"
# runs.csv: cell,seed,density_cm2,dot_mm,dilution,opacity,age_years,feather_mm,px_per_mm,
# density_used_cm2,dilution_used,dots,achieved_cm2,min_spacing_mm,rho,delta_e_before,delta_e_after,seconds
if [ "$(wc -l <"$S/runs.csv")" -eq 13 ] && [ "$(wc -l <"$S/runs.summary.csv")" -eq 7 ]; then ok
else bad "sweep: 3 x 2 cells x 2 seeds should give 12 runs and 6 cells: $(wc -l "$S"/*.csv)"; fi
if awk -F, 'NR > 1 && ($13 < 0.9 * $3 || $13 > 1.05 * $3 || $15 < 0.50 || $15 > 0.70) { bad = 1 }
        END { exit bad }' "$S/runs.csv"; then ok
else bad "sweep: achieved density or rho off: $(cut -d, -f3,13,15 "$S/runs.csv" | tr '\n' ' ')"; fi
# Bigger dots cover more of the core, so it comes closer to the reference.
if awk -F, 'NR > 1 { de[$3 "," $2 "," $4] = $17 }
        END { for (k in de) { split(k, f, ","); if (f[3] == 0.1 && !(de[f[1] "," f[2] ",0.2"] < de[k])) bad = 1 }
              exit bad }' "$S/runs.csv"; then ok
else bad "sweep: 0.2 mm dots should bring the core closer than 0.1 mm"; fi
# The summary's mean and sd are those of the runs, recomputed here (the dot count varies
# with the seed at the lower densities; at 120/cm² its correction makes it exact).
if awk -F, 'NR == FNR { if (FNR > 1) { n[$1]++; s[$1] += $12; q[$1] += $12 * $12 } next }
        FNR > 1 { m = s[$1] / n[$1]; v = (q[$1] - n[$1] * m * m) / (n[$1] - 1); sd = v > 0 ? sqrt(v) : 0
                  if ($7 != 2 || (m - $8) ^ 2 > 0.01 || (sd - $9) ^ 2 > 0.01) bad = 1
                  if (sd > 0) varied = 1 }
        END { exit bad || !varied }' "$S/runs.csv" "$S/runs.summary.csv"; then ok
else bad "sweep: summary disagrees with the runs: $(head -3 "$S/runs.summary.csv")"; fi
size=$("$img" info "$S/sheet.png")
w=${size%% *} h=$(echo "$size" | cut -d' ' -f2)
# Three rows of two cells, each cell the photo's 4:3 and a caption: taller than wide, under 2x.
if [ "$w" -ge 540 ] && [ "$h" -gt "$w" ] && [ "$h" -lt $((2 * w)) ]; then ok; else bad "sweep sheet of 3 x 2 cells: $size"; fi
expect 0 "sweep, one job" -- "$smp" sweep "$sample" "$smask" --px-per-mm 8 --density 40:120:40 --dot 0.10,0.20 --seeds 1..2 \
    --jobs 1 -o "$S/sheet1.png" --csv "$S/runs1.csv"
expect 0 "sweep, three jobs" -- "$smp" sweep "$sample" "$smask" --px-per-mm 8 --density 40:120:40 --dot 0.10,0.20 --seeds 1..2 \
    --jobs 3 -o "$S/sheet3.png" --csv "$S/runs3.csv"
for k in 1 3; do
    if cmp -s "$S/sheet.png" "$S/sheet$k.png"; then ok; else bad "sweep sheet differs with --jobs $k"; fi
    cut -d, -f1-17 "$S/runs.csv" >"$S/a" && cut -d, -f1-17 "$S/runs$k.csv" >"$S/b"
    if cmp -s "$S/a" "$S/b"; then ok; else bad "sweep table differs with --jobs $k"; fi
done
# The defaults --help gives are those a run without the option uses (it said
# 90 dots/cm² and 0.15 mm where runs used 110 and 0.28).
help_default() { "$smp" sweep --help | sed -n "s/^ *--$1 VALUES .*= \([0-9.]*\).*/\1/p"; }
expect 0 "sweep without --density and --dot" -- "$smp" sweep "$sample" "$smask" --px-per-mm 8 --opacity 0.85 \
    --csv "$S/defaults.csv"
d=$(help_default density) m=$(help_default dot)
check 'awk -F, -v d="$d" -v m="$m" "NR == 2 { ok = d != \"\" && \$3 == d && \$4 == m } END { exit !ok }" "$S/defaults.csv"' \
    "sweep --help's defaults (density '$d', dot '$m') are not a run's: $(sed -n 2p "$S/defaults.csv" | cut -d, -f3,4)"
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

finish
