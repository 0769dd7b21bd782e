# SPDX-License-Identifier: BSD-2-Clause

# Values of the options that take a word from a fixed set.
_smpsim_values() {
    case "$1" in
        --layout) echo "auto side stack split sessions" ;;
        --edge) echo "broken soft sharp" ;;
        --age) echo "fresh healed 1y 2y 5y 10y" ;;
        --cast) echo "blue none" ;;
        --loupe) echo "auto off" ;;
        --density | --dot | --dilution) echo "auto" ;;
        --date) echo "none" ;;
        --what) echo "render preview both" ;;
        --format) echo "png jpg html" ;;
        --progress) echo "jsonl" ;;
        --masks) echo "auto" ;;
        --sessions) echo "1 2 3 4" ;;
    esac
}

_smpsim() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    if [ "$COMP_CWORD" -eq 1 ]; then
        mapfile -t COMPREPLY < <(compgen -W "$_smpsim_commands --help --version" -- "$cur")
        return
    fi
    local cmd=${COMP_WORDS[1]//-/_} opts file dir value
    opts=_smpsim_opts_$cmd file=_smpsim_file_$cmd dir=_smpsim_dir_$cmd value=_smpsim_value_$cmd
    [ -n "${!opts+x}" ] || return
    case " ${!file} " in *" $prev "*)
        mapfile -t COMPREPLY < <(compgen -f -- "$cur"); compopt -o filenames 2>/dev/null; return ;;
    esac
    case " ${!dir} " in *" $prev "*)
        mapfile -t COMPREPLY < <(compgen -d -- "$cur"; compgen -W "$(_smpsim_values "$prev")" -- "$cur")
        compopt -o filenames 2>/dev/null; return ;;
    esac
    case " ${!value} " in *" $prev "*)
        mapfile -t COMPREPLY < <(compgen -W "$(_smpsim_values "$prev")" -- "$cur"); return ;;
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "${!opts}" -- "$cur")
    else
        mapfile -t COMPREPLY < <(compgen -f -- "$cur"); compopt -o filenames 2>/dev/null
    fi
}
complete -F _smpsim smpsim
