#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The 12 MP crown render against a named baseline binary, in the same run:
# the two alternate (baseline, ours, baseline, ours, ...) so that load on a
# shared machine falls on both alike. Prints each run and the medians of
# wall, user, sys (s) and peak RSS (MB), and the ratios to the baseline.
# Usage: bench/crown.sh BASELINE_BIN [OUR_BIN [REPEATS [THREADS]]]
# (the photo: ../shared/photos/crown-shaved-4000x3000.jpg and its mask;
# THREADS sets OMP_NUM_THREADS, default: OpenMP's own; SMPSIM_CROWN_EXT=png
# writes the after image as PNG instead of JPEG, as issue 13's bound states it).
set -u
base=${1:?usage: bench/crown.sh BASELINE_BIN [OUR_BIN [REPEATS [THREADS]]]}
ours=${2:-build/smpsim}
n=${3:-5}
[ -n "${4:-}" ] && export OMP_NUM_THREADS="$4"
photo=${SMPSIM_CROWN:-../shared/photos/crown-shaved-4000x3000.jpg}
mask=${photo%.jpg}.mask.png
ext=${SMPSIM_CROWN_EXT:-jpg}
[ -f "$photo" ] && [ -f "$mask" ] || { echo "(no crown photo at $photo: skipped)"; exit 0; }
[ -x /usr/bin/time ] || { echo "(/usr/bin/time not installed: apt-get install time)"; exit 0; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
echo "| run | binary | wall s | user s | sys s | peak RSS MB |"
echo "|---|---|---|---|---|---|"
i=1
while [ "$i" -le "$n" ]; do
    for who in base ours; do
        bin=$base
        [ "$who" = ours ] && bin=$ours
        /usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$bin" render "$photo" "$mask" -o "$tmp/out.$ext" --force \
            >/dev/null 2>&1 || { echo "| $i | $who | failed | | | |"; continue; }
        set -- $(cat "$tmp/t")
        echo "$who $1 $2 $3 $4" >>"$tmp/rows"
        echo "| $i | $who | $1 | $2 | $3 | $(($4 / 1024)) |"
    done
    i=$((i + 1))
done
awk '
function med(a, k,    i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                  return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
{ k = ++n[$1]; w[$1, k] = $2; u[$1, k] = $3; s[$1, k] = $4; m[$1, k] = $5 / 1024 }
END {
  for (who in n) { delete a
    for (i = 1; i <= n[who]; i++) a[i] = w[who, i]; W[who] = med(a, n[who])
    for (i = 1; i <= n[who]; i++) a[i] = u[who, i]; U[who] = med(a, n[who])
    for (i = 1; i <= n[who]; i++) a[i] = s[who, i]; S[who] = med(a, n[who])
    for (i = 1; i <= n[who]; i++) a[i] = m[who, i]; M[who] = med(a, n[who]) }
  printf "\nmedians of %d: baseline %.2f s wall, %.2f s user, %.2f s sys, %.0f MB; ours %.2f s wall, %.2f s user, %.2f s sys, %.0f MB\n",
         n["ours"], W["base"], U["base"], S["base"], M["base"], W["ours"], U["ours"], S["ours"], M["ours"]
  if (W["base"] > 0)
    printf "ours / baseline: wall %.2fx, CPU (user+sys) %.2fx, peak RSS %.2fx (of the 36 MB RGB image: %.1fx)\n",
           W["ours"] / W["base"], (U["ours"] + S["ours"]) / (U["base"] + S["base"]), M["ours"] / M["base"], M["ours"] / 36
}' "$tmp/rows"
