#!/bin/bash
# c1_warn_once: write /proc/PID/oom_adj once, so that the running kernel's
# "oom_adj is deprecated" pr_warn_once() has printed (its flag is set).
set -u
echo 0 > "/proc/$$/oom_adj"
dmesg | grep -q 'oom_adj is deprecated'
