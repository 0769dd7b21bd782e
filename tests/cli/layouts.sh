#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Preview layouts: sizes, the before panel is the photo, the after panel the
# render, the split position, the page, and preview option errors.
# Usage: tests/cli/layouts.sh BUILD_DIR (from the top of the tree)
. "$(dirname "$0")/lib.sh"

# --- preview layouts: sizes, the before panel is the photo, the split position
export SOURCE_DATE_EPOCH=1795000000 # a fixed caption date
"$smp" render "$sample" "$smask" --px-per-mm 8 -o "$o/ref-after.png" || bad "render for the layouts"
for spec in "auto 960 1491" "side 1924 755" "stack 960 1491" "split 960 755" "sessions 1924 1514"; do
    set -- $spec
    expect 0 "preview --layout $1" -- "$smp" preview "$sample" "$smask" --px-per-mm 8 --layout "$1" --loupe off \
        --split-at 0.25 -o "$o/layout-$1.png"
    if [ "$("$img" info "$o/layout-$1.png")" = "$2 $3 3 1" ]; then ok; else bad "layout $1: $("$img" info "$o/layout-$1.png"), not $2 x $3"; fi
    # below the label, the first panel is the photo byte for byte (the split: left of its divider)
    wb=960; [ "$1" = split ] && wb=238
    if "$img" region-same "$o/layout-$1.png" 0 100 "$sample" 0 100 $wb 620; then ok; else bad "layout $1: before panel is not the photo"; fi
done
if "$img" region-same "$o/layout-side.png" 964 100 "$o/ref-after.png" 0 100 960 620; then ok; else bad "side: after panel is not the render"; fi
if "$img" region-same "$o/layout-stack.png" 0 824 "$o/ref-after.png" 0 100 960 620; then ok; else bad "stack: after panel is not the render"; fi
if "$img" region-same "$o/layout-split.png" 242 100 "$o/ref-after.png" 242 100 718 620; then ok; else bad "split: the after side is not the render"; fi
if "$img" region-same "$o/layout-split.png" 200 100 "$sample" 200 100 80 620; then bad "split: no after image right of 0.25"; else ok; fi
"$smp" render "$sample" "$smask" --px-per-mm 8 --sessions 3 -o "$o/ref-after3.png" || bad "render with 3 sessions"
if "$img" region-same "$o/layout-sessions.png" 964 1024 "$o/ref-after3.png" 0 300 960 420; then ok; else bad "sessions: the last panel is not the 3-session render"; fi
if "$img" region-same "$o/layout-sessions.png" 964 300 "$o/ref-after3.png" 0 300 960 420; then bad "sessions: session 1 shows all sessions"; else ok; fi
expect 0 "preview --max-size" -- "$smp" preview "$sample" "$smask" --px-per-mm 8 --max-size 800 -o "$o/small.jpg"
case "$("$img" info "$o/small.jpg")" in 51[0-9]" 80"[0]" 3 1"|51[0-9]" 79"[5-9]" 3 1") ok ;; *) bad "--max-size 800: $("$img" info "$o/small.jpg")" ;; esac
expect 0 "preview with a loupe at a point and a caption" -- "$smp" preview "$sample" "$smask" --px-per-mm 8 \
    --loupe 480,360 --loupe-zoom 6 --caption "José Müller" -o "$o/loupe.png"
if "$img" same "$o/loupe.png" "$o/layout-auto.png"; then bad "the loupe and caption changed nothing"; else ok; fi
expect 0 "preview page" -- "$smp" preview "$sample" "$smask" --px-per-mm 8 --sessions 3 -o "$o/page.html"
if [ "$(grep -o 'src="data:image/jpeg;base64,' "$o/page.html" | wc -l)" = 5 ]; then ok; else bad "page: not before + 3 sessions + close-up embedded"; fi
if grep -qiE '(src|href)="(https?:)?//|@import|url\(' "$o/page.html"; then bad "page: an external reference"; else ok; fi
OMP_NUM_THREADS=1 "$smp" preview "$sample" "$smask" --seed 3 -o "$o/page1.html" &&
    OMP_NUM_THREADS=3 "$smp" preview "$sample" "$smask" --seed 3 -o "$o/page3.html" &&
    cmp -s "$o/page1.html" "$o/page3.html" && ok || bad "page bytes depend on the thread count"
expect 1 "bad layout" -- "$smp" preview "$sample" "$smask" --layout grid -o "$o/x.png"
says "--layout: 'grid' is not auto, side, stack, split or sessions" "bad layout message"
expect 1 "split outside 0..1" -- "$smp" preview "$sample" "$smask" --split-at 1.5 -o "$o/x.png"
expect 1 "two-line caption" -- "$smp" preview "$sample" "$smask" --caption "$(printf 'a\nb')" -o "$o/x.png"
expect 1 "layout on render" -- "$smp" render "$sample" "$smask" --layout side -o "$o/x.png"
says "--layout is a preview option" "preview option on render"
expect 1 "html from render" -- "$smp" render "$sample" "$smask" -o "$o/x.html"
expect 1 "bad loupe" -- "$smp" preview "$sample" "$smask" --loupe 3 -o "$o/x.png"
unset SOURCE_DATE_EPOCH
no_temps "$o" "layouts"

finish
