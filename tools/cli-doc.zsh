# SPDX-License-Identifier: BSD-2-Clause

# Values of the options that take a word from a fixed set.
(( $+functions[_smpsim_values] )) ||
_smpsim_values() {
    local -a v
    case $1 in
        --layout) v=(auto side stack split sessions) ;;
        --edge) v=(broken soft sharp) ;;
        --age) v=(fresh healed 1y 2y 5y 10y) ;;
        --cast) v=(blue none) ;;
        --loupe) v=(auto off) ;;
        --density|--dot|--dilution) v=(auto) ;;
        --date) v=(none) ;;
        --what) v=(render preview both) ;;
        --format) v=(png jpg html) ;;
        --progress) v=(jsonl) ;;
        --masks) v=(auto) ;;
        --sessions) v=(1 2 3 4) ;;
        *) _message 'value'; return ;;
    esac
    compadd -a v
}
