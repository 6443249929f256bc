#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reaching a new function that may be out of the +/-128 MiB reach of a B.
# klpj_vmlinux replaces cmdline_proc_show (vmlinux, starts with PACIASP)
# with a function in the module, wherever the module loader put it, and
# reports in /sys/kernel/debug/klpj_vmlinux/ the distance, the slot (the
# instruction after PACIASP, or after ftrace's patchable entry on a kernel
# with the function tracer) and what it branches to.
#  - far (distance >= 128 MiB): the slot must be a B to a veneer (not to
#    the new function), and the veneer must load the new function's
#    address and branch to it with BR x16, authenticating LR first when
#    LR is signed and it enters at the new PACIASP; prints
#    "far-route: tested";
#  - near: the slot must be "B new+4" (PACIASP on both sides), or "B new"
#    when ftrace's entry comes first (LR not signed yet); prints
#    "near-route: tested".  With KLPJ_REQUIRE_FAR=1, or on a kernel that
#    places modules anywhere in a 2 GB window (RANDOMIZE_MODULE_REGION_FULL,
#    the "far" test configuration), the test then exits 4 (skip) once
#    everything else has passed: there the module lands beyond 128 MB of
#    the kernel on about 15 boots out of 16, and the far route is the point.
# In both cases /proc/cmdline shows the new text, and after disabling, the
# slot holds its original instruction again (recorded by the module before
# the patch was enabled) and /proc/cmdline the original text.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-far

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
trap cleanup EXIT

P=klpj_vmlinux
VM=$DBGFS/klpj_vmlinux
AUTIASP=d50323bf
NOP=d503201f
BR_X16=d61f0200

is_b() { (( (0x$1 & 0xfc000000) == 0x14000000 )); }
# b_target PC WORD: where the B at PC goes
b_target() {
	local imm=$((0x$2 & 0x3ffffff))
	((imm & 0x2000000)) && imm=$((imm - 0x4000000))
	echo $(($1 + imm * 4))
}
hex() { printf '%x' "$1"; }

# veneer_ok NEW: the veneer that the slot's B reaches goes to NEW
veneer_ok() {
	local new=$1 line w lit i br=
	line=$(cat "$VM/veneer")
	echo "  veneer: $line"
	read -r -a w <<< "${line#*words=}"
	[ "${#w[@]}" = 8 ] || { echo "  cannot read the veneer"; return 1; }
	for i in 1 2 3; do [ "${w[$i]}" = "$BR_X16" ] && br=$i; done
	[ -n "$br" ] || { echo "  no BR x16 in the veneer"; return 1; }
	lit=$(((0x${w[5]} << 32) | 0x${w[4]}))
	echo "  veneer: first $(hex $((0x${w[0]}))), BR x16 at +$((br * 4)), literal $(hex $lit)"
	if [ "$lit" = "$new" ] && [ "$ftrace" = 1 ]; then
		# LR not signed at the slot: enters at the new BTI C as is
		[ "${w[0]}" = "$NOP" ] && return 0
		echo "  unexpected first veneer instruction ${w[0]}"
	elif [ "$lit" = "$new" ]; then
		# enters at the new PACIASP: LR must be authenticated first
		[ "${w[0]}" = "$AUTIASP" ] && return 0
		echo "  veneer enters at the new PACIASP without AUTIASP"
	elif [ "$lit" = $((new + 4)) ]; then
		# skips the new PACIASP: LR stays signed
		[ "${w[0]}" = "$NOP" ] || [ "${w[0]}" = "$AUTIASP" ] && return 0
		echo "  unexpected first veneer instruction ${w[0]}"
	else
		echo "  veneer goes to $(hex $lit), not to the new function $(hex $new)"
	fi
	return 1
}

orig_cmdline=$(cat /proc/cmdline)
check "insmod $P, transition done" load_patch $P
now=$(cat /proc/cmdline)
check "/proc/cmdline shows the new text ('$now')" [ "$now" = "klpj patched cmdline" ]

line=$(cat "$VM/distance")
echo "distance: $line"
old=$(($(field old "$line")))
new=$(($(field new "$line")))
dist=$(field distance "$line")
far=$(field far "$line")
slot=$(cat "$VM/slot")
slot_orig=$(cat "$VM/slot_orig")
line=$(cat "$VM/slot_off")
off=$(field off "$line")
ftrace=$(field ftrace "$line")
# the new function signs LR first, except behind ftrace's entry
expect=$((new + 4))
[ "$ftrace" = 1 ] && expect=$new
echo "slot at old+$off (ftrace entry: $ftrace): $slot_orig -> $slot"
d=$((new - old))
((d < 0)) && d=$((-d))
check "distance = |new - old|" [ "$d" = "$dist" ]
check "far = (distance >= 128 MiB)" [ "$far" = $((d >= (128 << 20))) ]
check "original slot recorded before enabling" [ "$slot_orig" != unknown ]
check "slot is a B" is_b "$slot"
dest=$(b_target $((old + off)) "$slot")
echo "slot branches to $(hex $dest); new function at $(hex $new)"

if [ "$far" = 1 ]; then
	echo "far case: the new function is $((d >> 20)) MiB away"
	check "far: the B does not go to new + 4 nor new" \
		[ "$dest" != $((new + 4)) -a "$dest" != "$new" ]
	check "far: the veneer leads to the new function" veneer_ok "$new"
	echo "far-route: tested"
else
	echo "near case: the new function is $((d >> 20)) MiB away"
	check "near: the slot is B $(hex $expect) (new + $((expect - new)))" \
		[ "$dest" = "$expect" ]
	echo "near-route: tested"
fi

check "$P: disable (echo 0 > enabled)" eval "echo 0 > '$KLP_SYSFS/$P/enabled'"
check "$P: unpatched and freed" wait_for 30 patch_gone $P
now=$(cat "$VM/slot")
check "slot restored to the original instruction ($now)" [ "$now" = "$slot_orig" ]
now=$(cat /proc/cmdline)
check "/proc/cmdline original again" [ "$now" = "$orig_cmdline" ]
check "rmmod $P" unload_mod $P
check "dmesg: no Oops/WARNING/BUG" eval '! klog_has "Oops|WARNING|BUG"'

[ "$FAILS" = 0 ] || { echo "FAIL: $NAME ($FAILS failed checks)"; exit 1; }
dmesg | grep -q "2G module region forced" && KLPJ_REQUIRE_FAR=1
if [ "$far" != 1 ] && [ "${KLPJ_REQUIRE_FAR:-0}" = 1 ]; then
	echo "SKIP: $NAME: the module landed near the kernel on this boot"
	exit 4
fi
echo "PASS: $NAME"
exit 0
