#!/bin/bash
# xobj_global: kernel/ksysfs.c's fscaps_show() calls klpb_xobj_value(), a
# new global function defined by the same fix in kernel/sys.c (another
# object): 42 * 1000 + 7.
grep -q -E '^[01] klpb-xobj 42007$' /sys/kernel/fscaps
