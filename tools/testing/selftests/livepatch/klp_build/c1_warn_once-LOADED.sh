#!/bin/bash
# c1_warn_once: the fix adds a pr_warn_once() before the existing one in
# __set_oom_adj(): the new one must print on the first write (a fresh
# flag), the old one must not print again (the running kernel's flag).
set -u
count() { dmesg | grep -c -- "$1"; }
new=$(count 'klpb: oom_adj written by')
old=$(count 'oom_adj is deprecated')
echo 0 > "/proc/$$/oom_adj"
new2=$(count 'klpb: oom_adj written by')
old2=$(count 'oom_adj is deprecated')
echo "new message: $new -> $new2, old message: $old -> $old2"
[ "$new2" -gt "$new" ] && [ "$old2" = "$old" ]
