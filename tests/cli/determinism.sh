#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Byte-identical output across 1, 2 and 3 threads and the serial build;
# SIGTERM at any moment leaves no output or a whole one, never a temporary.
# Usage: tests/cli/determinism.sh BUILD_DIR (from the top of the tree)
. "$(dirname "$0")/lib.sh"

# --- determinism: same bytes for 1, 2 and 3 threads
for t in 1 2 3; do
    OMP_NUM_THREADS=$t "$smp" render "$sample" "$smask" --seed 5 -o "$o/t$t.png" || bad "render with $t threads"
done
if cmp -s "$o/t1.png" "$o/t2.png" && cmp -s "$o/t1.png" "$o/t3.png"; then ok; else bad "thread count changed the output bytes"; fi
if [ -n "${SMPSIM_SERIAL_BIN:-}" ]; then # the OPENMP=0 build
    "$SMPSIM_SERIAL_BIN" render "$sample" "$smask" --seed 5 -o "$o/serial.png" || bad "serial render"
    if cmp -s "$o/t1.png" "$o/serial.png"; then ok; else bad "the serial build gave other bytes"; fi
fi
"$smp" render "$sample" "$smask" --seed 6 -o "$o/s6.png"
if cmp -s "$o/t1.png" "$o/s6.png"; then bad "another seed gave the same bytes"; else ok; fi

# --- SIGTERM at any moment: either no output or a whole one, never a temporary
"$gen" --width 2400 --height 1800 --px-per-mm 12 -o "$tmp/big.jpg" --mask "$tmp/big.mask.png" --force
mkdir -p "$o/sig"
for d in 0.02 0.1 0.2 0.3 0.4 0.6; do
    "$smp" render "$tmp/big.jpg" "$tmp/big.mask.png" -o "$o/sig/x.png" 2>/dev/null &
    pid=$!
    sleep "$d"
    kill -TERM "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    if [ "$rc" -eq 143 ] || [ "$rc" -eq 0 ]; then ok; else bad "SIGTERM after ${d}s: exit $rc"; fi
    no_temps "$o/sig" "SIGTERM after ${d}s"
    if [ -e "$o/sig/x.png" ] && ! "$img" info "$o/sig/x.png" >/dev/null; then bad "SIGTERM after ${d}s left a broken file"; else ok; fi
    rm -f "$o/sig/x.png"
done

finish
