#!/bin/bash
# Boot the built kernel in QEMU (TCG) with an initramfs that runs a command.
#
# Environment:
#   KLP_CMD or CMD  shell command(s) run by bash in / as root (required)
#   VM_EXTRA        files/directories copied to /extra in the guest
#   VM_ROOTFS_OVERLAY  directories copied over / of the initramfs, last (a
#                   stand-in for the disk: e.g. DIR/var/lib/livepatch/<release>/,
#                   a klpctl store that /init loads before CMD)
#   KCONFIG, TOOLCHAIN   which build (see lib.sh)
#   VM_TIMEOUT      overall limit in seconds (default 900)
#   VM_CRASH_GRACE  seconds to keep collecting console output after a crash
#                   signature before QEMU is killed (default 10)
#   VM_CPU VM_SMP VM_MEM VM_APPEND   QEMU -cpu/-smp/-m, extra kernel cmdline
#   VM_QEMU_ARGS    extra QEMU arguments, split at blanks (e.g. "-icount shift=0")
#   VM_CRASH_RE     extended regex of console lines that mean "kernel crashed"
#
# The console goes to stdout and to build/vm[-NAME].log.
# Exit status: CMD's status; 124 = timeout; 125 = kernel crash (panic, oops,
# BUG, ...) or guest died without finishing; 126 = harness error.
set -uo pipefail
KLP_TAG=vm
. "$(dirname "$0")/lib.sh"

die() { printf '%s\n' "[vm] ERROR: $*" >&2; exit 126; }

cmd_text=${KLP_CMD-${CMD-}}
[ -n "$cmd_text" ] || die "no command: use make vm CMD='...'"
VM_TIMEOUT=${VM_TIMEOUT:-900}
VM_CRASH_GRACE=${VM_CRASH_GRACE:-10}
# pauth-impdef: PAC with QEMU's cheap "implementation defined" algorithm
# instead of emulating QARMA5, which makes TCG several times slower.
VM_CPU=${VM_CPU:-max,pauth-impdef=on}
VM_SMP=${VM_SMP:-4}
VM_MEM=${VM_MEM:-1G}
# Crash signatures, only on kernel console lines (PRINTK_TIME "[ sec.usec] "
# prefix), so test output such as "ok: no Oops/BUG in dmesg" does not match.
# A panic also ends QEMU (panic=-1 -no-reboot) without the marker.
CRASH_RE=${VM_CRASH_RE:-'\[ *[0-9]+\.[0-9]+\] .*(Kernel panic|Oops|Internal error|BUG:|Unable to handle kernel|kernel BUG at)'}

image=$KLP_KBUILD/arch/arm64/boot/Image
[ -f "$image" ] || die "no kernel image ${image#"$KLP_TOP"/} (run: make kernel KCONFIG=$KCONFIG)"
command -v qemu-system-aarch64 >/dev/null || die "qemu-system-aarch64 not installed (make deps)"

mkdir -p "$KLP_BUILD"
nonce=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
cmdfile=$KLP_BUILD/vm-cmd$KLP_SUFFIX.sh
printf '%s\n' "$cmd_text" > "$cmdfile"
cpio=$KLP_BUILD/initramfs$KLP_SUFFIX.cpio
# No stale log may be read as this run's (harness/check.sh greps it).
rm -f "$KLP_VMLOG"
"$KLP_TOP/harness/mkinitramfs.sh" "$cpio" "$cmdfile" "$nonce" || die "initramfs build failed"

LOG=$KLP_VMLOG
append="console=ttyAMA0 panic=-1 oops=panic panic_on_warn=0 printk.devkmsg=on ${VM_APPEND:-}"
klp_qemu_cmd "$VM_CPU" "$VM_SMP" "$VM_MEM"
qemu=("${KLP_QEMU[@]}" -kernel "$image" -initrd "$cpio" -append "$append")
# shellcheck disable=SC2206 # split on purpose
[ -n "${VM_QEMU_ARGS:-}" ] && qemu+=($VM_QEMU_ARGS)

qpid= tpid=
kill_qemu() {
    [ -n "$qpid" ] || return 0
    kill -TERM "$qpid" 2>/dev/null || return 0
    local i
    for i in $(seq 20); do
        kill -0 "$qpid" 2>/dev/null || return 0
        sleep 0.25
    done
    kill -KILL "$qpid" 2>/dev/null
}
cleanup() {
    kill_qemu
    [ -n "$tpid" ] && kill "$tpid" 2>/dev/null
}
trap 'cleanup; exit 130' INT TERM HUP
trap cleanup EXIT

klp_log "booting ${image#"$KLP_TOP"/} (-smp $VM_SMP -m $VM_MEM -cpu $VM_CPU), timeout ${VM_TIMEOUT}s, log ${LOG#"$KLP_TOP"/}"
: > "$LOG"
"${qemu[@]}" < /dev/null > "$LOG" 2>&1 &
qpid=$!
tail -n +1 -f --pid="$qpid" "$LOG" &
tpid=$!

start=$SECONDS marker= marker_at= crash_at= timed_out=
find_marker() {
    local m
    m=$(grep -a -o -m1 -E "KLP-VM-EXIT:$nonce:[0-9]+" "$LOG") || return 1
    marker=${m##*:}
}
while kill -0 "$qpid" 2>/dev/null; do
    sleep 0.5
    now=$SECONDS
    if [ -z "$marker" ] && find_marker; then marker_at=$now; fi
    if [ -z "$crash_at" ] && grep -a -q -E "$CRASH_RE" "$LOG"; then
        crash_at=$now
        klp_log "kernel crash signature on the console; stopping in ${VM_CRASH_GRACE}s at the latest"
    fi
    if [ -n "$marker_at" ] && [ $((now - marker_at)) -ge 10 ]; then
        klp_log "guest did not power off after finishing; killing QEMU"
        break
    fi
    if [ -n "$crash_at" ] && [ $((now - crash_at)) -ge "$VM_CRASH_GRACE" ]; then
        break
    fi
    if [ $((now - start)) -ge "$VM_TIMEOUT" ]; then
        timed_out=1
        break
    fi
done
kill_qemu
wait "$qpid" 2>/dev/null
qrc=$?
qpid=
wait "$tpid" 2>/dev/null
tpid=
elapsed=$((SECONDS - start))

[ -n "$marker" ] || find_marker
crash_line=$(grep -a -n -m1 -E "$CRASH_RE" "$LOG" | cut -d: -f1)

show_excerpt() {
    local from=$(( $1 > 10 ? $1 - 10 : 1 ))
    {
        echo "----- ${LOG#"$KLP_TOP"/} from line $from -----"
        sed -n "${from},$(( $1 + 80 ))p" "$LOG" | tr -d '\r'
        echo "----- end of excerpt -----"
    } >&2
}

if [ -n "$crash_line" ]; then
    klp_log "FAILED: kernel crash in the guest after ${elapsed}s (panic/oops/BUG on the console):"
    show_excerpt "$crash_line"
    exit 125
fi
if [ -n "$timed_out" ]; then
    klp_log "FAILED: TIMEOUT - guest still running after ${VM_TIMEOUT}s (VM_TIMEOUT); QEMU killed. Last lines:"
    show_excerpt "$(( $(wc -l < "$LOG") - 30 ))"
    exit 124
fi
if [ -z "$marker" ]; then
    klp_log "FAILED: QEMU exited (status $qrc) after ${elapsed}s without the completion marker - guest died. Last lines:"
    show_excerpt "$(( $(wc -l < "$LOG") - 30 ))"
    exit 125
fi
nsplat=$(klp_console_splats "$LOG" | wc -l)
[ "$nsplat" -eq 0 ] ||
    klp_log "note: $nsplat report(s) of the kernel's checkers (WARNING, lockdep, UBSAN, ...) on the console (${LOG#"$KLP_TOP"/})"
klp_log "CMD exited with status $marker (${elapsed}s)"
exit "$marker"
