#!/bin/bash
# Guest side of `make run`: the upstream livepatch sample on the ftrace-free
# backend, printed like a shell transcript ("# cmd" before each command).
# Then the same through klpctl (load, list, unload) when the image has it.
# Exit status 0 only if every step succeeded and /proc/cmdline changed and
# changed back as expected.
set -u
WAIT=${DEMO_WAIT:-30}                     # seconds per bounded wait
LP=/sys/kernel/livepatch/livepatch_sample
KO=/lib/modules/$(uname -r)/kernel/samples/livepatch/livepatch-sample.ko
PATCHED="this has been live patched"

fail() { echo "demo: FAIL: $*"; exit 1; }
# run CMDLINE: print it, run it, stop the demo if it fails
run() { echo "# $1"; eval "$1" || fail "'$1' exited with status $?"; }
# wait_until SECONDS DESCRIPTION TEST...: poll TEST every 0.1 s
wait_until() {
    local secs=$1 what=$2 i
    shift 2
    echo "# wait for: $what (at most ${secs}s)"
    for ((i = 0; i < secs * 10; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    fail "timed out after ${secs}s waiting for: $what"
}
transition_done() { [ "$(cat "$LP/transition" 2>/dev/null)" = 0 ]; }
patch_gone() { [ ! -e "$LP" ]; }

echo "# cat /proc/cmdline"
orig=$(cat /proc/cmdline) || fail "cannot read /proc/cmdline"
echo "$orig"
[ "$orig" != "$PATCHED" ] || fail "/proc/cmdline is already patched"

run "insmod $KO"
wait_until "$WAIT" "$LP/transition == 0" transition_done

echo "# cat /proc/cmdline"
now=$(cat /proc/cmdline)
echo "$now"
[ "$now" = "$PATCHED" ] || fail "expected '/proc/cmdline' to read '$PATCHED'"

run "echo 0 > $LP/enabled"
wait_until "$WAIT" "$LP to disappear" patch_gone

echo "# cat /proc/cmdline"
now=$(cat /proc/cmdline)
echo "$now"
[ "$now" = "$orig" ] || fail "expected the original /proc/cmdline back"

run "rmmod livepatch_sample"

# The same through klpctl (tools/livepatch), as an administrator does it:
# load (checks, insert, wait for the transition), list, unload (disable,
# wait, remove).  Skipped when the tree has no klpctl.
if command -v klpctl > /dev/null; then
    run "klpctl load $KO"
    echo "# cat /proc/cmdline"
    now=$(cat /proc/cmdline)
    echo "$now"
    [ "$now" = "$PATCHED" ] || fail "expected '/proc/cmdline' to read '$PATCHED'"
    run "klpctl list"
    run "klpctl unload livepatch_sample"
    echo "# cat /proc/cmdline"
    now=$(cat /proc/cmdline)
    echo "$now"
    [ "$now" = "$orig" ] || fail "expected the original /proc/cmdline back"
    [ ! -e "$LP" ] || fail "$LP still there after klpctl unload"
    grep -q '^livepatch_sample ' /proc/modules && fail "livepatch_sample still loaded"
else
    echo "# (no klpctl in this image: tools/livepatch not built)"
fi
echo "demo: PASS"
