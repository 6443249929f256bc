#!/bin/bash
# replace, module 1: /proc/cmdline ends with " klpb-replace-1" and
# /sys/kernel/cpu_byteorder reads "<order> klpb-replace-1".
grep -q ' klpb-replace-1$' /proc/cmdline &&
	grep -q -E '^[a-z]+ klpb-replace-1$' /sys/kernel/cpu_byteorder
