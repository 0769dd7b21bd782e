#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The consultation studio (make studio): its engine in node against the
# native command (PART engine), the page in headless Chromium at a tablet's
# size (page), and its full-size export, big photos, phone and touch
# (export_touch); all three when no PART is given. tests/run.sh runs the
# parts as three suites, side by side. Skips with one line when the studio
# was not built (no emscripten) or node or Chromium are missing
# (tests/browser/run.sh installs what it can).
# Usage: tests/browser/studio.sh BUILD_DIR [engine|page|export_touch]
set -u
build=${1:-build}
parts=${2:-engine page export_touch}
here=$(cd "$(dirname "$0")" && pwd)
skip() { echo "SKIP: studio: $*"; exit 0; }
[ -f "$build/studio/smpsim.js" ] && [ -f "$build/studio.html" ] || skip "not built (make studio needs emscripten)"
command -v node >/dev/null 2>&1 || skip "no Node.js"
[ -d "$here/node_modules/pngjs" ] || (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit \
    --no-fund >/dev/null 2>&1) || skip "npm could not install playwright-core and pngjs"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smpsim-studio.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
rc=0
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
for part in $parts; do
    case $part in
    engine)
        # The sample's pixels as the native command decodes them.
        "$build/tests/imgtool" png samples/scalp.jpg "$tmp/scalp.png" || { echo "FAIL: studio: imgtool png"; exit 1; }
        node "$here/studio_engine.mjs" "$(cd "$build" && pwd)/studio/smpsim.js" samples/scalp.jpg "$tmp/scalp.png" \
            samples/scalp.mask.png "$build/smpsim" "$build/tests/imgtool" ../shared/photos || rc=1 ;;
    page | export_touch)
        # Used as a consultant would; screenshots under build/studio-shots.
        if [ -x "$CHROMIUM" ] && [ -d "$here/node_modules/playwright-core" ]; then
            CHROMIUM=$CHROMIUM node "$here/studio_$part.mjs" "$build/studio.html" samples/scalp.jpg samples/scalp.mask.png \
                "$build/smpsim" "$build/tests/imgtool" "$build/studio-shots" || rc=1
        else
            echo "SKIP: studio $part: the page needs Chromium ($CHROMIUM) and playwright-core"
        fi ;;
    *) echo "FAIL: studio: no part $part (engine, page, export_touch)"; rc=1 ;;
    esac
done
exit $rc
