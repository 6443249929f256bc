#!/bin/bash
# c2_helpers: a fix that includes only <linux/livepatch_helpers.h> and
# reads obj->name in its post-patch callback (struct klp_object must be
# complete there, as with upstream's header).  fs/proc/uptime.c appends
# " klpb-c2" to /proc/uptime; the callback logged the object's name.
set -u
grep -q ' klpb-c2$' /proc/uptime || exit 1
dmesg | grep -q 'klpb-c2-helpers: post_patch vmlinux$'
