#!/bin/bash
# shadow_fork: copy_creds() (fork path, kernel/cred.c) attaches a shadow
# variable to the new task holding the forking tgid; exit_creds() (when the
# task is released) frees it; proc_pid_status() (fs/proc/array.c) prints
#   KlpbForkShadow:<TAB><forking tgid> <number of live shadows>
# Checks: a task forked now carries the shadow, with its parent's pid;
# so does each of 4 long-lived tasks this shell forks (read from their own
# status, not from the count: a task that exited just before stays counted
# until its release, after an RCU grace period, so across the 4 forks the
# count can rise by fewer than 4); once the 4 exit and are reaped, the
# count comes back down to what it was (bounded poll).
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

# Counts read through shadow_line include its own short-lived tasks
# (the command substitution, cat, sed): compare counts read the same way.
sh=$(shadow_line)
base=${sh#* }
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
	sh=$(shadow_line)
	now=${sh#* }
	[ -n "$sh" ] && [ "$now" -le "$base" ] && break
	if [ "$SECONDS" -ge "$end" ]; then
		echo "live shadows still $now after ${WAIT}s (expected <= $base): not freed on exit"
		exit 1
	fi
	sleep 0.2
done
echo "after the tasks exited: live $now"
