#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make bench: every benchmark in one run, printed as markdown tables.
#  1. Sampler: smpsim at 100 k, 1 M and 10 M dots, uniform and variable, 1 thread
#     and all threads, against the textbook serial Bridson in bench/bridson.c
#     and the peers (npm poisson-disk-sampling, npm fast-2d-poisson-disk-sampling,
#     Debian python3-scipy's qmc.PoissonDisk at 100 k), same domain and spacing.
#  2. Point-set quality: each sampler's 100 k uniform set through `smpsim analyze`
#     (rho, spectrum peak, low-frequency power, anisotropy).
#  3. Renderer: a 24 MP image against one memcpy of it.
#  4. Pipeline: the stages of `render` on a 12 MP photo, and the whole command
#     against `djpeg | cjpeg`.
#  5. With SMPSIM_BENCH_BASELINE=BIN: the 12 MP crown render against that binary,
#     alternating runs (bench/crown.sh).
# Peers are installed here when they can be (npm; apt-get as root) and skipped
# with a line when they cannot. SMPSIM_BENCH_QUICK=1 stops at 1 M dots.
set -u
build=${1:-build}
dir="$build/bench"
mkdir -p "$dir"
threads=$(nproc 2>/dev/null || echo 1)
sizes="100000 1000000"
[ "${SMPSIM_BENCH_QUICK:-0}" = 1 ] || sizes="$sizes 10000000"
# Our exclusion radius at 100 dots/cm², handed to every peer as its spacing.
r=$("$dir/bench_sampler" radius 2>/dev/null || true)

echo "== machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%d)"

# --- peers
peers="$dir/peers"
have_node=0
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    if [ ! -d "$peers/node_modules/poisson-disk-sampling" ] || [ ! -d "$peers/node_modules/fast-2d-poisson-disk-sampling" ]; then
        mkdir -p "$peers"
        (cd "$peers" && npm install --silent --no-audit --no-fund poisson-disk-sampling@2 \
            fast-2d-poisson-disk-sampling@1 >/dev/null 2>&1) || echo "(npm install of the peers failed: skipping them)"
    fi
    [ -d "$peers/node_modules/poisson-disk-sampling" ] && have_node=1
    cp bench/peers.js "$peers/peers.js"
else
    echo "(node/npm not installed: the npm peers are skipped)"
fi
have_scipy=0
if /usr/bin/python3 -c 'import scipy.stats' 2>/dev/null; then
    have_scipy=1
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-scipy >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-scipy >/dev/null 2>&1; }
    /usr/bin/python3 -c 'import scipy.stats' 2>/dev/null && have_scipy=1
fi
[ "$have_scipy" = 1 ] || echo "(python3-scipy not available: scipy is skipped)"

# row NAME THREADS COMMAND...: runs a benchmark that prints
# "dots seconds Mdots/s rssMB bytes/dot rho" and keeps it in $dir/rows.
: >"$dir/rows"
row() {
    name=$1 th=$2
    shift 2
    out=$("$@" 2>/dev/null | tail -1)
    [ -n "$out" ] && [ "${out#-}" = "$out" ] || return 0
    echo "$name $th $out" >>"$dir/rows"
}

for n in $sizes; do
    for mode in uniform variable; do
        row "smpsim-$mode-$n" 1 "$dir/bench_sampler" "$n" "$mode" 1
        [ "$threads" -gt 1 ] && row "smpsim-$mode-$n" "$threads" "$dir/bench_sampler" "$n" "$mode" "$threads"
        [ "$n" -le 1000000 ] || continue
        [ "$mode" = uniform ] && row "bridson-$mode-$n" 1 "$dir/bridson" "$(awk "BEGIN{print sqrt($n)}")" "$r" 1
        if [ "$have_node" = 1 ]; then
            row "poisson-disk-sampling-$mode-$n" 1 node "$peers/peers.js" poisson-disk-sampling "$n" "$mode" "$r"
            [ "$mode" = uniform ] && row "fast-2d-poisson-disk-sampling-$mode-$n" 1 node "$peers/peers.js" fast-2d-poisson-disk-sampling "$n" "$mode" "$r"
        fi
        [ "$have_scipy" = 1 ] && [ "$mode" = uniform ] && [ "$n" -le 100000 ] &&
            row "scipy-qmc-PoissonDisk-$mode-$n" 1 /usr/bin/python3 bench/peers_scipy.py "$n" "$r"
    done
done

echo
echo "== sampler: 100 dots/cm² (spacing rule ${r} mm), square domains; variable = a smooth field times a 1:2 step"
echo
echo "| sampler | mode | asked | threads | dots | seconds | M dots/s | peak RSS MB | bytes/dot | rho | vs fastest peer | vs Bridson |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
awk '
{ split($1, a, "-"); mode = a[length(a) - 1]; n = a[length(a)]; name = $1; sub("-" mode "-" n "$", "", name)
  key = mode "-" n; rate = $5
  if (name != "smpsim" && name != "bridson" && rate > best[key]) best[key] = rate
  if (name == "bridson") bridson[key] = rate
  rows[NR] = $0; names[NR] = name; modes[NR] = mode; ns[NR] = n }
END {
  for (i = 1; i <= NR; i++) {
    split(rows[i], f, " "); key = modes[i] "-" ns[i]
    vp = best[key] ? sprintf("%.1fx", f[5] / best[key]) : "-"
    vb = bridson[key] ? sprintf("%.1fx", f[5] / bridson[key]) : "-"
    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", names[i], modes[i], ns[i], f[2], f[3], f[4], f[5], f[6], f[7], f[8], vp, vb
  }
}' "$dir/rows"

# --- point-set quality: each sampler's uniform 100 k set through `smpsim analyze`
q=100000
side=$(awk "BEGIN { print sqrt($q) }")
qd="$dir/quality"
mkdir -p "$qd"
rm -f "$qd"/*
"$build/smpsim" points --width-mm "$side" --height-mm "$side" --density 100 --seed 1 -o "$qd/smpsim.csv" --force
SMPSIM_BENCH_POINTS="$qd/bridson.txt" "$dir/bridson" "$side" "$r" 1 >/dev/null
if [ "$have_node" = 1 ]; then
    for lib in poisson-disk-sampling fast-2d-poisson-disk-sampling; do
        SMPSIM_BENCH_POINTS="$qd/$lib.txt" node "$peers/peers.js" "$lib" "$q" uniform "$r" >/dev/null
    done
fi
[ "$have_scipy" = 1 ] && SMPSIM_BENCH_POINTS="$qd/scipy-qmc-PoissonDisk.txt" /usr/bin/python3 bench/peers_scipy.py "$q" "$r" >/dev/null
echo
echo "== point-set quality: $q dots asked at 100 dots/cm² over $side mm square, each set through smpsim analyze"
echo
echo "| sampler | dots | rho min | rho mean | peak power at f (1/d_hex) | mean power f < 0.5 | mean anisotropy 0.5 <= f <= 2 (dB) |"
echo "|---|---|---|---|---|---|---|"
for f in "$qd"/smpsim.csv "$qd"/*.txt; do
    [ -s "$f" ] || continue
    name=$(basename "$f"); name=${name%.*}
    "$build/smpsim" analyze "$f" --width-mm "$side" --height-mm "$side" | awk -v name="$name" '
        /^points/ { n = $2 }
        /^rho/ { gsub(",", ""); rmin = $3; rmean = $5 }
        /^spectrum/ { spec = 1; next }
        spec && NF == 3 { if ($2 > peak) { peak = $2; fpeak = $1 }
                          if ($1 < 0.5) { low += $2; nl++ }
                          if ($1 >= 0.5 && $1 <= 2) { an += $3; na++ } }
        END { printf "| %s | %d | %s | %s | %.2f at %.2f | %.3f | %.2f |\n", name, n, rmin, rmean, peak, fpeak,
              nl ? low / nl : 0, na ? an / na : 0 }'
done

echo
echo "== renderer: 6000 x 4000 RGB at 15 px/mm, 100 dots/cm² of 0.15 mm over the whole frame (median of 5)"
echo
echo "| threads | dots | seconds | MP/s | M dots/s | memcpy s | vs memcpy | peak RSS MB |"
echo "|---|---|---|---|---|---|---|---|"
if [ "$threads" -gt 1 ]; then "$dir/bench_render" 1 "$threads"; else "$dir/bench_render" 1; fi |
    awk '{ printf "| %s | %s | %s | %s | %s | %s | %sx | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8 }'

# --- the whole pipeline on a 12 MP photo
photo="$dir/scalp-12mp.jpg"
mask="$dir/scalp-12mp.mask.png"
[ -f "$photo" ] || "$build/tools/gen_scalp" --width 4000 --height 3000 --px-per-mm 15 --seed 3 \
    -o "$photo" --mask "$mask" --force
echo
echo "== pipeline stages (median of 5), generated 12 MP scalp"
"$dir/bench_pipeline" "$photo" "$mask" 15 1 "$threads"
real=../shared/photos/crown-shaved-4000x3000.jpg
if [ -f "$real" ]; then
    echo
    echo "== pipeline stages, real photo $real"
    "$dir/bench_pipeline" "$real" "${real%.jpg}.mask.png" 15 1 "$threads"
fi

# --- the crown render against a baseline binary (SMPSIM_BENCH_BASELINE, e.g. a
# build of an earlier commit), alternating in the same run
if [ -n "${SMPSIM_BENCH_BASELINE:-}" ]; then
    echo
    echo "== crown render: $build/smpsim against $SMPSIM_BENCH_BASELINE (alternating runs)"
    echo
    bench/crown.sh "$SMPSIM_BENCH_BASELINE" "$build/smpsim" 5
fi

# --- batch: photos/s on a folder of generated 12 MP photos, 1 and 2 jobs
nb=100
[ "${SMPSIM_BENCH_QUICK:-0}" = 1 ] && nb=20
bdir="$dir/batch-in"
if [ ! -f "$bdir/p$nb.jpg" ]; then
    rm -rf "$bdir" && mkdir -p "$bdir"
    for i in $(seq 1 "$nb"); do
        ln -f "$photo" "$bdir/p$i.jpg" && ln -f "$mask" "$bdir/p$i.mask.png"
    done
fi
echo
echo "== batch: $nb photos of 12 MP (hard links to one generated photo; each gets its own seed)"
echo
echo "| jobs | seconds | photos/s | peak RSS MB | speedup |"
echo "|---|---|---|---|---|"
t1=""
for j in 1 2; do
    rm -rf "$dir/batch-out"
    /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$build/smpsim" batch "$bdir" -o "$dir/batch-out" --jobs "$j" \
        --px-per-mm 15 >/dev/null 2>&1 || { echo "| $j | failed | | | |"; continue; }
    set -- $(cat "$dir/time.txt")
    [ -z "$t1" ] && t1=$1
    awk -v j="$j" -v s="$1" -v m="$2" -v n="$nb" -v t1="$t1" \
        'BEGIN { printf "| %d | %.2f | %.2f | %d | %.2fx |\n", j, s, n / s, m / 1024, t1 / s }'
done

timed() { # wall seconds and peak RSS of a whole command
    /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" >/dev/null 2>&1 || { echo "failed"; return; }
    set -- $(cat "$dir/time.txt")
    printf '%s s wall, %s MB peak RSS\n' "$1" "$(($2 / 1024))"
}
echo
echo "== whole commands, same photo"
if [ -x /usr/bin/time ]; then
    for p in "$photo" ${real:+"$real"}; do
        [ -f "$p" ] || continue
        m="${p%.jpg}.mask.png"
        printf '%s: smpsim render -o after.jpg:            ' "$(basename "$p")"
        timed "$build/smpsim" render "$p" "$m" --px-per-mm 15 -o "$dir/after.jpg" --force
        if command -v djpeg >/dev/null && command -v cjpeg >/dev/null; then
            printf '%s: djpeg | cjpeg -quality 92 -sample 1x1: ' "$(basename "$p")"
            timed sh -c "djpeg '$p' | cjpeg -quality 92 -sample 1x1 > '$dir/rt.jpg'"
        fi
    done
    command -v djpeg >/dev/null || echo "(djpeg/cjpeg not installed: apt-get install libjpeg-turbo-progs for that baseline)"
else
    echo "(/usr/bin/time not installed: apt-get install time)"
fi
