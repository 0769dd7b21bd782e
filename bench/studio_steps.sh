#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# bench/studio_steps.c as WebAssembly for node, from the studio's engine
# objects (make studio first): BUILD/bench/studio_steps.js and .wasm.
# Run it as node --no-experimental-fetch BUILD/bench/studio_steps.js
# PHOTO.ppm MASK.pgm [ROUNDS] (emscripten 3.1.6's loader takes node 20's
# fetch for the browser's and fails on a file path).
# With simd: the page's SIMD engine's objects (studio.mk: the sources built
# with -msimd128 from BUILD/studio/simd), into BUILD/bench/studio_steps_simd.js.
# Usage: bench/studio_steps.sh [BUILD [simd]]
set -e
B=${1:-build}
out=studio_steps${2:+_$2}
. "$B/studio/clang.sh"
mkdir -p "$B/bench"
$EMCLANG $EMCLANG_FLAGS -std=c11 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Wpedantic -Werror -Iinclude \
    -c bench/studio_steps.c -o "$B/bench/studio_steps.wasm.o"
OBJS=$(find "$B/studio/obj" -name '*.o' ! -name glue.o)
if [ "${2:-}" = simd ]; then
    OBJS=$(make -s --no-print-directory BUILD="$B" studio-simd-objs)
    for o in $OBJS; do
        [ -r "$o" ] || { echo "studio_steps.sh: no $o (make studio)" >&2; exit 1; }
    done
fi
# shellcheck disable=SC2086
NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH} emcc $OBJS "$B/bench/studio_steps.wasm.o" -O2 \
    -sNODERAWFS=1 -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB -sENVIRONMENT=node -o "$B/bench/$out.js"
echo "wrote $B/bench/$out.js"
