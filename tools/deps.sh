#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Checks the libraries a make target needs and installs the missing Debian
# packages when it can (root with apt-get); otherwise prints one line naming
# them and fails. Usage: tools/deps.sh build|test|studio
set -u
want=${1:-build}

missing=""
# The studio page needs the WebAssembly compiler alone (about 800 MB).
if [ "$want" = studio ]; then
    command -v "${EMCC:-emcc}" >/dev/null 2>&1 || missing=" emscripten"
fi
have_pc() { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$1"; }
have_header() { printf '#include <%s>\n' "$1" | ${CC:-cc} -E -x c - >/dev/null 2>&1; }

# pkg-config is welcome but not required: the Makefile falls back to -lpng -ljpeg.
if [ "$want" != studio ]; then
    have_header png.h || missing="$missing libpng-dev"
    have_header jpeglib.h || missing="$missing libjpeg-dev"
    have_header fftw3.h || missing="$missing libfftw3-dev" # spectra in `smpsim analyze`
    have_pc freetype2 || [ -r /usr/include/freetype2/ft2build.h ] || missing="$missing libfreetype-dev" # labels
    have_pc libheif || missing="$missing libheif-dev"   # HEIC/HEIF input (phone photos)
    have_pc libwebpdemux || missing="$missing libwebp-dev" # WebP input
    have_pc harfbuzz || missing="$missing libharfbuzz-dev"     # caption shaping (Arabic joining, marks)
    have_pc fontconfig || missing="$missing libfontconfig-dev" # fonts for what DejaVu lacks (CJK)
    have_pc fribidi || missing="$missing libfribidi-dev"       # right-to-left order
    [ -r "${FONT_TTF:-/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf}" ] || missing="$missing fonts-dejavu-core"
fi
if [ "$want" = test ]; then
    have_pc cmocka || have_header cmocka.h 2>/dev/null || missing="$missing libcmocka-dev"
    # test_formats makes its HEIC and WebP inputs with these encoders.
    command -v heif-enc >/dev/null 2>&1 || missing="$missing libheif-examples"
    command -v cwebp >/dev/null 2>&1 || missing="$missing webp"
fi
root_apt=0
[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && root_apt=1
# Optional, never fatal: GNU parallel runs the README's multi-machine batch
# line and valgrind the CLI's error paths; the tests skip those without them.
optional=""
if [ "$want" = test ] && [ "$root_apt" = 1 ]; then
    parallel --version 2>/dev/null | grep -q 'GNU parallel' || optional="$optional parallel"
    command -v valgrind >/dev/null 2>&1 || optional="$optional valgrind"
    # make test builds and tests the studio page with it (about 800 MB).
    command -v "${EMCC:-emcc}" >/dev/null 2>&1 || optional="$optional emscripten"
    # The before/after page and the studio page are driven in Chromium by
    # playwright-core under node. Installed here, before the suites start in
    # parallel: the studio's suite cannot wait for the slider's to install them.
    [ -x "${CHROMIUM:-/usr/bin/chromium}" ] || optional="$optional chromium"
    command -v node >/dev/null 2>&1 || optional="$optional nodejs"
    command -v npm >/dev/null 2>&1 || optional="$optional npm"
    # test_captions renders Chinese with it (skipped, with one line, without).
    [ -n "$(fc-list ':lang=zh' file 2>/dev/null)" ] || optional="$optional fonts-noto-cjk"
    # The install test builds the README's C example with pkg-config; the
    # man page is checked with `man -l`, the zsh completion with zsh; the
    # Python module is tested with Debian's python3 (not a pyenv or venv
    # one: Debian's numpy and pytest live in its dist-packages), and pip
    # installs it offline.
    command -v pkg-config >/dev/null 2>&1 || optional="$optional pkg-config"
    command -v man >/dev/null 2>&1 || optional="$optional man-db"
    command -v zsh >/dev/null 2>&1 || optional="$optional zsh"
    [ -x /usr/bin/python3 ] || optional="$optional python3"
    /usr/bin/python3 -c 'import numpy' 2>/dev/null || optional="$optional python3-numpy"
    /usr/bin/python3 -c 'import pytest' 2>/dev/null || optional="$optional python3-pytest"
    /usr/bin/python3 -m pip --version >/dev/null 2>&1 || optional="$optional python3-pip"
    /usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null || optional="$optional python3-venv"
fi
if [ -n "$optional" ]; then
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $optional >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null 2>&1 &&
          DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $optional >/dev/null 2>&1; } ||
        echo "smpsim: could not install$optional; those checks will be skipped" >&2
fi
# The browser tests' npm packages (playwright-core, pngjs; no browser
# download), once, for the same reason.
if [ "$want" = test ] && command -v npm >/dev/null 2>&1 &&
   { [ ! -d tests/browser/node_modules/playwright-core ] || [ ! -d tests/browser/node_modules/pngjs ]; }; then
    (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund >/dev/null 2>&1) ||
        echo "smpsim: npm could not install playwright-core and pngjs; the browser tests will be skipped" >&2
fi
[ -z "$missing" ] && exit 0

if [ "$root_apt" = 1 ]; then
    echo "smpsim: installing$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null 2>&1 &&
          apt-get install -y -q --no-install-recommends $missing >/dev/null; } && exit 0
    echo "smpsim: could not install$missing with apt-get" >&2
    exit 1
fi
echo "smpsim: missing prerequisites; install the Debian packages:$missing" >&2
exit 1
