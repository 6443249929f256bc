#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reversing a pending transition writes no slot, so it waits for no task.
# klpj_nest_patch replaces klpj_nest_outer; a kthread sleeps in
# klpj_nest_inner, called from klpj_nest_outer (test-wo-ftrace-tracers.sh
# without a tracer):
#  (a) the patch is live and the kthread sleeps in the new klpj_nest_outer:
#      disabling stays pending; writing 1 to "enabled" again (the reverse)
#      must complete at once, the kthread still asleep, the new code still
#      in effect;
#  (b) the kthread sleeps in the old klpj_nest_outer: enabling stays
#      pending; writing 0 (the reverse) must complete at once, the patch
#      gone, the old code still in effect.
# In both, the reverse switch leaves every slot as it is, so it checks no
# code at all: klp_jump/last_ranges reads 0 after it.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-reverse

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
[ -f "$MODS/klpj_nest.ko" ] || skip "klpj_nest.ko not found"
NEST=$DBGFS/klpj_nest
P=klpj_nest_patch
EXTRA_PATCHES="$P klpj_nest"
trap 'st=$?; [ -e "$NEST/sleep" ] && echo 0 > "$NEST/sleep"; (exit $st); cleanup' EXIT

STATS=$DBGFS/klp_jump
# no_ranges: the last switch checked no code range
no_ranges() { [ "$(cat "$STATS/last_ranges")" = 0 ]; }
calls() { [ "$(cat "$NEST/call")" = "$1" ]; }
asleep() { [ "$(cat "$NEST/sleep")" = "1 1" ]; }

check "insmod klpj_nest" insmod "$MODS/klpj_nest.ko"
check "klpj_nest_outer original" calls 100

section "(a) reverse a pending disable: the kthread sleeps in the new function"
check "$P: loaded and switched" load_patch $P
check "new klpj_nest_outer in effect" calls 200
check "echo 1 > sleep" eval "echo 1 > '$NEST/sleep'"
check "$P: echo 0 > enabled" eval "echo 0 > '$KLP_SYSFS/$P/enabled'"
check "$P: transition still 1 after 1 s" stays_pending 1000
check "$P: echo 1 > enabled (reverse)" eval "echo 1 > '$KLP_SYSFS/$P/enabled'"
check "$P: transition ends within 5 s, the kthread asleep" wait_for 5 settled $P
check "the kthread still sleeps in klpj_nest_inner" asleep
check "$P: enabled reads 1" attr_is $P enabled 1
check "the reverse switch checked no code (last_ranges 0: $(cat "$STATS/last_ranges"))" no_ranges
check "new klpj_nest_outer in effect" calls 200
check "echo 0 > sleep: the kthread returns" eval "echo 0 > '$NEST/sleep'"
check "$P: disabled" disable_patch $P
check "old klpj_nest_outer in effect" calls 100
check "$P: rmmod" unload_mod $P

section "(b) reverse a pending enable: the kthread sleeps in the old function"
check "echo 1 > sleep" eval "echo 1 > '$NEST/sleep'"
check "insmod $P returns 0" insmod "$MODS/$P.ko"
check "$P: transition still 1 after 1 s" stays_pending 1000
check "$P: echo 0 > enabled (reverse)" eval "echo 0 > '$KLP_SYSFS/$P/enabled'"
check "$P: patch gone within 5 s, the kthread asleep" wait_for 5 patch_gone $P
check "the kthread still sleeps in klpj_nest_inner" asleep
check "old klpj_nest_outer in effect" calls 100
check "the reverse switch checked no code (last_ranges 0: $(cat "$STATS/last_ranges"))" no_ranges
check "$P: rmmod" unload_mod $P
check "echo 0 > sleep: the kthread returns" eval "echo 0 > '$NEST/sleep'"

check "rmmod klpj_nest" unload_mod klpj_nest
MARK="klpj-mark-$NAME-$$-$START_MS"
check "dmesg: no Oops/WARNING/BUG" eval '! klog_has "Oops|WARNING|BUG"'

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
