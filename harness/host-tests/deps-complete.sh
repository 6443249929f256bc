#!/bin/bash
# Host test: everything the host side of the harness runs comes from a
# package that harness/deps.sh installs, so that a fresh Debian 12 machine
# has it after `make deps` (or the first `make run`/`make check`).
#
# "Provided" means: the owner package (dpkg -S) is in deps.sh's list, or in
# the Depends/Pre-Depends closure of that list, or part of every Debian
# system (Essential: yes or Priority: required).  Checked:
#
#  1. every program on PATH named at a command position in the host-side
#     scripts (Makefile, .ci/run, harness/*.sh but the guest's, the host
#     tests);
#  2. every file that QEMU opens when started with the harness's own
#     arguments (harness/lib.sh: klp_qemu_cmd), which catches data files
#     such as option ROMs and firmware.  QEMU must also start at all.
#
# KLP_DEPS_LIST=FILE checks against the packages in FILE (one a line)
# instead of `harness/deps.sh list`: the way to show that the test fails
# when a package is dropped from the list.
set -uo pipefail
top=${KLP_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
KLP_TAG=deps-complete
. "$top/harness/lib.sh"

command -v dpkg-query >/dev/null || { echo "not a Debian system: skipped"; exit 4; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
bad() { echo "FAIL: $*"; rc=1; }

if [ -n "${KLP_DEPS_LIST:-}" ]; then
    cp "$KLP_DEPS_LIST" "$tmp/list"
else
    "$top/harness/deps.sh" list > "$tmp/list" || { echo "deps.sh list failed"; exit 1; }
fi

# ---- the packages that a fresh machine has after deps.sh -----------------
# One dpkg-query over all installed packages; the closure is computed in
# awk: a dependency on a virtual package counts its installed providers,
# every installed alternative of "a | b" counts.
dpkg-query -W -f '${db:Status-Status}\t${Package}\t${Essential}\t${Priority}\t${Pre-Depends}, ${Depends}\t${Provides}\n' \
    | awk -F'\t' '$1 == "installed"' > "$tmp/db"
awk -F'\t' -v listfile="$tmp/list" '
function bare(s) {
    sub(/\(.*/, "", s); sub(/:.*/, "", s); gsub(/[ \t]/, "", s); return s
}
BEGIN {
    while ((getline p < listfile) > 0) if (p != "") want[p] = 1
}
{
    pkg = $2; have[pkg] = 1; deps[pkg] = $5
    if ($3 == "yes" || $4 == "required") base[pkg] = 1
    n = split($6, pv, ",")
    for (i = 1; i <= n; i++) { v = bare(pv[i]); if (v != "") prov[v] = prov[v] " " pkg }
}
function add(p,    n, i, j, d, alt, a, m, q, k, np, who) {
    if (p in inset) return
    if (!(p in have)) {
        # virtual package: its installed providers
        np = split(prov[p], who, " ")
        for (k = 1; k <= np; k++) add(who[k])
        return
    }
    inset[p] = 1
    n = split(deps[p], d, ",")
    for (i = 1; i <= n; i++) {
        m = split(d[i], alt, "|")
        for (j = 1; j <= m; j++) { q = bare(alt[j]); if (q != "") add(q) }
    }
}
END {
    for (p in want) if (p in have) add(p); else print "MISSING " p
    for (p in base) add(p)
    for (p in inset) print "HAVE " p
}' "$tmp/db" > "$tmp/closure"
grep '^MISSING ' "$tmp/closure" | while read -r _ p; do
    echo "note: listed package $p is not installed here (make deps)"
done
sed -n 's/^HAVE //p' "$tmp/closure" | sort -u > "$tmp/provided"
echo "deps-complete: $(wc -l < "$tmp/list") listed packages, $(wc -l < "$tmp/provided") provided with their dependencies and the base system"

# need WHAT PATH: PATH must belong to a provided package.  The checks are
# collected and made by check_needs with one dpkg-query call.
: > "$tmp/needs"
need() {
    local real
    real=$(readlink -f "$2")
    printf '%s\t%s\t%s\n' "$1" "$2" "$real" >> "$tmp/needs"
}
# usrmerge: a file may be registered as /bin/x or /usr/bin/x
alt_path() {
    case $1 in
        /usr/*) echo "${1#/usr}" ;;
        *)      echo "/usr$1" ;;
    esac
}
check_needs() {
    local what path real p q pkgs ok
    cut -f2,3 "$tmp/needs" | tr '\t' '\n' | sort -u |
        while read -r p; do echo "$p"; alt_path "$p"; done > "$tmp/paths"
    # "pkg1, pkg2:arch: /path" -> "/path<TAB>pkg"
    xargs -d '\n' dpkg-query -S < "$tmp/paths" 2>/dev/null |
        awk '{ i = index($0, ": "); path = substr($0, i + 2)
               n = split(substr($0, 1, i - 1), pk, ", ")
               for (j = 1; j <= n; j++) { sub(/:.*/, "", pk[j]); print path "\t" pk[j] } }' \
        > "$tmp/owners"
    while IFS=$'\t' read -r what path real; do
        pkgs=$(for q in "$path" "$real"; do
                   for p in "$q" "$(alt_path "$q")"; do
                       awk -F'\t' -v p="$p" '$1 == p { print $2 }' "$tmp/owners"
                   done
               done | sort -u)
        if [ -z "$pkgs" ]; then
            bad "$what: $path belongs to no package"
            continue
        fi
        ok=
        for p in $pkgs; do
            grep -qx "$p" "$tmp/provided" && ok=1
        done
        [ -n "$ok" ] ||
            bad "$what: $path is from $(echo $pkgs | tr ' ' ','), which harness/deps.sh does not install"
    done < "$tmp/needs"
}

# ---- 1. commands of the host-side scripts ----------------------------------
scripts=("$top/Makefile" "$top/.ci/run")
for f in "$top"/harness/*.sh "$top"/harness/host-tests/*.sh; do
    case ${f##*/} in
        # run inside the guest
        guest-run.sh|demo.sh) continue ;;
    esac
    scripts+=("$f")
done
# Functions defined anywhere in them are not commands.
funcs=$(grep -h -o -E '^[[:space:]]*[A-Za-z_][A-Za-z0-9_]*\(\)' "${scripts[@]}" |
        tr -d ' \t()' | sort -u)
# Words at a command position: line start, after ; | & ( ! $( ` and the
# keywords that start a command list, and after the wrappers that run
# their argument (timeout N, exec, command, sudo_, time, xargs).  Text of
# awk programs and strings can match too; only words that are programs on
# PATH (not shell functions, builtins or keywords) are checked, so such
# words cost at most a false alarm, never a miss of a real command.
sed -e 's/^[[:space:]]*#.*//' -e 's/[[:space:]]#[^!].*//' -e 's/^\t@\?-\?//' "${scripts[@]}" |
    grep -o -E '(^|[;&|(!`]|\$\(|\b(then|do|else|elif|if|while|until|exec|command|sudo_|time|xargs)[[:space:]]|\btimeout( -[a-z]+)*( [0-9.]+[smh]?)?[[:space:]])[[:space:]]*[A-Za-z][A-Za-z0-9_.+-]*([[:space:]]|$)' |
    sed -E 's/.*[^A-Za-z0-9_.+-]([A-Za-z][A-Za-z0-9_.+-]*)[[:space:]]*$/\1/; s/^([A-Za-z][A-Za-z0-9_.+-]*)[[:space:]]*$/\1/' |
    sort -u > "$tmp/words"
ncmd=0
while read -r w; do
    grep -qx "$w" <<< "$funcs" && continue
    case $(type -t "$w" 2>/dev/null) in
        file) ;;
        *) continue ;;
    esac
    ncmd=$((ncmd + 1))
    need "command '$w'" "$(type -P "$w")"
done < "$tmp/words"
echo "deps-complete: $ncmd external commands of the host-side scripts checked"

# ---- 2. files QEMU opens with the harness's arguments ----------------------
klp_qemu_cmd "max,pauth-impdef=on" 1 256M null
if ! type -P "${KLP_QEMU[0]}" >/dev/null; then
    bad "${KLP_QEMU[0]} is not installed"
elif ! type -P strace >/dev/null; then
    bad "strace is not installed"
else
    # -S: the CPU never starts; the monitor's "quit" ends QEMU once the
    # machine and its devices are created (option ROMs are loaded then).
    echo quit | strace -f -qq -e trace=open,openat -o "$tmp/strace" \
        "${KLP_QEMU[@]}" -S -monitor stdio > "$tmp/qemu.out" 2>&1
    qrc=$?
    if [ "$qrc" -ne 0 ]; then
        bad "QEMU with the harness's arguments exited with status $qrc:"
        sed 's/^/    /' "$tmp/qemu.out" | tail -n 5
    fi
    # successful opens of installed files (libraries, ROMs, firmware)
    sed -n -E 's/.*open(at)?\([^"]*"(\/(usr|lib|lib64|bin|sbin|opt)\/[^"]*)".* = [0-9]+.*$/\2/p' "$tmp/strace" |
        sort -u > "$tmp/opened"
    nfile=0
    while read -r f; do
        [ -f "$f" ] || continue
        nfile=$((nfile + 1))
        need "QEMU opens" "$f"
    done < "$tmp/opened"
    echo "deps-complete: $nfile files that QEMU opens checked"
fi

check_needs
[ $rc = 0 ] && echo "deps-complete: everything comes from harness/deps.sh's packages"
exit $rc
