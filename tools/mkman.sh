#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Generates the man page and the shell completions from the --help texts of
# a built smpsim, so that they cannot drift from the options: the help
# strings in src/cli/ are the one source. The command list comes from
# `smpsim --help` (its "Commands:" section), each command's options from
# `smpsim COMMAND --help`: an option line starts with a dash after up to
# eight spaces, its description follows after two spaces (or after the
# option's upper-case argument), and deeper-indented lines continue it.
#
# Usage: tools/mkman.sh SMPSIM man|bash|zsh > FILE
set -eu
bin=$1
what=$2
here=$(dirname "$0")
LC_ALL=C
export LC_ALL

version=$("$bin" --version | sed -n '1s/^smpsim \([^ ]*\).*/\1/p')
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
    date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d 2>/dev/null || date -u +%Y-%m-%d)
else
    date=$(git -C "$here/.." log -1 --format=%cd --date=short 2>/dev/null || date -u +%Y-%m-%d)
fi
commands=$("$bin" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }')

# One stream for awk: "@@cmd NAME" then that command's help ("@@cmd" alone:
# the top-level help).
stream() {
    echo "@@cmd"
    "$bin" --help
    for c in $commands; do
        [ "$c" = version ] && continue
        echo "@@cmd $c"
        "$bin" "$c" --help
    done
}

# Splits option lines into spec and description; the rest per target.
stream | awk -v what="$what" -v version="$version" -v date="$date" -v tail="$here/cli-doc" '
function roff(s,   out, i, c, prev) {
    # Escapes for roff: backslashes, dashes that start an option or a word.
    out = ""; prev = " "
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "\\") c = "\\e"
        else if (c == "-" && (prev == " " || prev == "-" || prev == "," || prev == "(" || prev == "[" || prev == "'\''" || prev == "/")) c = "\\-"
        out = out c; prev = substr(s, i, 1)
    }
    if (out ~ /^[.'\'']/) out = "\\&" out
    return out
}
# mawk has no {m,n}: indentation by counting.
function indent(s) { match(s, /^ */); return RLENGTH }
function is_option_line(s) { return s ~ /^ +-/ && indent(s) <= 8 }
function is_continuation(s) { return indent(s) >= 9 && s ~ /[^ ]/ && substr(s, indent(s) + 1, 1) != "-" }
# Where the last run of two or more spaces ends (the description column), or 0.
function last_gap(s,   pos, off) {
    pos = 0; off = 0
    while (match(substr(s, off + 1), /   *[^ ]/)) { off += RSTART + RLENGTH - 1; pos = off }
    return pos
}
function is_arg(t) { return t ~ /^[A-Z][A-Za-z0-9_|:.,]*$/ || t ~ /^[A-Z]+[|][a-z]+$/ || t ~ /^[A-Z][A-Z]*[.][a-z]+$/ || t ~ /^blue$|^jsonl$/ }
# Sets SPEC and DESC from an option line.
function split_option(line,   body, n, i, t, k, gap) {
    body = line; sub(/^ +/, "", body)
    gap = match(body, /   *[^ ]/)
    if (gap) { SPEC = substr(body, 1, RSTART - 1); DESC = substr(body, RSTART + RLENGTH - 1); return }
    n = split(body, t, " "); SPEC = ""; k = 0
    for (i = 1; i <= n; i++) {
        if (t[i] ~ /^-/) { SPEC = SPEC (SPEC == "" ? "" : " ") t[i]; k = 1; continue }
        if (k == 1 && is_arg(t[i])) { SPEC = SPEC " " t[i]; k = 2; continue }
        break
    }
    DESC = ""
    for (; i <= n; i++) DESC = DESC (DESC == "" ? "" : " ") t[i]
}
# Long options named in SPEC, and whether they take a value (the token after).
function spec_longs(spec, names, takes,   n, t, i, m, nm) {
    n = split(spec, t, " "); m = 0
    for (i = 1; i <= n; i++) {
        nm = t[i]; sub(/[,:]$/, "", nm)
        if (nm ~ /^--[a-z][a-z0-9-]*$/) { m++; names[m] = nm; takes[m] = (i < n && is_arg(t[i + 1])) ? t[i + 1] : "" }
    }
    return m
}
function bold_spec(spec,   n, t, i, s, w) {
    n = split(spec, t, " "); s = ""
    for (i = 1; i <= n; i++) {
        w = roff(t[i])
        s = s (i > 1 ? " " : "") (t[i] ~ /^-/ ? "\\fB" w "\\fR" : "\\fI" w "\\fR")
    }
    return s
}
function flush_option() {
    if (SPEC_PENDING != "") { print ".TP"; print bold_spec(SPEC_PENDING); if (DESC_PENDING != "") print roff(DESC_PENDING) }
    if (SPEC_PENDING != "") NEED_PP = 1
    SPEC_PENDING = ""; DESC_PENDING = ""
}
BEGIN { cmd = "-"; ncmd = 0 }
/^@@cmd/ {
    if (what == "man") flush_option()
    cmd = $2; if (cmd != "") { ncmd++; cmds[ncmd] = cmd; first = 1 }
    in_commands = 0
    if (what == "man" && cmd != "") { print ".SS \"smpsim " cmd "\""; }
    if (what == "man" && cmd == "") top = 1
    next
}
{
    line = $0
    # Options, for the completions (every command, including repeated ones).
    if (cmd != "" && is_option_line(line)) {
        split_option(line)
        m = spec_longs(SPEC, nm, tk)
        for (i = 1; i <= m; i++) if (!((cmd, nm[i]) in seen)) {
            seen[cmd, nm[i]] = 1; nopt[cmd]++; opt[cmd, nopt[cmd]] = nm[i]; arg[cmd, nopt[cmd]] = tk[i]
            d = DESC; sub(/ \[.*|; .*|: .*| = .*/, "", d); if (length(d) > 60) d = substr(d, 1, 57) "..."; optdesc[cmd, nopt[cmd]] = d
        }
    }
    if (cmd == "" && line ~ /^Commands:/) { in_commands = 1 }
    else if (cmd == "" && in_commands && line ~ /^  [a-z]/) {
        t = line; sub(/^  /, "", t); c = t; sub(/ .*/, "", c)
        cmddesc[c] = substr(t, last_gap(t))
    }
    if (what != "man") next

    # The man page.
    if (cmd == "") {
        # Top level: the synopsis line becomes SYNOPSIS, the rest DESCRIPTION.
        if (line ~ /^Usage: /) { sub(/^Usage: /, "", line); print ".SH SYNOPSIS"; print "\\fBsmpsim\\fR " roff(substr(line, 8)); print ".SH DESCRIPTION"; next }
        if (line ~ /^Commands:/) { print ".PP"; print "Commands:"; next }
        if (in_commands && line ~ /^  [a-z]/) {
            t = line; sub(/^  /, "", t); g = last_gap(t); h = substr(t, 1, g - 1); sub(/ +$/, "", h)
            print ".TP"; print "\\fB" roff(h) "\\fR"; print roff(substr(t, g)); next
        }
        if (line ~ /^$/) { in_commands = 0; print ".PP"; next }
        print roff(line); next
    }
    if (first && line ~ /^Usage: /) {
        sub(/^Usage: /, "", line); print ".PP"; print "\\fB" roff(line) "\\fR"; first = 0; next
    }
    if (is_option_line(line)) { flush_option(); split_option(line); SPEC_PENDING = SPEC; DESC_PENDING = DESC; next }
    if (SPEC_PENDING != "" && is_continuation(line)) { t = line; sub(/^ +/, "", t); DESC_PENDING = DESC_PENDING " " t; next }
    flush_option()
    if (line ~ /^$/) { print ".PP"; NEED_PP = 0; next }
    if (NEED_PP) { print ".PP"; NEED_PP = 0 }
    if (line ~ /^[A-Z][^ ]*( [^ ]+)*:$/ || line ~ /^[A-Z][a-z]+ \(.*\):$/) { print ".PP"; print "\\fB" roff(line) "\\fR"; next }
    t = line; sub(/^ +/, "", t); print roff(t)
}
END {
    if (what == "man") {
        flush_option()
        while ((getline l < (tail ".roff")) > 0) print l
    } else if (what == "bash") {
        printf "# bash completion for smpsim, generated by tools/mkman.sh from the --help texts.\n"
        s = ""; for (i = 1; i <= ncmd; i++) s = s " " cmds[i]
        printf "_smpsim_commands=\"%s version\"\n", substr(s, 2)
        for (i = 1; i <= ncmd; i++) {
            c = cmds[i]; o = ""; f = ""; dd = ""; v = ""
            for (j = 1; j <= nopt[c]; j++) {
                o = o " " opt[c, j]
                if (arg[c, j] ~ /FILE|DOTS|SHEET|RUNS|POINTS/) f = f " " opt[c, j]
                else if (arg[c, j] ~ /DIR/) dd = dd " " opt[c, j]
                else if (arg[c, j] != "") v = v " " opt[c, j]
            }
            gsub(/-/, "_", c)
            printf "_smpsim_opts_%s=\"%s\"\n_smpsim_file_%s=\"%s \"\n_smpsim_dir_%s=\"%s \"\n_smpsim_value_%s=\"%s \"\n", \
                c, substr(o, 2), c, f, c, dd, c, v
        }
        while ((getline l < (tail ".bash")) > 0) print l
    } else if (what == "zsh") {
        printf "#compdef smpsim\n# zsh completion for smpsim, generated by tools/mkman.sh from the --help texts.\n\n"
        printf "_smpsim() {\n    local -a commands\n    commands=(\n"
        for (i = 1; i <= ncmd; i++) { d = cmddesc[cmds[i]]; gsub(/[:'\''\\]/, " ", d); printf "        '\''%s:%s'\''\n", cmds[i], d }
        printf "        '\''version:version, licence and the libraries linked'\''\n    )\n"
        printf "    if (( CURRENT == 2 )); then\n        _describe -t commands '\''smpsim command'\'' commands\n        _arguments '\''--help[usage]'\'' '\''--version[version, licence, libraries]'\''\n        return\n    fi\n"
        printf "    local cmd=$words[2]\n    shift words\n    (( CURRENT-- ))\n    case $cmd in\n"
        for (i = 1; i <= ncmd; i++) {
            c = cmds[i]; printf "    %s)\n        _arguments -S \\\n", c
            for (j = 1; j <= nopt[c]; j++) {
                d = optdesc[c, j]; gsub(/\[/, "(", d); gsub(/\]/, ")", d); gsub(/[:'\''\\]/, " ", d); gsub(/  +/, " ", d); sub(/ +$/, "", d)
                a = arg[c, j]
                if (a == "") act = ""
                else if (a ~ /DIR[|]/) act = ":" tolower(a) ":{_files -/; _smpsim_values " opt[c, j] "}"
                else if (a ~ /DIR/) act = ":" tolower(a) ":_files -/"
                else if (a ~ /FILE|DOTS|SHEET|RUNS|POINTS/) act = ":" tolower(a) ":_files"
                else act = ":" tolower(a) ":_smpsim_values " opt[c, j]
                gsub(/[|]/, " or ", act)
                printf "            '\''%s%s[%s]%s'\'' \\\n", opt[c, j], (a == "" ? "" : "="), d, act
            }
            printf "            '\''*:file:_files'\''\n        ;;\n"
        }
        printf "    esac\n}\n"
        while ((getline l < (tail ".zsh")) > 0) print l
        printf "\n_smpsim \"$@\"\n"
    }
}
' | if [ "$what" = man ]; then
    printf '.\\" smpsim(1): generated by tools/mkman.sh from the --help texts; do not edit.\n'
    printf '.TH SMPSIM 1 "%s" "smpsim %s" "User Commands"\n' "$date" "$version"
    printf '.SH NAME\nsmpsim \\- scalp micropigmentation preview: simulated pigment dots on a scalp photo\n'
    cat
else
    cat
fi
