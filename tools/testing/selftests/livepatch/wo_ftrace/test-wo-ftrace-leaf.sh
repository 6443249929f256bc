#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A return address that lives only in a register does not hide a task from
# the stack check.  klpj_nest_outer calls klpj_nest_leaf, a leaf function
# (no frame record), in which a kthread spins; klpj_nest_patch replaces
# only klpj_nest_outer.  A spinning task is preempted by the stopper
# threads of stop_machine, so its innermost frame is an exception frame
# (pt_regs) whose x30 is the only return address into klpj_nest_outer.
# A tracer of klpj_nest_leaf replaces that x30 with its trampoline:
#  (a) the function_graph tracer on klpj_nest_leaf (set_ftrace_filter, as
#      in test-wo-ftrace-tracers.sh): x30 is return_to_handler;
#  (b) a kretprobe on klpj_nest_leaf: x30 is the kretprobe trampoline.
# For each, both directions, as test-wo-ftrace-tracers.sh does for a
# sleeping task (saved frames):
#  - enable: the transition stays pending while the kthread spins, the old
#    code stays in effect; once the kthread returns, the switch happens;
#  - disable: the kthread spins again, now under the new klpj_nest_outer;
#    disabling stays pending until it returns.
# A tracer that the kernel does not have is skipped, not failed.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-leaf

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
[ -f "$MODS/klpj_nest.ko" ] || skip "klpj_nest.ko not found"
TR=/sys/kernel/tracing
NEST=$DBGFS/klpj_nest
P=klpj_nest_patch
EXTRA_PATCHES="$P klpj_nest"
KPROBE=klpj_leaf_ret

tracers_off() {
	[ -d "$TR" ] || return 0
	echo nop > "$TR/current_tracer"
	: > "$TR/set_ftrace_filter"
	if [ -d "$TR/events/kprobes/$KPROBE" ]; then
		echo 0 > "$TR/events/kprobes/$KPROBE/enable"
		echo "-:$KPROBE" >> "$TR/kprobe_events"
	fi
	: > "$TR/trace"
}
trap 'st=$?; [ -e "$NEST/spin" ] && echo 0 > "$NEST/spin"; tracers_off 2>/dev/null; (exit $st); cleanup' EXIT

if [ -d "$TR" ] && ! grep -q " $TR tracefs " /proc/mounts; then
	mount -t tracefs nodev "$TR" || echo "note: cannot mount tracefs"
fi

calls() { [ "$(cat "$NEST/call")" = "$1" ]; }
spinning() { [ "$(cat "$NEST/spin")" = "1 1" ]; }

# both_ways WHAT: the enable and the disable of $P with the tracer WHAT on
both_ways() {
	local what=$1

	section "($what) enable while the kthread spins in the traced leaf"
	check "echo 1 > spin" eval "echo 1 > '$NEST/spin'"
	check "the kthread spins in klpj_nest_leaf" spinning
	check "insmod $P returns 0" insmod "$MODS/$P.ko"
	check "$P: transition still 1 after 1.5 s" stays_pending 1500
	check "old klpj_nest_outer in effect while pending" calls 100
	check "echo 0 > spin: the kthread returns" eval "echo 0 > '$NEST/spin'"
	check "$P: transition ends within 10 s" wait_for 10 settled $P
	check "new klpj_nest_outer in effect" calls 200

	section "($what) disable while the kthread spins under the new function"
	check "echo 1 > spin" eval "echo 1 > '$NEST/spin'"
	check "the kthread spins in klpj_nest_leaf" spinning
	check "$P: echo 0 > enabled" eval "echo 0 > '$KLP_SYSFS/$P/enabled'"
	check "$P: transition still 1 after 1.5 s" stays_pending 1500
	check "new klpj_nest_outer in effect while pending" calls 200
	check "rmmod $P refused while pending" eval "! rmmod $P 2>/dev/null"
	check "echo 0 > spin: the kthread returns" eval "echo 0 > '$NEST/spin'"
	check "$P: patch gone within 10 s" wait_for 10 patch_gone $P
	check "old klpj_nest_outer in effect" calls 100
	check "$P: rmmod" unload_mod $P
}

check "insmod klpj_nest" insmod "$MODS/klpj_nest.ko"
check "klpj_nest_outer original" calls 100

ran=0
if [ -d "$TR" ] && grep -qw function_graph "$TR/available_tracers" 2>/dev/null; then
	tracers_off
	check "function_graph on klpj_nest_leaf" eval \
		"echo klpj_nest_leaf > '$TR/set_ftrace_filter' && echo function_graph > '$TR/current_tracer'"
	both_ways function_graph
	check "the graph tracer recorded klpj_nest_leaf" \
		grep -q "klpj_nest_leaf" "$TR/trace"
	tracers_off
	ran=$((ran + 1))
else
	echo "# (function_graph) skipped: no function_graph tracer"
fi

if [ -f "$TR/kprobe_events" ]; then
	tracers_off
	check "kretprobe on klpj_nest_leaf" eval \
		"echo 'r:$KPROBE klpj_nest_leaf' >> '$TR/kprobe_events' && echo 1 > '$TR/events/kprobes/$KPROBE/enable'"
	both_ways kretprobe
	check "the kretprobe fired" grep -q "$KPROBE:" "$TR/trace"
	tracers_off
	ran=$((ran + 1))
else
	echo "# (kretprobe) skipped: no kprobe events"
fi

check "rmmod klpj_nest" unload_mod klpj_nest
MARK="klpj-mark-$NAME-$$-$START_MS"
check "dmesg: no Oops/WARNING/BUG" eval '! klog_has "Oops|WARNING|BUG"'

[ "$ran" -gt 0 ] || skip "neither function_graph nor kprobe events"
[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
