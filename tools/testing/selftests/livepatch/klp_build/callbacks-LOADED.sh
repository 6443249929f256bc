#!/bin/bash
# callbacks: fs/proc/devices.c's fix renames the first header of
# /proc/devices and registers the four callbacks, which log
# "klpb-callbacks: KIND vmlinux".  While the patch is on, the last two of
# them must be pre_patch then post_patch.
set -u
head -n 1 /proc/devices | grep -q '^Character devices (klpb):$' || exit 1
seen=$(dmesg | sed -n 's/.*klpb-callbacks: \([a-z_]*\) vmlinux$/\1/p' | tail -n 2 | tr '\n' ' ')
echo "callbacks: $seen"
[ "$seen" = "pre_patch post_patch " ]
