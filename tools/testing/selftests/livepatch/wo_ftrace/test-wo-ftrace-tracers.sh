#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tracers that replace return addresses do not hide a task from the stack
# check.  klpj_nest_outer calls klpj_nest_inner, where a kthread sleeps;
# klpj_nest_patch replaces only klpj_nest_outer.  The one return address
# into klpj_nest_outer on the kthread's stack is the one that a tracer of
# klpj_nest_inner replaces with its trampoline:
#  (a) the function_graph tracer on klpj_nest_inner, on before the kthread
#      calls it: return_to_handler.  The filter is set_ftrace_filter, so
#      that only klpj_nest_inner is hooked: with set_graph_function the
#      tracer would also trace everything it calls, the scheduler included,
#      which under TCG once stalled the kthread's CPU for a minute inside
#      trace_graph_entry() before it reached klpj_nest_inner's body;
#  (b) a kretprobe on klpj_nest_inner (kprobe_events "r:"): the kretprobe
#      trampoline.
# For each, both directions:
#  - enable: insmod returns 0, the transition stays pending, the old code
#    stays in effect, dmesg names the kthread in 'klpj_nest_outer'; once
#    the kthread returns, the switch happens;
#  - disable: the kthread sleeps again, now inside the new klpj_nest_outer;
#    disabling stays pending and the patch module stays in use until the
#    kthread returns; then the patch goes and its module can be removed.
# A tracer that the kernel does not have is skipped, not failed.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-tracers

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
[ -f "$MODS/klpj_nest.ko" ] || skip "klpj_nest.ko not found"
TR=/sys/kernel/tracing
NEST=$DBGFS/klpj_nest
P=klpj_nest_patch
EXTRA_PATCHES="$P klpj_nest"
KPROBE=klpj_nest_ret

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
trap 'echo 0 > "$NEST/sleep" 2>/dev/null; tracers_off 2>/dev/null; cleanup' EXIT

if [ -d "$TR" ] && ! grep -q " $TR tracefs " /proc/mounts; then
	mount -t tracefs nodev "$TR" || echo "note: cannot mount tracefs"
fi

calls() { [ "$(cat "$NEST/call")" = "$1" ]; }

# busy_line PID: dmesg names the kthread inside klpj_nest_outer (the old
# function, or the new one for the disable direction)
busy_line() {
	wait_for 10 klog_has "klp-jump: pid $1 is in 'klpj_nest_outer'"
}

# both_ways WHAT: the enable and the disable of $P with the tracer WHAT on
both_ways() {
	local what=$1 pid

	section "($what) enable while the kthread sleeps under the tracer"
	check "echo 1 > sleep" eval "echo 1 > '$NEST/sleep'"
	pid=$(pid_of klpj_nest) || pid='[0-9]+'
	check "insmod $P returns 0" insmod "$MODS/$P.ko"
	check "$P: transition still 1 after 1.5 s" stays_pending 1500
	check "old klpj_nest_outer in effect while pending" calls 100
	check "dmesg: klp-jump: pid $pid is in 'klpj_nest_outer' (klpj_nest)" \
		busy_line "$pid"
	klog | grep "klp-jump:" | head -n 2 | sed 's/^/  dmesg: /'
	check "echo 0 > sleep: the kthread returns" eval "echo 0 > '$NEST/sleep'"
	check "$P: transition ends within 5 s" wait_for 5 settled $P
	check "new klpj_nest_outer in effect" calls 200

	section "($what) disable while the kthread sleeps in the new function"
	check "echo 1 > sleep" eval "echo 1 > '$NEST/sleep'"
	pid=$(pid_of klpj_nest) || pid='[0-9]+'
	check "$P: echo 0 > enabled" eval "echo 0 > '$KLP_SYSFS/$P/enabled'"
	check "$P: transition still 1 after 1.5 s" stays_pending 1500
	check "new klpj_nest_outer in effect while pending" calls 200
	check "rmmod $P refused while pending" eval "! rmmod $P 2>/dev/null"
	check "dmesg: klp-jump: pid $pid is in 'klpj_nest_outer' (klpj_nest)" \
		busy_line "$pid"
	check "echo 0 > sleep: the kthread returns" eval "echo 0 > '$NEST/sleep'"
	check "$P: patch gone within 5 s" wait_for 5 patch_gone $P
	check "old klpj_nest_outer in effect" calls 100
	check "$P: rmmod" unload_mod $P
}

check "insmod klpj_nest" insmod "$MODS/klpj_nest.ko"
check "klpj_nest_outer original" calls 100

ran=0
if [ -d "$TR" ] && grep -qw function_graph "$TR/available_tracers" 2>/dev/null; then
	tracers_off
	check "function_graph on klpj_nest_inner" eval \
		"echo klpj_nest_inner > '$TR/set_ftrace_filter' && echo function_graph > '$TR/current_tracer'"
	both_ways function_graph
	check "the graph tracer recorded klpj_nest_inner" \
		grep -q "klpj_nest_inner" "$TR/trace"
	tracers_off
	ran=$((ran + 1))
else
	echo "# (function_graph) skipped: no function_graph tracer"
fi

if [ -f "$TR/kprobe_events" ]; then
	tracers_off
	check "kretprobe on klpj_nest_inner" eval \
		"echo 'r:$KPROBE klpj_nest_inner' >> '$TR/kprobe_events' && echo 1 > '$TR/events/kprobes/$KPROBE/enable'"
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
