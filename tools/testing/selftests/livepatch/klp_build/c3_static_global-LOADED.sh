#!/bin/bash
# c3_static_global: fs/proc/consoles.c calls its static c_next() (adds 1),
# kernel/ksysfs.c a new global c_next() of the fix (adds 100): each call
# reaches its own function.
grep -q -E ' klpb-c3 static c_next 1$' /proc/consoles &&
	grep -q -E '^[01] klpb-c3 global c_next 100$' /sys/kernel/fscaps
