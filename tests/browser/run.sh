#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The before/after page in headless Chromium. Installs Debian's chromium and
# the npm packages (playwright-core, pngjs; no browser download) when it
# can; otherwise prints one line saying why and skips.
# Usage: tests/browser/run.sh SMPSIM_BINARY
set -u
smp=$1
here=$(cd "$(dirname "$0")" && pwd)
skip() { echo "SKIP: browser test: $*"; exit 0; }
root_apt=0
[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && root_apt=1
apt_install() {
    [ "$root_apt" = 1 ] || return 1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null 2>&1 &&
          DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1; }
}
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || apt_install chromium || skip "no Chromium ($chromium) and it could not be installed"
[ -x "$chromium" ] || skip "no Chromium at $chromium"
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || apt_install nodejs npm ||
    skip "no Node.js/npm and they could not be installed"
if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/pngjs" ]; then
    (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund >/dev/null 2>&1) ||
        skip "npm could not install playwright-core and pngjs"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Big dark dots so the treated point changes clearly between before and after.
"$smp" preview samples/scalp.jpg samples/scalp.mask.png --px-per-mm 8 --dot 0.5 --density 200 --opacity 1 \
    --pigment 202020 --sessions 3 --caption "Browser test" -o "$tmp/page.html" || { echo "FAIL: browser: preview"; exit 1; }
CHROMIUM=$chromium node "$here/slider.mjs" "$tmp/page.html"
