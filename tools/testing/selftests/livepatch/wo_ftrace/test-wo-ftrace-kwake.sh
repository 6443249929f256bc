#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kthreads that hold a transition back (kernel/livepatch/jump_signal.c):
#
# (a) a kthread asleep in klpj_kwake_wait(), which klpj_kwake_patch
#     replaces, that leaves the function whenever it is woken.  Nothing
#     wakes it but the backend: after about 15 s pending, the backend wakes
#     the busy kthreads; this one leaves, and the transition completes
#     without anyone else doing anything.
# (b) a kthread that sleeps again when woken (klpj_nest "sleep"): the
#     transition stays pending, and after the wake-up the retries back off
#     (200 ms doubling to 16 s, restarted by the next wake-up 15 s later):
#     over 30 s, far fewer stop_machine calls than the one a second of
#     the retries before the wake-up.  Once it is released, the pending
#     transition still completes (the next retry is at most 16 s away).
#
# Every bound is an upper bound on the kernel's own pace or a generous
# wait, so a slow kernel only makes it pass sooner or wait longer.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-kwake

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
for m in klpj_kwake klpj_kwake_patch klpj_nest klpj_nest_patch; do
	[ -f "$MODS/$m.ko" ] || skip "$m.ko not found"
done
KW=$DBGFS/klpj_kwake
NEST=$DBGFS/klpj_nest
COMMITS=$DBGFS/klp_jump/commits
[ -r "$COMMITS" ] || skip "no $COMMITS"
EXTRA_PATCHES="klpj_kwake_patch klpj_kwake klpj_nest_patch klpj_nest"
trap 'st=$?; [ -e "$KW/sleep" ] && echo 0 > "$KW/sleep"; [ -e "$NEST/sleep" ] && echo 0 > "$NEST/sleep"; (exit $st); cleanup' EXIT

kw_is() { [ "$(cat "$KW/sleep")" = "$1" ]; }
kw_calls() { [ "$(cat "$KW/call")" = "$1" ]; }
nest_is() { [ "$(cat "$NEST/sleep")" = "$1" ]; }
nest_calls() { [ "$(cat "$NEST/call")" = "$1" ]; }
commits() { cat "$COMMITS"; }

section "(a) a kthread that leaves klpj_kwake_wait when woken"
P=klpj_kwake_patch
check "insmod klpj_kwake" insmod "$MODS/klpj_kwake.ko"
check "klpj_kwake_wait original" kw_calls 100
check "echo 1 > sleep: the kthread waits in klpj_kwake_wait" eval "echo 1 > '$KW/sleep'"
check "the kthread is inside, not woken yet" kw_is "1 1 0"
check "insmod $P returns 0" insmod "$MODS/$P.ko"
check "$P: transition still 1 after 3 s" stays_pending 3000
check "the kthread is still inside, not woken" kw_is "1 1 0"
check "$P: transition ends within 120 s" wait_for 120 settled $P
check "dmesg: klp-jump: ... woke 1 kthreads" klog_has "klp-jump: .*woke 1 kthreads"
klog | grep "klp-jump: .*woke" | head -n 2 | sed 's/^/  dmesg: /'
check "the kthread left klpj_kwake_wait while held (woken by the backend)" kw_is "1 0 1"
check "new klpj_kwake_wait in effect" kw_calls 200
check "dmesg: no livepatch: line between start and end but the core's" eval \
	"! klog | grep 'livepatch:' | grep -qv -e 'enabling patch' -e 'starting patching' -e 'patching complete'"
check "echo 0 > sleep" eval "echo 0 > '$KW/sleep'"
check "$P: disabled" disable_patch $P
check "$P: rmmod" unload_mod $P
check "rmmod klpj_kwake" unload_mod klpj_kwake

section "(b) a kthread that sleeps again when woken: retries back off"
P=klpj_nest_patch
check "insmod klpj_nest" insmod "$MODS/klpj_nest.ko"
check "echo 1 > sleep: a kthread sleeps in klpj_nest_inner" eval "echo 1 > '$NEST/sleep'"
check "the kthread is inside" nest_is "1 1"
check "insmod $P returns 0" insmod "$MODS/$P.ko"
check "dmesg: the kthread is woken within 90 s" \
	wait_for 90 klog_has "klp-jump: .*woke 1 kthreads"
c0=$(commits)
ms_now
t0=$MS
nap 30
c1=$(commits)
ms_now
secs=$(((MS - t0 + 500) / 1000))
echo "  stop_machine calls of the backend in ${secs}s after the first wake-up: $((c1 - c0))"
# no back-off: one attempt a second (KLP_JUMP_RETRY_MAX), 30 in 30 s; with
# it: about 7 per 15 s
check "at most 20 stop_machine calls in those 30 s" [ $((c1 - c0)) -le 20 ]
check "$P: still pending" in_transition $P
check "old klpj_nest_outer in effect while pending" nest_calls 100
check "the kthread is still inside" nest_is "1 1"
check "echo 0 > sleep: the kthread leaves" eval "echo 0 > '$NEST/sleep'"
check "$P: transition ends within 60 s of that" wait_for 60 settled $P
check "new klpj_nest_outer in effect" nest_calls 200
check "$P: disabled" disable_patch $P
check "$P: rmmod" unload_mod $P
check "rmmod klpj_nest" unload_mod klpj_nest

MARK="klpj-mark-$NAME-$$-$START_MS"
check "dmesg: no Oops/WARNING/BUG" eval '! klog_has "Oops|WARNING|BUG"'

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
