#!/bin/sh
# make bench: the pipeline benchmark on a generated 12 MP scalp (and on the
# real crown photo when ../shared is there), then the whole CLI under
# /usr/bin/time next to djpeg | cjpeg of the same photo as the baseline.
set -eu
build=${1:-build}
dir="$build/bench"
mkdir -p "$dir"
photo="$dir/scalp-12mp.jpg"
mask="$dir/scalp-12mp.mask.png"
[ -f "$photo" ] || "$build/tools/gen_scalp" --width 4000 --height 3000 --px-per-mm 15 --seed 3 \
    -o "$photo" --mask "$mask" --force
threads=$(nproc 2>/dev/null || echo 1)
echo "== machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //')"
echo "== bench_pipeline (median of 5), generated 12 MP scalp"
"$dir/bench_pipeline" "$photo" "$mask" 15 1 "$threads"
real=../shared/photos/crown-shaved-4000x3000.jpg
if [ -f "$real" ]; then
    echo
    echo "== bench_pipeline, real photo $real"
    "$dir/bench_pipeline" "$real" "${real%.jpg}.mask.png" 15 1 "$threads"
fi

timed() { # label command...: wall seconds and peak RSS of a whole command
    /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" >/dev/null 2>&1 || { echo "$1: failed"; return; }
    set -- $(cat "$dir/time.txt")
    printf '%s s wall, %s MB peak RSS\n' "$1" "$(($2 / 1024))"
}
echo
echo "== whole commands, same photo"
if [ -x /usr/bin/time ]; then
    printf 'smpsim render -o after.jpg:            '
    timed "$build/smpsim" render "$photo" "$mask" --px-per-mm 15 -o "$dir/after.jpg" --force
    if command -v djpeg >/dev/null && command -v cjpeg >/dev/null; then
        printf 'djpeg | cjpeg -quality 92 -sample 1x1: '
        timed sh -c "djpeg '$photo' | cjpeg -quality 92 -sample 1x1 > '$dir/rt.jpg'"
    else
        echo "(djpeg/cjpeg not installed: apt-get install libjpeg-turbo-progs for the baseline)"
    fi
else
    echo "(/usr/bin/time not installed: apt-get install time)"
fi
