# Bash completion for t2 (tranalyzer), t2build, t2conf and tawk. Part of t2rs (GPL-2.0+).
#
# Installed by 't2build tranalyzer2' into ~/.local/share/bash-completion/completions/ (one
# link per command); or source it from ~/.bashrc. The source tree (plugin names, settings)
# is $T2HOME, else the tree t2build was run from when it installed this file.

_t2rs_tree() {
    local t=${T2HOME:-}
    [ -n "$t" ] || t='@T2RS_TREE@'
    case $t in @*) t= ;; esac
    [ -d "$t/plugins" ] && printf '%s\n' "$t"
}

# Plugins of the source tree (and the core's names).
_t2rs_plugins() {
    local t
    t=$(_t2rs_tree)
    printf '%s\n' tranalyzer2
    [ -n "$t" ] || return 0
    local d
    for d in "$t"/plugins/*/t2plugin.toml; do
        [ -f "$d" ] || continue
        d=${d%/t2plugin.toml}
        printf '%s\n' "${d##*/}"
    done
}

# Plugins installed in the plugin folder (PLUGIN_DIR or ~/.tranalyzer/plugins).
_t2rs_installed() {
    local dir=${1:-$HOME/.tranalyzer/plugins} f
    for f in "$dir"/[0-9][0-9][0-9]_*.so; do
        [ -f "$f" ] || continue
        f=${f##*/}
        f=${f#???_}
        printf '%s\n' "${f%.so}"
    done
}

# Settings (FLAG) of the plugins named on the command line.
_t2rs_flags() {
    local t w f
    t=$(_t2rs_tree)
    [ -n "$t" ] || return 0
    for w in "${COMP_WORDS[@]}"; do
        f=$t/plugins/$w/t2plugin.toml
        [ -f "$f" ] && sed -n 's/^\[config\.\([A-Za-z0-9_]*\)\].*/\1/p' "$f"
        case $w in
            t2|tranalyzer|tranalyzer2) command -v t2conf >/dev/null 2>&1 &&
                t2conf tranalyzer2 -I 2>/dev/null | sed -n 's/^  \([A-Z][A-Z0-9_]*\) .*/\1/p' ;;
        esac
    done
}

_t2rs_t2() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    case $prev in
        -r|--pcap|-R|--pcap-list|-F|-b|-e|-D|--input-regex) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        -w|--output-prefix|-W|--output-regex) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        -p) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        -i|--interface) COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur")); return ;;
        -f|-x|-c|-P|-M|-S|-B) return ;;
    esac
    local w
    for w in "${COMP_WORDS[@]}"; do
        case $w in
            --plugin-info*) COMPREPLY=($(compgen -W "$(_t2rs_installed) -p" -- "$cur")); return ;;
            --bit-tables*) COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" --bit-tables 2>/dev/null | cut -f1 | sed 1d | uniq) -p" -- "$cur")); return ;;
        esac
    done
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "-i --interface -r --pcap -R --pcap-list -D --input-regex
            -w --output-prefix -W --output-regex -l --logfile -m --monfile -s --packets
            -p -b -e -f -x -c -P -M -S -B -F -V --version -h --help --plugin-info
            --bit-tables" -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
    return 0
}

_t2rs_t2build() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local dir= i
    for ((i = 1; i < COMP_CWORD; i++)); do
        [ "${COMP_WORDS[i]}" = -p ] && dir=${COMP_WORDS[i+1]}
    done
    case $prev in
        -p|--bin-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "-u -e -l -R -p --bin-dir -y -h --help" -- "$cur"))
        return
    fi
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [ "${COMP_WORDS[i]}" = -u ]; then
            COMPREPLY=($(compgen -W "$(_t2rs_installed "${dir:-}")" -- "$cur"))
            return
        fi
    done
    COMPREPLY=($(compgen -W "$(_t2rs_plugins)" -- "$cur") $(compgen -d -- "$cur"))
    return 0
}

_t2rs_t2conf() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    case $prev in
        -D|-G) compopt -o nospace 2>/dev/null
               COMPREPLY=($(compgen -W "$(_t2rs_flags | sed "s/\$/$([ "$prev" = -D ] && echo =)/")" -- "$cur")); return ;;
        -C|-g) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        -t) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "-D -G -I --reset -g -C --t2 --dual --ip4 --ip6 -a -t -y -h --help" -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -W "$(_t2rs_plugins) t2 tranalyzer" -- "$cur") $(compgen -d -- "$cur"))
    return 0
}

_t2rs_tawk() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    case $prev in
        -V) compopt -o nospace 2>/dev/null
            local f
            f=$(ls -t "$HOME"/.tranalyzer/cache/bit-tables-*.tsv 2>/dev/null | head -n 1)
            if [ -z "$f" ]; then
                tawk -V flowStat >/dev/null 2>&1
                f=$(ls -t "$HOME"/.tranalyzer/cache/bit-tables-*.tsv 2>/dev/null | head -n 1)
            fi
            [ -n "$f" ] && COMPREPLY=($(compgen -W "$(cut -f1 "$f" | sed 1d | uniq)" -- "$cur"))
            return ;;
        -d) COMPREPLY=($(compgen -W "all $(tawk -g 2>/dev/null)" -- "$cur")); return ;;
        -I|-f) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --plugin-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        -F|-O|-s|-N|-v) return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "-I -f -F -O -s -N -H -r -t -c -c=u -n -e --no-bignum -l -g -d
            -V -L --plugin-dir -v -h --help" -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
    return 0
}

complete -o filenames -F _t2rs_t2 t2 tranalyzer
complete -o filenames -F _t2rs_t2build t2build
complete -o filenames -F _t2rs_t2conf t2conf
complete -o filenames -F _t2rs_tawk tawk
