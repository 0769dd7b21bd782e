#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# render/preview --settings FILE (the studio's export) and smpsim studio:
# a settings file gives the same bytes as the same options typed, options
# after it win, notes are skipped, and bad files fail with a clear line;
# studio writes the page it was built with, or says how to build it.
# Usage: tests/cli/settings.sh BUILD_DIR (from the top of the tree)
. "$(dirname "$0")/lib.sh"
small="$tmp/small.png"
"$gen" --width 240 --height 180 --px-per-mm 4 --seed 2 -o "$small" --mask "$tmp/small.mask.png" 2>/dev/null
m="$tmp/small.mask.png"

cat >"$tmp/s.json" <<'JSON'
{
  "seed": 7, "density": 130, "dot": "0.3", "dilution": 0.4, "sessions": 3, "session": 2,
  "age": "5y", "edge": "soft", "regularity": 0.65, "px-per-mm": 4,
  "_studio": "a note: caf\u00e9 \"quoted\""
}
JSON
expect 0 "render --settings" -- "$smp" render "$small" "$m" --settings "$tmp/s.json" -o "$o/a.png"
expect 0 "the same options typed" -- "$smp" render "$small" "$m" --seed 7 --density 130 --dot 0.3 --dilution 0.4 \
    --sessions 3 --session 2 --age 5y --edge soft --regularity 0.65 --px-per-mm 4 -o "$o/b.png"
check '"$img" same "$o/a.png" "$o/b.png"' "--settings gives the bytes of the options typed"
expect 0 "a later option wins" -- "$smp" render "$small" "$m" --settings="$tmp/s.json" --seed 8 -o "$o/c.png"
check '! "$img" same "$o/a.png" "$o/c.png"' "--seed after --settings wins"
expect 0 "preview --settings" -- "$smp" preview "$small" "$m" --settings "$tmp/s.json" -o "$o/p.jpg" --date none

# Every error of a settings file is the file's: named, with the key, exit 2
# (an unknown key or a bad value gave 1, and a value's error named no file).
printf '{"force": "1"}' >"$tmp/flag.json"
expect 2 "an option without a value" -- "$smp" render "$small" "$m" --settings "$tmp/flag.json" -o "$o/x.png"
says 'not an option taking a value' "a flag in settings"
printf '{"densty": 100}' >"$tmp/typo.json"
expect 2 "an unknown key" -- "$smp" render "$small" "$m" --settings "$tmp/typo.json" -o "$o/x.png"
says 'typo.json: settings: "densty" is not an option' "a misspelt key is named"
printf '{"density": [100]}' >"$tmp/nest.json"
expect 2 "a nested value" -- "$smp" render "$small" "$m" --settings "$tmp/nest.json" -o "$o/x.png"
says 'must be a string or a number' "a nested value"
printf '{"density": 100' >"$tmp/cut.json"
expect 2 "a cut file" -- "$smp" render "$small" "$m" --settings "$tmp/cut.json" -o "$o/x.png"
says 'malformed JSON' "a cut file"
printf '{"density": 1000}' >"$tmp/range.json"
expect 2 "a value out of range" -- "$smp" render "$small" "$m" --settings "$tmp/range.json" -o "$o/x.png"
says 'range.json: settings: "density": density 1000 dots/cm² is outside 1..400' "the option's own check, the file named"
printf '{"seed": 3, "density": "lots"}' >"$tmp/nan.json"
expect 2 "a value not a number" -- "$smp" preview "$small" "$m" --settings "$tmp/nan.json" -o "$o/x.png"
says "nan.json: settings: \"density\": 'lots' is not a number" "a value not a number, the file named"
printf '{"session-split": "60,30,100"}' >"$tmp/split.json"
expect 2 "a bad list" -- "$smp" render "$small" "$m" --settings "$tmp/split.json" -o "$o/x.png"
says 'split.json: settings: "session-split": .*30 after 60' "a bad list, the file named"
# A character beyond U+FFFF as a surrogate pair, as Python's json.dump
# writes it, is that character (it became bytes that are not UTF-8, and the
# caption was refused); \u0000 is refused (it cut a key or value there:
# "density\u0000x" was --density), as is half a pair.
printf '{"caption": "Jos\\u00e9 \\ud83d\\ude00"}' >"$tmp/pair.json"
expect 0 "a surrogate pair" -- "$smp" preview "$small" "$m" --settings "$tmp/pair.json" --date none -o "$o/pair.png"
expect 0 "the caption typed" -- "$smp" preview "$small" "$m" --caption "José 😀" --date none -o "$o/pair-typed.png"
check '"$img" same "$o/pair.png" "$o/pair-typed.png"' "a surrogate pair gives the caption typed"
for bad in '{"density\u0000x": 50}' '{"caption": "a\u0000b"}' '{"caption": "\ud83d"}' '{"caption": "\ude00\ud83d"}'; do
    printf '%s' "$bad" >"$tmp/nul.json"
    expect 2 "$bad" -- "$smp" preview "$small" "$m" --settings "$tmp/nul.json" -o "$o/nul.png"
    says 'nul.json: settings: ' "$bad, the file named"
done
absent "$o/nul.png" "refused strings"
# The same value typed is the command line's usage error, without a file.
expect 1 "the value typed" -- "$smp" render "$small" "$m" --density lots -o "$o/x.png"
says "^smpsim: --density: 'lots' is not a number" "the value typed"
expect 2 "a missing file" -- "$smp" render "$small" "$m" --settings "$tmp/none.json" -o "$o/x.png"
says 'none.json: cannot open' "a missing file is named"
# Checks made after parsing: a file's value they refuse is the file's error
# too (these exited 1 and named no file).
printf '{"sessions": 3, "session": 5}' >"$tmp/sess.json"
expect 2 "a session past the sessions" -- "$smp" render "$small" "$m" --settings "$tmp/sess.json" -o "$o/x.png"
says 'sess.json: settings: "session": 5 is past the last of 3 sessions' "a session past the sessions, the file named"
expect 0 "a session typed after it" -- "$smp" render "$small" "$m" --settings "$tmp/sess.json" --session 2 -o "$o/s2.png"
expect 1 "a session past the sessions, typed" -- "$smp" render "$small" "$m" --sessions 3 --session 5 -o "$o/x.png"
says "^smpsim: --session: 5 is past the last of 3 sessions" "a session past the sessions, typed"
printf '{"loupe": "900,10"}' >"$tmp/loupe.json"
expect 2 "a loupe off the photo" -- "$smp" preview "$small" "$m" --settings "$tmp/loupe.json" -o "$o/x.jpg"
says 'loupe.json: settings: "loupe": 900,10 lies outside the photo, which is 240x180' "a loupe off the photo, the file named"
printf '{"px-per-mm": 4}' >"$tmp/ppm.json"
expect 2 "--measure against a file's scale" -- "$smp" render "$small" "$m" --settings "$tmp/ppm.json" \
    --measure "0,0 100,0=25" -o "$o/x.png"
says 'ppm.json: settings: "px-per-mm": --measure and --px-per-mm both set the scale' "--measure against a file's scale"
# A file's points the photo or the count refuses are the file's too (they
# exited 1 naming no file; fuzz_settings found the first).
printf '{"hairline": "10,20 3000,40 200,20"}' >"$tmp/hl-off.json"
printf '{"hairline": "10,20 200,20"}' >"$tmp/hl-two.json"
printf '{"measure": "0,0 3000,0=10"}' >"$tmp/measure-off.json"
printf '{"hairline-template": "rounded"}' >"$tmp/template.json"
expect 2 "a file's template without points" -- "$smp" render "$small" "$m" --settings "$tmp/template.json" -o "$o/x.png"
says 'template.json: settings: "hairline-template": .*needs the 2 temple points' "a file's template without points"
expect 2 "a file's hairline off the photo" -- "$smp" render "$small" "$m" --settings "$tmp/hl-off.json" -o "$o/x.png"
says 'hl-off.json: settings: "hairline": the point 3000,40 lies outside the photo, which is 240x180' \
    "a file's hairline off the photo, the file named"
expect 2 "a file's hairline of 2 points" -- "$smp" render "$small" "$m" --settings "$tmp/hl-two.json" -o "$o/x.png"
says 'hl-two.json: settings: "hairline": a hairline takes 3 to 9 points, not 2' "a file's 2 points, the file named"
expect 2 "a file's measure off the photo" -- "$smp" render "$small" "$m" --settings "$tmp/measure-off.json" -o "$o/x.png"
says 'measure-off.json: settings: "measure": the point 3000,0 lies outside' "a file's measure off the photo, the file named"
expect 1 "the measure typed" -- "$smp" render "$small" "$m" --measure "0,0 3000,0=10" -o "$o/x.png"
says "^smpsim: --measure: the point 3000,0 lies outside" "the measure typed"
# batch reads a settings file as render does: its errors are the file's, exit 2.
mkdir -p "$tmp/bin"
cp "$small" "$tmp/bin/a.png" && cp "$m" "$tmp/bin/a.mask.png"
expect 2 "batch: a value not a number" -- "$smp" batch "$tmp/bin" -o "$o/b" --settings "$tmp/nan.json"
says "nan.json: settings: \"density\": 'lots' is not a number" "batch: the file and key named"
check '! grep -q "Try " "$tmp/err"' "batch: a file's error points to --help: $(cat "$tmp/err")"
expect 1 "--settings without a file" -- "$smp" render "$small" "$m" -o "$o/x.png" --settings
absent "$o/x.png" "failed runs"

# smpsim studio: the page when built (make studio), else a clear refusal.
expect 1 "studio without -o" -- "$smp" studio
"$smp" studio -o "$o/studio.html" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ]; then
    check 'grep -q "Content-Security-Policy\" content=\"default-src '"'"'none'"'"'" "$o/studio.html"' "the page has its CSP"
    if [ -f "$build/studio.html" ]; then check 'cmp -s "$o/studio.html" "$build/studio.html"' "studio writes build/studio.html"; fi
    expect 3 "studio refuses to overwrite" -- "$smp" studio -o "$o/studio.html"
else
    check '[ $rc -eq 3 ]' "studio without a page exits 3 (got $rc)"
    absent "$o/studio.html" "studio without a page"
    says "make studio" "studio without a page says how to build it"
fi
finish
