#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The CLI conventions of issue 17: '-' for standard input and output, one
# error prefix ('smpsim: ') for every message including getopt's, and
# --version with the version, the licence and the linked libraries.
set -u
build=${1:-build}
smp=$(cd "$build" && pwd)/smpsim
top=$(pwd)
S=$top/samples
. "$top/tests/harness.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smpsim-conv.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export TMPDIR="$tmp" # the stdout temporaries must be cleaned up: checked at the end
cd "$tmp" || exit 1
same() { "$top/$build/tests/imgtool" same "$1" "$2" >/dev/null 2>&1 || cmp -s "$1" "$2"; }

# --version
v=$("$smp" --version)
echo "$v" | grep -q '^smpsim [0-9]*\.[0-9]*\.[0-9]*' && echo "$v" | grep -q 'BSD-2-Clause' &&
    echo "$v" | grep -q 'libpng [0-9]' && echo "$v" | grep -q 'libjpeg' && echo "$v" | grep -q 'FreeType' &&
    ok "--version: $(echo "$v" | head -1); $(echo "$v" | sed -n 's/^Linked: //p')" || bad "--version: $v"
[ "$("$smp" version)" = "$v" ] || bad "'smpsim version' differs from --version"

# One error prefix: getopt's messages too, on every command.
for c in render preview points batch sweep analyze; do
    "$smp" $c --no-such-option >/dev/null 2>"$tmp/err"
    rc=$?
    first=$(head -1 "$tmp/err")
    case "$first" in
    "smpsim: "*) [ $rc = 1 ] || bad "$c --no-such-option: exit $rc" ;;
    *) bad "$c --no-such-option: '$first'" ;;
    esac
    "$smp" $c --seed >/dev/null 2>"$tmp/err"
    head -1 "$tmp/err" | grep -q '^smpsim: ' || bad "$c --seed (no value): '$(head -1 "$tmp/err")'"
done
"$smp" render a b -o x.png 2>"$tmp/err" >/dev/null
grep -v '^smpsim: ' "$tmp/err" | grep -q . && bad "render error without the prefix: $(cat "$tmp/err")"
ok "every command's usage errors start with 'smpsim: '"

# '-' for standard input and output.
"$smp" render "$S/scalp.jpg" "$S/scalp.mask.png" --px-per-mm 8 --seed 4 -o ref.png --metrics ref.json --dots ref.csv
"$smp" render - "$S/scalp.mask.png" --px-per-mm 8 --seed 4 -o - <"$S/scalp.jpg" >out.png 2>err &&
    same ref.png out.png && ok "render - MASK -o - (photo on stdin, PNG on stdout)" ||
    bad "render - MASK -o -: $(cat err)"
"$smp" render "$S/scalp.jpg" - --px-per-mm 8 --seed 4 -o m.png --metrics - <"$S/scalp.mask.png" >out.json 2>err &&
    same ref.png m.png && cmp -s ref.json out.json && ok "render PHOTO - --metrics - (mask on stdin, JSON on stdout)" ||
    bad "render --metrics -: $(cat err)"
"$smp" render "$S/scalp.jpg" "$S/scalp.mask.png" --px-per-mm 8 --seed 4 -o d.png --dots - >out.csv 2>err &&
    cmp -s ref.csv out.csv && ok "render --dots - (CSV on stdout)" || bad "render --dots -: $(cat err)"
"$smp" preview "$S/scalp.jpg" "$S/scalp.mask.png" --px-per-mm 8 --seed 4 --date none -o pv.png
"$smp" preview "$S/scalp.jpg" "$S/scalp.mask.png" --px-per-mm 8 --seed 4 --date none -o - >pv-out.png 2>err &&
    same pv.png pv-out.png && ok "preview -o -" || bad "preview -o -: $(cat err)"
"$smp" points --width-mm 30 --height-mm 20 --density 100 -o pts.csv
"$smp" points --width-mm 30 --height-mm 20 --density 100 -o - >pts-out.csv 2>err && cmp -s pts.csv pts-out.csv &&
    ok "points -o -" || bad "points -o -: $(cat err)"
"$smp" analyze pts.csv --json >an.json
"$smp" analyze - --json <pts.csv >an-out.json 2>err && cmp -s an.json an-out.json && ok "analyze - (points on stdin)" ||
    bad "analyze -: $(cat err)"
"$smp" sweep "$S/scalp.jpg" "$S/scalp.mask.png" --px-per-mm 8 --density 60,90 --csv sw.csv --jobs 2
"$smp" sweep - "$S/scalp.mask.png" --px-per-mm 8 --density 60,90 --csv - --jobs 2 <"$S/scalp.jpg" >sw-out.csv 2>err &&
    [ "$(sed "s/,[^,]*$//" sw.csv)" = "$(sed "s/,[^,]*$//" sw-out.csv)" ] && ok "sweep - MASK --csv -" ||
    bad "sweep --csv -: $(cat err)"
[ ! -e ./- ] || bad "a file named '-' was created"

# The rules: one stdin, one stdout, nothing on stdout after a failure.
"$smp" render - - -o x.png <"$S/scalp.jpg" >/dev/null 2>err
[ $? = 1 ] && grep -q '^smpsim: -: standard input can be read only once' err && ok "two '-' inputs refused" ||
    bad "two '-' inputs: $(cat err)"
"$smp" render "$S/scalp.jpg" "$S/scalp.mask.png" -o - --metrics - >out 2>err
[ $? = 1 ] && grep -qE '^smpsim: -: (only one output|is both -o and --metrics)' err && [ ! -s out ] && ok "two '-' outputs refused" ||
    bad "two '-' outputs: $(cat err)"
printf 'not an image' | "$smp" render - "$S/scalp.mask.png" -o - >out 2>err
[ $? = 2 ] && [ ! -s out ] && grep -q '^smpsim: standard input: ' err && ok "bad stdin: exit 2, '$(cat err)', stdout empty" ||
    bad "bad stdin: $(cat err)"
"$smp" render "$S/scalp.jpg" "$S/scalp.mask.png" --px-per-mm 8 -o - --dots /nonexistent-dir/d.csv >out 2>err
[ $? = 3 ] && [ ! -s out ] && ok "failed run: exit 3, stdout empty" || bad "failed run wrote stdout: $(cat err)"
if command -v script >/dev/null 2>&1; then
    script -qec "$smp render $S/scalp.jpg $S/scalp.mask.png -o -" /dev/null >out 2>&1
    grep -q 'standard output is a terminal' out && ok "an image is not written to a terminal" ||
        bad "image to a terminal: $(head -c 200 out)"
fi
# A batch manifest from standard input, as from a file.
mkdir -p in
cp "$S/scalp.jpg" in/a.jpg && cp "$S/scalp.mask.png" in/a.mask.png
printf 'photo,mask,density\na.jpg,a.mask.png,60\n' | "$smp" batch in -o man --manifest - --px-per-mm 8 >out 2>err
[ $? = 0 ] && [ -f man/a.after.jpg ] && grep -q '^"a.jpg".*,60.00,' man/report.csv && ok "batch --manifest -" ||
    bad "batch --manifest -: $(cat err) $(cat man/report.csv 2>/dev/null)"
: | "$smp" batch in -o man2 --manifest - >out 2>err
[ $? = 2 ] && grep -q '^smpsim: standard input: the manifest is empty' err && ok "an empty manifest on stdin: exit 2" ||
    bad "empty manifest on stdin: $(cat err)"
left=$(find "$tmp" -name 'smpsim-stdout.*')
[ -z "$left" ] && ok "no temporary left behind" || bad "temporaries left: $left"
summary conventions
