# SPDX-License-Identifier: BSD-2-Clause
# The CLI test scripts' shared setup (sourced first by each tests/cli/*.sh):
# the binaries, a scratch folder removed on exit, the checks of
# tests/harness.sh, the bundled sample, and `finish` for the closing line.
set -u
build=${1:-build}
smp="$build/smpsim"
img="$build/tests/imgtool"
gen="$build/tools/gen_scalp"
photos=${SMPSIM_PHOTOS:-../shared/photos}
name=$(basename "$0" .sh)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smpsim-$name-XXXXXX")
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM # the EXIT trap cleans up

. "$(dirname "$0")/../harness.sh"
absent() { if [ ! -e "$1" ]; then ok; else bad "$2: $1 was left behind"; fi; }
no_temps() {
    if ls -A "$1" | grep -q '^\.'; then bad "$2: temporary files left in $1: $(ls -A "$1" | tr '\n' ' ')"; else ok; fi
}

sample=samples/scalp.jpg
smask=samples/scalp.mask.png
o="$tmp/o"
mkdir -p "$o"

finish() {
    echo "cli/$name: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
