#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Runs every unit test binary and the CLI tests; prints one closing line
# "N passed, N failed" (suites, not cases: cmocka prints per-case lines).
set -u
build=${1:-build}
pass=0
fail=0
for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $t"; fi
done
if tests/cli.sh "$build"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: tests/cli.sh"; fi
# The man page and completions against the help texts; make install and
# the README's C example against the installed library (not sanitized: the
# example links the shared library without the sanitizer runtime).
# Every source file names its licence (tools/spdx.sh adds the line).
if tools/spdx.sh --check; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: tools/spdx.sh --check"; fi
if tests/cli_conventions.sh "$build"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: tests/cli_conventions.sh"; fi
if tests/clidoc.sh "$build"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: tests/clidoc.sh"; fi
if [ -z "${SMPSIM_SANITIZED:-}" ]; then
    if tests/install.sh "$build"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: tests/install.sh"; fi
fi
# The Python module with pytest (skips with one line without Debian's python3-pytest).
# (Not sanitized: Python would load the library without the sanitizer runtime.)
if [ -z "${SMPSIM_SANITIZED:-}" ]; then
    if tests/python.sh "$build"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: tests/python.sh"; fi
fi
if tests/cli_batch.sh "$build"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: tests/cli_batch.sh"; fi
if tests/cli_masks.sh "$build"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: tests/cli_masks.sh"; fi
if tests/cli_bounds.sh "$build"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: tests/cli_bounds.sh"; fi
# The before/after page in a real browser (skips with one line when it cannot).
if [ -z "${SMPSIM_SANITIZED:-}" ]; then
    if tests/browser/run.sh "$build/smpsim"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: tests/browser/run.sh"; fi
fi
# The CLI under valgrind (not on a sanitized build: the two do not mix).
if [ -z "${SMPSIM_SANITIZED:-}" ]; then
    if tests/valgrind.sh "$build"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: tests/valgrind.sh"; fi
fi
# Fuzz corpora and kept crashers, replayed: none may crash (sanitizers abort).
for t in "$build"/fuzz/replay_*; do
    [ -x "$t" ] || continue
    name=${t##*/replay_}
    if "$t" "fuzz/corpus/$name" "tests/data/bad/$name"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $t"; fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
