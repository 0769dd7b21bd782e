#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make install / uninstall into a temporary prefix and a DESTDIR staging
# root; then the README's C example, verbatim, built with pkg-config against
# the installed copy, dynamically and statically, and run on the sample.
set -u
build=${1:-build}
top=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smpsim-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/harness.sh"
# A plain `make` only builds: the prerequisites (and apt-get) belong to demo and test.
if make -n --no-print-directory BUILD="$build" all 2>&1 | grep -q 'deps\.sh'; then
    bad "plain make runs tools/deps.sh"
else
    ok "plain make does not check or install prerequisites"
fi
if ! command -v pkg-config >/dev/null 2>&1; then
    echo "SKIP: install test: pkg-config is not installed (Debian: pkg-config)"
    exit 0
fi
mk() { make --no-print-directory -s BUILD="$build" "$@" >"$tmp/make.log" 2>&1 || { cat "$tmp/make.log"; return 1; }; }

prefix=$tmp/prefix
mk install PREFIX="$prefix" || { bad "make install PREFIX=$prefix failed"; exit 1; }
for f in bin/smpsim lib/libsmpsim.a lib/libsmpsim.so lib/libsmpsim.so.0 include/smpsim.h lib/pkgconfig/smpsim.pc \
    share/man/man1/smpsim.1 share/bash-completion/completions/smpsim share/zsh/site-functions/_smpsim \
    share/doc/smpsim/LICENSE share/doc/smpsim/FONT-LICENSE; do
    [ -e "$prefix/$f" ] || bad "make install did not install $f"
done
soname=$(readelf -d "$prefix/lib/libsmpsim.so" 2>/dev/null | sed -n 's/.*SONAME.*\[\(.*\)\].*/\1/p')
[ "$soname" = libsmpsim.so.0 ] && ok "soname $soname" || bad "soname is '$soname'"
# Hidden visibility: the shared library exports the header's smp_* API only.
others=$(nm -D --defined-only "$prefix/lib/libsmpsim.so" | awk '{print $3}' | grep -v '^smp_[a-z]' | head -5)
[ -z "$others" ] && ok "exports only smp_* ($(nm -D --defined-only "$prefix/lib/libsmpsim.so" | grep -c ' smp_'))" ||
    bad "exports more than smp_*: $others"

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pkg-config --modversion smpsim)" = "$(sed -n 's/.*smp_version(void) { return "\(.*\)"; }/\1/p' src/base/version.c)" ] &&
    ok "pkg-config --modversion $(pkg-config --modversion smpsim)" || bad "pkg-config version differs from smp_version()"

tests/readme_block.sh '## Library' c >"$tmp/example.c" || { bad "no C example under '## Library' in README.md"; exit 1; }
work=$tmp/run
# Dynamic: the plain pkg-config line.
# shellcheck disable=SC2046
if ${CC:-cc} -std=c11 -Wall -Wextra -Wpedantic -Werror "$tmp/example.c" $(pkg-config --cflags --libs smpsim) \
    -o "$tmp/example-dynamic" 2>"$tmp/cc.log"; then
    ok "README example builds with pkg-config --cflags --libs smpsim"
else
    cat "$tmp/cc.log"; bad "README example does not build dynamically"
fi
# Static: the same, with the archive in place of -lsmpsim.
static_libs=$(pkg-config --static --libs smpsim | sed 's/-lsmpsim\b/-l:libsmpsim.a/')
# shellcheck disable=SC2086
if ${CC:-cc} -std=c11 -Wall -Wextra -Wpedantic -Werror "$tmp/example.c" $(pkg-config --cflags smpsim) $static_libs \
    -o "$tmp/example-static" 2>"$tmp/cc.log"; then
    ok "README example builds with pkg-config --static --libs smpsim"
else
    cat "$tmp/cc.log"; bad "README example does not build statically"
fi
run_example() { # $1 = binary, $2 = LD_LIBRARY_PATH
    rm -rf "$work" && mkdir -p "$work" && cp samples/scalp.jpg "$work/photo.jpg" &&
        cp samples/scalp.mask.png "$work/photo.mask.png" || return 1
    (cd "$work" && LD_LIBRARY_PATH=$2 "$1" >"$tmp/out.txt" 2>"$tmp/err.txt") || { cat "$tmp/err.txt"; return 1; }
    grep -q '^[1-9][0-9]* dots; the first at' "$tmp/out.txt" || return 1
    for f in after.png preview.jpg preview.html; do [ -s "$work/$f" ] || return 1; done
    # The after image has the photo's size.
    [ "$("$top/$build/tests/imgtool" info "$work/after.png" | cut -d' ' -f1-2)" = \
      "$("$top/$build/tests/imgtool" info "$work/photo.jpg" | cut -d' ' -f1-2)" ]
}
if [ -x "$tmp/example-dynamic" ]; then
    lib=$(LD_LIBRARY_PATH="$prefix/lib" ldd "$tmp/example-dynamic" | awk '/libsmpsim/ {print $3}')
    [ "$lib" = "$prefix/lib/libsmpsim.so.0" ] && ok "dynamic example loads $lib" || bad "dynamic example loads '$lib'"
    run_example "$tmp/example-dynamic" "$prefix/lib" && ok "dynamic example ran: $(cat "$tmp/out.txt")" ||
        bad "dynamic example failed"
fi
if [ -x "$tmp/example-static" ]; then
    readelf -d "$tmp/example-static" | grep -q 'libsmpsim' && bad "static example needs libsmpsim.so"
    run_example "$tmp/example-static" "" && ok "static example ran: $(cat "$tmp/out.txt")" || bad "static example failed"
fi
# The Python module: `pip install ./python` offline into a virtual
# environment that sees Debian's numpy, then the README's Python example,
# verbatim, finding the installed library through pkg-config alone.
py=/usr/bin/python3
if [ -x "$py" ] && "$py" -c 'import numpy, venv, ensurepip' 2>/dev/null && "$py" -m pip --version >/dev/null 2>&1; then
    "$py" -m venv --system-site-packages "$tmp/venv" >/dev/null 2>&1 || bad "python3 -m venv failed"
    if PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 "$tmp/venv/bin/pip" install -q --no-index ./python \
        >"$tmp/pip.log" 2>&1; then
        ok "pip install --no-index ./python (offline)"
        rm -rf python/_backend/__pycache__
        tests/readme_block.sh '### Python' python >"$tmp/example.py" || bad "no Python example in README.md"
        rm -rf "$work" && mkdir -p "$work" && cp samples/scalp.jpg "$work/photo.jpg" &&
            cp samples/scalp.mask.png "$work/photo.mask.png"
        if (cd "$work" && env -u SMPSIM_LIBRARY -u PYTHONPATH -u LD_LIBRARY_PATH "$tmp/venv/bin/python" \
            -c 'import smpsim, sys; exec(open(sys.argv[1]).read()); print(smpsim.__file__, smpsim.lib._name)' \
            "$tmp/example.py" >"$tmp/py.out" 2>&1) && [ -s "$work/preview.jpg" ] &&
            grep -q "$tmp/venv/.*smpsim/__init__.py $prefix/lib/libsmpsim.so.0" "$tmp/py.out"; then
            ok "README Python example against the installed library: $(head -1 "$tmp/py.out")"
        else
            cat "$tmp/py.out"; bad "README Python example against the installed library"
        fi
    else
        cat "$tmp/pip.log"; bad "pip install ./python"
    fi
else
    echo "SKIP: install: pip install ./python needs Debian's python3-pip, python3-venv and python3-numpy"
fi

mk uninstall PREFIX="$prefix" || bad "make uninstall failed"
left=$(find "$prefix" -type f -o -type l)
[ -z "$left" ] && ok "make uninstall removed everything" || bad "make uninstall left: $left"

# DESTDIR stages under a root without changing the paths baked in.
stage=$tmp/stage
mk install DESTDIR="$stage" PREFIX=/usr || bad "make install DESTDIR=... failed"
[ -x "$stage/usr/bin/smpsim" ] && [ -e "$stage/usr/lib/libsmpsim.so.0" ] && ok "DESTDIR staging" ||
    bad "DESTDIR staging: files missing"
grep -q '^prefix=/usr$' "$stage/usr/lib/pkgconfig/smpsim.pc" && ok "staged smpsim.pc says prefix=/usr" ||
    bad "staged smpsim.pc: $(head -1 "$stage/usr/lib/pkgconfig/smpsim.pc")"
mk uninstall DESTDIR="$stage" PREFIX=/usr || bad "make uninstall DESTDIR=... failed"
left=$(find "$stage" -type f -o -type l)
[ -z "$left" ] || bad "make uninstall DESTDIR left: $left"
summary install
