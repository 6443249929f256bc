#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stacked patches on the direct-branch backend.
#
# 1. klpj_patch1, 2 and 3 replace the same functions; enabled in that order,
#    patch 3 is in effect.  Patches can only be enabled on top (loading one
#    enables it), but the livepatch core of 6.12 lets any enabled patch be
#    disabled, not only the newest one (__klp_disable_patch() only refuses
#    while another transition is pending).  So every one of the 6 orders of
#    disabling the three is tried: after each step the values in effect
#    must be those of the newest patch still enabled, and at the end the
#    entries must be the original bytes.  Should a kernel refuse to disable
#    a patch that is not the newest, the test says so and tolerates it
#    (the refused patches are then disabled newest first); refusing the
#    newest one is a failure.  KLPJ_STACK_ORDERS (comma-separated, e.g.
#    132,231,321) tries only those orders (the debug boot of make check).
# 2. Atomic replace: klpj_replace (klpj_leaf only) over patches 1 and 2:
#    only klpj_leaf stays patched, the other functions return to their
#    original code, patches 1 and 2 are disabled and can be removed;
#    disabling klpj_replace restores the original bytes.
# 3. The patched module goes and comes while patches are enabled: with
#    klpj_patch1 and 2 enabled, klpj_target is removed and loaded again;
#    the livepatch core redirects the new copy at once (patch 2 in effect),
#    and disabling the patches leaves it original.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-stack

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
trap cleanup EXIT

FUNCS="klpj_nonleaf klpj_leaf klpj_tiny klpj_bare klpj_sleeper klpj_spinner"
declare -A ORIG CUR

# expect_call NONLEAF LEAF TINY BARE: the patch number (0: original code)
# whose values each function of "call" must return
expect_call() {
	local s=10000 line want
	line=$(cat "$TGT/call")
	want="nonleaf=$((1000 + $1 * s)) leaf=$((1 + $2 * s)) leaf_ptr=$((1 + $2 * s))"
	want+=" tiny=$((7 + $3 * s)) nonleaf_ptr=$((1000 + $1 * s))"
	want+=" tiny_ptr=$((7 + $3 * s)) bare=$((5 + $4 * s))"
	[ "$line" = "$want" ] && return 0
	echo "  call: got  '$line'"
	echo "        want '$want'"
	return 1
}
expect_patch() { expect_call "$1" "$1" "$1" "$1"; }

read_entry() {
	local -n arr=$1
	local name hex
	while read -r name hex; do arr[$name]=$hex; done < "$TGT/entry"
}

# entry_is FUNC...: the entries of FUNCs are the original bytes, and those
# of the other functions are not
entry_is_orig_only() {
	local f r=0
	read_entry CUR
	for f in $FUNCS; do
		if [[ " $* " == *" $f "* ]]; then
			[ "${CUR[$f]}" = "${ORIG[$f]}" ] && continue
			echo "  $f: ${ORIG[$f]} -> ${CUR[$f]}, expected unchanged"
		else
			[ "${CUR[$f]}" != "${ORIG[$f]}" ] && continue
			echo "  $f: still ${ORIG[$f]}, expected redirected"
		fi
		r=1
	done
	return $r
}
entry_all_orig() { entry_is_orig_only $FUNCS; }

enable_all() {
	local n
	for n in 1 2 3; do
		check "load klpj_patch$n, transition done" load_patch klpj_patch$n &&
			check "patch $n in effect" expect_patch $n
	done
}

check "insmod klpj_target" insmod "$MODS/klpj_target.ko"
read_entry ORIG
check "call: original values" expect_patch 0

# ---- 1. every order of disabling three stacked patches --------------------
ORDERS=${KLPJ_STACK_ORDERS:-123,132,213,231,312,321}
for o in ${ORDERS//,/ }; do
	case $o in
	123 | 132 | 213 | 231 | 312 | 321) ;;
	*) bad "KLPJ_STACK_ORDERS: '$o' is not an order of 1, 2, 3"; continue ;;
	esac
	order="${o:0:1} ${o:1:1} ${o:2:1}"
	echo "# disable order: $order"
	enable_all
	enabled="1 2 3"
	refused=
	for n in $order; do
		top=${enabled##* }
		P=klpj_patch$n
		if echo 0 > "$KLP_SYSFS/$P/enabled"; then
			check "[$order] disable patch $n: freed" wait_for 30 patch_gone $P
			enabled=$(echo $enabled | tr ' ' '\n' | grep -vx $n | tr '\n' ' ')
			enabled=$(echo $enabled)
			top=${enabled##* }
			check "[$order] after disabling $n: patch ${top:-0} in effect (enabled: ${enabled:-none})" \
				expect_patch "${top:-0}"
		elif [ "$n" = "$top" ]; then
			bad "[$order] disabling the newest patch $n refused"
		else
			echo "note: [$order] the core refuses to disable patch $n below patch $top"
			refused="$n $refused"
		fi
	done
	for n in 3 2 1; do
		[[ " $refused " == *" $n "* ]] || continue
		check "[$order] disable refused patch $n" disable_patch klpj_patch$n
	done
	check "[$order] all disabled: original values" expect_patch 0
	check "[$order] all disabled: entry bytes identical to the original" entry_all_orig
	for n in 1 2 3; do
		check "[$order] rmmod klpj_patch$n" unload_mod klpj_patch$n
	done
done

# ---- 2. atomic replace over two patches ------------------------------------
echo "# atomic replace"
for n in 1 2; do
	check "load klpj_patch$n" load_patch klpj_patch$n
done
check "patch 2 in effect" expect_patch 2
check "load klpj_replace, transition done" load_patch klpj_replace
check "klpj_replace: only klpj_leaf patched, the rest original" expect_call 0 9 0 0
check "klpj_replace: only klpj_leaf's entry differs from the original" \
	entry_is_orig_only klpj_nonleaf klpj_tiny klpj_bare klpj_sleeper klpj_spinner
for n in 1 2; do
	P=klpj_patch$n
	check "klpj_replace: replaced $P disabled (enabled 0 or gone)" \
		wait_for 10 eval "patch_gone $P || [ \"\$(patch_attr $P enabled)\" = 0 ]"
	check "klpj_replace: replaced $P freed" wait_for 10 patch_gone $P
	check "klpj_replace: rmmod $P" unload_mod $P
done
check "klpj_replace: still in effect" expect_call 0 9 0 0
check "disable klpj_replace" disable_patch klpj_replace
check "after klpj_replace: original values" expect_patch 0
check "after klpj_replace: entry bytes identical to the original" entry_all_orig
check "rmmod klpj_replace" unload_mod klpj_replace

# ---- 3. the patched module goes and comes -----------------------------------
echo "# klpj_target removed and loaded again under enabled patches"
for n in 1 2; do
	check "load klpj_patch$n" load_patch klpj_patch$n
done
check "patch 2 in effect" expect_patch 2
check "rmmod klpj_target while patched" unload_mod klpj_target
check "patches stay enabled" \
	eval '[ "$(patch_attr klpj_patch1 enabled)$(patch_attr klpj_patch2 enabled)" = 11 ]'
check "insmod klpj_target again" insmod "$MODS/klpj_target.ko"
check "new copy: patch 2 in effect at once" expect_patch 2
check "disable klpj_patch2" disable_patch klpj_patch2
check "new copy: patch 1 in effect" expect_patch 1
check "disable klpj_patch1" disable_patch klpj_patch1
check "new copy: original values" expect_patch 0
for n in 1 2; do
	check "rmmod klpj_patch$n" unload_mod klpj_patch$n
done

check "rmmod klpj_target" unload_mod klpj_target
check "dmesg: no Oops/WARNING/BUG" eval '! klog_has "Oops|WARNING|BUG"'

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
