#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The switch guarantee where the checking context itself is involved.
#
# (a) A function on the stack of the context that retries a pending switch
#     can be patched.  klpj_pow patches process_scheduled_works() (which
#     runs process_one_work(), often inlined into it), on the stack of
#     every kworker running a work item, with a trampoline that runs the
#     old function unchanged, and klpj_sleeper.  A kthread in klpj_sleeper
#     holds the first attempt back; once it leaves, a retry must switch
#     the patch within 10 s.  Retries made from a work item would find
#     their own kworker in process_scheduled_works forever.  Then work
#     items run through the new function, and the patch is disabled and
#     removed.  Only this part is skipped when the entry of
#     process_scheduled_works does not suit the trampoline (no ftrace
#     entry and no BTI before its PACIASP: the slot is not the PACIASP).
# (b) A task inside a new function holds a disabling switch back, and the
#     diagnostic line says so:
#       klp-jump: pid <n> is in 'klpj_sleeper' (new, in klpj_nb_sleeper)
#       (frame #<k> at +<off>), switch deferred
#     and no klp-jump: line names the task: its name, test_klp-hold, would
#     put the line into upstream selftests' dmesg comparison.  Dynamic
#     debug is on for kernel/livepatch/* as upstream's selftests set it,
#     so the debug lines of the task's stack are checked too.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-guard

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
[ -f "$MODS/klpj_pow.ko" ] || skip "klpj_pow.ko not built"
EXTRA_PATCHES="klpj_pow klpj_newbusy"
# A task held in klpj_nb_sleeper must be let go before the cleanup.
# shellcheck disable=SC2317 # called by the EXIT trap
guard_cleanup() {
	local rc=$?
	[ -e /sys/module/klpj_newbusy/parameters/hold ] &&
		echo 0 > /sys/module/klpj_newbusy/parameters/hold
	[ -n "${DDEBUG_ON:-}" ] && echo "file kernel/livepatch/* -p" > "$DDEBUG"
	(exit "$rc")
	cleanup
}
trap guard_cleanup EXIT

param() { cat "/sys/module/$1/parameters/$2" 2>/dev/null; }

check "insmod klpj_target" insmod "$MODS/klpj_target.ko"

section "(a) a patch of process_scheduled_works switches on a retry"
P=klpj_pow
check "echo 1 > sleep: a kthread in klpj_sleeper" eval "echo 1 > '$TGT/sleep'"
if ! insmod "$MODS/$P.ko"; then
	if klog_has "klpj_pow: entry of process_scheduled_works not supported"; then
		echo "skip: (a): process_scheduled_works' entry does not suit the trampoline"
	else
		klog | sed 's/^/  dmesg: /'
		bad "insmod $P"
	fi
	check "echo 0 > sleep" eval "echo 0 > '$TGT/sleep'"
else
	ok "insmod $P returns 0"
	check "$P: transition 1 while the kthread is in klpj_sleeper" \
		in_transition $P
	t0=$(now_ms)
	check "echo 0 > sleep: the kthread leaves" eval "echo 0 > '$TGT/sleep'"
	check "$P: transition reaches 0 within 10 s" wait_for 10 settled $P
	echo "  transition ended $(($(now_ms) - t0)) ms after echo 0 > sleep"
	klog | grep "klp-jump:" | head -n 3 | sed 's/^/  dmesg: /'
	check "dmesg: livepatch: '$P': patching complete" \
		klog_has "livepatch: '$P': patching complete"
	c0=$(param $P calls)
	check "work items run through the new process_scheduled_works" \
		wait_for 5 eval '[ "$(param $P calls)" -gt "${c0:-0}" ]'
	echo "  new process_scheduled_works: $(param $P calls) calls"
	check "$P: disable" disable_patch $P
	check "$P: rmmod" unload_mod $P
fi

section "(b) a task in a new function holds the switch back"
P=klpj_newbusy
check "insmod $P hold=1, patching completes" \
	eval 'insmod "$MODS/$P.ko" hold=1 && wait_for 30 settled $P'
# The holder names itself like upstream's test-syscall program: upstream's
# selftests compare every dmesg line with "test_klp" or "livepatch:" in it
# exactly, so no klp-jump: line may carry a task's name.
# Upstream's set_dynamic_debug (functions.sh), which their tests run
# before a transition: it turns off only upstream's own per-task line.
DDEBUG=/sys/kernel/debug/dynamic_debug/control
check "dynamic debug on for kernel/livepatch/*, as upstream's selftests set it" \
	eval 'printf "%s\n" "file kernel/livepatch/* +p" \
		"func klp_try_switch_task -p" > "$DDEBUG"'
DDEBUG_ON=1
( printf test_klp-hold > /proc/self/comm && echo 2 > "$TGT/sleep" ) &
pid=$!
check "the writer of 2 to sleep is in klpj_nb_sleeper" \
	wait_for 5 eval '[ "$(param $P inside)" = 1 ]'
check "$P: echo 0 > enabled" eval "echo 0 > '$KLP_SYSFS/$P/enabled'"
check "$P: transition still 1 after 2 s" eval 'sleep 2; in_transition $P'
check "dmesg: klp-jump: pid $pid is in 'klpj_sleeper' (new, in klpj_nb_sleeper)" \
	wait_for 5 klog_has "klp-jump: pid $pid is in 'klpj_sleeper' \\(new, in klpj_nb_sleeper\\) \\(frame #[0-9]+ at \\+(0x[0-9a-f]+|0)\\), switch deferred"
check "dmesg: the debug lines of pid $pid's stack follow" \
	klog_has "klp-jump: +pid $pid #0 "
check "dmesg: no klp-jump: line has 'test_klp' or 'livepatch:' (holder: test_klp-hold)" \
	eval '! klog | grep "klp-jump:" | grep -q -e test_klp -e "livepatch:"'
echo "file kernel/livepatch/* -p" > "$DDEBUG"
DDEBUG_ON=
klog | grep "klp-jump:" | head -n 3 | sed 's/^/  dmesg: /'
check "echo 0 > hold" eval "echo 0 > /sys/module/$P/parameters/hold"
check "$P: unpatching completes within 5 s" wait_for 5 patch_gone $P
wait "$pid"
check "echo 0 > sleep" eval "echo 0 > '$TGT/sleep'"
check "$P: rmmod" unload_mod $P

check "rmmod klpj_target" unload_mod klpj_target
MARK="klpj-mark-$NAME-$$-$START_MS"
check "dmesg: no Oops/WARNING/BUG" eval '! klog_has "Oops|WARNING|BUG"'

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
