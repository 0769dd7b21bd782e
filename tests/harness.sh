# SPDX-License-Identifier: BSD-2-Clause
# The CLI test scripts' shared checks (sourced; the script sets $tmp).
# Each check counts into pass/fail and prints "not ok: ..." on failure;
# ok with a message also prints it ("ok: ...").
pass=0
fail=0
ok() { pass=$((pass + 1)); [ $# -eq 0 ] || echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "not ok: $*"; }
# summary NAME: the closing line; true when nothing failed.
summary() {
    echo "$1: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}

# expect CODE DESCRIPTION -- COMMAND...: runs it, keeps stdout in $tmp/out
# and stderr in $tmp/err.
expect() {
    want=$1 what=$2
    shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, wanted $want ($(head -c 400 "$tmp/err"))"; fi
}
says() { if grep -q -- "$1" "$tmp/err"; then ok; else bad "$2: stderr lacks '$1': $(head -c 300 "$tmp/err")"; fi; }
check() { if eval "$1"; then ok; else bad "$2"; fi; }
