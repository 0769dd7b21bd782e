#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Shade and look: density auto, metrics, sessions, age, cast, edges,
# a painted reference, scars, and their errors.
# Usage: tests/cli/shade.sh BUILD_DIR (from the top of the tree)
. "$(dirname "$0")/lib.sh"

# --- shade and look: auto, metrics, sessions, age, cast, edges, reference, scars
expect 0 "density auto with metrics" -- "$smp" render "$sample" "$smask" --px-per-mm 8 --density auto \
    --sessions 3 -o "$o/auto.png" --metrics "$o/auto.json"
for key in '"schema": "smpsim-metrics/1"' '"density_cm2": "auto"' '"per_session": \[' '"delta_e2000": {"before"' \
    '"reference": \[' '"sessions_percent": \[30.0, 70.0, 100.0\]' '"assumed": false' '"aim": "tone"'; do
    if grep -q "$key" "$o/auto.json"; then ok; else bad "metrics lack $key"; fi
done
expect 3 "metrics over an existing file" -- "$smp" render "$sample" "$smask" -o "$o/auto2.png" --metrics "$o/auto.json"
absent "$o/auto2.png" "metrics over an existing file"
expect 0 "session 1 of 3" -- "$smp" render "$sample" "$smask" --px-per-mm 8 --sessions 3 --session 1 -o "$o/s1.png"
if "$img" same "$o/s1.png" "$o/auto.png"; then bad "session 1 looks like the whole treatment"; else ok; fi
# The least regularity with sessions: its jitter sets a session's dots
# closer than the next one's spacing, which the sampler takes as they are.
expect 0 "regularity 0.3 over 3 sessions" -- "$smp" render "$sample" "$smask" --regularity 0.3 --sessions 3 -o "$o/r03.png"
# The sample at its own scale (8 px/mm): the assumed 200 mm makes 3.6 px/mm and five times the dots.
expect 0 "fresh, 3 years, blue cast, sharp and soft edges" -- sh -c "
    '$smp' render '$sample' '$smask' --px-per-mm 8 --age fresh -o '$o/fresh.png' &&
    '$smp' render '$sample' '$smask' --px-per-mm 8 --age 3y -o '$o/old.png' &&
    '$smp' render '$sample' '$smask' --px-per-mm 8 --cast blue -o '$o/blue.png' &&
    '$smp' render '$sample' '$smask' --px-per-mm 8 --edge sharp -o '$o/sharp.png' &&
    '$smp' render '$sample' '$smask' --px-per-mm 8 --edge soft -o '$o/soft.png'"
expect 1 "bad edge" -- "$smp" render "$sample" "$smask" --edge wobbly -o "$o/x.png"
expect 1 "bad age" -- "$smp" render "$sample" "$smask" --age old -o "$o/x.png"
expect 1 "bad dilution" -- "$smp" render "$sample" "$smask" --dilution 2 -o "$o/x.png"
expect 1 "bad sessions" -- "$smp" render "$sample" "$smask" --sessions 7 -o "$o/x.png"
expect 1 "auto for points" -- "$smp" points --width-mm 10 --height-mm 10 --density auto -o "$o/x.csv"
# A painted reference: the left third of the frame.
"$gen" --width 960 --height 720 --px-per-mm 8 -o "$tmp/ref-src.jpg" --mask "$tmp/ref-src.png" --force
"$img" paint "$tmp/ref.png" 960 720 0 0 320 720
expect 0 "painted reference" -- "$smp" render "$sample" "$smask" --reference "$tmp/ref.png" -o "$o/ref.png" \
    --metrics "$o/ref.json"
if grep -q '"reference": "painted"' "$o/ref.json"; then ok; else bad "metrics do not say the reference was painted"; fi
# The run's notes, as the command prints them: the painted region is the core itself here.
expect 0 "notes in the metrics" -- "$smp" render "$sample" "$smask" --px-per-mm 8 --reference "$smask" \
    -o "$o/same.png" --metrics "$o/same.json"
if grep -q '"notes": \[".*already matches its surroundings' "$o/same.json"; then ok; else bad "metrics lack the run's notes"; fi
"$gen" --width 100 --height 100 --px-per-mm 8 -o "$tmp/sq.jpg" --mask "$tmp/sq.mask.png" --force
expect 2 "reference of another size" -- "$smp" render "$sample" "$smask" --reference "$tmp/sq.mask.png" -o "$o/x.png"
says "smpsim: $tmp/sq.mask.png: reference: 100x100 does not match photo 960x720" "reference of another size"
expect 0 "scar mask" -- "$smp" render "$sample" "$smask" --scar-mask "$tmp/ref.png" -o "$o/scar.png"
absent "$o/x.png" "shade errors"
for t in 1 2 3; do
    OMP_NUM_THREADS=$t "$smp" render "$sample" "$smask" --px-per-mm 8 --density auto --sessions 3 --age 2y -o "$o/a$t.png" 2>/dev/null
done
if cmp -s "$o/a1.png" "$o/a2.png" && cmp -s "$o/a1.png" "$o/a3.png"; then ok; else bad "auto + sessions differ across threads"; fi
if "$img" outside-same "$sample" "$o/a1.png" "$smask" 64; then ok; else bad "auto changed pixels outside the mask"; fi

finish
