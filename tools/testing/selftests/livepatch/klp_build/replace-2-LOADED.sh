#!/bin/bash
# replace, module 2 (atomic replace of module 1): /proc/cmdline ends with
# " klpb-replace-2", and cpu_byteorder_show(), which only module 1 changed,
# is back to the original.
grep -q ' klpb-replace-2$' /proc/cmdline &&
	grep -q -E '^[a-z]+$' /sys/kernel/cpu_byteorder
