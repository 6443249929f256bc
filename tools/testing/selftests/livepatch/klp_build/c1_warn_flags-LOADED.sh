#!/bin/bash
# c1_warn_flags: WARN_ON_ONCE() -> WARN_ON() in proc_dir_llseek() changes
# only the flags of its __bug_table entry; the function must be patched.
set -u
d=/sys/kernel/livepatch/c1_warn_flags/vmlinux/proc_dir_llseek,1
[ -d "$d" ] || { echo "no $d"; exit 1; }
