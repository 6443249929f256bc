#!/bin/bash
# c4_do_once: one legacy write to /proc/PID/oom_adj, so that the running
# kernel's "oom_adj is deprecated" pr_warn_once() has fired already.
set -u
echo 0 > "/proc/$$/oom_adj"
dmesg | grep -q 'oom_adj is deprecated'
