#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# /sys/kernel/livepatch/<patch>/blockers, the file klpctl reads to name the
# tasks that hold a transition back (kernel/livepatch/jump_blockers.c):
#  (a) a kthread sleeps in klpj_nest_inner under klpj_nest_outer, which
#      klpj_nest_patch replaces: while the enable is pending the file reads
#      "<pid> klpj_nest_outer old"; once the kthread leaves, the patch
#      completes and the file is empty;
#  (b) the kthread sleeps again, now in the new klpj_nest_outer: the
#      pending disable reads "<pid> klpj_nest_outer new"; a write of 1 to
#      "enabled" reverses it, the kthread leaves, the file is empty;
#  (c) more busy tasks than the file lists: 11 processes sleep in
#      klpj_sleeper, which klpj_patch1 replaces: 8 lines naming 8 of them,
#      then "+3 more".
# The file is mode 0444, exists on every patch that entered a transition,
# and is empty on a patch that is not in transition.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=klp-blockers
KLPJ_MOD_DIR=${KLPJ_MOD_DIR:-$(cd "$(dirname "$0")/../wo_ftrace" 2>/dev/null && pwd)}

# shellcheck source=../wo_ftrace/functions.sh
. "$(dirname "$0")/../wo_ftrace/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
[ -f "$MODS/klpj_nest.ko" ] || skip "klpj_nest.ko not found"
NEST=$DBGFS/klpj_nest
P=klpj_nest_patch
EXTRA_PATCHES="$P klpj_nest"
NSLEEP=11
SLEEPERS=()

release() {
	[ -e "$NEST/sleep" ] && echo 0 > "$NEST/sleep"
	[ -e "$TGT/sleep" ] && echo 0 > "$TGT/sleep"
	[ ${#SLEEPERS[@]} -eq 0 ] || wait "${SLEEPERS[@]}"
	SLEEPERS=()
}
trap 'release 2>/dev/null; cleanup' EXIT

# blockers PATCH: the file's content
blockers() { cat "$KLP_SYSFS/$1/blockers"; }
# blockers_are PATCH TEXT: the file reads TEXT exactly
blockers_are() { [ "$(blockers "$1")" = "$2" ]; }
show() { blockers "$1" | sed 's/^/  blockers: /'; }

section "(a) enable pending while a kthread sleeps under klpj_nest_outer"
check "insmod klpj_nest" insmod "$MODS/klpj_nest.ko"
check "echo 1 > klpj_nest/sleep" eval "echo 1 > '$NEST/sleep'"
pid=$(pid_of klpj_nest) || pid=none
check "insmod $P returns 0" insmod "$MODS/$P.ko"
check "$P: in transition" in_transition $P
check "$P/blockers is -r--r--r--" \
	eval "[ \"\$(stat -c %A '$KLP_SYSFS/$P/blockers')\" = -r--r--r-- ]"
check "$P/blockers reads '$pid klpj_nest_outer old'" \
	wait_for 10 blockers_are $P "$pid klpj_nest_outer old"
show $P
check "$P: still in transition" in_transition $P
check "echo 0 > klpj_nest/sleep: the kthread returns" \
	eval "echo 0 > '$NEST/sleep'"
check "$P: transition ends" wait_for 30 settled $P
check "$P/blockers is empty once complete" blockers_are $P ""

section "(b) disable pending while the kthread sleeps in the new function"
check "echo 1 > klpj_nest/sleep" eval "echo 1 > '$NEST/sleep'"
pid=$(pid_of klpj_nest) || pid=none
check "$P: echo 0 > enabled" eval "echo 0 > '$KLP_SYSFS/$P/enabled'"
check "$P/blockers reads '$pid klpj_nest_outer new'" \
	wait_for 10 blockers_are $P "$pid klpj_nest_outer new"
show $P
check "$P: reverse (echo 1 > enabled)" \
	eval "echo 1 > '$KLP_SYSFS/$P/enabled'"
check "echo 0 > klpj_nest/sleep: the kthread returns" \
	eval "echo 0 > '$NEST/sleep'"
check "$P: reversed transition ends" wait_for 30 settled $P
check "$P: enabled after the reverse" attr_is $P enabled 1
check "$P/blockers is empty once complete" blockers_are $P ""
check "$P: disable" disable_patch $P
check "rmmod $P" unload_mod $P
check "rmmod klpj_nest" unload_mod klpj_nest

section "(c) $NSLEEP tasks busy: 8 listed, then '+$((NSLEEP - 8)) more'"
check "insmod klpj_target" insmod "$MODS/klpj_target.ko"
for ((i = 0; i < NSLEEP; i++)); do
	(echo 2 > "$TGT/sleep") &
	SLEEPERS+=($!)
done
sleepers_in() { [ "$(cut -d' ' -f2 "$TGT/sleep")" = "$NSLEEP" ]; }
check "$NSLEEP processes sleep in klpj_sleeper" wait_for 30 sleepers_in
check "insmod klpj_patch1 returns 0" insmod "$MODS/klpj_patch1.ko"
check "klpj_patch1: in transition" in_transition klpj_patch1
more_listed() { blockers klpj_patch1 | grep -qx "+$((NSLEEP - 8)) more"; }
check "klpj_patch1/blockers ends with '+$((NSLEEP - 8)) more'" \
	wait_for 10 more_listed
show klpj_patch1
text=$(blockers klpj_patch1)
check "9 lines" eval "[ $(grep -c . <<< "$text") = 9 ]"
n=0
while read -r bpid func where; do
	[ "$func" = klpj_sleeper ] && [ "$where" = old ] &&
		[[ " ${SLEEPERS[*]} " == *" $bpid "* ]] && n=$((n + 1))
done <<< "$text"
check "8 lines '<pid of a sleeper> klpj_sleeper old'" eval "[ $n = 8 ]"
release
check "klpj_patch1: transition ends" wait_for 30 settled klpj_patch1
check "klpj_patch1/blockers is empty once complete" blockers_are klpj_patch1 ""
check "klpj_patch1: disable" disable_patch klpj_patch1
check "rmmod klpj_patch1" unload_mod klpj_patch1

MARK="klpj-mark-$NAME-$$-$START_MS"
check "dmesg: no Oops/WARNING/BUG, no sysfs duplicate" \
	eval '! klog_has "Oops|WARNING|BUG|duplicate filename"'

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
