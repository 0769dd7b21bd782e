#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# batch basics: pairing, failures isolated, the report, resume, shards, the
# Slurm and GNU parallel recipes, the progress bar, links, manifests, SIGINT.
# (Issue 16's hostile cases are in tests/cli_batch.sh.)
# Usage: tests/cli/batch.sh BUILD_DIR (from the top of the tree)
. "$(dirname "$0")/lib.sh"

# --- batch: pairing, failures isolated, report, resume, shards, manifest, signals
B="$tmp/batch"
mkdir -p "$B/in/sub" "$B/in/nomask" "$B/elsewhere"
# The batches give the photos their scale: at the assumed 200 mm, a 400x300 photo would be
# 1.5 px/mm and 58 000 dots.
"$gen" --width 400 --height 300 --px-per-mm 8 --seed 1 -o "$B/in/a.jpg" --mask "$B/in/a.mask.png" --force
"$gen" --width 400 --height 300 --px-per-mm 8 --seed 2 -o "$B/in/sub/b.jpg" --mask "$B/in/sub/b_mask.png" --force
"$gen" --width 300 --height 300 --px-per-mm 8 --seed 3 -o "$B/in/c.png" --mask "$B/in/c.mask.png" --force
head -c 3000 "$B/in/a.jpg" >"$B/in/broken.jpg" && cp "$B/in/a.mask.png" "$B/in/broken.mask.png"
"$gen" --width 200 --height 100 --px-per-mm 8 -o "$B/in/wrong.jpg" --mask "$B/wrong-unused.png" --force
cp "$B/in/a.mask.png" "$B/in/wrong.mask.png"
cp "$B/in/a.jpg" "$B/in/nomask/lonely.jpg"
cp "$B/in/a.jpg" "$B/elsewhere/outside.jpg" && cp "$B/in/a.mask.png" "$B/elsewhere/outside.mask.png"
ln -s "$B/elsewhere" "$B/in/link"
expect 4 "batch with failures" -- "$smp" batch --px-per-mm 8 "$B/in" -o "$B/out" --what both --progress jsonl
r="$B/out/report.csv"
row() { grep "^\"$1\"" "$r" | cut -d, -f3; }
if [ "$(row a.jpg)" = ok ] && [ "$(row sub/b.jpg)" = ok ] && [ "$(row c.png)" = ok ]; then ok; else bad "batch: good pairs not ok: $(cat "$r")"; fi
if [ "$(row broken.jpg)" = failed ] && [ "$(row wrong.jpg)" = failed ] && [ "$(row nomask/lonely.jpg)" = skipped ]; then ok
else bad "batch: failures not isolated: $(cat "$r")"; fi
if grep -q 'wrong.mask.png: 400x300 does not match photo 200x100' "$r" && grep -q 'broken.jpg: corrupt JPEG' "$r"; then ok
else bad "batch: report lacks the errors"; fi
if grep -q "link/outside" "$r"; then bad "batch followed a link out of the input"; else ok; fi
if [ "$(grep -c '"status"' "$tmp/out")" -eq 5 ]; then ok; else bad "batch: jsonl lines $(grep -c '"status"' "$tmp/out"), wanted 5"; fi
for f in a.after.jpg a.preview.jpg sub/b.after.jpg sub/b.preview.jpg c.after.jpg c.preview.jpg; do
    if "$img" info "$B/out/$f" >/dev/null 2>&1; then ok; else bad "batch: $f missing or broken"; fi
done
absent "$B/out/broken.after.jpg" "batch: failed photo"
absent "$B/out/wrong.after.jpg" "batch: failed photo"
if [ -z "$(find "$B/out" -name '.*' ! -name . )" ]; then ok; else bad "batch left temporaries: $(find "$B/out" -name '.*')"; fi
if grep -q '"schema": "smpsim-batch/1"' "$B/out/report.json"; then ok; else bad "batch: report.json"; fi
# The same bytes as render alone with the photo's seed.
seed=$(grep '^"a.jpg"' "$r" | cut -d, -f7)
"$smp" render "$B/in/a.jpg" "$B/in/a.mask.png" --px-per-mm 8 --seed "$seed" -o "$o/single-a.jpg"
if cmp -s "$B/out/a.after.jpg" "$o/single-a.jpg"; then ok; else bad "batch output differs from render alone"; fi
# Resume: nothing is redone, nothing rewritten.
before=$(ls -l --time-style=+%s.%N "$B/out/a.after.jpg" | awk '{print $6}')
expect 4 "batch --resume" -- "$smp" batch --px-per-mm 8 "$B/in" -o "$B/out" --what both --resume
if [ "$(row a.jpg)" = up-to-date ] && [ "$(row sub/b.jpg)" = up-to-date ]; then ok; else bad "resume redid work: $(cat "$r")"; fi
after=$(ls -l --time-style=+%s.%N "$B/out/a.after.jpg" | awk '{print $6}')
if [ "$before" = "$after" ]; then ok; else bad "resume rewrote an output"; fi
jok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }
# --metrics: the measures beside the first output, named after it (as README and --help say).
"$smp" batch --px-per-mm 8 "$B/in" -o "$B/met" --what both --metrics 2>/dev/null
"$smp" batch --px-per-mm 8 "$B/in" -o "$B/metp" --what preview --metrics 2>/dev/null
check 'jok "$B/met/a.after.metrics.json" && jok "$B/met/sub/b.after.metrics.json" && jok "$B/metp/a.preview.metrics.json" &&
       [ -z "$(find "$B/met" "$B/metp" -name "*.json" ! -name "*.after.metrics.json" ! -name "*.preview.metrics.json" ! -name "report*.json")" ]' \
    "batch --metrics files: $(cd "$B" && find met metp -name "*.json")"
check '"$smp" batch --help | tr -s " \n" " " | grep -q "NAME.after.metrics.json (NAME.preview.metrics.json with --what preview)"' \
    "batch --help does not name the metrics files"
# Two shards together are the unsharded run.
"$smp" batch --px-per-mm 8 "$B/in" -o "$B/s0" --shard 0/2 2>/dev/null
"$smp" batch --px-per-mm 8 "$B/in" -o "$B/s1" --shard 1/2 2>/dev/null
"$smp" batch --px-per-mm 8 "$B/in" -o "$B/all" 2>/dev/null
same_union=1
for f in a.after.jpg sub/b.after.jpg c.after.jpg; do
    if [ -f "$B/s0/$f" ]; then s="$B/s0/$f"; else s="$B/s1/$f"; fi
    [ -f "$B/s0/$f" ] && [ -f "$B/s1/$f" ] && same_union=0
    cmp -s "$s" "$B/all/$f" || same_union=0
done
if [ "$same_union" = 1 ]; then ok; else bad "shards do not add up to the whole run"; fi
# The README's Slurm array script and GNU parallel line, run here without a cluster.
for k in 0 1; do
    SMPSIM="$smp" SHARDS=2 SLURM_ARRAY_TASK_ID=$k sh examples/slurm-smpsim.sh "$B/in" "$B/slurm" --px-per-mm 8 2>/dev/null
done
same_union=1
for f in a.after.jpg sub/b.after.jpg c.after.jpg; do cmp -s "$B/slurm/$f" "$B/all/$f" || same_union=0; done
if [ "$same_union" = 1 ] && [ -f "$B/slurm/report.shard-0-of-2.csv" ] && [ -f "$B/slurm/report.shard-1-of-2.csv" ]; then ok
else bad "the Slurm array script does not cover the folder"; fi
if command -v parallel >/dev/null 2>&1 && parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
    parallel --will-cite -j2 "$smp" batch --px-per-mm 8 "$B/in" -o "$B/par" --shard {}/2 ::: 0 1 2>/dev/null
    same_union=1
    for f in a.after.jpg sub/b.after.jpg c.after.jpg; do cmp -s "$B/par/$f" "$B/all/$f" || same_union=0; done
    if [ "$same_union" = 1 ]; then ok; else bad "GNU parallel over shards does not cover the folder"; fi
else
    echo "cli: GNU parallel not installed; skipping its check (apt-get install parallel)"
fi
# On a terminal, a progress bar; off one, silence (the runs above print nothing to stdout).
if command -v script >/dev/null 2>&1; then
    script -qec "'$smp' batch '$B/in' -o '$B/tty' --jobs 1" /dev/null >"$tmp/tty.txt" 2>&1
    if grep -q 'photos/s' "$tmp/tty.txt" && grep -q 'ETA' "$tmp/tty.txt" && grep -q 'failed 2' "$tmp/tty.txt"; then ok
    else bad "no progress bar on a terminal: $(tail -c 300 "$tmp/tty.txt")"; fi
fi
"$smp" batch --px-per-mm 8 "$B/in" -o "$B/quiet" >"$tmp/quiet.txt" 2>/dev/null
if [ ! -s "$tmp/quiet.txt" ]; then ok; else bad "batch printed to stdout off a terminal"; fi
# Links that leave the input folder are followed only when asked.
"$smp" batch --px-per-mm 8 "$B/in" -o "$B/follow" --follow-symlinks 2>/dev/null
if [ -f "$B/follow/link/outside.after.jpg" ]; then ok; else bad "--follow-symlinks did not follow"; fi
# A manifest: per-photo density, malformed rows and traversal refused with their line.
printf 'photo,mask,output,density\na.jpg,a.mask.png,x/first.jpg,40\nsub/b.jpg,sub/b_mask.png,,auto\n' >"$B/m.csv"
expect 0 "batch --manifest" -- "$smp" batch --px-per-mm 8 "$B/in" -o "$B/man" --manifest "$B/m.csv"
if [ -f "$B/man/x/first.jpg" ] && [ -f "$B/man/sub/b.after.jpg" ] && grep -q '^"a.jpg".*,40.00,' "$B/man/report.csv"; then ok
else bad "manifest outputs or density: $(cat "$B/man/report.csv")"; fi
printf 'a.jpg,a.mask.png\n"b.jpg,b.mask.png\n' >"$B/bad.csv"
expect 2 "malformed manifest" -- "$smp" batch --px-per-mm 8 "$B/in" -o "$B/man2" --manifest "$B/bad.csv"
says "bad.csv: line 2: malformed CSV" "malformed manifest"
printf 'a.jpg,a.mask.png\n../../etc/passwd,a.mask.png\n' >"$B/trav.csv"
expect 2 "manifest traversal" -- "$smp" batch --px-per-mm 8 "$B/in" -o "$B/man3" --manifest "$B/trav.csv"
says "trav.csv: line 2: paths must be relative" "manifest traversal"
# A row's mask cell left empty, and bad values: one line naming the file, line, column and value.
printf 'photo,mask\nsub/b.jpg,\n' >"$B/nomask.csv"
expect 2 "manifest: an empty mask cell" -- "$smp" batch --px-per-mm 8 "$B/in" -o "$B/man4" --manifest "$B/nomask.csv"
says "nomask.csv: line 2: an empty mask for sub/b.jpg; name one, write auto for the suggested mask, or add --masks auto" \
    "manifest: an empty mask cell"
for v in abc:"not a number" 0.1:"outside 0.5..1000"; do
    printf 'photo,mask,px_per_mm\na.jpg,a.mask.png,%s\n' "${v%%:*}" >"$B/ppm.csv"
    expect 2 "manifest: px_per_mm ${v%%:*}" -- "$smp" batch "$B/in" -o "$B/man5" --manifest "$B/ppm.csv"
    check '[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "ppm.csv: line 2: px_per_mm '"'${v%%:*}'"': .*${v#*:}" "$tmp/err"' \
        "manifest: px_per_mm ${v%%:*}: $(cat "$tmp/err")"
done
printf 'photo,mask,layout\na.jpg,a.mask.png,diagonal\n' >"$B/lay.csv"
expect 2 "manifest: a bad layout" -- "$smp" batch --px-per-mm 8 "$B/in" -o "$B/man6" --manifest "$B/lay.csv"
check '[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "lay.csv: line 2: layout '"'diagonal'"': .*is not auto, side" "$tmp/err"' \
    "manifest: a bad layout: $(cat "$tmp/err")"
expect 1 "bad shard" -- "$smp" batch --px-per-mm 8 "$B/in" -o "$B/x" --shard 2/2
# SIGINT mid-run: no partial file, and the report is written. One photo and copies (each is
# rendered all the same); the signal comes once the first is done, so four are still to run.
mkdir -p "$B/big"
"$gen" --width 1600 --height 1200 --px-per-mm 10 --seed 1 -o "$B/big/p1.jpg" --mask "$B/big/p1.mask.png" --force
for i in 2 3 4 5 6; do cp "$B/big/p1.jpg" "$B/big/p$i.jpg" && cp "$B/big/p1.mask.png" "$B/big/p$i.mask.png"; done
"$smp" batch --px-per-mm 8 "$B/big" -o "$B/bigout" --jobs 2 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 1500); do
    grep -q '^done,' "$B/bigout/report.journal" 2>/dev/null && break
    sleep 0.02
done
kill -INT "$pid"
wait "$pid"
rc=$?
if [ "$rc" -eq 130 ]; then ok; else bad "batch after SIGINT: exit $rc, not 130 (it ended before the signal?)"; fi
if [ -f "$B/bigout/report.csv" ]; then ok; else bad "no report after SIGINT"; fi
if [ "$(grep -c ',ok,' "$B/bigout/report.csv")" -lt 6 ]; then ok
else bad "SIGINT: every photo ran: $(cut -c1-60 "$B/bigout/report.csv" | tr '\n' ' ')"; fi
if [ -z "$(find "$B/bigout" -name '.*' ! -name . )" ]; then ok; else bad "SIGINT left temporaries"; fi
for f in "$B"/bigout/*.jpg; do
    [ -e "$f" ] || continue
    "$img" info "$f" >/dev/null 2>&1 || bad "SIGINT left a broken $f"
done
# A signal while the batch still reads its input stops it there, at once: nothing run, no report
# (a report of a half-read folder would list what it never looked at), and on --resume the
# earlier run's report and journal as they were (a run that opens the journal cuts off its torn
# last record). It used to run on to the scan's end and write the report of all it found (exit
# 143, 130 or 129 all the same): on --resume over the earlier one, its journal gone. The scan:
# 1 000 files 300 folders deep (each entry's path is resolved a folder at a time) take 3.4 s here
# on the old binary (0.1 s at the top of $B), for 0.1-0.4 s of setup (5 000 files took 1-2 s on a
# busy disk). The signal comes once the run holds its lock, just before the scan; the run must
# end within 1.5 s of it (0.01 s here).
ms() { echo $(($(date +%s%N) / 1000000)); }
deep="$B/deep/$(printf 'x/%.0s' $(seq 1 300))many"
mkdir -p "$deep" "$B/none" "$B/earlier" && (cd "$deep" && seq -f 'p%05g.jpg' 1000 | xargs touch)
printf '%s\n' "$(head -n 1 "$B/out/report.csv")" '"old.jpg","old.mask.png",ok,"","old.after.jpg",0.1,1,1,90.00,1,1,0,"",""' \
    >"$B/earlier/report.csv"
printf '# smpsim batch journal: outputs published before the report lists them\nwritten,1,2,3,4,5,"a.jpg"\nwritten,1,' \
    >"$B/earlier/report.journal"
for run in TERM:143:none INT:130:none HUP:129:earlier TERM:143:earlier; do
    sig=${run%%:*} code=${run#*:} before=${run##*:}
    code=${code%:*} opt=$([ "$before" = none ] || echo --resume)
    rm -rf "$B/manyout" && cp -R "$B/$before" "$B/manyout"
    "$smp" batch --px-per-mm 8 "$deep" -o "$B/manyout" ${opt:+"$opt"} 2>"$tmp/err" &
    pid=$!
    for _ in $(seq 1 1500); do [ -e "$B/manyout/report.lock" ] || ! kill -0 "$pid" 2>/dev/null && break; sleep 0.01; done
    t0=$(ms)
    kill -"$sig" "$pid"
    wait "$pid"
    rc=$? took=$(($(ms) - t0))
    if [ "$rc" -eq "$code" ] && [ "$took" -lt 1500 ]; then ok
    else bad "SIG$sig in the scan${opt:+ $opt}: exit $rc (wanted $code) $took ms after the signal (wanted under 1500)"; fi
    says "batch: stopped by a signal while reading $B/deep/.*/many, before any photo ran; no report written" \
        "SIG$sig in the scan${opt:+ $opt}"
    if diff -rq "$B/$before" "$B/manyout" >"$tmp/out"; then ok; else bad "SIG$sig in the scan${opt:+ $opt}: $(tr "\n" " " <"$tmp/out")"; fi
done
# The same in the plan, after the scan: 1 000 photos whose masks (--masks) lie as deep. The scan
# takes 0.06 s here and the plan 3 s (each mask's folder is resolved, for --resume's key); the
# signal comes 0.5 s after the lock (a slower scan would take it: that passes too). The plan's
# loops used to finish first: the run ended 2.3-2.9 s after the signal (now 0.01 s).
masks="${deep%many}masks"
mkdir -p "$masks" "$B/plan" && (cd "$masks" && seq -f 'p%05g.png' 1000 | xargs touch) &&
    (cd "$B/plan" && seq -f 'p%05g.jpg' 1000 | xargs touch)
"$smp" batch --px-per-mm 8 "$B/plan" --masks "$masks" -o "$B/planout" 2>"$tmp/err" &
pid=$!
for _ in $(seq 1 1500); do [ -e "$B/planout/report.lock" ] || ! kill -0 "$pid" 2>/dev/null && break; sleep 0.01; done
sleep 0.5
t0=$(ms)
kill -TERM "$pid"
wait "$pid"
rc=$? took=$(($(ms) - t0))
if [ "$rc" -eq 143 ] && [ "$took" -lt 1500 ]; then ok; else bad "SIGTERM in the plan: exit $rc (wanted 143) $took ms after the signal (wanted under 1500)"; fi
says "batch: stopped by a signal while \(reading\|planning the batch of\) $B/plan, before any photo ran; no report written" "SIGTERM in the plan"
if [ -z "$(ls -A "$B/planout")" ]; then ok; else bad "SIGTERM in the plan left: $(ls -A "$B/planout" | tr '\n' ' ')"; fi
# A manifest on standard input that never ends: the signal breaks off the read. It used to end
# the run as the signal's, with nothing said; and a signal that landed just before the read, or on
# another thread (the sanitized build has more), left the read blocked until standard input
# closed. The pipe stays open 10 s after the signal: a run still going then is a failure.
mkfifo "$tmp/fifo"
"$smp" batch --px-per-mm 8 "$B/none" --manifest - -o "$B/stdinout" <"$tmp/fifo" 2>"$tmp/err" &
pid=$!
exec 3>"$tmp/fifo" && printf 'photo,mask\n' >&3
for _ in $(seq 1 1500); do [ -e "$B/stdinout/report.lock" ] || ! kill -0 "$pid" 2>/dev/null && break; sleep 0.01; done
kill -TERM "$pid"
for _ in $(seq 1 1000); do kill -0 "$pid" 2>/dev/null || break; sleep 0.01; done
if kill -0 "$pid" 2>/dev/null; then bad "SIGTERM reading the manifest on standard input: still reading 10 s later"; fi
exec 3>&-
wait "$pid"
rc=$?
if [ "$rc" -eq 143 ]; then ok; else bad "SIGTERM reading the manifest on standard input: exit $rc (wanted 143)"; fi
says "batch: stopped by a signal while reading standard input, before any photo ran; no report written" \
    "SIGTERM reading the manifest on standard input"
if [ -z "$(ls -A "$B/stdinout")" ]; then ok; else bad "SIGTERM reading standard input left: $(ls -A "$B/stdinout" | tr '\n' ' ')"; fi
rm -rf "$B/deep" "$B/plan"

finish
