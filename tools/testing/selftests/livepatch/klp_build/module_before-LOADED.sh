#!/bin/bash
# module_before: the fix changes dummy_alloc()'s message to
# "dummy_alloc: klpb patched dummy @ ...".  Wait (bounded) for the first
# dummy_alloc line logged after a mark and check which one it is.
set -u
WAIT=${KLPB_WAIT:-60}
grep -q '^livepatch_shadow_mod ' /proc/modules || { echo "livepatch_shadow_mod not loaded"; exit 1; }
mark="klpb module_before mark $$.$RANDOM$RANDOM"
echo "$mark" > /dev/kmsg
end=$((SECONDS + WAIT)) line=
while :; do
	line=$(dmesg | sed -n "/$mark/,\$p" | grep -m 1 'dummy_alloc: ')
	[ -n "$line" ] && break
	[ "$SECONDS" -ge "$end" ] && { echo "no dummy_alloc message within ${WAIT}s"; exit 1; }
	sleep 0.2
done
echo "$line"
[[ $line == *"dummy_alloc: klpb patched dummy @ "* ]]
