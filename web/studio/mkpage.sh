#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The studio page, one self-contained file: page.html with the style, the
# engine (emscripten's loader and the wasm as base64, twice: without and with
# WebAssembly SIMD, for one loader), the settings code
# the page and its workers share (with the tone preview, whose basis the
# redraw worker makes), the redraw worker's script (kept as text:
# the page starts workers from it) and the page's own script put in at its
# @CSS@, @ENGINE@, @WASM@, @WASM_SIMD@, @SHARED@, @WORKER@ and @APP@ lines.
# Usage: web/studio/mkpage.sh ENGINE.js ENGINE.wasm SIMD.js SIMD.wasm > studio.html
set -eu
dir=$(dirname "$0")
engine=$1 wasm=$2 simd_js=$3 simd=$4
for f in "$dir/studio.css" "$dir/tone.js" "$dir/studio.js" "$dir/settings.js" "$dir/worker.js" "$engine"; do
    [ -r "$f" ] || { echo "mkpage.sh: cannot read $f" >&2; exit 1; }
    # Inline, a closing tag would end the element early.
    if grep -qi '</script\|</style' "$f"; then echo "mkpage.sh: $f contains a closing tag" >&2; exit 1; fi
done
for f in "$wasm" "$simd"; do [ -r "$f" ] || { echo "mkpage.sh: cannot read $f" >&2; exit 1; }; done
# The page has one loader: the SIMD build's must be the same.
cmp -s "$engine" "$simd_js" || { echo "mkpage.sh: $engine and $simd_js differ" >&2; exit 1; }
awk -v css="$dir/studio.css" -v tone="$dir/tone.js" -v app="$dir/studio.js" -v engine="$engine" -v wasm="$wasm" \
    -v simd="$simd" \
    -v shared="$dir/settings.js" -v worker="$dir/worker.js" '
    function put(f,   l) { while ((getline l < f) > 0) print l; close(f) }
    $0 == "@CSS@" { put(css); next }
    $0 == "@ENGINE@" { put(engine); next }
    $0 == "@WASM@" { fflush(); system("base64 -w 76 < \"" wasm "\""); next }
    $0 == "@WASM_SIMD@" { fflush(); system("base64 -w 76 < \"" simd "\""); next }
    $0 == "@SHARED@" { put(shared); put(tone); next }
    $0 == "@WORKER@" { put(worker); next }
    $0 == "@APP@" { put(app); next }
    { print }' "$dir/page.html"
