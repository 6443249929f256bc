#!/bin/bash
# c4_do_once: the fix puts a get_random_once() and a DO_ONCE() before the
# pr_warn_once() of __set_oom_adj().  Of two legacy writes, the first runs
# the DO_ONCE() helper, which finds the cookie get_random_once() filled
# just before: one "klpb-once" line saying "cookie set"; the second write
# runs neither.  The running kernel's pr_warn_once() flag (set by SETUP)
# stays set: no new "oom_adj is deprecated" line.
set -u
count() { dmesg | grep -c -- "$1"; }
msg='klpb-once: first oom_adj write after the fix'
new=$(count "$msg")
old=$(count 'oom_adj is deprecated')
echo 0 > "/proc/$$/oom_adj"
echo 0 > "/proc/$$/oom_adj"
new2=$(count "$msg")
set2=$(count "$msg, by .* (cookie set)")
old2=$(count 'oom_adj is deprecated')
echo "once message: $new -> $new2 ($set2 with the cookie set), old message: $old -> $old2"
[ "$new2" = $((new + 1)) ] && [ "$set2" -ge 1 ] && [ "$old2" = "$old" ]
