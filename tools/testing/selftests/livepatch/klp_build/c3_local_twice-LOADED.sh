#!/bin/bash
# c3_local_twice: arch/arm64/kernel/cpuinfo.c and fs/proc/consoles.c each
# call their own static c_next() (two symbols of one name in vmlinux,
# positions 1 and 2), each only when it is the address in its file's
# seq_operations: both files must show the call (41 + 1).
grep -q -x 'klpb-c3 cpuinfo c_next 42' /proc/cpuinfo &&
	grep -q -E ' klpb-c3 consoles c_next 42$' /proc/consoles
