#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Functions of a module object named by sympos, and the sizes the livepatch
# core records for them (old_size, new_size): klpj_sympos patches
# klpj_bad_dup at sympos 1 and 2 (the name is defined twice in
# klpj_bad_target) and klpj_bad_plain at sympos 1; klpj_sympos_r replaces
# it atomically, leaving two nops.  Each function the core resolved must be
# the nth klpj_bad_dup (or klpj_bad_plain) of /proc/kallsyms, and its sizes
# those kallsyms gives for the same addresses (sprint_symbol()), whether
# the patch or the target module is loaded first.  The calls of
# klpj_bad_target show which function was patched.
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-sympos

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
for m in klpj_bad_target klpj_sympos klpj_sympos_r; do
	[ -f "$MODS/$m.ko" ] || skip "$m.ko not found"
done
EXTRA_PATCHES="klpj_sympos_r klpj_sympos klpj_bad_target"
trap cleanup EXIT
CALL=$DBGFS/klpj_bad_target/call

# kallsyms_addr NAME N: the address of the Nth NAME of klpj_bad_target
kallsyms_addr() {
	awk -v n="$2" -v name="$1" '
		$3 == name && $4 == "[klpj_bad_target]" && ++i == n { print $1; exit }' /proc/kallsyms
}

# check_funcs PATCH COUNT [PARAM]: every function of PATCH resolved as
# kallsyms has it, as PARAM (funcs: now; at_pre_patch: when the patch's
# pre_patch callback ran, nops included) lists them
check_funcs() {
	local p=$1 want=$2 f=${3:-funcs} n=0 line name pos addr ksym sz nop lines
	lines=$(cat "/sys/module/$p/parameters/$f") || { bad "$p: $f unreadable"; return; }
	while read -r line; do
		[ -n "$line" ] || continue
		n=$((n + 1))
		echo "  $line"
		name=${line#* } name=${name%%,*}
		pos=${line#* } pos=${pos%% *} pos=${pos#*,}
		[ "$(field loaded "$line")" = 1 ] || { bad "$p: $name,$pos not loaded"; continue; }
		nop=$(field nop "$line")
		addr=$(kallsyms_addr "$name" "$((pos ? pos : 1))")
		addr=$((16#${addr:-0}))
		check "$p: $name,$pos at the address of /proc/kallsyms" \
			test "$((16#$(field old "$line")))" = "$addr" -a "$addr" != 0
		ksym=$(field ksym_old "$line")
		sz=$(field old_size "$line")
		check "$p: $name,$pos: old_size $sz = kallsyms' $ksym" \
			[ "$ksym" = "$name+0x0/$sz" ]
		ksym=$(field ksym_new "$line")
		sz=$(field new_size "$line")
		check "$p: $name,$pos: new_size $sz = kallsyms' $ksym" \
			[ "${ksym#*+}" = "0x0/$sz" ]
		if [ "$nop" = 1 ]; then
			check "$p: $name,$pos: nop, new function = old function" \
				[ "$ksym" = "$(field ksym_old "$line")" ]
		fi
	done <<< "$lines"
	check "$p: $want functions listed in $f (got $n)" [ "$n" = "$want" ]
}

calls_are() {
	local got
	got=$(cat "$CALL")
	check "calls: $1 (got '$got')" [ "$got" = "$1" ]
}

section "target first, then the patch"
check "insmod klpj_bad_target" insmod "$MODS/klpj_bad_target.ko"
calls_are "plain=101 dup=201 dup2=251 jl=301 labelled=405 kp=501"
check "klpj_sympos loads and switches" load_patch klpj_sympos
check_funcs klpj_sympos 3
calls_are "plain=1101 dup=1201 dup2=1251 jl=301 labelled=405 kp=501"

section "atomic replace: two nops"
check "klpj_sympos_r loads and switches" load_patch klpj_sympos_r
check_funcs klpj_sympos_r 3 at_pre_patch
check "klpj_sympos_r: 2 nops at pre_patch" \
	[ "$(grep -c ' nop=1 ' /sys/module/klpj_sympos_r/parameters/at_pre_patch)" = 2 ]
check_funcs klpj_sympos_r 1
calls_are "plain=101 dup=201 dup2=2251 jl=301 labelled=405 kp=501"
check "klpj_sympos replaced: gone" wait_for 30 patch_gone klpj_sympos
check "rmmod klpj_sympos" unload_mod klpj_sympos
check "klpj_sympos_r: disable" disable_patch klpj_sympos_r
check "rmmod klpj_sympos_r" unload_mod klpj_sympos_r
calls_are "plain=101 dup=201 dup2=251 jl=301 labelled=405 kp=501"

section "the patch first, then the target"
check "rmmod klpj_bad_target" unload_mod klpj_bad_target
check "klpj_sympos loads without its target" load_patch klpj_sympos
check "klpj_sympos: 3 functions not loaded" \
	[ "$(grep -c ' loaded=0$' /sys/module/klpj_sympos/parameters/funcs)" = 3 ]
check "insmod klpj_bad_target" insmod "$MODS/klpj_bad_target.ko"
check_funcs klpj_sympos 3
check_funcs klpj_sympos 3 at_pre_patch
calls_are "plain=1101 dup=1201 dup2=1251 jl=301 labelled=405 kp=501"
check "klpj_sympos: disable" disable_patch klpj_sympos
calls_are "plain=101 dup=201 dup2=251 jl=301 labelled=405 kp=501"
check "rmmod klpj_sympos" unload_mod klpj_sympos
check "rmmod klpj_bad_target" unload_mod klpj_bad_target

check "dmesg: no Oops/WARNING/BUG" eval '! klog_has "Oops|WARNING|BUG"'
[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS)"
exit 1
