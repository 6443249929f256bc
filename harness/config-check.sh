#!/bin/bash
# Report config fragment options that did not survive olddefconfig.
#
#   config-check.sh [--strict] <.config> <kernel-srctree> <fragment>...
#
# Each mismatch is classified:
#   undefined  the symbol does not exist in this tree's Kconfig (e.g. a
#              symbol added by a kernel patch that has not landed yet)
#   clang-only / gcc-only   a "depends on" line of the symbol is just
#              "!CC_IS_GCC" (or CC_IS_CLANG), resp. "CC_IS_GCC", and the
#              kernel is built with the other compiler
#   deps       anything else: the printed "depends on" lines tell why
# Exit status: 0, or with --strict 1 when there is a "deps" mismatch.
# Only "deps" mismatches are errors for --strict.
set -euo pipefail

strict=0
if [ "${1:-}" = --strict ]; then strict=1; shift; fi
[ $# -ge 3 ] || { echo "usage: $0 [--strict] <.config> <srctree> <fragment>..." >&2; exit 2; }
config=$1 src=$2
shift 2

# "SYM=value" lines for what the fragments ask for ("n" for "is not set");
# later fragments override earlier ones.
wanted=$(awk '
    /^CONFIG_[A-Za-z0-9_]+=/ { s = $0; sub(/=.*/, "", s); v = $0; sub(/^[^=]*=/, "", v)
                               want[s] = v; order[s] = NR }
    /^# CONFIG_[A-Za-z0-9_]+ is not set/ { want[$2] = "n"; order[$2] = NR }
    END { for (s in want) printf "%d %s=%s\n", order[s], s, want[s] }
' "$@" | sort -n | cut -d' ' -f2-)

bad=()
while IFS= read -r kv; do
    [ -n "$kv" ] || continue
    sym=${kv%%=*} want=${kv#*=}
    have=$(grep -m1 -E "^$sym=" "$config" | cut -d= -f2- || true)
    [ -n "$have" ] || have=n
    [ "$have" = "$want" ] || bad+=("$sym|$want|$have")
done <<< "$wanted"

[ ${#bad[@]} -eq 0 ] && { echo "config-check: all $(grep -c . <<< "$wanted") fragment options are set as requested"; exit 0; }

is_gcc=0
grep -qx 'CONFIG_CC_IS_GCC=y' "$config" && is_gcc=1
kconfigs=$(cd "$src" && find . -name 'Kconfig*' -type f)

# "depends on" lines of a symbol's definition(s).
depends_of() {
    (cd "$src" && xargs awk -v sym="$1" '
        /^[ \t]*(menu)?config[ \t]/ { inblk = ($2 == sym); next }
        /^[ \t]*(choice|endchoice|menu|endmenu|if|endif|source|comment|mainmenu)([ \t]|$)/ { inblk = 0 }
        inblk && /^[ \t]*depends on/ { sub(/^[ \t]*depends on[ \t]*/, ""); print }
    ' <<< "$kconfigs") | sort -u | paste -sd';' | sed 's/;/; /g'
}
defined() {
    (cd "$src" && xargs grep -qE "^[[:space:]]*(menu)?config[[:space:]]+$1[[:space:]]*\$" <<< "$kconfigs")
}

ndeps=0
echo "WARNING: ${#bad[@]} config fragment option(s) did not survive olddefconfig (${config}):" >&2
for b in "${bad[@]}"; do
    IFS='|' read -r sym want have <<< "$b"
    if [ "$want" = n ]; then
        why="deps: still $have - selected or forced by another option"
        ndeps=$((ndeps + 1))
    elif ! defined "${sym#CONFIG_}"; then
        why="undefined: no such Kconfig symbol in this tree"
    else
        deps=$(depends_of "${sym#CONFIG_}")
        # a "depends on" line that rules out this compiler altogether
        if [ $is_gcc = 1 ] && grep -qxE '!CC_IS_GCC|CC_IS_CLANG' <<< "${deps//; /$'\n'}"; then
            why="clang-only: depends on ${deps} - needs TOOLCHAIN=clang"
        elif [ $is_gcc = 0 ] && grep -qxE 'CC_IS_GCC|!CC_IS_CLANG' <<< "${deps//; /$'\n'}"; then
            why="gcc-only: depends on ${deps} - n/a with clang"
        else
            why="deps: depends on ${deps:-?}"
            ndeps=$((ndeps + 1))
        fi
    fi
    printf '  %-40s got %-4s [%s]\n' "$sym=$want" "$have" "$why" >&2
done
[ $strict = 1 ] && [ $ndeps -gt 0 ] && exit 1
exit 0
