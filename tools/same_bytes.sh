#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The byte-identity check for a change that should not change outputs (issue
# 12's move used it): runs a fixed set of smpsim commands (render, preview
# jpg/png/html, metrics, dots, analyze, points, sweep, two batches) over the
# sample and ../shared/photos with the given binary and prints one sha256
# line per output, timings stripped. Run it with the binary before and after
# the change and diff the two lists.
# Usage: tools/same_bytes.sh SMPSIM OUTDIR [quick] > SUMS   (from the top of
# the tree; quick skips the 4000x3000 photo; SMPSIM_PHOTOS, SAMPLES, BATCH_IN
# point elsewhere; the batch input is made once beside OUTDIR and kept, as
# the reports hold the inputs' mtimes)
set -u
B=$(readlink -f "$1"); O=$(readlink -m "$2"); Q=${3:-}
S=$(readlink -f "${SAMPLES:-samples}"); P=$(readlink -f "${SMPSIM_PHOTOS:-../shared/photos}"); IN=$(readlink -m "${BATCH_IN:-$O.batch-in}")
export SOURCE_DATE_EPOCH=1795000000 OMP_NUM_THREADS=2
if [ -z "${HASH_ONLY:-}" ]; then rm -rf "$O"; mkdir -p "$O"; fi
# The batch input is made once and kept (the report holds input mtimes).
if [ ! -d "$IN" ]; then
    mkdir -p "$IN/sub"
    cp -p "$S/scalp.jpg" "$IN/a.jpg"; cp -p "$S/scalp.mask.png" "$IN/a.mask.png"
    cp -p "$P/hairline-1302x892.png" "$IN/sub/h.png"; cp -p "$P/hairline-1302x892.mask.png" "$IN/sub/h_mask.png"
    cp -p "$S/scalp.jpg" "$IN/sub/lonely.jpg"
    head -c 3000 "$S/scalp.jpg" >"$IN/broken.jpg"; cp -p "$S/scalp.mask.png" "$IN/broken.mask.png"
    touch -d @1795000000 "$IN"/* "$IN"/sub/*
fi
run() { # NAME PHOTO MASK [extra...]
    n=$1 ph=$2 m=$3; shift 3
    "$B" render "$ph" "$m" -o "$O/$n.png" --metrics "$O/$n.json" --dots "$O/$n.csv" "$@" 2>"$O/$n.render.err"
    echo "render rc=$?" >>"$O/$n.rc"
    "$B" preview "$ph" "$m" -o "$O/$n.jpg" "$@" 2>"$O/$n.pjpg.err"; echo "preview jpg rc=$?" >>"$O/$n.rc"
    "$B" preview "$ph" "$m" -o "$O/$n.html" "$@" 2>"$O/$n.phtml.err"; echo "preview html rc=$?" >>"$O/$n.rc"
    "$B" analyze "$O/$n.csv" --plot "$O/$n.plot.png" >"$O/$n.analyze.txt" 2>&1; echo "analyze rc=$?" >>"$O/$n.rc"
    "$B" analyze "$O/$n.csv" --json >"$O/$n.analyze.json" 2>&1; echo "analyze json rc=$?" >>"$O/$n.rc"
}
if [ -z "${HASH_ONLY:-}" ]; then
run sample "$S/scalp.jpg" "$S/scalp.mask.png" --px-per-mm 8
"$B" preview "$S/scalp.jpg" "$S/scalp.mask.png" --px-per-mm 8 --layout sessions --sessions 3 \
    --caption "Sample client" -o "$O/sample-sessions.png" 2>"$O/sample-sessions.err"; echo "sessions rc=$?" >>"$O/sample.rc"
"$B" render "$S/scalp.jpg" "$S/scalp.mask.png" --px-per-mm 8 --density 120 --dot 0.3 --scar-mask "$S/scalp.mask.png" \
    --age 5y -o "$O/sample-scar.jpg" --metrics "$O/sample-scar.json" 2>"$O/sample-scar.err"; echo "scar rc=$?" >>"$O/sample.rc"
run hairline "$P/hairline-1302x892.png" "$P/hairline-1302x892.mask.png"
[ "$Q" = quick ] || run crown "$P/crown-shaved-4000x3000.jpg" "$P/crown-shaved-4000x3000.mask.png"
for t in 1 11 16; do run topdown-$t "$P/topdown-$t.jpg" auto; done
"$B" points --width-mm 60 --height-mm 40 --density 100 --layers 30,70,100 -o "$O/points.csv" --svg "$O/points.svg" \
    2>"$O/points.err"; echo "points rc=$?" >>"$O/points.rc"
"$B" analyze "$O/points.csv" --plot "$O/points.plot.png" >"$O/points.analyze.txt" 2>&1; echo "analyze rc=$?" >>"$O/points.rc"
"$B" sweep "$S/scalp.jpg" "$S/scalp.mask.png" --px-per-mm 8 --density 40:160:60 --dot 0.20,0.35 --seeds 1,2 \
    --cell-mm 15 -o "$O/sweep.jpg" --csv "$O/sweep.csv" --jobs 2 2>"$O/sweep.err"; echo "sweep rc=$?" >>"$O/sweep.rc"
(cd "$O" && "$B" batch "$IN" -o batch --what both --jobs 2 --metrics 2>batch.err); echo "batch rc=$?" >>"$O/batch.rc"
(cd "$O" && "$B" batch "$IN" -o batch-html --what preview --format html --masks auto --jobs 2 2>batch-html.err)
echo "batch html rc=$?" >>"$O/batch.rc"
fi
# Timings vary between identical runs: drop them before hashing.
strip_times() {
    case "$1" in
    *.json) sed -E 's/"(seconds|elapsed[a-z_]*|time[a-z_]*|started|finished|date|ms|[a-z_]*_seconds)": *[^,}]*/"\1": T/g' "$1" ;;
    */sweep.csv|*.summary.csv) awk -F, 'NR==1{for(i=1;i<=NF;i++) if($i ~ /^seconds/) c[i]=1} {for(k in c) $k="T"; print}' OFS=, "$1" ;;
    */report*.csv) awk -F, 'NR==1{for(i=1;i<=NF;i++) if($i ~ /seconds|time/) c[i]=1} {for(k in c) $k="T"; print}' OFS=, "$1" ;;
    *.err) sed -E 's/[0-9]+(\.[0-9]+)? ?(s|ms)\b/T/g' "$1" ;;
    *) cat "$1" ;;
    esac
}
cd "$O" && find . -type f ! -name '*.lock' | LC_ALL=C sort | while read -r f; do
    printf '%s  %s\n' "$(strip_times "$f" | sha256sum | cut -c1-64)" "$f"
done
