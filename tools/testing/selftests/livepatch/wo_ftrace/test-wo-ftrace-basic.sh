#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The unmodified upstream sample, livepatch-sample.ko, on the direct-branch
# backend: enable -> /proc/cmdline patched -> disable -> original -> rmmod,
# with the sysfs attributes and the kernel messages of the ftrace backend.
#
# The sample is taken from /lib/modules/$(uname -r)/kernel/samples/livepatch/
# or from $SAMPLE_KO.  Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-basic

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

SAMPLE=/lib/modules/$(uname -r)/kernel/samples/livepatch/livepatch-sample.ko
[ -f "$SAMPLE" ] || SAMPLE=${SAMPLE_KO:-}
[ -n "$SAMPLE" ] && [ -f "$SAMPLE" ] ||
	skip "livepatch-sample.ko not installed and SAMPLE_KO not set"
P=livepatch_sample
EXTRA_PATCHES=$P
trap cleanup EXIT
mod_loaded $P && { bad "$P is already loaded"; exit 1; }

orig=$(cat /proc/cmdline)
echo "original /proc/cmdline: $orig"

check "insmod $(basename "$SAMPLE") returns 0" insmod "$SAMPLE"
check "$P: transition reads 0 within 30 s" wait_for 30 settled $P
check "$P: transition is 0" [ "$(patch_attr $P transition)" = 0 ]
check "$P: enabled is 1" [ "$(patch_attr $P enabled)" = 1 ]
now=$(cat /proc/cmdline)
check "/proc/cmdline is patched ('$now')" [ "$now" = "this has been live patched" ]

check "$P: disable" disable_patch $P
now=$(cat /proc/cmdline)
check "/proc/cmdline is original again ('$now')" [ "$now" = "$orig" ]
check "$P: sysfs directory gone (enabled, transition)" patch_gone $P
check "rmmod $P" unload_mod $P

for msg in "livepatch: enabling patch '$P'" \
	   "livepatch: '$P': initializing patching transition" \
	   "livepatch: '$P': starting patching transition" \
	   "livepatch: '$P': completing patching transition" \
	   "livepatch: '$P': patching complete" \
	   "livepatch: '$P': initializing unpatching transition" \
	   "livepatch: '$P': starting unpatching transition" \
	   "livepatch: '$P': completing unpatching transition" \
	   "livepatch: '$P': unpatching complete"; do
	case $msg in
	*initializing*|*completing*)
		# pr_debug: only there with dynamic debug enabled
		klog_has "$msg" && ok "dmesg: $msg" ;;
	*)
		check "dmesg: $msg" klog_has "$msg" ;;
	esac
done
check "dmesg: no klp-jump deferral" eval '! klog_has "klp-jump: .*deferred"'
check "dmesg: no Oops/WARNING/BUG" eval '! klog_has "Oops|WARNING|BUG"'

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
