#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of the guest side of `make bench` (make check): run
# bench-guest.sh with small sizes (KLPJB_SMOKE=1) and check that every row
# was produced - not the numbers.  The part follows the kernel: "far" on a
# kernel that places modules anywhere in 2 GB (the far configuration),
# else "default".
#
#   default: 10 call rows (loop, unpatched, new, near, ftrace x 2 bodies),
#            1 route, 1 floor, 9 windows (F 1/100/1000 x T 10/20/40), 1 mem
#   far:     12 call rows (loop, unpatched, new, near, farnew, far x 2
#            bodies), 2 routes
#   latency: 2 latency rows (idle, pending), 5 s each
#   overflow: 2 overflow rows (without, with load), the second with the
#            log of tasks that ran overflowed (looked at every task)
#
# KLPJB_SMOKE_PART=latency or overflow (harness/vm-tests.list) runs that
# part instead of the kernel's.
# Every time, call count, size and distance must be a positive number.
# Exit status: 0 pass, 1 fail, 4 skip (not root, no livepatch).
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "SKIP: must run as root"; exit 4; }
[ -d /sys/kernel/livepatch ] || { echo "SKIP: no /sys/kernel/livepatch"; exit 4; }

part=default
dmesg | grep -q "2G module region forced" && part=far
grep -qs '^KLP_KCONFIG=far$' /extra/harness.env && part=far
case ${KLPJB_SMOKE_PART:-} in
latency|overflow) part=$KLPJB_SMOKE_PART ;;
'') ;;
*) echo "FAIL: KLPJB_SMOKE_PART=$KLPJB_SMOKE_PART: latency or overflow"; exit 1 ;;
esac
echo "TEST: bench smoke, part $part"

out=$(KLPJB_SMOKE=1 bash "$here/bench-guest.sh" "$part" 2>&1)
rc=$?
echo "$out"
count() { grep -c "^KLPJB-ROW $1 " <<< "$out"; }

fails=0
expect() {
	local n
	n=$(count "$1")
	if [ "$n" = "$2" ]; then
		echo "ok: $2 '$1' rows"
	else
		echo "FAIL: $n '$1' rows, $2 expected"
		fails=$((fails + 1))
	fi
}
case $part in
default)
	expect call 10
	expect route 1
	expect floor 1
	expect window 9
	expect mem 1
	;;
far)
	expect call 12
	expect route 2
	;;
latency)
	expect latency 2
	;;
overflow)
	expect overflow 2
	# with load, every task looked at: the log overflowed
	ovf=$(grep '^KLPJB-ROW overflow .* load=[1-9]' <<< "$out")
	tasks=${ovf##* tasks=} tasks=${tasks%% *}
	looked=${ovf##* looked=} looked=${looked%% *}
	if [ -n "$ovf" ] && [ "$looked" -ge "$tasks" ]; then
		echo "ok: with load, looked=$looked >= tasks=$tasks (log overflowed)"
	else
		echo "FAIL: with load, looked=$looked < tasks=$tasks: the log did not overflow"
		fails=$((fails + 1))
	fi
	# ... and the sleeping kthreads, unchanged since the pre-check walked
	# them, found among the tasks it saw and not walked again
	walked=${ovf##* walked=} walked=${walked%% *}
	sleepers=${ovf##* T=} sleepers=${sleepers%% *}
	if [ -n "$ovf" ] && [ "$walked" -le $((looked - sleepers)) ]; then
		echo "ok: with load, walked=$walked <= looked=$looked - T=$sleepers (unchanged tasks not walked again)"
	else
		echo "FAIL: with load, walked=$walked > looked=$looked - T=$sleepers: unchanged tasks walked again"
		fails=$((fails + 1))
	fi
	;;
esac
# a row with a time or a count missing was not really produced
bad=$(grep '^KLPJB-ROW ' <<< "$out" | tr ' ' '\n' |
	grep -E '^(calls|ns|window_ns|check_ns|write_ns|precheck_ns|enable_ns|median|site_bytes|target_bytes|distance|samples|max_ns)=' |
	grep -v -E '=[1-9][0-9]*$')
[ -z "$bad" ] || { echo "FAIL: empty or zero values: $bad"; fails=$((fails + 1)); }
grep -q "^KLPJB-DONE part=$part " <<< "$out" || { echo "FAIL: no KLPJB-DONE line"; fails=$((fails + 1)); }
[ "$rc" = 0 ] || { echo "FAIL: bench-guest.sh exit status $rc"; fails=$((fails + 1)); }
[ "$fails" = 0 ] || { echo "FAIL: bench smoke ($fails)"; exit 1; }
echo "PASS: bench smoke ($part)"
