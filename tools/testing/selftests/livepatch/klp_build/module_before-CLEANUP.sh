#!/bin/bash
# module_before: remove the target module again (retried while busy).
for i in $(seq 100); do
	grep -q '^livepatch_shadow_mod ' /proc/modules || exit 0
	rmmod livepatch_shadow_mod 2>/dev/null && exit 0
	sleep 0.1
done
rmmod livepatch_shadow_mod
