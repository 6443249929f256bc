#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A switch writes every slot of its patch or none.  fail_function makes
# klp_arch_write_site() fail from the third slot of a batch on, inside
# stop_machine, after two slots of klpj_patch1's six were written:
#  - the attempt fails and puts the two slots back: while the transition
#    stays pending (every later attempt fails at its first slot), every
#    entry of klpj_target holds its original instructions, and the
#    functions return their original values;
#  - once the fault is removed, a later attempt switches the whole patch;
#  - disable and unload leave the original entries.
# Needs CONFIG_FAIL_FUNCTION (the debug kernel).
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-pokefail

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
FF=$DBGFS/fail_function
[ -d "$FF" ] || skip "no $FF (CONFIG_FAIL_FUNCTION)"
grep -qx 'klp_arch_write_site' "$FF/injectable" 2>/dev/null ||
	grep -q '^klp_arch_write_site' "$FF/injectable" ||
	skip "klp_arch_write_site is not injectable"
P=klpj_patch1

fault_off() {
	echo > "$FF/inject" 2>/dev/null
	echo 0 > "$FF/probability" 2>/dev/null
}
on_exit() {
	fault_off
	cleanup
}
trap on_exit EXIT

declare -A ORIG CUR
read_entry() {
	local -n arr=$1
	local name hex
	while read -r name hex; do arr[$name]=$hex; done < "$TGT/entry"
}
# same_as_orig: every entry of klpj_target as before the patch
same_as_orig() {
	local f r=0
	CUR=()
	read_entry CUR
	for f in "${!ORIG[@]}"; do
		[ "${CUR[$f]}" = "${ORIG[$f]}" ] && continue
		echo "  $f: ${ORIG[$f]} -> ${CUR[$f]}"
		r=1
	done
	return $r
}
# changed N: at least N entries differ from the original ones
changed() {
	local f n=0
	CUR=()
	read_entry CUR
	for f in "${!ORIG[@]}"; do
		[ "${CUR[$f]}" = "${ORIG[$f]}" ] || n=$((n + 1))
	done
	[ "$n" -ge "$1" ]
}

check "insmod klpj_target" insmod "$MODS/klpj_target.ko"
read_entry ORIG
calls=$(cat "$TGT/call")
check "klpj_target has entries to read" [ "${#ORIG[@]}" -ge 4 ]

section "a write fails in the middle of the batch"
echo klp_arch_write_site > "$FF/inject" || bad "cannot inject into klp_arch_write_site"
echo 3 > "$FF/space"	# two calls pass, then every one fails
echo -1 > "$FF/times"
echo 100 > "$FF/probability"
echo 0 > "$FF/interval" 2>/dev/null
echo 0 > "$FF/verbose" 2>/dev/null
check "insmod $P returns 0 (the transition goes on)" insmod "$MODS/$P.ko"
check "$P: the transition is pending" in_transition $P
check "every entry holds its original instructions while pending" same_as_orig
check "the functions return their original values" [ "$(cat "$TGT/call")" = "$calls" ]
nap 1
check "... still, after the attempts of one more second" same_as_orig

section "the fault removed"
fault_off
check "$P: the transition completes" wait_for 120 settled $P
check "$P: enabled" [ "$(patch_attr $P enabled)" = 1 ]
check "the entries are redirected" changed 4
check "$P: disable" disable_patch $P
check "rmmod $P" unload_mod $P
check "every entry holds its original instructions again" same_as_orig
exit 0
