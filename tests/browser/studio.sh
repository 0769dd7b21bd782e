#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The consultation studio (make studio): its engine in node against the
# native command, then the page in headless Chromium. Skips with one line
# when the studio was not built (no emscripten) or node or Chromium are
# missing (tests/browser/run.sh installs what it can).
# Usage: tests/browser/studio.sh BUILD_DIR
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
skip() { echo "SKIP: studio: $*"; exit 0; }
[ -f "$build/studio/smpsim.js" ] && [ -f "$build/studio.html" ] || skip "not built (make studio needs emscripten)"
command -v node >/dev/null 2>&1 || skip "no Node.js"
[ -d "$here/node_modules/pngjs" ] || (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit \
    --no-fund >/dev/null 2>&1) || skip "npm could not install playwright-core and pngjs"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smpsim-studio.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# The sample's pixels as the native command decodes them, for the engine.
"$build/tests/imgtool" png samples/scalp.jpg "$tmp/scalp.png" || { echo "FAIL: studio: imgtool png"; exit 1; }
rc=0
node "$here/studio_engine.mjs" "$(cd "$build" && pwd)/studio/smpsim.js" samples/scalp.jpg "$tmp/scalp.png" \
    samples/scalp.mask.png "$build/smpsim" "$build/tests/imgtool" ../shared/photos || rc=1
# The page, used as a consultant would; screenshots under build/studio-shots.
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ] && [ -d "$here/node_modules/playwright-core" ]; then
    CHROMIUM=$CHROMIUM node "$here/studio_page.mjs" "$build/studio.html" samples/scalp.jpg samples/scalp.mask.png \
        "$build/smpsim" "$build/tests/imgtool" "$build/studio-shots" || rc=1
else
    echo "SKIP: studio: the page needs Chromium ($CHROMIUM) and playwright-core"
fi
exit $rc
