#!/bin/bash
# c2_sched_included: kernel/sched/loadavg.c has no object of its own
# (kernel/sched/build_utility.c includes it); the fix adds 42 to the
# 15-minute load average that get_avenrun() hands to /proc/loadavg.
set -u
awk '{ exit !($3 >= 42) }' /proc/loadavg
