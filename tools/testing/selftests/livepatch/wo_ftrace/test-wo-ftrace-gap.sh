#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The stack check inside stop_machine looks only at the tasks that ran
# since the pre-check, and that is enough.
#
# (a) With 300 extra processes asleep, a switch looks at fewer than a
#     quarter of all tasks inside stop_machine (debugfs klp_jump/
#     last_looked), and the pre-check found at least 300 clean (last_seen).
# (b) A kthread started after the pre-check, which sleeps in klpj_sleeper
#     before stop_machine, holds the switch: the test module klpj_gap
#     holds the switch between the two (a hook of the backend, which runs
#     only after a pre-check that found nobody busy), the kthread is
#     started and reaches klpj_sleeper meanwhile, then the switch goes on.
#     The transition stays pending and dmesg names the kthread.
# (c) The same with a process that existed during the pre-check, blocked in
#     read() on a FIFO, released into klpj_sleeper (echo 2 > sleep) during
#     the gap.
# In (b) and (c), the task must be in klpj_sleeper while the switch is
# held, and the hold ends only when the test ends it (60 s at most).
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-gap

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
KJ=$DBGFS/klp_jump
[ -d "$KJ" ] || skip "no $KJ"
[ -f "$MODS/klpj_gap.ko" ] || skip "klpj_gap.ko not found"

P=klpj_patch1
GAP=/sys/module/klpj_gap/parameters/gap_ms
IN_GAP=/sys/module/klpj_gap/parameters/in_gap
GAP_MS=60000
SLEEPERS=
FIFO=/tmp/$NAME.$$

gap_cleanup() {
	local rc=$?

	[ -w "$GAP" ] && echo 0 > "$GAP"
	rmmod klpj_gap 2>/dev/null
	# shellcheck disable=SC2086 # a list of pids
	[ -n "$SLEEPERS" ] && kill $SLEEPERS 2>/dev/null
	rm -f "$FIFO"
	(exit "$rc")
	cleanup
}
trap gap_cleanup EXIT

nr_tasks() { local t=(/proc/[0-9]*/task/[0-9]*); echo ${#t[@]}; }
stat_of() { cat "$KJ/$1"; }
in_sleeper() { local n; read -r _ n < "$TGT/sleep"; [ "$n" -ge 1 ]; }
held() { [ "$(cat "$IN_GAP")" = 1 ]; }

# insmod_in_gap WHAT: load $P, run WHAT while its switch is held
insmod_in_gap() {
	local pid rc

	echo "$GAP_MS" > "$GAP"
	insmod "$MODS/$P.ko" &
	pid=$!
	check "the switch is held after a pre-check that found nobody busy" \
		wait_for 30 held
	eval "$1"
	check "a task is in klpj_sleeper" wait_for 10 in_sleeper
	check "the switch is still held" held
	echo 0 > "$GAP"
	wait "$pid"
	rc=$?
	check "insmod $P returns 0" [ "$rc" = 0 ]
}

# pending_on PID_RE COMM_RE: the transition is pending and dmesg names the task
pending_on() {
	check "$P: transition pending" in_transition $P
	check "dmesg: klp-jump: pid $1 is in 'klpj_sleeper' ($2)" \
		wait_for 20 klog_has "klp-jump: pid $1 is in 'klpj_sleeper'"
}

finish() {
	check "echo 0 > sleep" eval "echo 0 > '$TGT/sleep'"
	check "$P: transition ends within 3 s" wait_for 3 settled $P
	check "$P: disable" disable_patch $P
	check "$P: rmmod" unload_mod $P
}

check "insmod klpj_target" insmod "$MODS/klpj_target.ko"
check "insmod klpj_gap (gap 0 until set)" insmod "$MODS/klpj_gap.ko"

echo "# (a) 300 extra sleepers"
for _ in $(seq 300); do
	sleep 1000 &
	SLEEPERS+=" $!"
done
sleep 1
check "$P: loads" load_patch $P
tasks=$(nr_tasks)
looked=$(stat_of last_looked)
seen=$(stat_of last_seen)
echo "  tasks $tasks, pre-check clean $seen, looked at $looked inside, walked $(stat_of last_walked)"
check "inside stop_machine: looked at $looked of $tasks tasks (< 1/4)" \
	[ $((looked * 4)) -lt "$tasks" ]
check "pre-check found >= 300 clean ($seen)" [ "$seen" -ge 300 ]
check "$P: disable" disable_patch $P
check "$P: rmmod" unload_mod $P
# shellcheck disable=SC2086 # a list of pids
kill $SLEEPERS
wait 2>/dev/null
SLEEPERS=

echo "# (b) a kthread enters klpj_sleeper between pre-check and stop_machine"
insmod_in_gap "echo 1 > '$TGT/sleep'"
pending_on '[0-9]+' klpj_sleep
finish

echo "# (c) a process that was pre-checked enters klpj_sleeper in the gap"
mkfifo "$FIFO"
(read -r _ < "$FIFO"; echo 2 > "$TGT/sleep") &
sub=$!
insmod_in_gap "echo go > '$FIFO'"
pending_on "$sub" '[^)]+'
finish
wait "$sub"

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
