#!/bin/bash
# `make check`: build, run host tests, run guest tests, print a summary whose
# last line is "N passed, N failed, N skipped".
#
#  1. build the kernel for every configuration named in harness/vm-tests.list
#     (plus "default"); build output goes to build/check/kernel-NAME.log
#  2. host tests: every harness/host-tests/*.sh (exit 0 pass, 4 skip, else
#     fail; HOST_TEST_TIMEOUT seconds each, default 600)
#  3. one VM boot per configuration running harness/guest-run.sh over that
#     configuration's tests.  A crash or timeout fails every test of that
#     boot that has no result yet.
#
# harness/vm-tests.list:  CONFIG PATH [TIMEOUT] [VAR=value...]   ('#' starts
# a comment); the VAR=value fields are the test's environment in the guest
#   PATH is relative to the repository root.  Paths under
#   tools/testing/selftests/livepatch/ run from the built tree's copy in the
#   guest (/selftests/livepatch/..., next to the built modules); any other
#   path is shipped with its directory under /extra/tests/.
#
# Environment: T=regex (only matching test names), TOOLCHAIN, VM_TESTS_LIST
# (another list file), CHECK_VM_TIMEOUT (override the computed VM limit).
set -uo pipefail
KLP_TAG=check
. "$(dirname "$0")/lib.sh"

LIST=${VM_TESTS_LIST:-$KLP_TOP/harness/vm-tests.list}
HOST_TESTS=$KLP_TOP/harness/host-tests
FILTER=${T:-}
OUT=$KLP_BUILD/check
ST_PREFIX=tools/testing/selftests/livepatch/
rm -rf "$OUT"
mkdir -p "$OUT"
rm -f "$KLP_BUILD/check-summary.txt"

names=() stats=() whys=()
record() {
    names+=("$1") stats+=("$2") whys+=("${3:-}")
    echo "check: $2 $1${3:+ ($3)}"
}
selected() { [ -z "$FILTER" ] || [[ $1 =~ $FILTER ]]; }
banner() { printf '\n==== %s ====\n' "$*"; }

# ---- the guest test list ---------------------------------------------------
declare -A cfg_tests=()     # config -> lines "name<TAB>path<TAB>timeout<TAB>env"
configs=(default)
if [ -f "$LIST" ]; then
    while read -r cfg path tmo rest; do
        [ -n "$path" ] || { echo "check: $LIST: bad line: $cfg" >&2; continue; }
        # the timeout may be left out before VAR=value fields
        if [[ $tmo == *=* && $tmo != timeout=* ]]; then
            rest="$tmo${rest:+ $rest}" tmo=
        fi
        tmo=${tmo#timeout=}
        tmo=${tmo:-300}
        for v in $rest; do
            [[ $v =~ ^[A-Z_][A-Z0-9_]*=[^[:space:]]*$ ]] ||
                { echo "check: $LIST: $path: not VAR=value: $v" >&2; exit 2; }
        done
        short=${path#"$ST_PREFIX"}
        short=${short#harness/guest-tests/}
        short=${short#harness/}
        name="$cfg:${short%.sh}"
        # a test listed twice for one configuration gets "#2", "#3", ...
        n=1
        while [[ $'\n'"${cfg_tests[$cfg]:-}" == *$'\n'"$name"$'\t'* ]]; do
            n=$((n + 1)) name="$cfg:${short%.sh}#$n"
        done
        selected "$name" || continue
        [[ " ${configs[*]} " == *" $cfg "* ]] || configs+=("$cfg")
        cfg_tests[$cfg]+="$name"$'\t'"$path"$'\t'"$tmo"$'\t'"$rest"$'\n'
    done < <(sed -e 's/#.*//' "$LIST" | awk 'NF')
fi

# ---- 1. kernels ------------------------------------------------------------
declare -A built=()
for cfg in "${configs[@]}"; do
    banner "kernel KCONFIG=$cfg TOOLCHAIN=$TOOLCHAIN"
    log=$OUT/kernel-$cfg.log
    t0=$(klp_now)
    if KCONFIG=$cfg "$KLP_TOP/harness/kernel.sh" > "$log" 2>&1; then
        built[$cfg]=1
        grep -E '^(base kernel:|WARNING|  CONFIG_)|\[kernel\] (note|== configuring|build/linux:)' "$log" || true
        echo "check: kernel $cfg built in $(( $(klp_now) - t0 ))s (log: ${log#"$KLP_TOP"/})"
    else
        built[$cfg]=0
        tail -n 60 "$log"
        echo "check: kernel $cfg FAILED to build (log: ${log#"$KLP_TOP"/})"
    fi
done

# ---- 2. host tests ---------------------------------------------------------
export KLP_TOP KLP_BUILD TOOLCHAIN
export KLP_CONFIGS="${configs[*]}"
for t in "$HOST_TESTS"/*.sh; do
    [ -f "$t" ] || continue
    name="host:$(basename "${t%.sh}")"
    selected "$name" || continue
    banner "$name"
    if [ -x "$t" ]; then run=("$t"); else run=(bash "$t"); fi
    timeout "${HOST_TEST_TIMEOUT:-600}" "${run[@]}" < /dev/null
    rc=$?
    case $rc in
        0)   record "$name" PASS ;;
        4)   record "$name" SKIP ;;
        124) record "$name" FAIL "timeout" ;;
        *)   record "$name" FAIL "exit status $rc" ;;
    esac
done

# ---- 3. guest tests, one boot per configuration ----------------------------
for cfg in "${configs[@]}"; do
    [ -n "${cfg_tests[$cfg]:-}" ] || continue
    mapfile -t tests < <(printf '%s' "${cfg_tests[$cfg]}")
    banner "VM KCONFIG=$cfg: ${#tests[@]} test(s)"
    if [ "${built[$cfg]}" != 1 ]; then
        for l in "${tests[@]}"; do record "${l%%$'\t'*}" FAIL "kernel build failed"; done
        continue
    fi
    extra=$OUT/extra-$cfg
    mkdir -p "$extra/tests"
    install -m 0755 "$KLP_TOP/harness/guest-run.sh" "$extra/guest-run.sh"
    total=0
    : > "$extra/tests.list"
    for l in "${tests[@]}"; do
        IFS=$'\t' read -r name path tmo env <<< "$l"
        if [[ $path == "$ST_PREFIX"* ]]; then
            gpath=/selftests/livepatch/${path#"$ST_PREFIX"}
        else
            d=$(dirname "$path")
            if [ -d "$KLP_TOP/$d" ]; then
                mkdir -p "$extra/tests/$d"
                cp -a "$KLP_TOP/$d/." "$extra/tests/$d/"
            fi
            gpath=/extra/tests/$path
        fi
        printf '%s\t%s\t%s\t%s\n' "$name" "$gpath" "$tmo" "$env" >> "$extra/tests.list"
        total=$((total + tmo))
    done
    # Facts about the build for the guest tests (sourced by them if wanted).
    read -r kb vmlog < <(KCONFIG=$cfg bash -c '. "$1/harness/lib.sh"; echo "$KLP_KBUILD $KLP_VMLOG"' - "$KLP_TOP")
    {
        echo "KLP_KCONFIG=$cfg"
        echo "KLP_LINK_TEXT=$(awk '$3 == "_text" { print $1 }' "$kb/System.map")"
        echo "KLP_VM_SMP=${VM_SMP:-4}"
    } > "$extra/harness.env"

    vm_timeout=${CHECK_VM_TIMEOUT:-$((total + 180))}
    KCONFIG=$cfg KLP_CMD="bash /extra/guest-run.sh /extra/tests.list" VM_EXTRA="$extra" \
        VM_TIMEOUT=$vm_timeout "$KLP_TOP/harness/vm.sh"
    vrc=$?
    cp -f "$vmlog" "$OUT/vm-$cfg.log" 2>/dev/null

    # Last result line per test wins (the final block, if the run got there).
    declare -A got=() why=()
    while read -r st nm rest; do
        got[$nm]=$st why[$nm]=$rest
    done < <(tr -d '\r' < "$vmlog" | grep -a -o -E 'KLP-TEST: (PASS|FAIL|SKIP) [^ ]+( \([^)]*\))?' |
             sed 's/^KLP-TEST: //')
    case $vrc in
        124) lost="no result: VM timed out" ;;
        125) lost="no result: guest kernel crashed" ;;
        *)   lost="no result (vm exit status $vrc)" ;;
    esac
    missing=0
    for l in "${tests[@]}"; do
        name=${l%%$'\t'*}
        if [ -n "${got[$name]:-}" ]; then
            w=${why[$name]#(}; w=${w%)}
            w=$(sed -E 's/^[0-9.]+s(, )?//' <<< "$w")
            if [ "${got[$name]}" = PASS ]; then record "$name" PASS; else record "$name" "${got[$name]}" "$w"; fi
        else
            record "$name" FAIL "$lost"
            missing=$((missing + 1))
        fi
    done
    if [ "$missing" -eq 0 ] && [ "$vrc" -ge 124 ]; then
        record "$cfg:vm" FAIL "all tests reported, but the VM ended badly (exit $vrc)"
    fi
    # The boot fails when a checker of the kernel reported anything
    # (lockdep, KASAN, UBSAN, atomic sleep, hung task, soft lockup, WARN).
    mapfile -t splats < <(klp_console_splats "$OUT/vm-$cfg.log")
    if [ ${#splats[@]} -eq 0 ]; then
        record "$cfg:console" PASS
    else
        printf 'check: %s: %s\n' "$cfg" "${splats[@]}"
        record "$cfg:console" FAIL "${#splats[@]} checker report(s), first in ${splats[0]}"
    fi
    unset got why
done

# ---- summary ---------------------------------------------------------------
npass=0 nfail=0 nskip=0
banner "summary (TOOLCHAIN=$TOOLCHAIN)"
for i in "${!names[@]}"; do
    case ${stats[$i]} in
        PASS) npass=$((npass + 1)) ;;
        FAIL) nfail=$((nfail + 1)) ;;
        SKIP) nskip=$((nskip + 1)) ;;
    esac
    printf '%-4s %s%s\n' "${stats[$i]}" "${names[$i]}" "${whys[$i]:+  (${whys[$i]})}"
done
[ ${#names[@]} -gt 0 ] || echo "(no tests selected)"
summary="$npass passed, $nfail failed, $nskip skipped"
printf '%s\n' "$summary" > "$KLP_BUILD/check-summary.txt"
echo "$summary"
[ "$nfail" -eq 0 ] && [ ${#names[@]} -gt 0 ]
