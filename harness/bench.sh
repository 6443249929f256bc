#!/bin/bash
# `make bench`: measure the direct-branch backend against a direct call and
# against ftrace, side by side in one run; print a table, write
# build/bench.json (and the table to build/bench.txt).
#
#  1. build the default and the far kernel (incremental; NOBUILD=1 skips)
#  2. host: "klp-convert convert" time (best of 3) on a generated livepatch
#     module with 10,000 relocations against non-exported symbols, with the
#     symbol map of the full kernel (build/kbuild/klp.symbols)
#     (tools/testing/selftests/livepatch/wo_ftrace_bench/klpc/klpc-time.sh;
#     "n/a: tool not built" without build/kbuild/tools/klp-convert)
#     and scripts/livepatch/klp-build (of build/linux, O=build/kbuild) on a
#     one-file fix (klp_build/proc_string.patch), cold (its cached original,
#     build/kbuild/klp-orig/*/OBJ, removed first) and warm (right after);
#     the module goes to build/bench/klpb/
#     (tools/testing/selftests/livepatch/wo_ftrace_bench/klpb/klpb-time.sh),
#     and on header fixes reaching 35 and 384 objects (klpb/klpb-hdr.sh)
#  3. boot the default kernel under QEMU -icount shift=0 (virtual time:
#     1 ns per instruction; call costs are counted in instructions by the
#     PMU): call costs (unpatched, new, near B, ftrace redirect), empty
#     stop_machine floor, windows for F x T, memory
#  4. boot the far kernel (modules anywhere in 2 GB) the same way: the call
#     through a far veneer.  The module lands within 128 MB of the kernel
#     on some boots; then the far kernel is booted again (BENCH_FAR_BOOTS,
#     default 3, boots at most)
#  5. boot the default kernel again for part "latency": a 1 ms hrtimer on
#     every CPU measures its own lateness for 60 s with no patch pending,
#     then 60 s with a patch held pending by a kthread asleep in the patched
#     function (1,000 sleeping kthreads both times)
#  6. boot the default kernel with BENCH_OVF_MEM (default 4G) for part
#     "overflow": the stop_machine window of a switch with 30,000 sleeping
#     kthreads, without load and with 256 kthreads waking every jiffy (the
#     per-CPU log of tasks that ran overflows: every task is looked at)
#  7. bench-report.awk: table and JSON from the "KLPJB-..." lines
#
# Environment: NOBUILD=1, BENCH_SMOKE=1 (small sizes, for trying the
# harness), BENCH_FAR_BOOTS, VM_TIMEOUT (per boot, default 1200),
# BENCH_ONLY=klpc or klpb (that row of step 2 only, on the kernel already
# built: prints the row, exit status 0 when it is "ok"), BENCH_ONLY=latency
# or overflow (that guest part only, on the kernel already built: prints
# its rows, exit status 0 when all were produced), BENCH_ONLY=enable (the
# enable time only, on the default kernel already built: F=1 and F=1000
# with T=10,000 sleeping kthreads, BENCH_EN_REPS runs each, default 3;
# prints the rows and the medians of enable_ns, precheck_ns and window_ns,
# exit status 0 when all rows were produced), BENCH_OVF_MEM.
# Exit status: 0 when every row was produced (target misses are reported,
# not errors), 1 when a row is missing, 2 on a build or harness failure.
set -uo pipefail
KLP_TAG=bench
. "$(dirname "$0")/lib.sh"

BENCH_DIR=tools/testing/selftests/livepatch/wo_ftrace_bench
OUT=$KLP_BUILD/bench
SMOKE=${BENCH_SMOKE:-0}
FAR_BOOTS=${BENCH_FAR_BOOTS:-3}
ICOUNT="-icount shift=0,sleep=off"
rows=$OUT/rows.txt
mkdir -p "$OUT"
: > "$rows"
t_start=$(klp_now)

# ---- 1. kernels -------------------------------------------------------------
for cfg in default far; do
    [ -n "${NOBUILD:-}" ] || [ -n "${BENCH_ONLY:-}" ] && break
    klp_log "building kernel KCONFIG=$cfg (log: build/bench/kernel-$cfg.log)"
    if ! KCONFIG=$cfg "$KLP_TOP/harness/kernel.sh" > "$OUT/kernel-$cfg.log" 2>&1; then
        tail -n 30 "$OUT/kernel-$cfg.log" >&2
        klp_log "ERROR: kernel $cfg does not build"
        exit 2
    fi
done
version=$(make -s --no-print-directory -C "$KLP_SRC" kernelversion 2>/dev/null || echo unknown)

# ---- 2. klp-convert and klp-build (host) --------------------------------------
case ${BENCH_ONLY:-} in
    ''|klpc|klpb|latency|overflow|enable) ;;
    *) klp_log "BENCH_ONLY=$BENCH_ONLY: only 'klpc', 'klpb', 'latency', 'overflow' and 'enable' are known"; exit 2 ;;
esac
if [ "${BENCH_ONLY:-klpc}" = klpc ] && [ "${BENCH_ONLY:-}" != enable ]; then
    klp_log "klp-convert: generating 10,000 relocations (build/bench/klpc)"
    "$KLP_TOP/$BENCH_DIR/klpc/klpc-time.sh" "$KLP_KBUILD" "$OUT/klpc" | tee -a "$rows"
fi
if [ "${BENCH_ONLY:-klpb}" = klpb ] && [ "${BENCH_ONLY:-}" != enable ]; then
    klp_log "klp-build: a one-file fix, cold and warm (build/bench/klpb)"
    "$KLP_TOP/$BENCH_DIR/klpb/klpb-time.sh" "$KLP_KBUILD" "$KLP_SRC" "$OUT/klpb" | tee -a "$rows"
    klp_log "klp-build: header fixes reaching 35 and 384 objects, cold and warm (build/bench/klpb-hdr)"
    "$KLP_TOP/$BENCH_DIR/klpb/klpb-hdr.sh" "$KLP_KBUILD" "$KLP_SRC" "$OUT/klpb-hdr" | tee -a "$rows"
fi
if [ "${BENCH_ONLY:-}" = klpc ] || [ "${BENCH_ONLY:-}" = klpb ]; then
    grep -q "^KLPJB-ROW $BENCH_ONLY status=ok " "$rows"
    exit $?
fi

# ---- 3./4. guest runs ---------------------------------------------------------
# guest PART CONFIG [MEM]: one boot; writes its KLPJB lines to $OUT/PART.rows
guest() {
    local part=$1 cfg=$2 mem=${3:-${VM_MEM:-2G}} log vmlog env=
    log=$OUT/vm-$part.log
    vmlog=$(KCONFIG=$cfg bash -c '. "$1/harness/lib.sh"; echo "$KLP_VMLOG"' - "$KLP_TOP")
    [ "$SMOKE" = 1 ] && env="KLPJB_SMOKE=1 "
    [ -n "${BENCH_EN_REPS:-}" ] && env="${env}KLPJB_EN_REPS=$BENCH_EN_REPS "
    klp_log "booting the $cfg kernel under QEMU $ICOUNT for part '$part' (log: build/bench/vm-$part.log)"
    KCONFIG=$cfg VM_MEM=$mem VM_QEMU_ARGS="$ICOUNT" VM_TIMEOUT=${VM_TIMEOUT:-1200} \
        KLP_CMD="${env}KLPJB_CLOCK=icount bash /selftests/livepatch/wo_ftrace_bench/bench-guest.sh $part" \
        "$KLP_TOP/harness/vm.sh" > /dev/null
    local rc=$?
    cp -f "$vmlog" "$log" 2>/dev/null
    tr -d '\r' < "$log" | grep -a -E '^KLPJB-' > "$OUT/$part.rows"
    grep -a -E '^KLPJB-(ROW|MISSING|DONE)' "$OUT/$part.rows" | sed 's/^/  /' >&2
    klp_log "$part: guest exit status $rc"
    return "$rc"
}

if [ "${BENCH_ONLY:-}" = latency ] || [ "${BENCH_ONLY:-}" = overflow ]; then
    mem=
    [ "$BENCH_ONLY" = overflow ] && mem=${BENCH_OVF_MEM:-4G}
    guest "$BENCH_ONLY" default ${mem:+"$mem"}
    grep -q "^KLPJB-DONE part=$BENCH_ONLY .* missing=0" "$OUT/$BENCH_ONLY.rows"
    exit $?
fi

if [ "${BENCH_ONLY:-}" = enable ]; then
    guest enable default
    # median of the runs of each F, for each time
    awk '$1 == "KLPJB-ROW" && $2 == "enable" {
        f = ""
        for (i = 3; i <= NF; i++) {
            split($i, kv, "=")
            if (kv[1] == "F") f = kv[2]
            else if (kv[1] ~ /^(enable|precheck|window)_ns$/) v[f, kv[1], ++n[f, kv[1]]] = kv[2]
        }
        fs[f] = 1
    }
    function median(f, k,   m, i, j, t, a) {
        m = n[f, k]
        for (i = 1; i <= m; i++) a[i] = v[f, k, i]
        for (i = 2; i <= m; i++)
            for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
        return m ? a[int((m + 1) / 2)] : "n/a"
    }
    END {
        for (f in fs)
            printf "enable F=%s: median of %d: enable_ns=%s precheck_ns=%s window_ns=%s\n", f,
                n[f, "enable_ns"], median(f, "enable_ns"), median(f, "precheck_ns"), median(f, "window_ns")
    }' "$OUT/enable.rows" | sort -t= -k2 -n >&2
    grep -q "^KLPJB-DONE part=enable .* missing=0" "$OUT/enable.rows"
    exit $?
fi

guest default default
cat "$OUT/default.rows" >> "$rows"

for ((boot = 1; boot <= FAR_BOOTS; boot++)); do
    guest far far
    if grep -q '^KLPJB-ROW route part=far name=far .* veneer=1' "$OUT/far.rows"; then
        break
    fi
    klp_log "far: the patch module landed within reach of the kernel on boot $boot (no veneer)"
done
cat "$OUT/far.rows" >> "$rows"

# ---- 5./6. latency while pending, log overflow -------------------------------
guest latency default
cat "$OUT/latency.rows" >> "$rows"
guest overflow default "${BENCH_OVF_MEM:-4G}"
cat "$OUT/overflow.rows" >> "$rows"

# ---- 7. report ----------------------------------------------------------------
awk -f "$KLP_TOP/$BENCH_DIR/bench-report.awk" -v version="$version" \
    -v date="$(date +%F)" -v json="$KLP_BUILD/bench.json" "$rows" > "$KLP_BUILD/bench.txt"
complete=$?
echo
cat "$KLP_BUILD/bench.txt"
echo
klp_log "table: build/bench.txt, JSON: build/bench.json, raw rows: build/bench/rows.txt ($(( $(klp_now) - t_start ))s)"
[ "$complete" = 0 ] || { klp_log "some rows are missing"; exit 1; }
exit 0
