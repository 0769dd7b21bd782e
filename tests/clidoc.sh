#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The man page and the completions against the --help texts they are made
# from: `man -l` renders the page without a warning, every long option of
# every command's --help is in the page and in both completions, and the
# bash completion completes commands, options and option values.
set -u
build=${1:-build}
smp=$build/smpsim
comp=$(cd "$build/completion" && pwd)/smpsim
. "$(dirname "$0")/harness.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smpsim-clidoc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Regenerated now, the page is the one the build made: nothing edited by hand.
tools/mkman.sh "$smp" man >"$tmp/smpsim.1" && cmp -s "$tmp/smpsim.1" "$build/smpsim.1" &&
    ok "build/smpsim.1 is what tools/mkman.sh makes of the help texts" || bad "build/smpsim.1 is stale"

if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man --warnings -l "$build/smpsim.1" >"$tmp/man.txt" 2>"$tmp/man.err"
    if [ -s "$tmp/man.err" ]; then bad "man -l warns: $(head -3 "$tmp/man.err")"
    elif ! grep -q '^NAME' "$tmp/man.txt"; then bad "man -l rendered nothing"
    else ok "man --warnings -l renders $(wc -l <"$tmp/man.txt") lines, no warning"; fi
else
    echo "SKIP: clidoc: man -l (Debian: man-db) is not installed"
fi

commands=$("$smp" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }')
[ -n "$commands" ] || bad "no commands in smpsim --help"
n=0
for c in $commands; do
    [ "$c" = version ] && continue
    # Every long option the command's help names on an option line.
    for o in $("$smp" "$c" --help | grep -E '^ {1,8}-' | sed -E 's/^ +//; s/  .*//' | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
        n=$((n + 1))
        if [ -e "$tmp/man.txt" ]; then
            awk -v s="   smpsim $c" -v o="$o" '$0 == s { on = 1; next } /^   smpsim / { on = 0 } on && index($0, o) { f = 1 } END { exit !f }' \
                "$tmp/man.txt" || bad "man page: smpsim $c has no $o"
        fi
        var=$(echo "$c" | tr - _)
        grep -q "^_smpsim_opts_$var=\".*$o\\b" "$build/completion/smpsim" || bad "bash completion: $c lacks $o"
        awk -v c="    $c)" -v o="'$o" '$0 == c { on = 1; next } /^    [a-z]+\)$/ { on = 0 } on && index($0, o) { f = 1 } END { exit !f }' \
            "$build/completion/_smpsim" || bad "zsh completion: $c lacks $o"
    done
done
ok "$n command options checked in the man page and both completions"

# The bash completion at work.
complete_line() { # words...; prints the candidates for the last word
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _smpsim; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$comp" "$@" | sort | tr '\n' ' ' | sed 's/ $//'
}
got=$(complete_line smpsim ren); [ "$got" = render ] && ok "bash: smpsim ren -> $got" || bad "bash: smpsim ren -> '$got'"
got=$(complete_line smpsim render --density-m); [ "$got" = --density-map ] && ok "bash: render --density-m -> $got" ||
    bad "bash: render --density-m -> '$got'"
got=$(complete_line smpsim preview --layout s); [ "$got" = "sessions side split stack" ] &&
    ok "bash: preview --layout s -> $got" || bad "bash: preview --layout s -> '$got'"
got=$(cd samples && complete_line smpsim render scalp.m); [ "$got" = scalp.mask.png ] &&
    ok "bash: render scalp.m -> $got" || bad "bash: render scalp.m -> '$got'"

if command -v zsh >/dev/null 2>&1; then
    zsh -n "$build/completion/_smpsim" && ok "zsh -n _smpsim" || bad "zsh -n _smpsim: syntax error"
    # Loaded by compinit from a folder on fpath, as an installed copy is.
    out=$(HOME=$tmp zsh -f -c "fpath=($build/completion \$fpath); autoload -Uz compinit; compinit -u -d $tmp/zcd; print -r -- \${_comps[smpsim]}" 2>&1)
    [ "$out" = _smpsim ] && ok "zsh compinit binds smpsim to _smpsim" || bad "zsh compinit: '$out'"
else
    echo "SKIP: clidoc: zsh is not installed (Debian: zsh)"
fi
summary clidoc
