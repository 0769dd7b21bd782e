#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Batch runs and inputs a clinic can trust (issue 16): reports that hold any
# file name, outputs that never replace an input or each other, re-runs and
# locks, bounded work on hostile files, and the smaller option checks.
# Every input is made here. Usage: tests/cli_batch.sh BUILD_DIR
set -u
build=${1:-build}
smp="$build/smpsim"
gen="$build/tools/gen_scalp"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smpsim-batch-XXXXXX")
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM # the EXIT trap cleans up
. "$(dirname "$0")/harness.sh"
json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8", errors="strict"))' "$1" 2>/dev/null; }
# Fields per CSV record as Python's csv module reads them, all rows.
csv_widths() { python3 -c 'import csv,sys; print(" ".join(sorted({str(len(r)) for r in csv.reader(open(sys.argv[1], newline="", encoding="utf-8", errors="surrogateescape"))})))' "$1"; }
cks() { cksum <"$1"; }

"$gen" --width 240 --height 180 --px-per-mm 8 --seed 1 -o "$tmp/p.jpg" --mask "$tmp/p.mask.png" --force 2>/dev/null
pair() { cp "$tmp/p.jpg" "$1.jpg" && cp "$tmp/p.mask.png" "$1.mask.png"; }
# The batches below give the photos their scale (--px-per-mm 8): at the assumed 200 mm a
# 240x180 photo is 0.9 px/mm and 58 000 dots.

# --- reports: long paths overflowed a 4096-byte slice per row (ASan: heap write/read)
R="$tmp/long"
mkdir -p "$R/in"
long=$(printf 'a%.0s' $(seq 1 3990))
for i in 1 2 3; do printf '%s%d.jpg,%s%d.mask.png\n' "$long" "$i" "$long" "$i"; done >"$R/m.csv"
expect 4 "long manifest paths" -- "$smp" batch --px-per-mm 8 "$R/in" -o "$R/out" --manifest "$R/m.csv"
check '[ "$(csv_widths "$R/out/report.csv")" = 14 ] && [ "$(wc -l <"$R/out/report.csv")" -eq 4 ]' \
    "long paths: report.csv is not 4 rows of 14 fields: $(head -c 300 "$R/out/report.csv")"
check 'json_ok "$R/out/report.json"' "long paths: report.json is not valid JSON"
D="$R/deep/in"
d="$D"
for l in 1 2 3 4 5 6 7 8; do d="$d/$(printf "d$l%.0s" $(seq 1 125))"; done
mkdir -p "$d"
for i in 1 2 3 4 5 6; do : >"$d/e$i.jpg"; : >"$d/e$i.mask.png"; done
expect 4 "deep folder" -- "$smp" batch --px-per-mm 8 "$D" -o "$R/deep/out"
check '[ "$(grep -c ",failed," "$R/deep/out/report.csv")" -eq 6 ] && json_ok "$R/deep/out/report.json"' \
    "deep folder: report wrong: $(tail -c 300 "$R/deep/out/report.csv")"

# --- CSV quoting, formulas, JSON escaping, UTF-8, the terminal
Q="$tmp/q"
mkdir -p "$Q/in\"q\\x"
I="$Q/in\"q\\x"
pair "$I/say \"hi\", ok"
pair "$I/=HYPERLINK(\"http:x\",\"y\")"
pair "$I/+plus"
pair "$I/$(printf 'bad\377name')"
pair "$I/$(printf 'esc\033]0;pwned\007')"
expect 0 "hostile names" -- "$smp" batch --px-per-mm 8 "$I" -o "$Q/out"
check '[ "$(csv_widths "$Q/out/report.csv")" = 14 ]' "report.csv fields: $(csv_widths "$Q/out/report.csv")"
check 'grep -q "^\"'"'"'=HYPERLINK" "$Q/out/report.csv" && grep -q "^\"'"'"'+plus" "$Q/out/report.csv"' \
    "formula cells not made inert: $(cut -c1-30 "$Q/out/report.csv")"
check 'json_ok "$Q/out/report.json"' "report.json invalid: $(head -c 300 "$Q/out/report.json")"
check 'grep -q "\"input\": \".*in\\\\\"q\\\\\\\\x\"" "$Q/out/report.json"' "input folder not escaped"
check 'grep -q "\"photo_bytes\": \"bad%FFname.jpg\"" "$Q/out/report.json"' "no exact bytes for a non-UTF-8 name"
check 'python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding=\"utf-8\")]" "$tmp/out"' "jsonl"
"$smp" batch --px-per-mm 8 "$I" -o "$Q/out2" --progress jsonl >"$tmp/jl" 2>/dev/null
check 'python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding=\"utf-8\")]" "$tmp/jl"' \
    "--progress jsonl lines are not valid UTF-8 JSON"
: >"$I/$(printf 'zz\033[31mred')".jpg
cp "$tmp/p.mask.png" "$I/$(printf 'zz\033[31mred')".mask.png
expect 4 "escape in a failing name" -- "$smp" batch --px-per-mm 8 "$I" -o "$Q/out3"
check '! grep -q "$(printf "\033")" "$tmp/err" && grep -q "zz\\\\x1b\[31mred" "$tmp/err"' \
    "escape sequences reach the terminal: $(od -c "$tmp/err" | head -3)"
expect 2 "render error escaped" -- "$smp" render "$I/$(printf 'zz\033[31mred').jpg" "$tmp/p.mask.png" -o "$Q/x.png"
check '! grep -q "$(printf "\033")" "$tmp/err"' "render error printed an escape raw"
# A 'note:' line names the mask: an empty mask (nothing to treat) gives one.
"$build/tests/imgtool" paint "$Q/$(printf 'm\033[31mred').png" 240 180 0 0 0 0
expect 0 "note under an escaped name" -- "$smp" render "$tmp/p.jpg" "$Q/$(printf 'm\033[31mred').png" -o "$Q/n.png"
check 'grep -q "m\\\\x1b\[31mred.png: note: " "$tmp/err" && ! grep -q "$(printf "\033")" "$tmp/err"' \
    "a note line printed an escape raw: $(od -c "$tmp/err" | head -2)"

# --- names with a newline, a CR, a comma, quotes: report.csv keeps each inside its quotes
# (RFC 4180; a record may span lines) and --resume reads it back. A newline became a space,
# so that photo never resumed (redone every time, failing on its own output).
NL="$tmp/newline"
mkdir -p "$NL/in"
for n in "$(printf 'two\nlines')" "$(printf 'cr\rname')" 'comma, "quoted"' '=sum(1)' "$(printf 'x\n"y",z\r\n')w" plain; do
    pair "$NL/in/$n"
done
# Each row's photo (its formula apostrophe taken off) and status, as Python's csv module reads them.
csv_rows() { python3 - "$1" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8", errors="surrogateescape")))[1:]
for r in rows:
    p = r[0][1:] if r[0][:1] == "'" and r[0][1:2] in "=+-@\t\r '" and len(r[0]) > 1 else r[0]
    print(repr(p), r[2], len(r))
PY
}
names_ok() { # every photo of the folder has a row of 14 fields with its exact name and the status
    python3 - "$1" "$2" "$(csv_rows "$3")" <<'PY'
import os, sys
names = sorted(n for n in os.listdir(sys.argv[1]) if n.endswith(".jpg"))
rows = sorted(sys.argv[3].splitlines())
want = sorted("%r %s 14" % (n, sys.argv[2]) for n in names)
sys.exit(0 if rows == want else 1)
PY
}
expect 0 "names with newlines: first run" -- "$smp" batch --px-per-mm 8 "$NL/in" -o "$NL/out"
check 'names_ok "$NL/in" ok "$NL/out/report.csv"' "names with newlines: rows $(csv_rows "$NL/out/report.csv" | tr "\n" " ")"
expect 0 "names with newlines: --resume" -- "$smp" batch --px-per-mm 8 "$NL/in" -o "$NL/out" --resume
check 'names_ok "$NL/in" up-to-date "$NL/out/report.csv"' \
    "names with newlines, --resume: $(csv_rows "$NL/out/report.csv" | tr "\n" " "; head -c 300 "$tmp/err")"
# So with -o the input folder: each output is known as one by the report (a scan finds it
# under its exact name), none read as a photo.
cp -R "$NL/in" "$NL/self"
"$smp" batch --px-per-mm 8 "$NL/self" -o "$NL/self" >/dev/null 2>&1
expect 0 "names with newlines, -o the input: again" -- "$smp" batch --px-per-mm 8 "$NL/self" -o "$NL/self" --resume
check '[ "$(csv_rows "$NL/self/report.csv" | grep -c " up-to-date 14$")" -eq 6 ] &&
       [ "$(csv_rows "$NL/self/report.csv" | grep -c "after.jpg. skipped 14$")" -eq 6 ] && [ -z "$(ls "$NL/self" | grep "after\.after")" ]' \
    "names with newlines, -o the input: $(csv_rows "$NL/self/report.csv" | tr "\n" " ")"
# A manifest's quoted cell may hold a newline too.
printf 'photo,mask\n"two\nlines.jpg","two\nlines.mask.png"\n"comma, ""quoted"".jpg",auto\n' >"$NL/m.csv"
expect 0 "a manifest cell with a newline" -- "$smp" batch --px-per-mm 8 "$NL/in" -o "$NL/mout" --manifest "$NL/m.csv"
check '[ -f "$NL/mout/$(printf "two\nlines").after.jpg" ] && [ -f "$NL/mout/comma, \"quoted\".after.jpg" ]' \
    "a manifest cell with a newline: $(ls "$NL/mout" | tr "\n" " ")"

# --- option values that were undefined behaviour
# (gcc's -fsanitize=undefined has no float-cast-overflow: the value in the
# message shows the conversion; it read "JPEG quality -1" when it was UB.)
expect 1 "--quality 1e308" -- "$smp" render "$tmp/p.jpg" "$tmp/p.mask.png" --quality 1e308 -o "$tmp/q.jpg"
says "'1e308' is not a whole number in 1..100" "--quality 1e308"
expect 1 "--quality -1e308" -- "$smp" batch --px-per-mm 8 "$tmp" -o "$tmp/qq" --quality -1e308

# --- batch never writes an input
O="$tmp/over"
mkdir -p "$O"
pair "$O/a"
pair "$O/b"
printf 'a.jpg,a.mask.png,b.jpg\nb.jpg,b.mask.png,b.mask.png\n' >"$O/m.csv"
bj=$(cks "$O/b.jpg") bm=$(cks "$O/b.mask.png")
expect 4 "manifest outputs onto inputs" -- "$smp" batch --px-per-mm 8 "$O" -o "$O" --manifest "$O/m.csv" --force
check '[ "$(cks "$O/b.jpg")" = "$bj" ] && [ "$(cks "$O/b.mask.png")" = "$bm" ]' "batch --force replaced an input"
X="$tmp/x"
mkdir -p "$X"
pair "$X/x"
pair "$X/x.after"
# x.after.jpg (a client photo) older than x's inputs: "not up to date", so
# --resume would render x over it if resuming meant overwriting.
touch -d '1 hour ago' "$X/x.after.jpg" "$X/x.after.mask.png"
xa=$(cks "$X/x.after.jpg")
"$smp" batch --px-per-mm 8 "$X" -o "$X" >/dev/null 2>&1
"$smp" batch --px-per-mm 8 "$X" -o "$X" --resume >/dev/null 2>&1
check '[ "$(cks "$X/x.after.jpg")" = "$xa" ]' "--resume overwrote a client photo"
# A client's own smith.after.jpg without a mask beside smith.jpg, -o the input folder and
# --force: smith.jpg's after image replaced it (a photo skipped for want of a mask was not
# counted an input). Now smith.jpg fails before it is worked on, naming the file; so in
# either shard of the folder. The file is what the run writes for smith.jpg, so it is not
# read as a photo (another shard may have just written it), but no report lists it as an
# output: it stays an input, never replaced.
N="$tmp/own"
mkdir -p "$N"
pair "$N/smith"
"$gen" --width 240 --height 180 --px-per-mm 8 --seed 9 -o "$N/smith.after.jpg" --mask "$tmp/own-unused.png" 2>/dev/null
sa=$(cks "$N/smith.after.jpg")
expect 4 "-o the input, --force, a client's smith.after.jpg" -- "$smp" batch --px-per-mm 8 "$N" -o "$N" --force
check '[ "$(cks "$N/smith.after.jpg")" = "$sa" ]' "-o the input --force replaced a client's smith.after.jpg"
check 'grep -q "^\"smith.jpg\",.*,failed,\"$N/smith.after.jpg: is in the input folder and no earlier run.s report lists it as an output .*even with --force" "$N/report.csv" &&
       grep -q "^\"smith.after.jpg\",\"\",skipped,\"an output of this run (for smith.jpg): not read as a photo" "$N/report.csv"' \
    "the refusal's row: $(cut -c1-160 "$N/report.csv")"
says "smpsim: $N/smith.after.jpg: is in the input folder and no earlier run's report lists it" "the refusal names the file"
for k in 0 1 2; do "$smp" batch --px-per-mm 8 "$N" -o "$N" --force --shard $k/3 >/dev/null 2>&1; done
check '[ "$(cks "$N/smith.after.jpg")" = "$sa" ]' "a shard replaced another shard's photo"
# Outputs cut at 1023 bytes mapped two photos to one file.
L="$tmp/cut"
n250=$(printf "n%.0s" $(seq 1 250)); n246=$(printf "n%.0s" $(seq 1 246))
mkdir -p "$L/in/$n250/$n250/$n250"
pair "$L/in/$n250/$n250/$n250/${n246}"
expect 4 "output name too long" -- "$smp" batch --px-per-mm 8 "$L/in" -o "$L/out" --force
check 'grep -q "longer than the system allows" "$L/out/report.csv"' "an over-long output was not refused: $(cut -c 760-900 "$L/out/report.csv")"
P="$tmp/pair"
mkdir -p "$P"
pair "$P/c"
cp "$tmp/p.jpg" "$P/c.png" 2>/dev/null; "$gen" --width 240 --height 180 --px-per-mm 8 -o "$P/c.png" --mask "$P/c.mask.jpg" --force 2>/dev/null
expect 4 "two photos, one output" -- "$smp" batch --px-per-mm 8 "$P" -o "$P/out"
check '[ "$(grep -c "is also the output of" "$P/out/report.csv")" -eq 2 ]' "colliding outputs: $(cat "$P/out/report.csv")"
# So across shards: c.jpg falls in shard 0 of 2, c.png in shard 1; each shard rendered its
# own into c.after.jpg (the second failed on it, or with --force replaced it).
for k in 0 1; do "$smp" batch --px-per-mm 8 "$P" -o "$P/sout" --shard $k/2 >/dev/null 2>&1; done
check '[ ! -e "$P/sout/c.after.jpg" ] && [ "$(cat "$P"/sout/report.shard-*-of-2.csv | grep -c "is also the output of")" -eq 2 ]' \
    "shards wrote one output for two photos: $(ls "$P/sout"; cut -c1-100 "$P"/sout/report.shard-*-of-2.csv)"

# --- re-runs, resume, lock, stale temporaries
E="$tmp/rerun"
mkdir -p "$E/in"
pair "$E/in/a"
pair "$E/in/b"
expect 0 "first run" -- "$smp" batch --px-per-mm 8 "$E/in" -o "$E/out" --metrics
says "smpsim: batch: 2 ok, 0 failed, 0 skipped, 0 up-to-date, 0 not run in " "summary line"
r1=$(cks "$E/out/report.csv")
expect 3 "plain re-run" -- "$smp" batch --px-per-mm 8 "$E/in" -o "$E/out"
says "holds an earlier run" "plain re-run"
check '[ "$(cks "$E/out/report.csv")" = "$r1" ]' "a refused re-run replaced the report"
rm "$E/out/a.after.metrics.json"
expect 0 "resume, metrics missing" -- "$smp" batch --px-per-mm 8 "$E/in" -o "$E/out" --metrics --resume
check 'grep -q "^\"a.jpg\",.*,ok," "$E/out/report.csv" && grep -q "^\"b.jpg\",.*,up-to-date," "$E/out/report.csv"' \
    "resume with a missing metrics file: $(cut -c1-40 "$E/out/report.csv")"
check '[ -f "$E/out/report.1.csv" ] && [ -f "$E/out/report.1.json" ]' "the previous report was not kept"
expect 0 "resume, density changed" -- "$smp" batch --px-per-mm 8 "$E/in" -o "$E/out" --metrics --resume --density 200
check '[ "$(grep -c ",ok," "$E/out/report.csv")" -eq 2 ]' "resume ignored a changed --density"
if command -v flock >/dev/null 2>&1; then
    flock "$E/out/report.lock" sleep 3 &
    lp=$!
    sleep 0.5
    expect 3 "second batch on one folder" -- "$smp" batch --px-per-mm 8 "$E/in" -o "$E/out" --resume
    says "another smpsim batch" "lock"
    wait "$lp"
fi
: >"$E/out/.smpsim-tmp-a.after.jpg.Ab12Cd"
touch -d '2 hours ago' "$E/out/.smpsim-tmp-a.after.jpg.Ab12Cd"
"$smp" batch --px-per-mm 8 "$E/in" -o "$E/out" --resume >/dev/null 2>&1
check '[ ! -e "$E/out/.smpsim-tmp-a.after.jpg.Ab12Cd" ] && [ ! -e "$E/out/report.lock" ]' "stale temporary or lock left"

# --- --resume replaces only what the earlier report's successful rows wrote. A row that
# says skipped (no mask) or failed wrote nothing, yet its photo's output names were taken for
# ours: a client's own out/a.after.jpg was replaced once a.jpg got its mask.
Y="$tmp/resume-own"
mkdir -p "$Y/in"
cp "$tmp/p.jpg" "$Y/in/a.jpg"
pair "$Y/in/b"
head -c 3000 "$tmp/p.jpg" >"$Y/in/c.jpg" && cp "$tmp/p.mask.png" "$Y/in/c.mask.png"
expect 4 "resume-own: first run (a.jpg without a mask, c.jpg corrupt)" -- "$smp" batch --px-per-mm 8 "$Y/in" -o "$Y/out"
check 'grep -q "^\"a.jpg\",\"\",skipped," "$Y/out/report.csv" && grep -q "^\"c.jpg\",.*,failed," "$Y/out/report.csv"' \
    "resume-own: first run's rows: $(cut -c1-60 "$Y/out/report.csv")"
for n in a c; do "$gen" --width 240 --height 180 --px-per-mm 8 --seed 9 -o "$Y/out/$n.after.jpg" --mask "$tmp/own-unused.png" 2>/dev/null; done
ya=$(cks "$Y/out/a.after.jpg") yc=$(cks "$Y/out/c.after.jpg")
cp "$tmp/p.mask.png" "$Y/in/a.mask.png"
cp "$tmp/p.jpg" "$Y/in/c.jpg"
expect 4 "--resume: a skipped or failed row's output names hold other files" -- \
    "$smp" batch --px-per-mm 8 "$Y/in" -o "$Y/out" --resume
check '[ "$(cks "$Y/out/a.after.jpg")" = "$ya" ] && [ "$(cks "$Y/out/c.after.jpg")" = "$yc" ]' \
    "--resume replaced a file that the earlier run never wrote (its row skipped or failed)"
check 'grep -q "^\"a.jpg\",.*,failed,\"$Y/out/a.after.jpg: exists; use --force" "$Y/out/report.csv" &&
       grep -q "^\"c.jpg\",.*,failed,\"$Y/out/c.after.jpg: exists; use --force" "$Y/out/report.csv" &&
       grep -q "^\"b.jpg\",.*,up-to-date," "$Y/out/report.csv"' "resume-own: rows: $(cut -c1-120 "$Y/out/report.csv")"

# --- --resume reads rows of any length: a row over 16 KB (long paths, three outputs) was cut
# and mis-read, so its photo was redone and failed on its own outputs. Over 1 MB a row is an
# error naming the report and the line.
Z="$tmp/longrow"
zrel=""
for l in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17; do zrel="$zrel$(printf 'r%.0s' $(seq 1 200))$l/"; done
mkdir -p "$Z/in/$zrel"
pair "$Z/in/${zrel}x"
pair "$Z/in/y"
expect 0 "long rows: first run" -- "$smp" batch --px-per-mm 8 "$Z/in" -o "$Z/out" --what both --metrics
check '[ "$(awk "length > 16384" "$Z/out/report.csv" | wc -l)" -eq 1 ]' \
    "long rows: no row over 16 KB to test with: $(awk "{print length}" "$Z/out/report.csv")"
expect 0 "long rows: --resume" -- "$smp" batch --px-per-mm 8 "$Z/in" -o "$Z/out" --what both --metrics --resume
check '[ "$(grep -c ",up-to-date," "$Z/out/report.csv")" -eq 2 ]' \
    "a row over 16 KB was mis-read by --resume: $(cut -c1-40 "$Z/out/report.csv"; grep -o "failed,\"[^\"]*\"" "$Z/out/report.csv" | cut -c1-80)"
{ cat "$Z/out/report.csv"; printf '"z.jpg","z.mask.png",ok,"","",0.1,1,1,1,,,0000000000000001,"'
  head -c 1100000 /dev/zero | tr '\0' n; printf '"\n'; } >"$Z/big.csv"
mv "$Z/big.csv" "$Z/out/report.csv"
expect 2 "a report row over 1 MB" -- "$smp" batch --px-per-mm 8 "$Z/in" -o "$Z/out" --what both --metrics --resume
says "smpsim: $Z/out/report.csv: line 4: longer than 1 MB" "a report row over 1 MB"
# A manifest's rows are no longer held to 8 KB either (three 3.4 KB paths).
printf '%sx.jpg,%sx.mask.png,%sm.jpg\n' "$zrel" "$zrel" "$zrel" >"$Z/m.csv"
expect 0 "a manifest row over 8 KB" -- "$smp" batch --px-per-mm 8 "$Z/in" -o "$Z/mout" --manifest "$Z/m.csv"
# A report whose outputs cell is 600 KB of "a/" (a corrupted or hostile one, in the input
# folder: the scan reads it without --resume): each '/' was tried as the folder that run was
# given (copied, stat'ed, normalised), hours before the first photo. (fuzz/fuzz_resume.c)
S="$tmp/slashes"
mkdir -p "$S/in"
pair "$S/in/s"
{ echo "photo,mask,status,error,outputs,seconds,seed,dots,density_cm2,delta_e_before,delta_e_after,hash,notes,older_outputs"
  printf '"x.jpg","x.mask.png",ok,"","'; python3 -c 'print("a/" * 300000, end="")'; printf 'x.jpg",0.1,1,1,1,,,0000000000000001,"",""\n'
} >"$S/in/report.csv"
expect 0 "a report with a 600 KB outputs cell of slashes" -- timeout -s KILL 60 "$smp" batch --px-per-mm 8 "$S/in" -o "$S/out"

# --- --resume keys inputs by the folder resolved and the path below it: "./in", "in/" and
# the absolute path are one folder, as are two spellings of --masks DIR and --manifest.
# (Each spelling was hashed as typed: everything was redone.)
A="$tmp/spell"
mkdir -p "$A/in/sub" "$A/masks"
pair "$A/in/a"
pair "$A/in/sub/b"
cp "$tmp/p.jpg" "$A/in/c.jpg" && cp "$tmp/p.mask.png" "$A/masks/c.png"
abs_smp=$(cd "$(dirname "$smp")" && pwd)/smpsim
(cd "$A" && "$abs_smp" batch --px-per-mm 8 ./in -o out --masks ./masks) >/dev/null 2>&1
for spelt in "$A/in" in/ "./in//"; do
    (cd "$A" && "$abs_smp" batch --px-per-mm 8 "$spelt" -o out --masks "$A/masks/" --resume) >"$tmp/out" 2>"$tmp/err"
    check '[ "$(grep -c ",up-to-date," "$A/out/report.csv")" -eq 3 ]' \
        "--resume as $spelt after ./in: $(cut -c1-40 "$A/out/report.csv" | tr "\n" " ")"
done
printf 'a.jpg,a.mask.png\nsub/b.jpg,sub/b.mask.png\n' >"$A/m.csv"
(cd "$A" && "$abs_smp" batch --px-per-mm 8 in -o mout --manifest m.csv) >/dev/null 2>&1
(cd "$A/in" && "$abs_smp" batch --px-per-mm 8 . -o ../mout --manifest ../m.csv --resume) >"$tmp/out" 2>"$tmp/err"
check '[ "$(grep -c ",up-to-date," "$A/mout/report.csv")" -eq 2 ]' \
    "--resume with the manifest and folder spelt otherwise: $(cut -c1-40 "$A/mout/report.csv" | tr "\n" " ")"

# --- --resume keys the options as parsed: "--density=90" and "--density 90", another order,
# a --settings file, a default given are one run; --jobs, -v, --progress, --follow-symlinks,
# and a preview's options in a run that writes no preview, change no output and redo
# nothing; an option that changes an output redoes every photo. (The arguments were hashed
# as typed: any other spelling redid everything.)
O1="$tmp/optkey"
mkdir -p "$O1/in"
pair "$O1/in/a"; pair "$O1/in/b"
printf '{"dot": 0.3, "density": 90}\n' >"$O1/s.json"
expect 0 "options key: first run" -- "$smp" batch --px-per-mm 8 --density=90 --dot 0.3 "$O1/in" -o "$O1/out" --jobs 1
for spelt in "--dot=0.3 --density 90 --px-per-mm=8 --jobs 2 -v --progress jsonl --follow-symlinks" \
             "--settings $O1/s.json --px-per-mm 8.0 --quality 92 --regularity 0.6" \
             "--density 90 --dot 0.3 --px-per-mm 8 --caption Ann --layout side --max-size 900 --date 2020-01-01"; do
    expect 0 "options key: $spelt" -- "$smp" batch $spelt "$O1/in" -o "$O1/out" --resume
    check '[ "$(grep -c ",up-to-date," "$O1/out/report.csv")" -eq 2 ]' \
        "--resume $spelt after --density=90 --dot 0.3: $(cut -c1-40 "$O1/out/report.csv" | tr "\n" " ")"
done
for change in "--quality 80" "--edge soft" "--metrics" "--px-per-mm auto" "--format png"; do
    expect 0 "options key: $change" -- "$smp" batch --px-per-mm 8 --density 90 --dot 0.3 $change "$O1/in" -o "$O1/out" --resume
    check '[ "$(grep -c ",ok," "$O1/out/report.csv")" -eq 2 ]' \
        "--resume $change did not redo: $(cut -c1-40 "$O1/out/report.csv" | tr "\n" " ")"
done
# Previews: their options count; the default size given is the default; the caption's date
# when not given is the run's day, not a change.
SOURCE_DATE_EPOCH=0 "$smp" batch --px-per-mm 8 "$O1/in" -o "$O1/pv" --what preview >/dev/null 2>&1
for again in "--max-size 2560" "--max-size=2560 --layout auto"; do
    expect 0 "options key, preview: $again" -- env SOURCE_DATE_EPOCH=86400000 "$smp" batch --px-per-mm 8 $again "$O1/in" -o "$O1/pv" --what preview --resume
    check '[ "$(grep -c ",up-to-date," "$O1/pv/report.csv")" -eq 2 ]' \
        "preview --resume $again: $(cut -c1-40 "$O1/pv/report.csv" | tr "\n" " ")"
done
expect 0 "options key, preview: --caption" -- "$smp" batch --px-per-mm 8 "$O1/in" -o "$O1/pv" --what preview --resume --caption Ann
check '[ "$(grep -c ",ok," "$O1/pv/report.csv")" -eq 2 ]' "preview --resume --caption did not redo: $(cut -c1-40 "$O1/pv/report.csv")"

# --- a manifest row names its photo as the folder's walk does: "./a.jpg" and "sub/../a.jpg"
# are a.jpg, with a.jpg's seed and shard (both were hashed from the row as typed: another
# render of the same photo, maybe in another shard); a path climbing above its folder is
# still refused.
M2="$tmp/rowpath"
mkdir -p "$M2/in"
pair "$M2/in/a"; pair "$M2/in/b"; pair "$M2/in/c"
"$smp" batch --px-per-mm 8 "$M2/in" -o "$M2/scan" >/dev/null 2>&1
seed_a=$(grep '^"a.jpg"' "$M2/scan/report.csv" | cut -d, -f7)
printf 'photo,mask,output\n./a.jpg,./a.mask.png,one.jpg\nsub/../a.jpg,a.mask.png,two.jpg\n.//b.jpg,b.mask.png,\n' >"$M2/m.csv"
expect 0 "manifest rows ./a.jpg and sub/../a.jpg" -- "$smp" batch --px-per-mm 8 "$M2/in" -o "$M2/man" --manifest "$M2/m.csv"
check '[ "$(grep -c "^\"a.jpg\",\"a.mask.png\",ok,.*,$seed_a,[0-9]" "$M2/man/report.csv")" -eq 2 ] &&
       cmp -s "$M2/man/one.jpg" "$M2/scan/a.after.jpg" && cmp -s "$M2/man/two.jpg" "$M2/scan/a.after.jpg" &&
       cmp -s "$M2/man/b.after.jpg" "$M2/scan/b.after.jpg"' \
    "manifest ./a.jpg: not a.jpg's seed $seed_a or bytes: $(cut -d, -f1-7 "$M2/man/report.csv" | tr "\n" " ")"
shard_same=1
for k in 0 1 2; do
    "$smp" batch --px-per-mm 8 "$M2/in" -o "$M2/scan3" --shard $k/3 >/dev/null 2>&1
    "$smp" batch --px-per-mm 8 "$M2/in" -o "$M2/man3" --manifest "$M2/m.csv" --shard $k/3 >/dev/null 2>&1
    grep -q '^"a.jpg"' "$M2/scan3/report.shard-$k-of-3.csv" && s_a=1 || s_a=0
    grep -q '^"a.jpg"' "$M2/man3/report.shard-$k-of-3.csv" && m_a=1 || m_a=0
    grep -q '^"b.jpg"' "$M2/scan3/report.shard-$k-of-3.csv" && s_b=1 || s_b=0
    grep -q '^"b.jpg"' "$M2/man3/report.shard-$k-of-3.csv" && m_b=1 || m_b=0
    [ "$s_a$s_b" = "$m_a$m_b" ] || shard_same=0
done
check '[ "$shard_same" = 1 ]' "manifest ./a.jpg and .//b.jpg fall in other shards than a.jpg and b.jpg"
printf 'photo,mask\nsub/../../a.jpg,a.mask.png\n' >"$M2/up.csv"
expect 2 "manifest row above its folder" -- "$smp" batch --px-per-mm 8 "$M2/in" -o "$M2/up" --manifest "$M2/up.csv"
says "up.csv: line 2: paths must be relative and stay inside their folders" "manifest row above its folder"

# --- --resume after a run with other shards (or none) reads the folder's other reports too,
# newest first: after shards 0/2 and 1/2, a run without --shard found no report.csv, redid
# every photo and failed each on its own outputs ("exists").
C="$tmp/reshard"
mkdir -p "$C/in"
pair "$C/in/a"; pair "$C/in/b"; pair "$C/in/d"
for k in 0 1; do "$smp" batch --px-per-mm 8 "$C/in" -o "$C/out" --shard $k/2 >/dev/null 2>&1; done
expect 0 "--resume without --shard after two shards" -- "$smp" batch --px-per-mm 8 "$C/in" -o "$C/out" --resume
check '[ "$(grep -c ",up-to-date," "$C/out/report.csv")" -eq 3 ]' "resume across shard counts: $(cut -c1-70 "$C/out/report.csv")"
expect 0 "--resume --shard 1/3 after those" -- "$smp" batch --px-per-mm 8 "$C/in" -o "$C/out" --resume --shard 1/3
check 'grep -q "^\"a.jpg\",.*,up-to-date," "$C/out/report.shard-1-of-3.csv"' "resume --shard 1/3: $(cut -c1-70 "$C/out/report.shard-1-of-3.csv")"

# --- shards writing into their own input folder: a file that the run writes for a photo is
# never a photo, even before the shard writing it has its report. Shard 0 writes
# a.after.jpg (a.after.jpg falls in shard 1), shard 1 writes d.after.jpg (in shard 0).
# Each shard runs here with the other's report moved aside, as it sees a shard still at work:
# with --masks auto, the other's fresh output was taken for a photo and rendered again.
for first in 0 1; do
    B="$tmp/shardself$first"
    second=$((1 - first))
    mkdir -p "$B"
    pair "$B/a"; pair "$B/b"; pair "$B/d"
    "$smp" batch --px-per-mm 8 "$B" -o "$B" --masks auto --shard $first/2 >/dev/null 2>&1
    mkdir "$B.aside" && mv "$B"/report.shard-$first-of-2.* "$B.aside/"
    expect 0 "shard $second/2 while shard $first/2 writes into the input" -- \
        "$smp" batch --px-per-mm 8 "$B" -o "$B" --masks auto --shard $second/2
    mv "$B.aside"/* "$B/"
    check '[ -z "$(ls "$B" | grep "after\.after\|after\.suggested")" ] &&
           ! grep -q "^\"[a-z].after.jpg\",[^,]*,\(ok\|failed\)," "$B/report.shard-$second-of-2.csv"' \
        "shard $second/2 took shard $first/2's output for a photo: $(ls "$B" | tr "\n" " "; cut -c1-80 "$B/report.shard-$second-of-2.csv")"
    check '[ "$(grep -c "^\"[a-z].after.jpg\",\"\",skipped,\"an output of this run (for [a-z].jpg)" "$B/report.shard-$second-of-2.csv")" -eq 1 ]' \
        "shard $second/2: no row naming the other shard's output: $(cut -c1-120 "$B/report.shard-$second-of-2.csv")"
    # Both reports in place, every shard resumed: all up to date, nothing taken for a photo.
    for k in 0 1; do "$smp" batch --px-per-mm 8 "$B" -o "$B" --masks auto --shard $k/2 --resume >/dev/null 2>&1; done
    check '[ "$(cat "$B"/report.shard-*-of-2.csv | grep -c ",up-to-date,")" -eq 3 ] && [ -z "$(ls "$B" | grep "after\.after")" ]' \
        "shards resumed: $(cut -c1-60 "$B"/report.shard-*-of-2.csv)"
done

# --- an earlier run's outputs in the input: a file that a report in its folder or above lists
# among its outputs (and not among its photos) is no photo: a row says so, the summary counts
# it. A client's own smith.after.jpg, in no report, is a photo (names say nothing).
# The earlier outputs were read as photos: with --masks auto each run made a.after.after.jpg.
W="$tmp/earlier"
mkdir -p "$W/in"
pair "$W/in/a"
cp "$N/smith.after.jpg" "$W/in/smith.after.jpg"
"$smp" batch --px-per-mm 8 "$W/in" -o "$W/in/out" --masks auto >/dev/null 2>&1
expect 0 "a second run, an earlier run's output folder inside the input" -- \
    "$smp" batch --px-per-mm 8 "$W/in" -o "$W/out2" --masks auto
for f in out/a.after.jpg out/smith.after.after.jpg out/smith.after.suggested-mask.png; do
    check 'grep -q "^\"$f\",\"\",skipped,\"an output of an earlier run (out/report.csv lists it)" "$W/out2/report.csv"' \
        "$f: no row saying it is an earlier output: $(grep "^\"$f\"" "$W/out2/report.csv" | cut -c1-120)"
done
check 'grep -q "^\"a.jpg\",.*,ok," "$W/out2/report.csv" && grep -q "^\"smith.after.jpg\",\"auto\",ok," "$W/out2/report.csv" &&
       [ ! -e "$W/out2/out" ] && [ "$(cks "$W/in/smith.after.jpg")" = "$sa" ]' \
    "the photos, or outputs of outputs: $(cut -c1-50 "$W/out2/report.csv"; ls "$W/out2")"
says "2 ok, 0 failed, 3 skipped (3 an earlier run's outputs)," "the summary"
# -o the input folder, run again: the earlier outputs beside the photos are skipped, the
# photos up to date, the client's smith.after.jpg is a photo and keeps its bytes.
V="$W/same"
mkdir -p "$V"
pair "$V/a"
cp "$N/smith.after.jpg" "$V/smith.after.jpg"
"$smp" batch --px-per-mm 8 "$V" -o "$V" --masks auto >/dev/null 2>&1
expect 0 "-o the input folder, resumed" -- "$smp" batch --px-per-mm 8 "$V" -o "$V" --masks auto --resume
check '[ "$(grep -c ",skipped,\"an output of an earlier run (report.csv lists it)" "$V/report.csv")" -eq 3 ] &&
       [ "$(grep -c ",up-to-date," "$V/report.csv")" -eq 2 ] && [ "$(ls "$V" | grep -c "after\.after\.after\|a\.after\.after")" -eq 0 ] &&
       [ "$(cks "$V/smith.after.jpg")" = "$sa" ]' "-o the input, resumed: $(cut -c1-70 "$V/report.csv"; ls "$V")"
# The photo gone, its after image stays an output: the next report lists a.after.jpg as
# skipped, and the one after that carries it on (the report that wrote it is gone).
rm "$V/a.jpg" "$V/a.mask.png"
for k in 1 2; do
    expect 0 "-o the input, the photo gone ($k)" -- "$smp" batch --px-per-mm 8 "$V" -o "$V" --masks auto --resume
done
check 'grep -q "^\"a.after.jpg\",\"\",skipped,\"an output of an earlier run" "$V/report.csv" && [ ! -e "$V/a.after.after.jpg" ]' \
    "an orphaned output was read as a photo: $(cut -c1-70 "$V/report.csv")"
# Named in a manifest, an earlier output is a photo: the manifest says so.
printf 'a.after.jpg,auto,again.jpg\n' >"$W/m.csv"
expect 0 "an earlier output named in a manifest" -- "$smp" batch --px-per-mm 8 "$V" -o "$W/man" --manifest "$W/m.csv"
check '[ -f "$W/man/again.jpg" ]' "the manifest's earlier output was not processed: $(cat "$W/man/report.csv")"
# A report above the input folder: a run into /data, then one on /data/ann.
U="$W/par"
mkdir -p "$U/ann"
pair "$U/ann/b"
"$smp" batch --px-per-mm 8 "$U" -o "$U" >/dev/null 2>&1
expect 0 "a report above the input" -- "$smp" batch --px-per-mm 8 "$U/ann" -o "$W/par-out"
check 'grep -q "^\"b.after.jpg\",\"\",skipped,\"an output of an earlier run ($U/report.csv lists it)" "$W/par-out/report.csv"' \
    "a report above the input: $(cut -c1-120 "$W/par-out/report.csv")"
# A file the report lists as an output and also read as a photo (a report of an earlier
# version, which read its outputs back) was a photo to that run: it stays one.
H="$W/both"
mkdir -p "$H"
pair "$H/x.after"
printf 'photo,mask,status,error,outputs,seconds,seed,dots,density_cm2,delta_e_before,delta_e_after,hash,notes\n"x.after.jpg","x.after.mask.png",ok,"","%s/x.after.after.jpg",1,1,1,80,,,0000000000000001,""\n"x.jpg","x.mask.png",up-to-date,"","%s/x.after.jpg",1,1,1,80,,,0000000000000001,""\n' "$H" "$H" >"$H/report.csv"
printf '{"schema": "smpsim-batch/1", "input": "%s", "items": [\n]}\n' "$H" >"$H/report.json"
expect 0 "a report's output that it read as a photo" -- "$smp" batch --px-per-mm 8 "$H" -o "$W/both-out"
check 'grep -q "^\"x.after.jpg\",\"x.after.mask.png\",ok," "$W/both-out/report.csv"' \
    "a photo of the earlier run was skipped: $(cut -c1-120 "$W/both-out/report.csv")"

# --- the scan: link loops, FIFOs, links out, unreadable folders
S="$tmp/scan"
mkdir -p "$S/in/sub" "$S/away"
pair "$S/in/sub/a"
pair "$S/away/far"
ln -s . "$S/in/l1"
ln -s . "$S/in/l2"
ln -s ../../away "$S/in/sub/out"
mkfifo "$S/in/pipe.jpg" "$S/in/pipe.mask.png"
expect 0 "link loop" -- timeout -k 5 60 "$smp" batch --px-per-mm 8 "$S/in" -o "$S/out"
check '[ "$(grep -c "^\"sub/a.jpg\"\|^\"l1/sub/a.jpg\"\|^\"l2/sub/a.jpg\"" "$S/out/report.csv")" -eq 1 ]' \
    "a link loop rendered a photo more than once: $(cut -c1-40 "$S/out/report.csv")"
check 'grep -q "^\"pipe.jpg\",.*skipped,\"not a regular file" "$S/out/report.csv"' "a FIFO got no row"
check 'grep -q "^\"sub/out\",.*skipped,\"a link out of the input" "$S/out/report.csv"' "a link out got no row"
expect 2 "FIFO photo" -- timeout -k 5 10 "$smp" render "$S/in/pipe.jpg" "$tmp/p.mask.png" -o "$S/x.png"
says "not a regular file" "FIFO photo"
expect 2 "FIFO reference" -- timeout -k 5 10 "$smp" render "$tmp/p.jpg" "$tmp/p.mask.png" --reference "$S/in/pipe.jpg" -o "$S/x.png"
expect 2 "FIFO mask" -- timeout -k 5 10 "$smp" render "$tmp/p.jpg" "$S/in/pipe.mask.png" -o "$S/x.png"
says "not a regular file" "FIFO mask"
expect 2 "FIFO analyze input" -- timeout -k 5 10 "$smp" analyze "$S/in/pipe.jpg"
says "not a regular file" "FIFO analyze input"
expect 2 "FIFO hairline points" -- timeout -k 5 10 "$smp" render "$tmp/p.jpg" "$tmp/p.mask.png" \
    --hairline-file "$S/in/pipe.jpg" -o "$S/x.png"
says "not a regular file" "FIFO hairline points"
printf 'pipe.jpg,sub/a.mask.png\nsub/a.jpg,sub/a.mask.png\n' >"$S/m.csv"
expect 4 "FIFO in a manifest" -- timeout -k 5 60 "$smp" batch --px-per-mm 8 "$S/in" -o "$S/mout" --manifest "$S/m.csv"
# As root the folder is unreadable only without the capabilities that
# override file permissions: setpriv drops them for the batch alone.
asuser=
if [ "$(id -u)" = 0 ]; then
    if command -v setpriv >/dev/null 2>&1; then
        asuser="setpriv --inh-caps=-all --bounding-set=-dac_override,-dac_read_search"
    else
        asuser=none
    fi
fi
if [ "$asuser" != none ]; then
    mkdir -p "$S/u/locked" && pair "$S/u/a" && pair "$S/u/locked/b" && chmod 000 "$S/u/locked"
    expect 4 "unreadable subfolder" -- $asuser "$smp" batch --px-per-mm 8 "$S/u" -o "$S/uout"
    check 'grep -q "^\"locked/\",.*failed" "$S/uout/report.csv" && grep -q "^\"a.jpg\",.*,ok," "$S/uout/report.csv"' \
        "an unreadable folder ended the batch: $(cat "$S/uout/report.csv" 2>/dev/null)"
    chmod 755 "$S/u/locked"
else
    echo "cli_batch: running as root without setpriv; skipping the unreadable-folder check"
fi

# --- a closed pipe, manifests from spreadsheets, preview options, the summary
G="$tmp/pipe"
mkdir -p "$G/in"
for i in 1 2 3 4; do pair "$G/in/p$i"; done
( "$smp" batch --px-per-mm 8 "$G/in" -o "$G/out" --progress jsonl --jobs 1 2>/dev/null; echo $? >"$G/rc" ) | head -1 >/dev/null
check '[ "$(cat "$G/rc")" = 0 ] && [ "$(grep -c ",ok," "$G/out/report.csv")" -eq 4 ]' \
    "batch | head died: exit $(cat "$G/rc"), report $(cat "$G/out/report.csv" 2>/dev/null | wc -l) lines"
# Each alone: a BOM, a '#' comment line before the header, columns
# reordered under a header (each once read the header as a photo row).
printf '\357\273\277photo,mask\np1.jpg,p1.mask.png\n' >"$G/bom.csv"
printf '# from the clinic\nphoto,mask\np1.jpg,p1.mask.png\n' >"$G/hash.csv"
printf 'mask,photo\np1.mask.png,p1.jpg\n' >"$G/cols.csv"
for m in bom hash cols; do
    expect 0 "manifest: $m" -- "$smp" batch --px-per-mm 8 "$G/in" -o "$G/m-$m" --manifest "$G/$m.csv"
    check 'grep -q "^\"p1.jpg\",\"p1.mask.png\",ok," "$G/m-$m/report.csv" && [ "$(wc -l <"$G/m-$m/report.csv")" -eq 2 ]' \
        "manifest $m: $(cat "$G/m-$m/report.csv" 2>/dev/null)"
done
printf '\357\273\277# clinic export\nmask,density,photo,caption,px_per_mm\np1.mask.png,50,p1.jpg,Ann,8\n# done\n' >"$G/m.csv"
expect 0 "manifest with BOM, comments, columns by name" -- "$smp" batch --px-per-mm 8 "$G/in" -o "$G/mout" --manifest "$G/m.csv" --what both
check 'grep -q "^\"p1.jpg\",\"p1.mask.png\",ok,.*,50.00," "$G/mout/report.csv" && [ "$(wc -l <"$G/mout/report.csv")" -eq 2 ]' \
    "manifest by header: $(cat "$G/mout/report.csv")"
expect 0 "batch takes preview options" -- "$smp" batch --px-per-mm 8 "$G/in" -o "$G/pv" --what preview --layout side --max-size 300 \
    --caption "A. Client" --loupe off --date none
check '[ "$("$build/tests/imgtool" info "$G/pv/p1.preview.jpg" 2>/dev/null | awk "{print (\$1 <= 300 && \$2 <= 300)}")" = 1 ]' \
    "batch --max-size 300 ignored: $("$build/tests/imgtool" info "$G/pv/p1.preview.jpg" 2>&1)"
says "smpsim: batch: 4 ok, 0 failed, 0 skipped" "summary line"
expect 0 "batch --format html" -- "$smp" batch --px-per-mm 8 "$G/in" -o "$G/html" --what preview --format html
check '[ -f "$G/html/p1.preview.html" ]' "no html preview"
# Batch previews are screen-sized by default (2560), not the photo twice over.
mkdir -p "$G/wide"
"$gen" --width 2800 --height 900 --px-per-mm 10 --seed 4 -o "$G/wide/w.jpg" --mask "$G/wide/w.mask.png" --force 2>/dev/null
expect 0 "batch preview of a 2800x900 photo" -- "$smp" batch --px-per-mm 8 "$G/wide" -o "$G/wpv" --what preview
check '[ "$("$build/tests/imgtool" info "$G/wpv/w.preview.jpg" 2>/dev/null | awk "{print (\$1 <= 2560 && \$2 <= 2560)}")" = 1 ]' \
    "batch preview over 2560 px: $("$build/tests/imgtool" info "$G/wpv/w.preview.jpg" 2>&1)"

# --- the progress bar counts what will be processed, and shows skipped and failed
if command -v script >/dev/null 2>&1; then
    T="$tmp/bar"
    mkdir -p "$T/in"
    pair "$T/in/p1"
    pair "$T/in/p2"
    cp "$tmp/p.jpg" "$T/in/lonely.jpg"
    head -c 3000 "$tmp/p.jpg" >"$T/in/broken.jpg" && cp "$tmp/p.mask.png" "$T/in/broken.mask.png"
    "$smp" batch --px-per-mm 8 "$T/in" -o "$T/out" >/dev/null 2>&1
    pair "$T/in/p3"
    # p1, p2 up to date; p3 and broken to do; lonely has no mask.
    script -qec "'$smp' batch --px-per-mm 8 '$T/in' -o '$T/out' --resume --jobs 1" /dev/null >"$tmp/bar.txt" 2>&1
    check 'tr "\r" "\n" <"$tmp/bar.txt" | grep "ETA" | tail -1 | grep -q " 2/2 .*failed 1  skipped 1  up-to-date 2"' \
        "progress bar: $(tr "\r" "\n" <"$tmp/bar.txt" | grep ETA | tail -1)"
fi

# --- a signal ends a batch at any moment within a second, with its report;
# two batches on one folder: the second is refused at once. Eight big photos
# one at a time, so the batch still runs at 4 s however fast the machine
# (four took 5 s here with two threads: a faster machine ended before it).
K="$tmp/sig"
mkdir -p "$K/in"
"$gen" --width 3000 --height 2250 --px-per-mm 12 --seed 3 -o "$K/in/big1.jpg" --mask "$K/in/big1.mask.png" --force 2>/dev/null
for i in 2 3 4 5 6 7 8; do cp "$K/in/big1.jpg" "$K/in/big$i.jpg" && cp "$K/in/big1.mask.png" "$K/in/big$i.mask.png"; done
ms() { echo $(($(date +%s%N) / 1000000)); }
for s in INT:0.8 TERM:2.5 INT:4; do
    sig=${s%%:*} at=${s#*:}
    rm -rf "$K/out"
    "$smp" batch --px-per-mm 8 "$K/in" -o "$K/out" --jobs 1 >/dev/null 2>"$tmp/err" &
    pid=$!
    sleep "$at"
    if [ "$sig" = INT ]; then
        # A second batch on the folder while the first runs.
        expect 3 "a second batch on one folder" -- "$smp" batch --px-per-mm 8 "$K/in" -o "$K/out" --resume
        says "another smpsim batch" "a second batch on one folder"
    fi
    t0=$(ms)
    kill -"$sig" "$pid"
    wait "$pid"
    rc=$?
    took=$(($(ms) - t0))
    check '[ "$took" -lt 1500 ]' "SIG$sig $at s into a render: the batch ended $took ms later"
    check '[ "$rc" -eq "$([ "$sig" = INT ] && echo 130 || echo 143)" ]' "SIG$sig: exit $rc"
    # Every photo has its row: done ones ok, the one in flight cancelled, the rest not run.
    check 'json_ok "$K/out/report.json" && [ "$(grep -c "^\"big[1-8].jpg\",\"big[1-8].mask.png\",\(ok\|not-run\|cancelled\)," "$K/out/report.csv")" -eq 8 ] &&
           grep -q ",\(not-run\|cancelled\)," "$K/out/report.csv"' \
        "SIG$sig $at s in: report $(cut -c1-60 "$K/out/report.csv" 2>/dev/null | tr '\n' ' ')"
    left=""
    for i in 1 2 3 4 5 6 7 8; do
        grep -q "^\"big$i.jpg\",[^,]*,ok," "$K/out/report.csv" 2>/dev/null || { [ -e "$K/out/big$i.after.jpg" ] && left="$left big$i.after.jpg"; }
    done
    check '[ -z "$(find "$K/out" -name ".*" ! -name . )" ] && [ -z "$left" ]' "SIG$sig left files: $(ls -A "$K/out" 2>&1)"
done

# --- SIGKILL: a run killed before its report leaves outputs no report lists. They are in
# the run's journal (each output's file, journaled before it is published under its name, and
# each photo done: its hash and its outputs' files), so --resume counts a photo finished before
# the kill up to date (it was redone) and replaces the outputs of one cut short; a file there
# that is not the journaled one (a stranger's, put there since) is still refused.
# (--resume failed every such photo: "exists; use --force".)
J="$tmp/kill"
mkdir -p "$J/in"
# 600x450: a kill after k1.jpg still lands with three photos to go (a finished run is caught
# below), and a render of one costs about half what it did at 1200x900.
"$gen" --width 600 --height 450 --px-per-mm 8 --seed 5 -o "$J/in/k1.jpg" --mask "$J/in/k1.mask.png" --force 2>/dev/null
for i in 2 3 4; do cp "$J/in/k1.jpg" "$J/in/k$i.jpg" && cp "$J/in/k1.mask.png" "$J/in/k$i.mask.png"; done
ino() { stat -c %i "$1"; }
# killed_run IN OUT [options]: a batch killed (SIGKILL) as soon as k1.jpg is done (its output
# published and its done record journaled; a binary that writes none: a fifth of a second after the
# output is there, a new file where an earlier run left one): no report, no row for it. A run
# that ended before the kill (exit 0, or its report's failure count) tests nothing here: that
# fails at once, naming the killed run's options.
killed_run() {
    kin=$1 kout=$2
    shift 2
    kold=$(stat -c %i "$kout/k1.after.jpg" 2>/dev/null)
    "$smp" batch --px-per-mm 8 "$kin" -o "$kout" --jobs 1 "$@" >/dev/null 2>&1 &
    kp=$!
    kn=0
    for _ in $(seq 1 1500); do
        grep -q '^done,[0-9a-f]*,"k1.jpg"' "$kout/report.journal" 2>/dev/null && break
        knew=$(stat -c %i "$kout/k1.after.jpg" 2>/dev/null)
        if [ -n "$knew" ] && [ "$knew" != "$kold" ]; then kn=$((kn + 1)); [ "$kn" -lt 10 ] || break; fi
        sleep 0.02
    done
    kill -KILL "$kp"
    wait "$kp" 2>/dev/null
    kst=$?
    check '[ "$kst" -eq 137 ]' "killed_run $*: the batch ended (exit $kst) before the kill, not mid-run"
}
rm -rf "$J/out"
killed_run "$J/in" "$J/out"
check '[ -f "$J/out/k1.after.jpg" ] && [ ! -e "$J/out/report.csv" ] && [ -f "$J/out/report.journal" ]' \
    "SIGKILL: no state to resume from: $(ls -A "$J/out" | tr "\n" " ")"
expect 3 "a plain run after a SIGKILL" -- "$smp" batch --px-per-mm 8 "$J/in" -o "$J/out"
says "holds an interrupted run (report.journal" "a plain run after a SIGKILL"
i1=$(ino "$J/out/k1.after.jpg")
# What a kill leaves of an output being written: its stage, and the library's temporary of the
# stage (killed in the write). Under an hour old they stayed, beside the finished outputs.
stage=".smpsim-tmp-stage-$(python3 -c 'import sys
h = 0xcbf29ce484222325
for c in sys.argv[1].encode(): h = ((h ^ c) * 0x100000001b3) & (2**64 - 1)
h ^= h >> 33; h = (h * 0xff51afd7ed558ccd) & (2**64 - 1); h ^= h >> 33
print("%016x" % h)' "$J/out/k4.after.jpg").jpg"
head -c 5000 "$J/in/k4.jpg" >"$J/out/$stage"
head -c 3000 "$J/in/k4.jpg" >"$J/out/.smpsim-tmp-$stage.Ab12Cd"
expect 0 "--resume after a SIGKILL" -- "$smp" batch --px-per-mm 8 "$J/in" -o "$J/out" --resume
check '[ "$(grep -c ",\(ok\|up-to-date\)," "$J/out/report.csv")" -eq 4 ] && [ ! -e "$J/out/report.journal" ] &&
       [ -z "$(find "$J/out" -name ".*" ! -name . )" ]' \
    "--resume after a SIGKILL: $(cut -c1-90 "$J/out/report.csv" | tr "\n" " "; ls -A "$J/out" | tr "\n" " ")"
# k1.jpg, done before the kill with these options and inputs, is up to date: not redone.
check 'grep -q "^\"k1.jpg\",\"k1.mask.png\",up-to-date,\"\",\"$J/out/k1.after.jpg\"," "$J/out/report.csv" &&
       [ "$(ino "$J/out/k1.after.jpg")" = "$i1" ]' \
    "--resume redid k1.jpg, done before the kill: $(grep "^\"k1.jpg\"" "$J/out/report.csv" | cut -c1-120)"
"$smp" render "$J/in/k1.jpg" "$J/in/k1.mask.png" --px-per-mm 8 --seed "$(grep '^"k1.jpg"' "$J/out/report.csv" | cut -d, -f7)" \
    -o "$J/k1-alone.jpg" 2>/dev/null
check 'cmp -s "$J/out/k1.after.jpg" "$J/k1-alone.jpg"' "--resume after a SIGKILL: k1.after.jpg is not its render"
# The report says k1.jpg up to date, but a later run with other options (--density 90),
# killed, replaced k1.after.jpg: the journal shows the file is that run's, so --resume with the
# report's options redoes it (it kept the other run's render, counted up to date).
killed_run "$J/in" "$J/out" --resume --density 90
expect 0 "--resume after a killed run with other options" -- "$smp" batch --px-per-mm 8 "$J/in" -o "$J/out" --resume
check 'grep -q "^\"k1.jpg\",\"k1.mask.png\",ok," "$J/out/report.csv" && cmp -s "$J/out/k1.after.jpg" "$J/k1-alone.jpg"' \
    "--resume kept a killed run's k1.after.jpg of other options: $(grep "^\"k1.jpg\"" "$J/out/report.csv" | cut -c1-100)"
# Done before the kill, but with other options, or an input changed since: redone, the killed
# run's file replaced.
for how in "--density 90" "a new mask"; do
    rm -rf "$J/out"
    killed_run "$J/in" "$J/out"
    opt=
    if [ "$how" = "a new mask" ]; then cp "$J/in/k1.mask.png" "$J/k1.mask.png" && mv "$J/k1.mask.png" "$J/in/k1.mask.png"
    else opt=$how; fi
    i1=$(ino "$J/out/k1.after.jpg")
    expect 0 "--resume after a SIGKILL, $how" -- "$smp" batch --px-per-mm 8 "$J/in" -o "$J/out" --resume $opt
    check 'grep -q "^\"k1.jpg\",\"k1.mask.png\",ok," "$J/out/report.csv" && [ "$(ino "$J/out/k1.after.jpg")" != "$i1" ]' \
        "--resume after a SIGKILL, $how: k1.jpg not redone: $(grep "^\"k1.jpg\"" "$J/out/report.csv" | cut -c1-120)"
done
# A stranger's file where the killed run's output was: a new file, or the same one rewritten.
for how in new rewritten; do
    rm -rf "$J/out"
    killed_run "$J/in" "$J/out"
    if [ "$how" = new ]; then rm "$J/out/k1.after.jpg" && cp "$tmp/p.jpg" "$J/out/k1.after.jpg"
    else cat "$tmp/p.jpg" >"$J/out/k1.after.jpg"; fi
    st=$(cks "$J/out/k1.after.jpg")
    expect 4 "--resume after a SIGKILL, a stranger's file ($how)" -- "$smp" batch --px-per-mm 8 "$J/in" -o "$J/out" --resume
    check '[ "$(cks "$J/out/k1.after.jpg")" = "$st" ] &&
           grep -q "^\"k1.jpg\",.*,failed,\"$J/out/k1.after.jpg: exists; use --force" "$J/out/report.csv" &&
           [ "$(grep -c ",\(ok\|up-to-date\)," "$J/out/report.csv")" -eq 3 ]' \
        "a stranger's k1.after.jpg ($how) after a SIGKILL: $(cut -c1-90 "$J/out/report.csv" | tr "\n" " ")"
done
# The journal keeps what the report does not list: a --resume whose report leaves the killed
# run's k1.after.jpg out (k1.jpg fails, its mask broken meanwhile) keeps its record, so the
# next --resume still replaces it. (The journal went with any report: k1.jpg then failed
# for good, "exists; use --force".)
rm -rf "$J/out"
killed_run "$J/in" "$J/out"
cp "$J/in/k1.mask.png" "$J/k1.mask.keep"
head -c 100 "$J/k1.mask.keep" >"$J/in/k1.mask.png"
expect 4 "--resume after a SIGKILL, k1's mask broken" -- "$smp" batch --px-per-mm 8 "$J/in" -o "$J/out" --resume
check 'grep -q "^\"k1.jpg\",.*,failed," "$J/out/report.csv" && grep -q "^written,.*,\"k1.after.jpg\"$" "$J/out/report.journal" &&
       ! grep -q "\"k[234].after.jpg\"" "$J/out/report.journal"' \
    "the journal after a report without k1.jpg's output: $(cat "$J/out/report.journal" 2>&1 | cut -c1-100 | tr "\n" " ")"
cp "$J/k1.mask.keep" "$J/in/k1.mask.png"
expect 0 "--resume once k1's mask is mended" -- "$smp" batch --px-per-mm 8 "$J/in" -o "$J/out" --resume
check 'grep -q "^\"k1.jpg\",\"k1.mask.png\",ok," "$J/out/report.csv" && [ ! -e "$J/out/report.journal" ]' \
    "--resume once k1's mask is mended: $(grep "^\"k1.jpg\"" "$J/out/report.csv" | cut -c1-120)"
# With -o the input folder, the killed run's k1.after.jpg (in no report, beside k1.jpg) was
# taken for a client's own file: k1.jpg failed, even with --force; and once k1.jpg was gone,
# it was read as a photo (k1.after.after.jpg). The journal lists it: an earlier run's output.
JS="$tmp/kill-self"
for how in resume force; do
    rm -rf "$JS"
    mkdir -p "$JS"
    cp "$J"/in/k[1-4].jpg "$J"/in/k[1-4].mask.png "$JS/"
    killed_run "$JS" "$JS"
    expect 0 "-o the input, --$how after a SIGKILL" -- "$smp" batch --px-per-mm 8 "$JS" -o "$JS" --$how
    check 'grep -q "^\"k1.after.jpg\",\"\",skipped,\"an output of an earlier run (report.journal lists it)" "$JS/report.csv" &&
           [ "$(grep -c "^\"k[1-4].jpg\",\"k[1-4].mask.png\",\(ok\|up-to-date\)," "$JS/report.csv")" -eq 4 ] &&
           [ -z "$(ls "$JS" | grep "after\.after")" ] && [ ! -e "$JS/report.journal" ]' \
        "-o the input, --$how after a SIGKILL: $(cut -c1-100 "$JS/report.csv" | tr "\n" " ")"
done
rm -rf "$JS"
mkdir -p "$JS"
cp "$J"/in/k[1-4].jpg "$J"/in/k[1-4].mask.png "$JS/"
killed_run "$JS" "$JS" --masks auto
rm "$JS/k1.jpg" "$JS/k1.mask.png"
for k in 1 2; do
    expect 0 "-o the input, k1.jpg gone after a SIGKILL ($k)" -- "$smp" batch --px-per-mm 8 "$JS" -o "$JS" --masks auto --resume
done
check 'grep -q "^\"k1.after.jpg\",\"\",skipped,\"an output of an earlier run" "$JS/report.csv" && [ -z "$(ls "$JS" | grep "after\.after")" ]' \
    "-o the input, k1.jpg gone after a SIGKILL: its output read as a photo: $(cut -c1-100 "$JS/report.csv" | tr "\n" " ")"

# --- another --format (or --what, --metrics) leaves the earlier outputs where they were: each
# row lists its photo's, still there, as older_outputs (report.json too), and a --resume that
# writes them again replaces them. (The report left them out, and a --resume back to the
# first format failed every photo on its own file: "exists; use --force".)
FM="$tmp/formats"
mkdir -p "$FM/in"
pair "$FM/in/a"; pair "$FM/in/b"
# row FILE PHOTO: status|outputs|older_outputs, as Python's csv module reads them
row_of() { python3 -c 'import csv,sys
for r in csv.reader(open(sys.argv[1], newline="")):
    if r[0] == sys.argv[2]: print("|".join([r[2], r[4], r[13] if len(r) > 13 else "-"]))' "$1" "$2"; }
expect 0 "formats: jpg" -- "$smp" batch --px-per-mm 8 "$FM/in" -o "$FM/out"
expect 0 "formats: png" -- "$smp" batch --px-per-mm 8 "$FM/in" -o "$FM/out" --format png --resume
says "batch: note: 2 older outputs of earlier runs with other options kept" "formats: png"
check '[ "$(row_of "$FM/out/report.csv" a.jpg)" = "ok|$FM/out/a.after.png|$FM/out/a.after.jpg" ] &&
       [ "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"items\"][0][\"older_outputs\"])" "$FM/out/report.json")" = "['"'"'$FM/out/a.after.jpg'"'"']" ]' \
    "formats: the jpg outputs not listed after png: $(row_of "$FM/out/report.csv" a.jpg)"
expect 0 "formats: jpg again" -- "$smp" batch --px-per-mm 8 "$FM/in" -o "$FM/out" --resume
check '[ "$(row_of "$FM/out/report.csv" a.jpg)" = "ok|$FM/out/a.after.jpg|$FM/out/a.after.png" ] &&
       [ "$(row_of "$FM/out/report.csv" b.jpg)" = "ok|$FM/out/b.after.jpg|$FM/out/b.after.png" ]' \
    "formats: jpg again: $(row_of "$FM/out/report.csv" a.jpg) $(grep -o "failed,\"[^\"]*\"" "$FM/out/report.csv" | head -1)"
expect 0 "formats: jpg, resumed" -- "$smp" batch --px-per-mm 8 "$FM/in" -o "$FM/out" --resume
check '[ "$(row_of "$FM/out/report.csv" a.jpg)" = "up-to-date|$FM/out/a.after.jpg|$FM/out/a.after.png" ]' \
    "formats: resumed: $(row_of "$FM/out/report.csv" a.jpg)"
rm "$FM/out/a.after.png"
expect 0 "formats: an older output removed" -- "$smp" batch --px-per-mm 8 "$FM/in" -o "$FM/out" --resume
check '[ "$(row_of "$FM/out/report.csv" a.jpg)" = "up-to-date|$FM/out/a.after.jpg|" ]' \
    "formats: a removed older output still listed: $(row_of "$FM/out/report.csv" a.jpg)"
for m in --metrics "" --metrics; do
    expect 0 "formats: ${m:-no metrics}" -- "$smp" batch --px-per-mm 8 "$FM/in" -o "$FM/out" --resume $m
done
check '[ "$(row_of "$FM/out/report.csv" a.jpg)" = "ok|$FM/out/a.after.jpg;$FM/out/a.after.metrics.json|" ]' \
    "formats: --metrics, none, --metrics: $(row_of "$FM/out/report.csv" a.jpg)"
expect 0 "formats: --force --format png --what both" -- "$smp" batch --px-per-mm 8 "$FM/in" -o "$FM/out" --force --format png --what both
check '[ "$(row_of "$FM/out/report.csv" a.jpg)" = "ok|$FM/out/a.after.png;$FM/out/a.preview.png|$FM/out/a.after.jpg;$FM/out/a.after.metrics.json" ]' \
    "formats: --force: $(row_of "$FM/out/report.csv" a.jpg)"

# --- hostile files: the signature before the whole file, text-chunk bombs
head -c 200000000 /dev/zero >"$tmp/zeros.jpg"
/usr/bin/time -f "%M" -o "$tmp/mem" "$smp" render "$tmp/zeros.jpg" "$tmp/p.mask.png" -o "$tmp/z.png" 2>"$tmp/err"
says "not a PNG, JPEG" "zeros"
check '[ "$(tail -1 "$tmp/mem")" -lt 100000 ]' "a file of zeros was read whole: $(tail -1 "$tmp/mem") KB"
rm -f "$tmp/zeros.jpg"
python3 - "$tmp/p.mask.png" "$tmp/ztxt.png" <<'PY'
import sys, zlib, struct
d = open(sys.argv[1], 'rb').read()
def chunk(t, b): return struct.pack('>I', len(b)) + t + b + struct.pack('>I', zlib.crc32(t + b) & 0xffffffff)
bomb = zlib.compress(b'\0' * (7 << 20), 9)
extra = b''.join(chunk(b'zTXt', b'k%d\0\0' % i + bomb) + chunk(b'iTXt', b'i%d\0\1\0\0\0' % i + bomb) for i in range(200))
open(sys.argv[2], 'wb').write(d[:33] + extra + d[33:])
PY
# 400 chunks of 7 MB each once unpacked (2.9 MB on disk): libpng keeps
# little of them, but inflating them all took 4 s of CPU per 100 chunks.
/usr/bin/time -f "%U %S %M" -o "$tmp/mem0" "$smp" render "$tmp/p.jpg" "$tmp/p.mask.png" -o "$tmp/zt0.png" 2>"$tmp/err"
/usr/bin/time -f "%U %S %M" -o "$tmp/mem" "$smp" render "$tmp/p.jpg" "$tmp/ztxt.png" -o "$tmp/zt.png" 2>"$tmp/err"
check '[ "$(tail -1 "$tmp/mem" | cut -d" " -f3)" -lt 300000 ]' "zTXt/iTXt chunks decompressed: $(tail -1 "$tmp/mem") KB"
check '[ "$(tail -1 "$tmp/mem" | awk -v c="$(tail -1 "$tmp/mem0")" "{split(c, z); print (\$1 + \$2 < z[1] + z[2] + 3)}")" = 1 ]' \
    "zTXt/iTXt chunks inflated: CPU $(tail -1 "$tmp/mem" | cut -d" " -f1-2) s against $(tail -1 "$tmp/mem0" | cut -d" " -f1-2) s without them"
check 'cmp -s "$tmp/zt0.png" "$tmp/zt.png"' "text chunks changed the render"

# --- outputs of one run never collide; a failed run leaves nothing
expect 1 "render -o X --metrics X" -- "$smp" render "$tmp/p.jpg" "$tmp/p.mask.png" -o "$tmp/X.png" --metrics "$tmp/X.png" --force
expect 1 "render --dots X --metrics X" -- "$smp" render "$tmp/p.jpg" "$tmp/p.mask.png" -o "$tmp/Y.png" --dots "$tmp/d.csv" --metrics "$tmp/d.csv"
check '[ ! -e "$tmp/X.png" ] && [ ! -e "$tmp/Y.png" ]' "colliding outputs were written"
expect 1 "sweep -o s --csv s" -- "$smp" sweep "$tmp/p.jpg" "$tmp/p.mask.png" --density 50,90 -o "$tmp/s.jpg" --csv "$tmp/s.jpg" --force
check '[ ! -e "$tmp/s.jpg" ]' "sweep wrote a colliding sheet"
expect 3 "metrics cannot be written" -- "$smp" render "$tmp/p.jpg" "$tmp/p.mask.png" -o "$tmp/a.png" --metrics /nonexistent/m.json
check '[ ! -e "$tmp/a.png" ]' "a failed run left its image"
n251=$(printf 'n%.0s' $(seq 1 251))
expect 0 "a 255-byte output name" -- "$smp" render "$tmp/p.jpg" "$tmp/p.mask.png" -o "$tmp/$n251.png"
expect 1 "a 256-byte output name" -- "$smp" render "$tmp/p.jpg" "$tmp/p.mask.png" -o "$tmp/${n251}n.png"
says "too long" "256-byte name"

# --- smaller checks
expect 2 "--max-pixels 1" -- "$smp" render "$tmp/p.jpg" "$tmp/p.mask.png" --max-pixels 1 -o "$tmp/m.png"
says "43200 pixels, over the limit of 1 pixels" "--max-pixels 1"
expect 1 "--session past --sessions" -- "$smp" preview "$tmp/p.jpg" "$tmp/p.mask.png" --sessions 2 --session 8 -o "$tmp/s.html"
expect 1 "--dilution -5" -- "$smp" render "$tmp/p.jpg" "$tmp/p.mask.png" --dilution -5 -o "$tmp/d.png"
expect 1 "sweep --age -3" -- "$smp" sweep "$tmp/p.jpg" "$tmp/p.mask.png" --age -3,1 --csv "$tmp/age.csv"
# --shard took "1/2x" (and "1/2/3") as 1/2: a typo ran some other split.
expect 1 "--shard 1/2x" -- "$smp" batch --px-per-mm 8 "$tmp" -o "$tmp/shx" --shard 1/2x
says "'1/2x' is not K/N" "--shard 1/2x"

echo "cli_batch: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
