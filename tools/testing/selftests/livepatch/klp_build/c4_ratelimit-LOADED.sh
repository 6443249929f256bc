#!/bin/bash
# c4_ratelimit: the fix puts a pr_warn_ratelimited() before the existing
# one in kobject_synth_uevent() (a refused write to a uevent file).  The
# new one has a ratelimit state of its own and prints at once.  The old one
# must keep using the running kernel's state: a run of this script that
# finds the fix not live uses up that state's burst (30 refused writes in
# a row), so once the fix is live the writes it suppressed are reported,
# "kobject_synth_uevent: N callbacks suppressed", when its interval ends.
# A fresh copy of that state would print the old message instead and never
# report suppressed writes: one write a second stays below any burst.
set -u
uevent=/sys/class/mem/null/uevent
refused() { echo klpb_no_such_action > "$uevent" 2> /dev/null; }
count() { dmesg | grep -c -- "$1"; }
msg='klpb-rs: uevent write refused'
sup='kobject_synth_uevent: [0-9]* callbacks suppressed'
[ -w "$uevent" ] || { echo "$uevent not writable"; exit 1; }
new=$(count "$msg")
old=$(count "$sup")
refused
if [ "$(count "$msg")" = "$new" ]; then
	for _ in $(seq 30); do
		refused
	done
	echo "no '$msg' line: the fix is not live (old burst used up)"
	exit 1
fi
for _ in $(seq 90); do
	if [ "$(count "$sup")" -gt "$old" ]; then
		echo "new message printed; $(dmesg | grep -- "$sup" | tail -n 1)"
		exit 0
	fi
	sleep 1
	refused
done
echo "new message printed, but no suppressed writes of the old state reported"
exit 1
