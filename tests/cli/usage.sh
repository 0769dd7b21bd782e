#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Usage errors (exit 1), bad input (exit 2, the message names the file),
# output errors (exit 3, inputs and existing outputs intact) and success.
# Usage: tests/cli/usage.sh BUILD_DIR (from the top of the tree)
. "$(dirname "$0")/lib.sh"

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
# A list option's errors name the option typed (--session-split's named
# --layers, an alias it shares with points).
expect 1 "--session-split falling" -- "$smp" render "$sample" "$smask" --session-split 60,30,100 -o "$o/x.png"
says "smpsim: --session-split: .*30 after 60" "--session-split falling"
expect 1 "--session-split not a list" -- "$smp" preview "$sample" "$smask" --session-split a,b -o "$o/x.png"
says "smpsim: --session-split: 'a,b' is not a list" "--session-split not a list"
expect 1 "points --layers falling" -- "$smp" points --width-mm 10 --height-mm 10 --layers 60,30,100 -o "$o/x.csv"
says "smpsim: --layers: .*30 after 60" "points --layers falling"
expect 1 "bad colour" -- "$smp" render "$sample" "$smask" --pigment 12345 -o "$o/x.png"
expect 1 "unknown extension" -- "$smp" render "$sample" "$smask" -o "$o/x.tiff"
says "x.tiff: unknown output type" "unknown extension"
absent "$o/x.png" "usage errors"

# --- stopped by a signal: 128 + it, nothing written, nothing said (as --help
# and README say). Each waits on standard input, a FIFO held open and never
# written, so the signal lands mid-read; TERM and HUP, as a background job
# here starts with SIGINT ignored. analyze took a caught TERM and ran on.
"$smp" --help >"$tmp/out" 2>&1
check 'grep -q "130, 143 or 129 (128 + the signal)" "$tmp/out"' "smpsim --help lacks the signals' exit codes"
mkfifo "$tmp/fifo"
exec 3<>"$tmp/fifo"
for run in "preview TERM 143" "render HUP 129" "mask TERM 143" "analyze TERM 143"; do
    set -- $run
    cmd=$1 sig=$2 want=$3
    case $cmd in
    mask) "$smp" mask - -o "$o/sig.png" <"$tmp/fifo" >"$tmp/out" 2>"$tmp/err" & ;;
    analyze) "$smp" analyze - <"$tmp/fifo" >"$tmp/out" 2>"$tmp/err" & ;;
    *) "$smp" "$cmd" - "$smask" -o "$o/sig.png" <"$tmp/fifo" >"$tmp/out" 2>"$tmp/err" & ;;
    esac
    pid=$!
    sleep 0.5
    kill -"$sig" "$pid"
    i=0
    while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 20 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -0 "$pid" 2>/dev/null && { bad "$cmd after SIG$sig: still running 2 s later"; kill -KILL "$pid"; }
    wait "$pid"
    rc=$?
    check '[ "$rc" -eq "$want" ] && [ ! -s "$tmp/err" ] && [ ! -s "$tmp/out" ]' \
        "$cmd after SIG$sig: exit $rc, wanted $want, said '$(head -c 200 "$tmp/err")'"
done
exec 3>&-
absent "$o/sig.png" "runs stopped by a signal"

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
# (A small scalp where the checks are of files and names, not of the render:
# each render of the sample costs a second and more.)
"$gen" --width 160 --height 120 --px-per-mm 8 --seed 4 -o "$tmp/tiny.jpg" --mask "$tmp/tiny.mask.png" --force
printf 'keep' >"$o/exists.png"
expect 3 "existing output" -- "$smp" render "$sample" "$smask" -o "$o/exists.png"
says "exists; use --force" "existing output"
if [ "$(cat "$o/exists.png")" = keep ]; then ok; else bad "existing output was changed"; fi
cp "$sample" "$tmp/in.jpg"
expect 3 "output is the photo" -- "$smp" render "$tmp/in.jpg" "$smask" -o "$tmp/in.jpg" --force
says "is an input" "output is the photo"
if cmp -s "$sample" "$tmp/in.jpg"; then ok; else bad "the input photo was overwritten"; fi
expect 3 "missing folder" -- "$smp" render "$tmp/tiny.jpg" "$tmp/tiny.mask.png" --px-per-mm 8 -o "$tmp/no/such/dir/x.png"
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
expect 0 "render --force" -- "$smp" render "$tmp/tiny.jpg" "$tmp/tiny.mask.png" --px-per-mm 8 -o "$o/exists.png" --force
if [ "$("$img" info "$o/exists.png")" = "160 120 3 1" ]; then ok; else bad "--force did not replace"; fi
expect 0 "preview" -- "$smp" preview "$sample" "$smask" -o "$o/preview.jpg"
if [ "$("$img" info "$o/preview.jpg")" = "960 1491 3 1" ]; then ok; else bad "preview of a landscape photo is not stacked (two panels, a gap, the caption): $("$img" info "$o/preview.jpg")"; fi
expect 0 "verbose" -- "$smp" render "$sample" "$smask" -o "$o/v.jpg" -v
says "assumed: the shorter side spans 200 mm" "verbose scale"
check '! grep -qi nan "$tmp/err"' "verbose printed a NaN: $(grep -i nan "$tmp/err")"
# The small scalp has no stubble and no shine: the summary leaves out what it cannot measure.
expect 0 "verbose, nothing to compare" -- "$smp" render "$tmp/tiny.jpg" "$tmp/tiny.mask.png" --px-per-mm 8 -o "$o/t.png" -v
says "no follicles found in the reference" "verbose without follicles"
check '! grep -qi nan "$tmp/err"' "verbose printed a NaN: $(grep -i nan "$tmp/err")"
"$gen" --width 80 --height 60 --px-per-mm 4 -o "$tmp/half.jpg" --mask "$tmp/half.mask.png" --force
expect 0 "half-size mask" -- "$smp" render "$tmp/tiny.jpg" "$tmp/half.mask.png" --px-per-mm 8 -o "$o/half.png"
says "note: mask resampled from 80x60 to 160x120" "resample note"
cp "$tmp/tiny.jpg" "$tmp/sp ace é.jpg"
expect 0 "spaces and non-ASCII names" -- "$smp" render "$tmp/sp ace é.jpg" "$tmp/tiny.mask.png" --px-per-mm 8 -o "$o/out é.jpg"
no_temps "$o" "success"

finish
