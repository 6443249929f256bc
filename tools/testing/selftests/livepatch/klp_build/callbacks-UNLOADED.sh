#!/bin/bash
# callbacks, after disable + rmmod: the header is back and the callbacks
# ran exactly in upstream's order: pre_patch, post_patch, pre_unpatch,
# post_unpatch (the last four lines).
set -u
head -n 1 /proc/devices | grep -q '^Character devices:$' || exit 1
seen=$(dmesg | sed -n 's/.*klpb-callbacks: \([a-z_]*\) vmlinux$/\1/p' | tail -n 4 | tr '\n' ' ')
echo "callbacks: $seen"
[ "$seen" = "pre_patch post_patch pre_unpatch post_unpatch " ]
