#!/bin/bash
# shadow_fork: copy_creds() (fork path, kernel/cred.c) attaches a shadow
# variable to the new task holding the forking tgid; exit_creds() (when the
# task is released) frees it; proc_pid_status() (fs/proc/array.c) prints
#   KlpbForkShadow:<TAB><forking tgid> <number of live shadows>
# Checks: a task forked now carries the shadow, with its parent's pid;
# so does each of 4 long-lived tasks this shell forks (read from their own
# status, not from the count: a task that exited just before stays counted
# until its release, after an RCU grace period, so across the 4 forks the
# count can rise by fewer than 4); once the 4 exit and are reaped, their
# shadows are freed (bounded poll).  Other tasks fork too (a slow guest
# adds kworkers that stay): the count is compared with the tasks that show
# a shadow, so that only shadows of no living task are looked at.
set -u
WAIT=${KLPB_WAIT:-60}

# status_of_new_task: /proc/self/status of a freshly forked cat
shadow_line() { cat /proc/self/status | sed -n 's/^KlpbForkShadow:\t//p'; }
st=$(cat /proc/self/status)
sh=$(sed -n 's/^KlpbForkShadow:\t//p' <<< "$st")
ppid=$(sed -n 's/^PPid:\t//p' <<< "$st")
[ -n "$sh" ] || { echo "no KlpbForkShadow line in /proc/self/status"; exit 1; }
parent=${sh% *} base=${sh#* }
echo "shadow: parent $parent (PPid $ppid), live $base"
[ "$parent" = "$ppid" ] || { echo "shadow holds $parent, expected the parent $ppid"; exit 1; }

# orphans: live shadows minus living tasks showing one.  Both include the
# short-lived tasks reading them and tasks exited but not yet released (an
# RCU grace period later): compare values read the same way, the least of
# a few as the base.
orphans() {
	local c a
	c=$(shadow_line)
	a=$(cat /proc/[0-9]*/task/[0-9]*/status 2>/dev/null | grep -c '^KlpbForkShadow:')
	echo $((${c#* } - a))
}
base=$(orphans)
for i in 1 2 3 4; do
	sleep 0.2
	now=$(orphans)
	[ "$now" -lt "$base" ] && base=$now
done
pids=()
for i in 1 2 3 4; do sleep 100000 & pids+=($!); done
bad=0
for p in "${pids[@]}"; do
	sh=$(sed -n 's/^KlpbForkShadow:\t//p' "/proc/$p/status")
	echo "task $p: KlpbForkShadow $sh"
	[ "${sh% *}" = "$$" ] || { echo "task $p: no shadow holding this shell's pid $$"; bad=1; }
done
kill "${pids[@]}"
[ "$bad" = 0 ] || { wait; exit 1; }
wait 2>/dev/null
end=$((SECONDS + WAIT))
while :; do
	now=$(orphans)
	[ "$now" -le "$base" ] && break
	if [ "$SECONDS" -ge "$end" ]; then
		echo "shadows of no living task still $now after ${WAIT}s (expected <= $base): not freed on exit"
		exit 1
	fi
	sleep 0.2
done
echo "after the tasks exited: shadows of no living task $now (base $base)"
