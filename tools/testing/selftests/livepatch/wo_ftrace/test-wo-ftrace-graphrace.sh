#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The pre-check walks stacks whose tasks may wake up, and whose graph
# return stacks may change, during the walk: a race must give "busy" or a
# later walk, never a warning from the unwinder (which, with panic_on_warn,
# would panic).  Run on the default kernel, the one with the function
# graph tracer, with kernel.panic_on_warn=1 for the test's duration:
#  - 16 kthreads (klpj_naps) nap for microseconds in klpj_nap(), over and
#    over, with function_graph hooked on klpj_nap;
#  - a kthread sleeps in klpj_nest_inner(), so that klpj_nest_patch's
#    transition stays pending and is retried; each retry pre-checks every
#    napper;
#  - 8 rounds: the transition stays pending 1.5 s, is reversed, the patch
#    module removed (the retries of a fresh transition come quickest:
#    after 50, 100, 200, 400 ms ...).
# Pass: still alive, no WARNING/Oops/BUG in the log, the tracer saw
# klpj_nap.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-graphrace

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
[ -f "$MODS/klpj_naps.ko" ] || skip "klpj_naps.ko not built"
TR=/sys/kernel/tracing
NEST=$DBGFS/klpj_nest
P=klpj_nest_patch
EXTRA_PATCHES="$P klpj_naps klpj_nest"
POW=/proc/sys/kernel/panic_on_warn
ROUNDS=${KLPJ_GRAPHRACE_ROUNDS:-8}

if [ -d "$TR" ] && ! grep -q " $TR tracefs " /proc/mounts; then
	mount -t tracefs nodev "$TR" 2>/dev/null
fi
grep -qw function_graph "$TR/available_tracers" 2>/dev/null ||
	skip "no function_graph tracer"
[ -w "$POW" ] || skip "no $POW"
OLD_POW=$(cat "$POW")

graphrace_cleanup() {
	local rc=$?

	echo "$OLD_POW" > "$POW"
	echo nop > "$TR/current_tracer"
	: > "$TR/set_ftrace_filter"
	[ -e "$NEST/sleep" ] && echo 0 > "$NEST/sleep"
	(exit "$rc")
	cleanup
}
trap graphrace_cleanup EXIT

section "setup"
check "insmod klpj_nest" insmod "$MODS/klpj_nest.ko"
check "a kthread sleeps in klpj_nest_inner" eval "echo 1 > '$NEST/sleep'"
check "insmod klpj_naps (16 napping kthreads)" insmod "$MODS/klpj_naps.ko"
check "function_graph on klpj_nap" eval \
	"echo klpj_nap > '$TR/set_ftrace_filter' && echo function_graph > '$TR/current_tracer'"
check "panic_on_warn=1" eval "echo 1 > '$POW'"

for r in $(seq 1 "$ROUNDS"); do
	section "round $r"
	check "$r: insmod $P returns 0" insmod "$MODS/$P.ko"
	check "$r: transition still 1 after 1.5 s" stays_pending 1500
	check "$r: reversed" eval "echo 0 > '$KLP_SYSFS/$P/enabled'"
	check "$r: patch gone within 10 s" wait_for 10 patch_gone $P
	check "$r: rmmod $P" unload_mod $P
done

naps=$(cat "$DBGFS/klpj_naps/naps")
echo "naps taken: $naps"
check "the graph tracer saw klpj_nap" grep -q klpj_nap "$TR/trace"
echo nop > "$TR/current_tracer"
echo "$OLD_POW" > "$POW"
check "rmmod klpj_naps" unload_mod klpj_naps
check "echo 0 > sleep" eval "echo 0 > '$NEST/sleep'"
check "rmmod klpj_nest" unload_mod klpj_nest
MARK="klpj-mark-$NAME-$$-$START_MS"
check "dmesg: no Oops/WARNING/BUG" eval '! klog_has "Oops|WARNING|BUG"'

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
