#!/bin/bash
# static_local: get_next_ino() (fs/inode.c) gives every number from its
# static local counter shared_last_ino instead of per-CPU batches of 1024.
# The patched function must use the original's counter: that counter is at
# least 1024 after boot and above every number handed out so far, where a
# fresh copy would restart at 1.
#
# Pipe inodes take their numbers from get_next_ino().  With per-CPU batches
# (unpatched), pipes made on CPU 0, CPU 1, CPU 0 give a CPU 1 number outside
# the CPU 0 range; patched, the three numbers increase, close together.
set -u
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs"; exit 2; }
# pipe_ino CPU: inode number of a pipe created by a task pinned on CPU
pipe_ino() {
	taskset -c "$1" bash -c ': | readlink /proc/self/fd/0' |
		sed -n 's/^pipe:\[\([0-9][0-9]*\)\]$/\1/p'
}
for t in 1 2 3; do
	p1=$(pipe_ino 0) p2=$(pipe_ino 1) p3=$(pipe_ino 0)
	echo "try $t: cpu0 $p1, cpu1 $p2, cpu0 $p3"
	[ -n "$p1" ] && [ -n "$p2" ] && [ -n "$p3" ] || { echo "no pipe inode number"; exit 1; }
	[ "$p1" -lt "$p2" ] && [ "$p2" -lt "$p3" ] && [ $((p3 - p1)) -le 256 ] ||
		{ echo "numbers do not come from one shared counter"; exit 1; }
	[ "$p1" -gt 1024 ] || { echo "the shared counter restarted"; exit 1; }
done
