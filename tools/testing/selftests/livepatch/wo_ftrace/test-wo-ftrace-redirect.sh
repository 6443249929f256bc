#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where the direct-branch backend redirects a function.  klpj_target has
# functions with each kind of entry (PACIASP, BTI C, no landing pad); with
# klpj_patch1, then klpj_patch2, enabled:
#  - direct calls, calls through pointers and the tiny function return the
#    patch's values;
#  - of the words up to the one after the slot exactly one changed, the
#    slot: the word after BTI C or PACIASP, and after ftrace's
#    patchable entry (MOV x9, x30; NOP) on a kernel with the function
#    tracer; it became a B to the new function (to new + 4 when both old
#    and new start with PACIASP), or to a veneer when LR is signed and the
#    new function does not sign it (klpj_patch2's klpj_nonleaf) or when the
#    new function is out of reach;
# and once the patch is disabled the values and the bytes are the original
# ones, byte for byte.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-redirect

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
trap cleanup EXIT

BTI_C=d503245f
PACIASP=d503233f
MOV_X9_X30=aa1e03e9
FUNCS="klpj_nonleaf klpj_leaf klpj_tiny klpj_bare klpj_sleeper klpj_spinner"
declare -A ORIG CUR NEWNAME
# The new functions that start with PACIASP (they call a function); all the
# other new functions are leaves that start with BTI C.
NEW_SIGNING="klpj_p1_nonleaf klpj_p3_nonleaf"

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

# read_entry ARRAY: ARRAY[function]=8 hex digits per instruction word
read_entry() {
	local -n arr=$1
	local name hex
	while read -r name hex; do arr[$name]=$hex; done < "$TGT/entry"
}

same_entry() {
	local f r=0
	for f in $FUNCS; do
		[ "${CUR[$f]}" = "${ORIG[$f]}" ] && continue
		echo "  $f: ${ORIG[$f]} -> ${CUR[$f]}"
		r=1
	done
	return $r
}

is_b() { (( (0x$1 & 0xfc000000) == 0x14000000 )); }

# b_target PC WORD: where the B at PC goes
b_target() {
	local imm=$((0x$2 & 0x3ffffff))
	((imm & 0x2000000)) && imm=$((imm - 0x4000000))
	echo $(($1 + imm * 4))
}

# load_ksyms: the addresses of the klpj_* modules' symbols, from /proc/kallsyms
declare -A KSYM
load_ksyms() {
	local a t n m
	KSYM=()
	while read -r a t n m; do
		[ -n "$m" ] && KSYM[$n$m]=$a
	done <<< "$(grep '\[klpj_' /proc/kallsyms)"
}

# ksym NAME MODULE: the address of a symbol, as a (signed) shell number
ksym() {
	local a=${KSYM[$1[$2]]:-}
	[ -n "$a" ] && [ "$((0x$a))" != 0 ] && echo $((0x$a))
}

abs() { local v=$1; ((v < 0)) && v=$((-v)); echo $v; }

# entry_redirected FUNC PATCH: one word changed, into the expected B.  The
# slot is the first word after BTI C or PACIASP, and after ftrace's
# patchable entry (MOV x9, x30; NOP/BL) when the kernel has one; LR is
# signed at the slot only when PACIASP comes first.
entry_redirected() {
	local f=$1 p=$2 o=${ORIG[$1]} c=${CUR[$1]} i n off=0 signs=0
	local -a ow cw
	n=$((${#o} / 8))
	for ((i = 0; i < n; i++)); do ow[i]=${o:i*8:8} cw[i]=${c:i*8:8}; done
	[ "${ow[0]}" = "$BTI_C" ] && off=1
	if [ "${ow[off]}" = "$MOV_X9_X30" ]; then
		off=$((off + 2))
	elif [ "${ow[0]}" = "$PACIASP" ]; then
		off=1 signs=1
	fi
	# the words before the slot and the one after it (a tiny function
	# ends there; what follows may be the next, patched, function)
	for ((i = 0; i < n && i <= off + 1; i++)); do
		[ "$i" = "$off" ] || [ "${cw[i]}" = "${ow[i]}" ] ||
			{ echo "  $f: word +$((i * 4)) changed"; return 1; }
	done
	local word=${cw[off]} was=${ow[off]}
	echo "  $f: entry $o -> slot at +$((off * 4)): $was -> $word"
	[ "$word" != "$was" ] || { echo "  $f: slot unchanged"; return 1; }
	is_b "$word" || { echo "  $f: slot is not a B"; return 1; }

	# Where does the B go?  Needs addresses in /proc/kallsyms.
	local old new slot dest expect
	old=$(ksym "$f" klpj_target) && new=$(ksym "${NEWNAME[$f]}" "$p") || {
		echo "  $f: no addresses in /proc/kallsyms, B target not checked"
		return 0
	}
	slot=$((old + off * 4))
	dest=$(b_target $slot "$word")
	expect=$new
	if [ "$signs" = 1 ]; then
		if [[ " $NEW_SIGNING " == *" ${NEWNAME[$f]} "* ]]; then
			# PACIASP on both sides: the B skips the new PACIASP
			expect=$((new + 4))
		else
			# LR is signed, the new function does not authenticate
			# it: only a veneer with AUTIASP may lead there
			[ "$dest" != "$new" ] && [ "$dest" != "$((new + 4))" ] ||
				{ echo "  $f: B goes straight to the new function with LR signed"; return 1; }
			echo "  $f: B to veneer at $(printf %x $dest) (new function does not sign LR)"
			return 0
		fi
	fi
	if [ "$(abs $((expect - slot)))" -ge $((128 << 20)) ]; then
		[ "$dest" != "$expect" ] ||
			{ echo "  $f: B cannot reach $(printf %x $expect)"; return 1; }
		echo "  $f: B to veneer at $(printf %x $dest) (far target)"
		return 0
	fi
	[ "$dest" = "$expect" ] && return 0
	echo "  $f: B goes to $(printf %x $dest), expected $(printf %x $expect)"
	return 1
}

check "insmod klpj_target" insmod "$MODS/klpj_target.ko"
read_entry ORIG
for f in $FUNCS; do echo "  original $f: ${ORIG[$f]}"; done
check "klpj_bare has no landing pad (its word +0 is the slot)" \
	eval '[ "${ORIG[klpj_bare]:0:8}" != "$BTI_C" ]'
check "call: original values" expect_call 0 0 0 0

for n in 1 2; do
	P=klpj_patch$n
	for f in $FUNCS; do NEWNAME[$f]=klpj_p${n}_${f#klpj_}; done
	check "$P: insmod, transition done" load_patch $P
	check "$P: enabled" [ "$(patch_attr $P enabled)" = 1 ]
	check "$P: call returns patch $n values (direct, pointer, tiny)" \
		expect_call $n $n $n $n
	read_entry CUR
	load_ksyms
	for f in $FUNCS; do
		check "$P: $f: exactly the slot word changed, into its B" \
			entry_redirected "$f" "$P"
	done
	check "$P: disable" disable_patch $P
	check "$P: call returns original values" expect_call 0 0 0 0
	read_entry CUR
	check "$P: entry bytes identical to the original" same_entry
	check "$P: rmmod" unload_mod $P
done
check "rmmod klpj_target" unload_mod klpj_target
check "dmesg: no Oops/WARNING/BUG" eval '! klog_has "Oops|WARNING|BUG"'

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
