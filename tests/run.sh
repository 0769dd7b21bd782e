#!/bin/sh
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
if tests/cli_batch.sh "$build"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: tests/cli_batch.sh"; fi
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
