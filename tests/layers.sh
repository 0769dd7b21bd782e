#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The include rule of docs/ARCHITECTURE.md: every #include "..." in src/
# resolves (as the compiler would: the including file's folder, then
# include/, then the layers' folders) to a file in a layer the including
# file may depend on. Dependencies point one way:
#   base <- io <- pipeline <- present;  base <- analysis;
#   cli: include/smpsim.h and its own folders only.
# Usage: tests/layers.sh [ROOT]   (ROOT: the checkout, default the current one)
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2

# What each folder may include, besides include/smpsim.h.
declare -A may=(
    [base]="base"
    [io]="base io"
    [pipeline]="base io pipeline"
    [present]="base io pipeline present"
    [analysis]="base analysis"
    [cli]="cli"
)
layers="base io pipeline present analysis"
bad=0
fail() { echo "layers: $*"; bad=$((bad + 1)); }

# Every source file sits in a known folder, so none escapes the check.
for f in src/*; do
    n=${f#src/}
    [ -d "$f" ] && [ -n "${may[$n]+x}" ] || fail "$f: not in a layer folder (${!may[*]})"
done

# Header names are unique across the layers: they share one include path.
dups=$(for l in $layers; do ls src/$l/*.h 2>/dev/null; done | xargs -n1 basename | sort | uniq -d)
[ -z "$dups" ] || fail "headers in more than one layer: $dups"

# The folder of an included path (src/<layer>/..., src/cli/..., include), in $own.
owner() {
    case $1 in
    include/*) own=include ;;
    src/*/*) own=${1#src/}; own=${own%%/*} ;;
    *) own=outside ;;
    esac
}

# Every include as FILE:LINE:NAME (one grep and one sed for all the files), and the path
# beside its file, as realpath makes it, for each (one realpath for all): the checks below
# then run no command per include.
mapfile -t incs < <(find src -name '*.[ch]' -print0 | LC_ALL=C sort -z |
    xargs -0 grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' |
    sed 's/^\([^:]*\):\([0-9]*\):[^"]*"\([^"]*\)".*/\1:\2:\3/')
beside=()
for inc in "${incs[@]}"; do
    f=${inc%%:*} name=${inc#*:*:}
    beside+=("${f%/*}/$name")
done
[ ${#beside[@]} -eq 0 ] || mapfile -t beside < <(realpath -m --relative-to=. -- "${beside[@]}")

resolve() { # FILE NAME BESIDE: the path the compiler would open, in $target (empty if none)
    target=
    if [ -f "$3" ]; then target=$3; return; fi
    if [ -f "include/$2" ]; then target=include/$2; return; fi
    case $1 in
    src/cli/*) for d in src/cli src/cli/batch src/cli/sweep; do
                   [ -f "$d/$2" ] && { target=$d/$2; return; }
               done ;;
    *) for l in $layers; do [ -f "src/$l/$2" ] && { target=src/$l/$2; return; }; done ;;
    esac
}

checked=0
for k in "${!incs[@]}"; do
    inc=${incs[$k]}
    f=${inc%%:*} rest=${inc#*:}
    line=${rest%%:*} name=${rest#*:}
    [ -n "$name" ] || continue
    checked=$((checked + 1))
    owner "$f"
    from=$own
    resolve "$f" "$name" "${beside[$k]}"
    if [ -z "$target" ]; then
        fail "$f:$line: \"$name\" is not in a folder $from may include"
        continue
    fi
    owner "$target"
    to=$own
    [ "$to" = include ] && continue
    case " ${may[$from]} " in
    *" $to "*) ;;
    *) fail "$f:$line: includes $target ($to); $from may include only: ${may[$from]} and include/smpsim.h" ;;
    esac
done

[ "$checked" -gt 0 ] || fail "no includes found under $root/src"
echo "layers: $checked includes checked, $bad against the rule"
[ "$bad" -eq 0 ]
