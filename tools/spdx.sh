#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Puts an SPDX licence line at the top of every source file (after a
# shebang), in the file's own comment syntax; files that have one keep it,
# so running it again changes nothing. `tools/spdx.sh --check` only lists
# the files without one and fails if there are any (make test runs that).
# Data, pictures, corpora, JSON and Markdown are left alone.
set -eu
cd "$(dirname "$0")/.."
ID="SPDX-License-Identifier: BSD-2-Clause"
check=0
[ "${1:-}" = --check ] && check=1

files() {
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then git ls-files; else find . -type f | sed 's|^\./||'; fi
}

missing=0
for f in $(files); do
    case "$f" in
    fuzz/corpus/* | tests/data/* | docs/* | samples/* | */node_modules/* | build/*) continue ;;
    *.c | *.h) line="/* $ID */" ;;
    *.js | *.mjs) line="// $ID" ;;
    *.sh | *.py | *.bash | *.zsh | *.toml | *.pc.in | Makefile | .ci/run) line="# $ID" ;;
    *.roff) line=".\\\" $ID" ;;
    *) continue ;;
    esac
    [ -f "$f" ] || continue
    head -n 3 "$f" | grep -q 'SPDX-License-Identifier:' && continue
    if [ "$check" = 1 ]; then
        echo "no SPDX line: $f"
        missing=$((missing + 1))
        continue
    fi
    tmp="$f.spdx.$$"
    if head -n 1 "$f" | grep -q '^#!'; then
        { head -n 1 "$f"; printf '%s\n' "$line"; tail -n +2 "$f"; } >"$tmp"
    else
        { printf '%s\n' "$line"; cat "$f"; } >"$tmp"
    fi
    chmod --reference="$f" "$tmp" 2>/dev/null || true
    mv "$tmp" "$f"
done
if [ "$check" = 1 ] && [ "$missing" -gt 0 ]; then
    echo "$missing files lack an SPDX line: run tools/spdx.sh"
    exit 1
fi
exit 0
