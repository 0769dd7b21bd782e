#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Suggested masks in a batch (issue 14): `batch --masks auto` fills in the
# photos that have no mask, in folder and manifest mode, writes each
# suggestion beside the outputs, says in the report which masks were
# suggested, and never calls a photo up to date once a hand mask replaces
# its suggestion. The heads are drawn here (gen_scalp --head); the shared
# photos, when present, go through the same path.
# Usage: tests/cli/masks_auto.sh BUILD_DIR (from the top of the tree)
. "$(dirname "$0")/lib.sh"
# A report row's field N (1-based) for a photo, as Python's csv module reads it
# (ended quietly by SIGPIPE when grep -q has read enough).
field() { python3 -c 'import csv,signal,sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
for r in csv.reader(open(sys.argv[1], newline="")):
    if r[0] == sys.argv[2]: print(r[int(sys.argv[3]) - 1])' "$1" "$2" "$3"; }
# report.json's mask and mask_suggested for a photo: "MASK true|false".
jmask() { python3 -c 'import json,sys
for i in json.load(open(sys.argv[1]))["items"]:
    if i["photo"] == sys.argv[2]: print(i["mask"], str(i["mask_suggested"]).lower())' "$1" "$2"; }

# A head from above with a bald crown, and its drawn truth; a second seed.
"$gen" --head 90 --width 450 --height 550 --px-per-mm 2.5 --seed 3 -o "$tmp/head.jpg" --mask "$tmp/head.truth.png" 2>/dev/null
"$gen" --head 70 --width 400 --height 500 --px-per-mm 2.2 --seed 5 -o "$tmp/head2.jpg" --mask "$tmp/head2.truth.png" 2>/dev/null
I="$tmp/in"
mkdir -p "$I/sub"
cp "$tmp/head.jpg" "$I/a.jpg"
cp "$tmp/head2.jpg" "$I/sub/b.jpg"
cp "$tmp/head.jpg" "$I/c.jpg"
cp "$tmp/head.truth.png" "$I/c.mask.png"

# --- render's notes with the suggestion name the photo ("auto: note: ..." named no file)
expect 0 "render auto" -- "$smp" render "$tmp/head.jpg" auto -o "$tmp/head.after.png"
check 'grep -q "^smpsim: $tmp/head.jpg: note: " "$tmp/err" && ! grep -q "^smpsim: auto:" "$tmp/err"' \
    "render auto's notes: $(head -c 300 "$tmp/err")"

# --- the help, and what a batch did without it
expect 0 "batch --help" -- "$smp" batch --help
check 'grep -q -- "--masks DIR|auto" "$tmp/out"' "batch --help does not name --masks auto"
expect 0 "batch without --masks auto" -- "$smp" batch "$I" -o "$tmp/none"
check '[ "$(field "$tmp/none/report.csv" a.jpg 3)" = skipped ]' "a photo without a mask was not skipped"
check 'field "$tmp/none/report.csv" a.jpg 4 | grep -q -- "--masks auto suggests one"' "the skip does not point to --masks auto"

# --- folder mode: the photos without a mask get the suggestion, the others keep theirs
expect 0 "batch --masks auto" -- "$smp" batch "$I" -o "$tmp/out1" --masks auto --jobs 2
check '[ "$(field "$tmp/out1/report.csv" a.jpg 2)" = auto ] && [ "$(field "$tmp/out1/report.csv" a.jpg 3)" = ok ] &&
       [ "$(field "$tmp/out1/report.csv" sub/b.jpg 2)" = auto ] && [ "$(field "$tmp/out1/report.csv" sub/b.jpg 3)" = ok ]' \
    "suggested rows: $(cut -c1-60 "$tmp/out1/report.csv")"
check '[ "$(field "$tmp/out1/report.csv" c.jpg 2)" = c.mask.png ]' "the hand mask was not kept: $(cat "$tmp/out1/report.csv")"
check '[ "$(jmask "$tmp/out1/report.json" a.jpg)" = "auto true" ] && [ "$(jmask "$tmp/out1/report.json" c.jpg)" = "c.mask.png false" ]' \
    "report.json: $(jmask "$tmp/out1/report.json" a.jpg) / $(jmask "$tmp/out1/report.json" c.jpg)"
check '[ -f "$tmp/out1/a.suggested-mask.png" ] && [ -f "$tmp/out1/sub/b.suggested-mask.png" ] && [ ! -e "$tmp/out1/c.suggested-mask.png" ]' \
    "suggested masks written: $(find "$tmp/out1" -name '*.png')"
check 'field "$tmp/out1/report.csv" sub/b.jpg 5 | grep -q "sub/b.suggested-mask.png"' "the suggestion is not among the outputs"
# The suggestion is smpsim mask's, and the render is `render PHOTO auto` with the row's seed.
expect 0 "smpsim mask" -- "$smp" mask "$I/sub/b.jpg" -o "$tmp/b.mask.png"
check '"$img" same "$tmp/b.mask.png" "$tmp/out1/sub/b.suggested-mask.png"' "the batch's suggestion is not smpsim mask's"
seed=$(field "$tmp/out1/report.csv" sub/b.jpg 7)
expect 0 "render auto with the row's seed" -- "$smp" render "$I/sub/b.jpg" auto --seed "$seed" -o "$tmp/b.after.jpg"
check 'cmp -s "$tmp/b.after.jpg" "$tmp/out1/sub/b.after.jpg"' "the batch's render is not render auto --seed $seed"
# It is a suggestion of the drawn crown, not of the wall or the hair.
for p in a:head sub/b:head2; do
    iou=$("$img" iou "$tmp/out1/${p%%:*}.suggested-mask.png" "$tmp/${p#*:}.truth.png" | cut -d' ' -f1)
    check 'awk -v v="$iou" "BEGIN { exit !(v >= 0.8) }"' "${p%%:*}: suggested vs drawn IoU $iou, under 0.8"
done

# --- resume: up to date while nothing changes; a hand mask where one was suggested redoes the photo
expect 0 "resume, nothing changed" -- "$smp" batch "$I" -o "$tmp/out1" --masks auto --resume
check '[ "$(grep -c ",up-to-date," "$tmp/out1/report.csv")" -eq 3 ]' "resume redid work: $(cut -c1-50 "$tmp/out1/report.csv")"
cp "$tmp/head.truth.png" "$I/a.mask.png"
expect 0 "resume after a hand mask appeared" -- "$smp" batch "$I" -o "$tmp/out1" --masks auto --resume
check '[ "$(field "$tmp/out1/report.csv" a.jpg 3)" = ok ] && [ "$(field "$tmp/out1/report.csv" a.jpg 2)" = a.mask.png ]' \
    "a hand mask over a suggestion: $(grep '^"a.jpg"' "$tmp/out1/report.csv")"
check '[ "$(field "$tmp/out1/report.csv" sub/b.jpg 3)" = up-to-date ] && [ "$(field "$tmp/out1/report.csv" c.jpg 3)" = up-to-date ]' \
    "the other photos were redone: $(cut -c1-50 "$tmp/out1/report.csv")"
# --masks picks masks, and each photo's hash holds its own: dropping it
# leaves the hand-masked photos up to date and skips the one without.
expect 0 "resume without --masks auto" -- "$smp" batch "$I" -o "$tmp/out1" --resume
check '[ "$(field "$tmp/out1/report.csv" a.jpg 3)" = up-to-date ] && [ "$(field "$tmp/out1/report.csv" c.jpg 3)" = up-to-date ] &&
       [ "$(field "$tmp/out1/report.csv" sub/b.jpg 3)" = skipped ]' "resume without --masks: $(cut -c1-50 "$tmp/out1/report.csv")"
rm "$I/a.mask.png"

# --- manifest mode: a mask cell auto, or empty with --masks auto
printf 'a.jpg,auto,ann.jpg\nc.jpg,c.mask.png\n' >"$tmp/m1.csv"
expect 0 "manifest mask auto" -- "$smp" batch "$I" -o "$tmp/out2" --manifest "$tmp/m1.csv"
check '[ "$(field "$tmp/out2/report.csv" a.jpg 2)" = auto ] && [ -f "$tmp/out2/ann.jpg" ] && [ -f "$tmp/out2/ann.suggested-mask.png" ]' \
    "manifest auto: $(cat "$tmp/out2/report.csv"; ls "$tmp/out2")"
printf 'sub/b.jpg,\nc.jpg,c.mask.png\n' >"$tmp/m2.csv"
expect 2 "manifest empty mask without --masks auto" -- "$smp" batch "$I" -o "$tmp/out3" --manifest "$tmp/m2.csv"
says "m2.csv: line 1: an empty mask for sub/b.jpg; .*write auto .*--masks auto" "manifest empty mask"
expect 0 "manifest empty mask with --masks auto" -- "$smp" batch "$I" -o "$tmp/out4" --manifest "$tmp/m2.csv" --masks auto
check '[ "$(field "$tmp/out4/report.csv" sub/b.jpg 2)" = auto ] && [ "$(field "$tmp/out4/report.csv" c.jpg 2)" = c.mask.png ]' \
    "manifest --masks auto: $(cat "$tmp/out4/report.csv")"
printf 'photo,density\nsub/b.jpg,80\n' >"$tmp/m3.csv"
expect 2 "header without a mask column" -- "$smp" batch "$I" -o "$tmp/out5" --manifest "$tmp/m3.csv"
says "needs photo and mask columns (or --masks auto)" "header without a mask column"
expect 0 "header without a mask column, --masks auto" -- "$smp" batch "$I" -o "$tmp/out6" --manifest - --masks auto <"$tmp/m3.csv"
check '[ "$(field "$tmp/out6/report.csv" sub/b.jpg 2)" = auto ] && [ "$(field "$tmp/out6/report.csv" sub/b.jpg 9)" = 80.00 ]' \
    "header without mask: $(cat "$tmp/out6/report.csv")"

# --- a photo with no head to find fails alone, with the reason and nothing written
"$img" paint "$I/grey.png" 200 150 0 0 0 0 2>/dev/null
expect 4 "a photo with no head" -- "$smp" batch "$I" -o "$tmp/out7" --masks auto
check 'field "$tmp/out7/report.csv" grey.png 4 | grep -q "cannot suggest a mask: .*paint one"' \
    "no head: $(grep grey "$tmp/out7/report.csv")"
check '[ "$(field "$tmp/out7/report.csv" a.jpg 3)" = ok ] && [ ! -e "$tmp/out7/grey.after.png" ] && [ ! -e "$tmp/out7/grey.suggested-mask.png" ]' \
    "no head: the other photos or the outputs: $(ls "$tmp/out7")"
rm "$I/grey.png"

# --- -v only says more: the outputs, metrics and notes are the same, and a
# resumed run with it finds the photos up to date (it counted as a setting)
V1="$tmp/verb"
mkdir -p "$V1"
cp "$tmp/head.jpg" "$V1/a.jpg"
expect 0 "batch --metrics" -- "$smp" batch "$V1" -o "$tmp/verb-q" --masks auto --metrics
expect 0 "batch --metrics -v" -- "$smp" batch "$V1" -o "$tmp/verb-v" --masks auto --metrics -v
check 'grep -q "suggested mask" "$tmp/err" && cmp -s "$tmp/verb-q/a.after.metrics.json" "$tmp/verb-v/a.after.metrics.json" &&
       [ "$(field "$tmp/verb-q/report.csv" a.jpg 13)" = "$(field "$tmp/verb-v/report.csv" a.jpg 13)" ]' \
    "-v changed the metrics or the notes: $(field "$tmp/verb-v/report.csv" a.jpg 13 | head -c 200)"
expect 0 "batch --resume -v" -- "$smp" batch "$V1" -o "$tmp/verb-q" --masks auto --metrics --resume -v
check '[ "$(field "$tmp/verb-q/report.csv" a.jpg 3)" = up-to-date ]' "-v redid a photo: $(field "$tmp/verb-q/report.csv" a.jpg 3)"

# --- a client's own NAME.after.jpg beside NAME.jpg, the outputs written into
# the input folder: it is a photo of the batch, with its row, and never
# overwritten, even with --force (a rule passing over names like an
# output's let a.jpg's after image replace it)
R="$tmp/rerun"
mkdir -p "$R"
cp "$tmp/head.jpg" "$R/a.jpg"
cp "$tmp/head2.jpg" "$R/a.after.jpg"
sum=$(cksum <"$R/a.after.jpg")
"$smp" batch "$R" -o "$R" --masks auto --force >/dev/null 2>&1
check '[ "$(cksum <"$R/a.after.jpg")" = "$sum" ]' "a client's a.after.jpg was overwritten"
check '[ -n "$(field "$R/report.csv" a.after.jpg 3)" ] && [ -n "$(field "$R/report.csv" a.jpg 3)" ]' \
    "a row missing: $(cut -c1-60 "$R/report.csv")"

# --- a mask off the scalp (the drawn crown inverted): render and batch warn, and the
# reports and metrics files hold the warning among their notes
V="$tmp/inv"
mkdir -p "$V"
cp "$tmp/head.jpg" "$V/c.jpg"
"$img" negate "$tmp/head.truth.png" "$V/c.mask.png"
expect 0 "render an inverted mask" -- "$smp" render "$V/c.jpg" "$V/c.mask.png" -o "$tmp/inv.jpg" --metrics "$tmp/inv.json"
says "c.mask.png: warning: .* of the mask is off the scalp .*is it inverted" "render an inverted mask"
check 'python3 -c "import json,sys; sys.exit(not any(\"is it inverted\" in n for n in json.load(open(sys.argv[1]))[\"notes\"]))" "$tmp/inv.json"' \
    "render --metrics: the warning is not among the notes: $(grep notes "$tmp/inv.json")"
expect 0 "batch an inverted mask" -- "$smp" batch "$V" -o "$tmp/invout" --metrics
says "smpsim: c.jpg: warning: .* of the mask is off the scalp .*is it inverted" "batch an inverted mask"
check 'field "$tmp/invout/report.csv" c.jpg 13 | grep -q "is it inverted" && [ "$(field "$tmp/invout/report.csv" c.jpg 3)" = ok ]' \
    "report.csv notes: $(cat "$tmp/invout/report.csv")"
check 'python3 -c "import json,sys; sys.exit(not any(\"is it inverted\" in n for n in json.load(open(sys.argv[1]))[\"items\"][0][\"notes\"]))" "$tmp/invout/report.json" &&
       python3 -c "import json,sys; sys.exit(not any(\"is it inverted\" in n for n in json.load(open(sys.argv[1]))[\"notes\"]))" "$tmp/invout/c.after.metrics.json"' \
    "report.json or the metrics lack the warning"
# Resumed, the photo is up to date and keeps its warning in the reports.
expect 0 "batch an inverted mask, resumed" -- "$smp" batch "$V" -o "$tmp/invout" --metrics --resume
check '[ "$(field "$tmp/invout/report.csv" c.jpg 3)" = up-to-date ] && field "$tmp/invout/report.csv" c.jpg 13 | grep -q "is it inverted"' \
    "resumed, the warning is gone: $(field "$tmp/invout/report.csv" c.jpg 13 | head -c 200)"
# A good mask gives no warning.
expect 0 "batch the drawn mask" -- "$smp" batch "$I" -o "$tmp/goodout"
check '! grep -q "warning" "$tmp/err" && [ -z "$(field "$tmp/goodout/report.csv" c.jpg 13 | grep warning)" ]' "a good mask warned: $(cat "$tmp/err")"

# --- render's per-photo options in a batch: --px-per-mm auto (and a row's px_per_mm auto),
# --settings; the options of one photo's pixels or files refused with why
expect 0 "batch --px-per-mm auto" -- "$smp" batch "$V" -o "$tmp/ppm" --px-per-mm auto
expect 0 "render --px-per-mm auto" -- "$smp" render "$V/c.jpg" "$V/c.mask.png" --px-per-mm auto --seed "$(field "$tmp/ppm/report.csv" c.jpg 7)" -o "$tmp/ppm1.jpg"
check 'cmp -s "$tmp/ppm1.jpg" "$tmp/ppm/c.after.jpg" && field "$tmp/ppm/report.csv" c.jpg 13 | grep -q "px/mm estimated from the head"' \
    "batch --px-per-mm auto is not render's: $(field "$tmp/ppm/report.csv" c.jpg 13)"
printf 'photo,mask,px_per_mm\nc.jpg,c.mask.png,auto\n' >"$tmp/ppm.csv"
expect 0 "manifest px_per_mm auto" -- "$smp" batch "$V" -o "$tmp/ppm2" --manifest "$tmp/ppm.csv" --px-per-mm 8
check 'cmp -s "$tmp/ppm/c.after.jpg" "$tmp/ppm2/c.after.jpg"' "a row's px_per_mm auto is not --px-per-mm auto"
printf '{"density": 60, "px-per-mm": "auto"}\n' >"$tmp/s.json"
expect 0 "batch --settings" -- "$smp" batch "$V" -o "$tmp/set" --settings "$tmp/s.json"
check '[ "$(field "$tmp/set/report.csv" c.jpg 9)" = 60.00 ] && field "$tmp/set/report.csv" c.jpg 13 | grep -q "estimated from the head"' \
    "batch --settings: $(cat "$tmp/set/report.csv")"
expect 1 "batch --measure" -- "$smp" batch "$V" -o "$tmp/no1" --measure "0,0 100,0=50"
says "measure takes points in one photo's pixels" "batch --measure"
expect 1 "batch --reference" -- "$smp" batch "$V" -o "$tmp/no2" --reference "$V/c.jpg"
says "reference is for one photo" "batch --reference"

# --- the shared photos, when present: every one gets a suggestion and a preview
if [ -d "$photos" ]; then
    printf 'photo,mask,output\n' >"$tmp/m4.csv"
    for f in hairline-1302x892.png topdown-1.jpg topdown-11.jpg topdown-16.jpg; do printf '%s,auto,%s.jpg\n' "$f" "${f%.*}"; done >>"$tmp/m4.csv"
    expect 0 "shared photos, --masks auto" -- "$smp" batch "$photos" -o "$tmp/out8" --manifest "$tmp/m4.csv" --what preview --jobs 2
    check '[ "$(grep -c ",\"auto\",ok," "$tmp/out8/report.csv")" -eq 4 ] && [ "$(ls "$tmp/out8"/*.suggested-mask.png | wc -l)" -eq 4 ]' \
        "shared photos: $(cut -c1-70 "$tmp/out8/report.csv")"
else
    echo "cli/masks_auto: $photos not found; skipping the real-photo batch"
fi

finish
