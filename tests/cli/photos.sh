#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The real photos in ../shared/photos when present: render, previews, the page,
# issue 13's bounds with the defaults, dots through analyze, sweep.
# Usage: tests/cli/photos.sh BUILD_DIR (from the top of the tree)
. "$(dirname "$0")/lib.sh"

# --- real photos, when ../shared is present
if [ -d "$photos" ]; then
    for p in crown-shaved-4000x3000.jpg hairline-1302x892.png; do
        m="$photos/${p%.*}.mask.png"
        # One render with its metrics and dots (each whole run of the 12 MP crown costs seconds:
        # the previews and the sweep below stand for the other commands).
        expect 0 "render $p" -- "$smp" render "$photos/$p" "$m" -o "$o/auto-$p.png" \
            --metrics "$o/auto-$p.json" --dots "$o/dots-$p.csv" -v
        # The crown (15 px/mm) is fine enough for follicles; its stubble is blurred, not coarse.
        [ "$p" = crown-shaved-4000x3000.jpg ] &&
            check '! grep -q "too coarse" "$tmp/err" && grep -q "too blurred to count" "$tmp/err"' \
                "$p: -v calls a fine photo coarse: $(grep -i "coarse\|blurred" "$tmp/err")"
        if [ "$("$img" info "$o/auto-$p.png" | cut -d' ' -f1-2)" = "$("$img" info "$photos/$p" | cut -d' ' -f1-2)" ]; then ok; else bad "$p: after size differs"; fi
        expect 0 "preview $p" -- "$smp" preview "$photos/$p" "$m" --layout sessions --max-size 2000 -o "$o/real-$p.jpg"
        # The page and the sweep on the small photo only: on the crown each is 2-3 more whole runs.
        small=0
        [ "$p" = hairline-1302x892.png ] && small=1
        [ $small = 1 ] && expect 0 "preview page $p" -- "$smp" preview "$photos/$p" "$m" --sessions 3 -o "$o/real-$p.html"
        # Density auto (the default): the core's tone moves toward the reference, never beyond it.
        if awk '/"delta_e2000"/ { gsub(/[{},]/, " "); before = $3; after = $5 }
                /"reference": \[/ { gsub(/[\[\],]/, " "); ref = $2 }
                /"core_after": \[/ { gsub(/[\[\],]/, " "); core = $2 }
                END { exit !(after < before && core >= ref - 1.0) }' "$o/auto-$p.json"; then ok
        else bad "$p: auto did not move the core toward the reference: $(grep -E 'delta_e2000|core_after|"reference"' "$o/auto-$p.json" | tr -d '\n')"; fi
        # Issue 13's bounds with the mask and defaults alone: tone within CIEDE2000 1 and never
        # darker than the reference, a visible change, the shine left on top (its brightest 3 %
        # darkens 0.4-0.8 of the core: 1 is a shine painted over, and under 0.4 the dots fade out
        # under the crown's sheen, which its colour alone called 72 % shine: 0.32), the texture
        # within 0.5-2x the reference's (at its blur) or, where the reference is out of focus
        # (the crown: 0.37 mm, and the note says so), left out of the match (its texture is the
        # blur's: held to it, 82.5/cm² of 0.35 mm read as a stipple), strands untouched. Not the hairline's
        # shine: its brightest 3 % is a broad sheen at the temple, 59 % specular in luminance,
        # on bare skin that the dots darken more than the core's thin hair: 0.52 of the core
        # (README). And the match's prediction agrees with the render (both a median over the
        # core's cells: match.h dark_share). Where auto stops at its limit (the hairline: its
        # reference is the hair side, L* 24.9, beyond the 150 dots/cm² of 0.35 mm), the tone need
        # only come closer and the note say why, and the prediction, at the largest dots, agree
        # within 0.25 (1.36 predicted, 1.28 rendered).
        shine=1
        [ "$p" = hairline-1302x892.png ] && shine=0
        if awk -v shine=$shine '
            function num(key,   s) {
                if (!match($0, "\"" key "\": [-0-9.e]+")) return "nan"
                s = substr($0, RSTART, RLENGTH); sub(/.*: /, "", s); return s + 0 }
            /"delta_e2000"/ { de = num("after"); pred = num("predicted"); before = num("before") }
            /"auto": \{/ { limit = $0 ~ /"hit_limit": true/ && $0 !~ /"note": ""/
                           unpredicted = $0 ~ /"contrast_predicted": null/ }
            /"notes": / { defocused = $0 ~ /out of focus/ }
            /"reference": \[/ { gsub(/[\[\],]/, " "); ref = $2 }
            /"core_after": \[/ { gsub(/[\[\],]/, " "); core = $2 }
            /"realism"/ { dark = num("core_darkening"); sh = num("shine_darkening"); ratio = num("ratio")
                          strand = num("strand_max_diff") }
            END { exit !((limit ? de < before : de <= 1.0) && core >= ref - 1.0 && dark >= 0.05 &&
                         (!shine || (sh > 0.4 * dark && sh < 0.8 * dark)) && (defocused ? unpredicted : ratio >= 0.5 && ratio <= 2 && !unpredicted) &&
                         strand <= 2 &&
                         (pred - de)^2 <= (limit ? 0.25 : 0.15)^2) }' "$o/auto-$p.json"; then ok
        else bad "$p: issue 13's bounds: $(grep -E 'delta_e2000|core_after|"reference": \[|realism' "$o/auto-$p.json" | tr -d '\n')"; fi
        # The dots placed on a photo, through analyze.
        expect 0 "analyze the dots of $p" -- "$smp" analyze "$o/dots-$p.csv"
        if grep -q "^points  *$(($(wc -l <"$o/dots-$p.csv") - 1)) over" "$tmp/out" && grep -q '^rho  *min 0\.[0-9]*, mean 0\.[4-8]' "$tmp/out"
        then ok; else bad "analyze the dots of $p: $(head -4 "$tmp/out")"; fi
        [ $small = 1 ] || continue
        # The core (3 mm inside) gets most of the density asked; on this narrow band the
        # broken edge's front zone reaches into it: 0.65 of it (0.84 with the old edge).
        expect 0 "sweep $p" -- "$smp" sweep "$photos/$p" "$m" --density 60,120 \
            -o "$o/sweep-$p.jpg" --csv "$o/sweep-$p.csv"
        if awk -F, 'NR > 1 && !($13 > 0.6 * $3 && $16 != "" && $17 != "") { bad = 1 } END { exit bad || NR != 3 }' \
            "$o/sweep-$p.csv"; then ok; else bad "sweep $p: $(cat "$o/sweep-$p.csv")"; fi
    done
    # Topdown photos come without masks: the crown mask resampled does not fit.
    expect 2 "mask for another photo" -- "$smp" render "$photos/topdown-1.jpg" "$photos/crown-shaved-4000x3000.mask.png" -o "$o/x.png"
    says "4000x3000 does not match photo 640x640" "mask for another photo"
else
    echo "cli: $photos not found; skipping the real-photo tests"
fi

finish
