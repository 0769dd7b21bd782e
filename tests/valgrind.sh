#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The CLI's error paths and a few small successful runs under valgrind:
# no invalid accesses and no definite leaks, exit code as expected.
# Usage: tests/valgrind.sh BUILD_DIR   (skips with one line without valgrind)
set -u
build=${1:-build}
smp="$build/smpsim"
if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind: not installed; skipping (apt-get install valgrind)"
    exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smpsim-vg-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
# vg WANT_EXIT ARGS...: one smpsim run under valgrind
vg() {
    want=$1
    shift
    OMP_NUM_THREADS=2 valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
        "$smp" "$@" >/dev/null 2>"$tmp/vg.txt"
    got=$?
    if [ "$got" -eq "$want" ]; then pass=$((pass + 1))
    else fail=$((fail + 1)); echo "valgrind: smpsim $*: exit $got, wanted $want"; head -20 "$tmp/vg.txt"; fi
}
# Every run on a small scalp of the sample's scale (valgrind is 50x slower): the
# error paths and most successful runs on 160 x 120, the first render on 320 x 240
# so that every stage has stubble and shine to work on. Each run gives the scale:
# the assumed 200 mm would make 0.6 px/mm and 30 000 dots of it.
"$build/tools/gen_scalp" --width 320 --height 240 --px-per-mm 8 --seed 4 -o "$tmp/small.jpg" --mask "$tmp/small.mask.png" \
    --force || { echo "valgrind: cannot make the small scalp"; exit 1; }
"$build/tools/gen_scalp" --width 160 --height 120 --px-per-mm 8 --seed 4 -o "$tmp/tiny.jpg" --mask "$tmp/tiny.mask.png" \
    --force || { echo "valgrind: cannot make the tiny scalp"; exit 1; }
s=$tmp/tiny.jpg
m=$tmp/tiny.mask.png
: >"$tmp/empty.jpg"
head -c "$(($(wc -c <"$s") / 2))" "$s" >"$tmp/trunc.jpg"
head -c 300 "$m" >"$tmp/trunc.png"
# (Usage errors are not here: they end before the library is called.)
vg 2 render "$tmp/empty.jpg" "$m" --px-per-mm 8 -o "$tmp/x.png"
vg 2 render "$tmp/trunc.jpg" "$m" --px-per-mm 8 -o "$tmp/x.png"
vg 2 render "$s" "$tmp/trunc.png" --px-per-mm 8 -o "$tmp/x.png"
vg 2 render "$s" "fuzz/corpus/image/rgb8.png" --px-per-mm 8 -o "$tmp/x.png"
s=$tmp/small.jpg
m=$tmp/small.mask.png
vg 0 render "$s" "$m" --px-per-mm 8 --density auto --sessions 3 -o "$tmp/a.png" --metrics "$tmp/a.json"
vg 3 render "$s" "$m" -o "$tmp/a.png"
s=$tmp/tiny.jpg
m=$tmp/tiny.mask.png
# The runs below give the shade (the match ran above), which halves their cost.
fixed="--density 100 --dot 0.3 --dilution 0.4"
vg 3 render "$s" "$m" --px-per-mm 8 $fixed -o /proc/x.png
vg 0 preview "$s" "$m" --px-per-mm 8 $fixed -o "$tmp/p.jpg"
vg 0 points --width-mm 30 --height-mm 20 --layers 30,70,100 -o "$tmp/p.csv" --svg "$tmp/p.svg"
mkdir -p "$tmp/in"
cp "$s" "$tmp/in/a.jpg" && cp "$m" "$tmp/in/a.mask.png" && cp "$tmp/trunc.jpg" "$tmp/in/b.jpg" && cp "$m" "$tmp/in/b.mask.png"
vg 4 batch "$tmp/in" -o "$tmp/out" --px-per-mm 8 $fixed --jobs 2
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
