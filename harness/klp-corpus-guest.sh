#!/bin/bash
# Guest side of harness/klp-corpus.sh: for every livepatch module in DIR,
# load it, wait for the switch, run a workload over mm, fs, pipes, timers
# and proc, disable it, wait, unload it.  One line per module:
#   corpus: MOD pass
#   corpus: MOD FAIL <what>
# A kernel warning or oops in the log while a module is in place fails it.
#
#   klp-corpus-guest.sh DIR
set -u
dir=${1:?usage: klp-corpus-guest.sh DIR}
LP=/sys/kernel/livepatch
BAD='WARNING:|BUG:|Oops|Call trace:|Unable to handle|UBSAN|KASAN'

# wait_zero FILE SECONDS: FILE reads 0 within SECONDS
wait_zero() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ "$(cat "$1" 2>/dev/null)" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# wait_gone DIR SECONDS: DIR (a disabled patch's sysfs) goes within SECONDS
wait_gone() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ -d "$1" ] || return 0
		sleep 0.1
	done
	return 1
}

workload() {
	local i
	for i in 1 2 3; do
		cat /proc/meminfo /proc/vmstat /proc/self/status /proc/self/maps \
			/proc/interrupts /proc/cmdline /proc/version > /dev/null 2>&1
		ls -laR /proc/sys /sys/kernel > /dev/null 2>&1
		dd if=/dev/zero of=/tmp/corpus.$i bs=64k count=64 2> /dev/null
		cat /tmp/corpus.$i | wc -c > /dev/null
		mkdir -p /tmp/corpus.d && touch /tmp/corpus.d/a && mv /tmp/corpus.d/a /tmp/corpus.d/b
		rm -rf /tmp/corpus.$i /tmp/corpus.d
		sleep 0.1
	done
}

mount -t debugfs none /sys/kernel/debug 2> /dev/null
for ko in "$dir"/*.ko; do
	mod=$(basename "$ko" .ko)
	name=${mod//-/_}
	dmesg -c > /dev/null
	why=
	if ! insmod "$ko"; then
		why="insmod failed"
	elif ! wait_zero "$LP/$name/transition" 60; then
		why="transition pending after 60 s"
	elif [ "$(cat "$LP/$name/enabled")" != 1 ]; then
		why="not enabled after the switch"
	fi
	[ -n "$why" ] || workload
	if [ -d "$LP/$name" ]; then
		wait_zero "$LP/$name/transition" 60
		echo 0 > "$LP/$name/enabled" 2> /dev/null
		wait_gone "$LP/$name" 60 || why=${why:-"disable pending after 60 s"}
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			rmmod "$name" 2> /dev/null && break
			sleep 0.5
		done
		[ -d "/sys/module/$name" ] && why=${why:-"rmmod failed"}
	fi
	bad=$(dmesg | grep -E -m1 "$BAD")
	[ -z "$bad" ] || why=${why:-"kernel: $bad"}
	if [ -n "$why" ]; then
		echo "corpus: $mod FAIL $why"
	else
		echo "corpus: $mod pass"
	fi
done
