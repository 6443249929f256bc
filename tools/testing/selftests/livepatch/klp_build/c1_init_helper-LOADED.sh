#!/bin/bash
# c1_init_helper: the fix drops __init from pid_entry_nlink() and calls it
# from proc_task_getattr(): the size of /proc/PID/task becomes 1000 plus
# the link count of a thread directory.  The module must carry its own
# copy of the helper (the running kernel's was freed after boot).
set -u
got=$(stat -c %s "/proc/$$/task")
links=$(stat -c %h "/proc/$$/task/$$")
echo "size of /proc/$$/task: $got, links of a thread directory: $links"
[ "$got" = $((1000 + links)) ]
