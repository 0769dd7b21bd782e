#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Prints the first fenced block of language $2 after the heading line $1 of
# README.md, verbatim: the tests compile and run the README's examples as
# they are written. Usage: tests/readme_block.sh '## Library' c
awk -v head="$1" -v lang="$2" '
    $0 == head { in_sec = 1; next }
    in_sec && !in_code && $0 == "```" lang { in_code = 1; next }
    in_code && $0 == "```" { found = 1; exit }
    in_code { print }
    END { if (!found) exit 1 }
' README.md
