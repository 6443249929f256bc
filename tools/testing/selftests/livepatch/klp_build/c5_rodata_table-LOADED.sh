#!/bin/bash
# c5_rodata_table: a changed entry of fs/proc/array.c's read-only string
# table task_state_array[] ("S (sleeping)"): klp-build carries the table as
# new data and patches proc_pid_status(), whose code did not change.  Some
# task (kthreadd, PID 1 waiting for its children) always sleeps.
cat /proc/[0-9]*/status 2>/dev/null | grep -qx 'State:	S (sleeping, klpb)'
