#!/bin/bash
# new_func: loadavg_proc_show() ends its line through a new function,
# klpb_loadavg_extra(), which exists only in the patch module.
set -u
grep -q ' klpb-new-func [0-9][0-9]*$' /proc/loadavg || exit 1
grep -q -E '[[:space:]]klpb_loadavg_extra(\.[a-z_]+\.[0-9]+)*[[:space:]]' /proc/kallsyms
