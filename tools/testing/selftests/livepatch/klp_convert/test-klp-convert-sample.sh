#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# samples/livepatch/livepatch-klp-convert.ko: /proc/cmdline shows the
# static tainted_mask (= /proc/sys/kernel/tainted) and the output of the
# static version_proc_show() (= /proc/version) while it is enabled, and
# the original command line afterwards.  Exit 0 pass, 1 fail, 4 skip.
set -u
KO=/lib/modules/$(uname -r)/kernel/samples/livepatch/livepatch-klp-convert.ko
LP=/sys/kernel/livepatch/livepatch_klp_convert
[ -f "$KO" ] || { echo "SKIP: $KO not installed"; exit 4; }
fail() { echo "FAIL: $*"; exit 1; }
wait_for() {
	local i
	for ((i = 0; i < 300; i++)); do "$@" && return 0; sleep 0.1; done
	return 1
}
orig=$(cat /proc/cmdline)
insmod "$KO" || fail "insmod $KO"
wait_for test "$(cat $LP/transition 2>/dev/null)" = 0 || fail "transition"
got=$(cat /proc/cmdline)
want="klp-convert sample: tainted=$(cat /proc/sys/kernel/tainted); $(cat /proc/version)"
echo "# cat /proc/cmdline"
echo "$got"
[ "$got" = "$want" ] || fail "expected '$want'"
echo 0 > $LP/enabled || fail "disable"
wait_for test ! -d $LP || fail "patch not freed"
rmmod livepatch_klp_convert || fail "rmmod"
[ "$(cat /proc/cmdline)" = "$orig" ] || fail "/proc/cmdline not restored"
echo "ok: sample patched /proc/cmdline with static symbols of vmlinux and restored it"
