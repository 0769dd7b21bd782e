#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs every test suite, SMPSIM_TEST_JOBS at a time (default: the number of
# CPUs + 1), each into its own log that is printed whole when the suite ends, so
# parallel suites never interleave. Closing line: "N passed, N failed"
# (suites, not cases: cmocka and the CLI scripts print their own counts).
# Usage: tests/run.sh [BUILD_DIR] [SUITE_PATTERN]   (from the top of the tree)
set -u
build=${1:-build}
only=${2:-}
# One more suite than CPUs: several wait on a browser, on sleeps or on disk.
jobs=${SMPSIM_TEST_JOBS:-$(($(nproc 2>/dev/null || echo 2) + 1))}
# Suites share the cores: OpenMP threads that spin while waiting would take
# them from the other suites (results never depend on the thread count).
export OMP_WAIT_POLICY=passive
logs=$(mktemp -d "${TMPDIR:-/tmp}/smpsim-tests-XXXXXX")
trap 'rm -rf "$logs"' EXIT
# python3 on the PATH may be a version manager's shim (pyenv's is a shell script that looks
# for the interpreter on every call: 0.35 s of CPU each, and the CLI suites call python3
# about 90 times). The suites get a python3 that runs the interpreter the shim picks,
# looked up once here.
if SMPSIM_PYTHON3=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -x "$SMPSIM_PYTHON3" ] &&
    [ "$SMPSIM_PYTHON3" != "$(command -v python3)" ] && mkdir "$logs/bin"; then
    printf '#!/bin/sh\nexec "$SMPSIM_PYTHON3" "$@"\n' >"$logs/bin/python3"
    chmod +x "$logs/bin/python3"
    export SMPSIM_PYTHON3 PATH="$logs/bin:$PATH"
fi

names=()
cmds=()
add() { names+=("$1"); shift; cmds+=("$(printf '%q ' "$@")"); }
sanitized=${SMPSIM_SANITIZED:-}
# Longest first, so that the last suites to start are short ones.
add cli/photos tests/cli/photos.sh "$build"
# The studio (make studio) in node and Chromium: long, so early, in three
# parts that run side by side; each skips when the studio was not built.
if [ -z "$sanitized" ]; then
    for part in page export_touch engine; do add "studio/$part" tests/browser/studio.sh "$build" "$part"; done
fi
# The CLI under valgrind (not on a sanitized build: the two do not mix).
[ -z "$sanitized" ] && add valgrind tests/valgrind.sh "$build"
add cli_batch tests/cli_batch.sh "$build"
# The longest CLI suite (35-40 s of CPU, about a minute): in tests/cli/'s
# order it started after two thirds of the suites, into the run's tail.
add cli/masks_auto tests/cli/masks_auto.sh "$build"
if [ -z "$sanitized" ]; then
    # make install and the README's C example against the installed library, the Python
    # module, and the before/after page in a real browser: each loads the library or the
    # binary without the sanitizer runtime. Each skips with one line when it cannot run.
    # 5-20 s of CPU each: early, so that they do not make the run's tail.
    add install tests/install.sh "$build"
    add python tests/python.sh "$build"
    add browser tests/browser/run.sh "$build/smpsim"
fi
for s in tests/cli/*.sh; do
    case $s in tests/cli/lib.sh | tests/cli/photos.sh | tests/cli/masks_auto.sh) continue ;; esac
    n=${s#tests/}
    add "${n%.sh}" "$s" "$build"
done
for t in "$build"/tests/test_*; do
    [ -x "$t" ] && [ -f "$t" ] && add "${t##*/}" "$t"
done
add cli_bounds tests/cli_bounds.sh "$build"
# The man page and completions against the help texts; every source file names its licence.
add cli_conventions tests/cli_conventions.sh "$build"
add clidoc tests/clidoc.sh "$build"
add spdx tools/spdx.sh --check
add layers tests/layers.sh
# Fuzz corpora and kept crashers, replayed: none may crash (sanitizers abort).
for t in "$build"/fuzz/replay_*; do
    [ -x "$t" ] && [ -f "$t" ] || continue
    n=${t##*/replay_}
    add "fuzz/$n" "$t" "fuzz/corpus/$n" "tests/data/bad/$n"
done

pass=0
fail=0
declare -A running=() started=()
# Each suite in its own process group, so that a signal to this script ends
# the suites it started too (a whole group: the suite and its children).
set -m
stop() {
    for pid in "${!running[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; done
    exit 130
}
trap stop INT TERM
finished() { # PID STATUS
    local i=${running[$1]} took=$(($(date +%s) - started[$1])) cpu
    unset "running[$1]"
    cat "$logs/$i.log"
    cpu=$(awk '{ printf "%.1f", $1 + $2 }' "$logs/$i.cpu" 2>/dev/null)
    if [ "$2" -eq 0 ]; then
        pass=$((pass + 1))
        echo "== ok: ${names[$i]} (${took} s, ${cpu} s CPU)"
    else
        fail=$((fail + 1))
        echo "== FAILED: ${names[$i]} (exit $2, ${took} s, ${cpu} s CPU)"
    fi
}
reap() { # waits for one suite to end
    local pid st
    wait -n -p pid "${!running[@]}"
    st=$?
    finished "$pid" "$st"
}
for i in "${!names[@]}"; do
    [ -n "$only" ] && [[ ${names[$i]} != $only ]] && continue
    while [ "${#running[@]}" -ge "$jobs" ]; do reap; done
    (
        TIMEFORMAT='%U %S'
        time eval "${cmds[$i]}" >"$logs/$i.log" 2>&1 </dev/null
    ) 2>"$logs/$i.cpu" &
    running[$!]=$i
    started[$!]=$(date +%s)
done
while [ "${#running[@]}" -gt 0 ]; do reap; done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
