#!/bin/bash
# `make check`: build, run host tests, run guest tests, print a summary whose
# last line is "N passed, N failed, N skipped".
#
#  1. build the kernel for every configuration named in harness/vm-tests.list
#     (plus "default"); build output goes to build/check/kernel-NAME.log.
#     "default" first; the others one after the other in the background at
#     nice 19, while the boots (2.) run
#  2. one VM boot per configuration running harness/guest-run.sh over that
#     configuration's tests, each as soon as its kernel is built.  A crash
#     or timeout fails every test of that boot that has no result yet; a
#     checker report on its console fails CONFIG:console.
#  3. host tests, after the boots: every harness/host-tests/*.sh (exit 0
#     pass, 4 skip, else fail; HOST_TEST_TIMEOUT seconds each, default 600)
#
# harness/vm-tests.list:  CONFIG PATH [TIMEOUT] [VAR=value...]   ('#' starts
# a comment); the VAR=value fields are the test's environment in the guest.
# "CONFIG @smp N" boots CONFIG with N vCPUs (default 4).
#   PATH is relative to the repository root.  Paths under
#   tools/testing/selftests/livepatch/ run from the built tree's copy in the
#   guest (/selftests/livepatch/..., next to the built modules); any other
#   path is shipped with its directory under /extra/tests/.
#
# Environment: T=regex (only matching test names), TOOLCHAIN, VM_TESTS_LIST
# (another list file), CHECK_VM_TIMEOUT (override the computed VM limit),
# CHECK_OVERLAP=0 (build every kernel before the first boot).
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
declare -A cfg_smp=()       # config -> vCPUs of its boot ("CONFIG @smp N"; default 4)
configs=(default)
if [ -f "$LIST" ]; then
    while read -r cfg path tmo rest; do
        [ -n "$path" ] || { echo "check: $LIST: bad line: $cfg" >&2; continue; }
        if [ "$path" = @smp ]; then
            [[ $tmo =~ ^[1-8]$ ]] || { echo "check: $LIST: $cfg @smp $tmo: 1..8 expected" >&2; exit 2; }
            cfg_smp[$cfg]=$tmo
            continue
        fi
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
# build_kernel CFG: build one configuration; its status (1 built, 0 not) goes
# to $OUT/kernel-CFG.status.  NICE=1 builds at the lowest CPU priority.
build_kernel() {
    local cfg=$1 log=$OUT/kernel-$1.log t0 ok=0 nice=()
    [ "${NICE:-0}" = 1 ] && nice=(nice -n 19)
    t0=$(klp_now)
    if KCONFIG=$cfg "${nice[@]}" "$KLP_TOP/harness/kernel.sh" > "$log" 2>&1; then
        ok=1
        grep -E '^(base kernel:|WARNING|  CONFIG_)|\[kernel\] (note|== configuring|build/linux:)' "$log" || true
        echo "check: kernel $cfg built in $(( $(klp_now) - t0 ))s (log: ${log#"$KLP_TOP"/})"
    else
        tail -n 60 "$log"
        echo "check: kernel $cfg FAILED to build (log: ${log#"$KLP_TOP"/})"
    fi
    echo "$ok" > "$OUT/kernel-$cfg.status"
}
declare -A built=()
# collect_kernel CFG: its build result into built[CFG]
collect_kernel() { built[$1]=$(cat "$OUT/kernel-$1.status" 2>/dev/null || echo 0); }

# The first configuration (default) is built first.  The others build in
# the background at nice 19 while the boots run: a guest leaves part of
# the two cores idle (sleeps, single-threaded shell work), and the build
# takes only that part, so the tests keep their speed.
# CHECK_OVERLAP=0 builds every kernel before any boot.
first=${configs[0]}
banner "kernel KCONFIG=$first TOOLCHAIN=$TOOLCHAIN"
build_kernel "$first"
collect_kernel "$first"
rest=("${configs[@]:1}")
bg_pid=
if [ ${#rest[@]} -gt 0 ]; then
    if [ "${CHECK_OVERLAP:-1}" = 1 ] && [ -n "${cfg_tests[$first]:-}" ]; then
        echo "check: building ${rest[*]} in the background (nice 19) while the boots run"
        (
            for cfg in "${rest[@]}"; do
                NICE=1 build_kernel "$cfg"
            done
        ) > "$OUT/kernels-background.out" 2>&1 < /dev/null &
        bg_pid=$!
    else
        for cfg in "${rest[@]}"; do
            banner "kernel KCONFIG=$cfg TOOLCHAIN=$TOOLCHAIN"
            build_kernel "$cfg"
            collect_kernel "$cfg"
        done
    fi
fi
# wait_kernel CFG: CFG is built (or failed), in the background or not
wait_kernel() {
    while [ -n "$bg_pid" ] && [ ! -f "$OUT/kernel-$1.status" ] && kill -0 "$bg_pid" 2>/dev/null; do
        sleep 5
    done
    collect_kernel "$1"
}
# wait_kernels: the background builds are done and reported
wait_kernels() {
    [ -n "$bg_pid" ] || return 0
    wait "$bg_pid"
    bg_pid=
    banner "kernels built in the background: ${rest[*]}"
    cat "$OUT/kernels-background.out"
    for cfg in "${rest[@]}"; do collect_kernel "$cfg"; done
}

# ---- 2. guest tests, one boot per configuration ----------------------------
# boot CFG: one VM boot running CFG's tests, results recorded
boot() {
    local cfg=$1 l name path tmo env d gpath total extra kb vmlog vm_timeout vrc lost missing w
    local smp st nm rest
    local -a tests splats
    [ -n "${cfg_tests[$cfg]:-}" ] || return 0
    mapfile -t tests < <(printf '%s' "${cfg_tests[$cfg]}")
    banner "VM KCONFIG=$cfg: ${#tests[@]} test(s)"
    if [ "${built[$cfg]}" != 1 ]; then
        for l in "${tests[@]}"; do record "${l%%$'\t'*}" FAIL "kernel build failed"; done
        return 0
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
    smp=${VM_SMP:-${cfg_smp[$cfg]:-4}}
    read -r kb vmlog < <(KCONFIG=$cfg bash -c '. "$1/harness/lib.sh"; echo "$KLP_KBUILD $KLP_VMLOG"' - "$KLP_TOP")
    {
        echo "KLP_KCONFIG=$cfg"
        echo "KLP_LINK_TEXT=$(awk '$3 == "_text" { print $1 }' "$kb/System.map")"
        echo "KLP_VM_SMP=$smp"
    } > "$extra/harness.env"

    vm_timeout=${CHECK_VM_TIMEOUT:-$((total + 180))}
    VM_SMP=$smp KCONFIG=$cfg KLP_CMD="bash /extra/guest-run.sh /extra/tests.list" VM_EXTRA="$extra" \
        VM_TIMEOUT=$vm_timeout "$KLP_TOP/harness/vm.sh"
    vrc=$?
    cp -f "$vmlog" "$OUT/vm-$cfg.log" 2>/dev/null

    # Last result line per test wins (the final block, if the run got there).
    local -A got=() why=()
    while read -r st nm rest; do
        got[$nm]=$st why[$nm]=$rest
    done < <(tr -d '\r' < "$vmlog" | grep -a -o -E 'KLP-TEST: (PASS|FAIL|SKIP) [^ ]+( \([^)]*\))?' |
             sed 's/^KLP-TEST: //')
    case $vrc in
        124) lost="no result: VM timed out" ;;
        125) lost="no result: guest kernel crashed" ;;
        *)   lost="no result (vm exit status $vrc)" ;;
    esac
    # A test that printed "FAIL: ..." fails, whatever its exit status.
    local -A failed=()
    while IFS=$'\t' read -r nm rest; do
        [ -n "${failed[$nm]:-}" ] || failed[$nm]=$rest
    done < <(klp_console_fails "$vmlog")
    missing=0
    for l in "${tests[@]}"; do
        name=${l%%$'\t'*}
        if [ "${got[$name]:-}" = PASS ] && [ -n "${failed[$name]:-}" ]; then
            record "$name" FAIL "exit status 0, but it printed: ${failed[$name]}"
        elif [ -n "${got[$name]:-}" ]; then
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
}

# ---- 3. host tests (every kernel built) ------------------------------------
# run_host_tests: every host test, recorded
run_host_tests() {
    local t name rc run log first
    export KLP_TOP KLP_BUILD TOOLCHAIN
    export KLP_CONFIGS="${configs[*]}"
    for t in "$HOST_TESTS"/*.sh; do
        [ -f "$t" ] || continue
        name="host:$(basename "${t%.sh}")"
        selected "$name" || continue
        banner "$name"
        if [ -x "$t" ]; then run=("$t"); else run=(bash "$t"); fi
        log=$OUT/${name/:/-}.log
        timeout "${HOST_TEST_TIMEOUT:-600}" "${run[@]}" < /dev/null 2>&1 | tee "$log"
        rc=${PIPESTATUS[0]}
        # the summary names the first failure the test printed
        first=$(grep -a -m 1 '^FAIL' "$log" | cut -c 1-160)
        case $rc in
            0)   record "$name" PASS ;;
            4)   record "$name" SKIP ;;
            124) record "$name" FAIL "timeout${first:+; $first}" ;;
            *)   record "$name" FAIL "exit status $rc${first:+; $first}" ;;
        esac
    done
}

boot "$first"
# The others boot as soon as their kernel is built, the next one still
# building in the background meanwhile.  The host tests run after the last
# boot: at nice 19 during the debug boot (tried), the klp-build host test,
# which builds modules and boots a VM of its own, ran past its 600 s.
for cfg in "${rest[@]}"; do
    wait_kernel "$cfg"
    boot "$cfg"
done
wait_kernels
run_host_tests

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
