#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A task inside the code being replaced holds the switch back.
#
# (a) a kthread sleeping in klpj_sleeper: klpj_patch1 loads (insmod returns
#     0) but its transition stays pending for more than a second, the old
#     code stays in effect, and dmesg names the task:
#       klp-jump: pid <n> is in 'klpj_sleeper' ...
#     Once the kthread leaves, the transition ends within 3 s.
# (b) the same with a kthread busy-looping in klpj_spinner, preempted there
#     by the stop_machine of the switch (full PREEMPT kernel).
# (b2) both kthreads at once, one asleep in klpj_sleeper, the other running
#     in klpj_spinner at SCHED_FIFO (on its CPU whenever the pre-check
#     looks): the busy lines name both, the sleeper found before
#     stop_machine and the running one inside it, not only the sleeper
#     until it leaves.
# (c) writing 0 to "enabled" while the transition is pending reverses it:
#     it completes, the patch is disabled and the entries are the original.
# (d) writing 1 to "force" while pending switches at once, with
#     "livepatch: forcing remaining tasks to the patched state".
#     As upstream, forcing a patching transition does not pin the patch
#     module: (d1) klpj_patch2, forced in, is then disabled and removed
#     normally.  What pins a module is forcing it out: (d2) klpj_patch1 is
#     forced in, then klpj_replace (atomic replace) is forced over it while
#     the kthread is still in klpj_sleeper: the replaced klpj_patch1 is
#     marked forced and its module can no longer be removed (refcount
#     kept).  This part runs last and leaves klpj_patch1 loaded, disabled,
#     until reboot: later tests in the same boot cannot load klpj_patch1.
#     Where klpj_patch1 reaches klpj_sleeper's new function through a
#     veneer (far kernel: the old entry signs LR, the new leaf does not),
#     that veneer stays intact after klpj_patch1 is forced out: a task
#     preempted inside it must still find its instructions.
#     KLPJ_SKIP_FORCE=1 skips it.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-busy

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
EXTRA_PATCHES=klpj_safe_probe
trap cleanup EXIT

P=klpj_patch1
FUNCS="klpj_nonleaf klpj_leaf klpj_tiny klpj_bare klpj_sleeper klpj_spinner"
declare -A ORIG CUR

# expect_patch N: "call" returns the values of patch N (0: original code)
expect_patch() {
	local s=$(($1 * 10000)) line want
	line=$(cat "$TGT/call")
	want="nonleaf=$((1000 + s)) leaf=$((1 + s)) leaf_ptr=$((1 + s))"
	want+=" tiny=$((7 + s)) nonleaf_ptr=$((1000 + s)) tiny_ptr=$((7 + s))"
	want+=" bare=$((5 + s))"
	[ "$line" = "$want" ] && return 0
	echo "  call: got  '$line'"
	echo "        want '$want'"
	return 1
}

read_entry() {
	local -n arr=$1
	local name hex
	while read -r name hex; do arr[$name]=$hex; done < "$TGT/entry"
}

entry_all_orig() {
	local f r=0
	read_entry CUR
	for f in $FUNCS; do
		[ "${CUR[$f]}" = "${ORIG[$f]}" ] && continue
		echo "  $f: ${ORIG[$f]} -> ${CUR[$f]}"
		r=1
	done
	return $r
}

PR=$DBGFS/klpj_safe_probe
words() { echo "$1" > "$PR/words" && cat "$PR/words"; }
# veneer_of FUNC: the address of the veneer that the B in FUNC's entry
# (klpj_target's "entry" file) reaches; nothing when the B reaches a
# function directly.  A veneer is AUTIASP|NOP; LDR x16, lit; BR x16.
veneer_of() {
	local base hex i w off dest
	base=$(awk -v n="$1" '$3 == n { print $1; exit }' /proc/kallsyms)
	hex=$(sed -n "s/^$1 //p" "$TGT/entry")
	[ -n "$base" ] && [ -n "$hex" ] || return 1
	for ((i = 0; i < ${#hex} / 8; i++)); do
		w=$((16#${hex:i*8:8}))
		(((w & 0xfc000000) == 0x14000000)) || continue
		off=$(((w & 0x3ffffff) << 38 >> 36))
		dest=$(printf '%x' $((16#$base + i * 4 + off)))
		[[ $(words "$dest") == *" d61f0200 "* ]] && echo "$dest"
		return 0
	done
	return 1
}
# is_veneer ADDR: ADDR still holds a veneer's BR x16
is_veneer() { [[ $(words "$1") == *" d61f0200 "* ]]; }

# force_now PATCH: force its pending transition, which must end at once
force_now() {
	local t0=$(now_ms)
	check "$1: echo 1 > force" eval "echo 1 > '$KLP_SYSFS/$1/force'"
	check "$1: transition 0 within 1 s of force" wait_for 1 settled "$1"
	echo "  transition ended $(($(now_ms) - t0)) ms after echo 1 > force"
	check "dmesg: livepatch: forcing remaining tasks to the patched state" \
		klog_has "livepatch: forcing remaining tasks to the patched state"
}

# blocked_by FILE COMM FUNC: start the kthread through FILE, load $P and
# check that the kthread holds the transition back
blocked_by() {
	local file=$1 comm=$2 func=$3 pid
	check "echo 1 > $file" eval "echo 1 > '$TGT/$file'"
	pid=$(pid_of "$comm") || pid='[0-9]+'
	echo "  kthread $comm: pid $pid"
	check "insmod $P returns 0" insmod "$MODS/$P.ko"
	check "$P: transition still 1 after > 1 s" stays_pending 1500
	check "$P: enabled reads 1 while pending" [ "$(patch_attr $P enabled)" = 1 ]
	check "original code still in effect while pending" expect_patch 0
	check "dmesg: klp-jump: pid $pid is in '$func' ($comm)" \
		wait_for 3 klog_has "klp-jump: pid $pid is in '$func' \\(frame #[0-9]+ at \\+(0x[0-9a-f]+|0)\\), switch deferred"
	klog | grep "klp-jump:" | head -n 3 | sed 's/^/  dmesg: /'
}

check "insmod klpj_target" insmod "$MODS/klpj_target.ko"
read_entry ORIG

for what in "sleep klpj_sleep klpj_sleeper" "spin klpj_spin klpj_spinner"; do
	set -- $what
	section "($1) a kthread in $3 holds the switch"
	blocked_by "$@"
	t0=$(now_ms)
	check "echo 0 > $1" eval "echo 0 > '$TGT/$1'"
	check "$P: transition reaches 0 within 3 s of the kthread leaving" \
		wait_for 3 settled $P
	echo "  transition ended $(($(now_ms) - t0)) ms after echo 0 > $1"
	check "$P: patch 1 in effect" expect_patch 1
	check "dmesg: livepatch: '$P': patching complete" \
		klog_has "livepatch: '$P': patching complete"
	check "$P: disable" disable_patch $P
	check "$P: original values" expect_patch 0
	check "$P: entry bytes identical to the original" entry_all_orig
	check "$P: rmmod" unload_mod $P
done

section "(b2) a sleeping and a running task: both are named"
check "echo 1 > sleep" eval "echo 1 > '$TGT/sleep'"
check "echo 2 > spin" eval "echo 2 > '$TGT/spin'"
spid=$(pid_of klpj_sleep) || spid='[0-9]+'
rpid=$(pid_of klpj_spin) || rpid='[0-9]+'
check "insmod $P returns 0" insmod "$MODS/$P.ko"
check "dmesg: klp-jump: pid $spid is in 'klpj_sleeper' (klpj_sleep)" \
	wait_for 10 klog_has "klp-jump: pid $spid is in 'klpj_sleeper'"
check "dmesg: klp-jump: pid $rpid is in 'klpj_spinner' (klpj_spin), while the sleeper still sleeps" \
	wait_for 3 klog_has "klp-jump: pid $rpid is in 'klpj_spinner'"
check "$P: still pending" in_transition $P
klog | grep "klp-jump:" | head -n 4 | sed 's/^/  dmesg: /'
check "echo 0 > sleep" eval "echo 0 > '$TGT/sleep'"
check "echo 0 > spin" eval "echo 0 > '$TGT/spin'"
check "$P: transition reaches 0 within 5 s" wait_for 5 settled $P
check "$P: disable" disable_patch $P
check "$P: rmmod" unload_mod $P

section "(c) disabling a pending transition reverses it"
blocked_by sleep klpj_sleep klpj_sleeper
check "echo 0 > enabled while pending" eval "echo 0 > '$KLP_SYSFS/$P/enabled'"
check "$P: reversed transition completes, patch freed, within 5 s" \
	wait_for 5 patch_gone $P
check "dmesg: livepatch: '$P': unpatching complete" \
	klog_has "livepatch: '$P': unpatching complete"
check "dmesg: no 'patching complete' for the reversed patch" \
	eval "! klog_has \"livepatch: '$P': patching complete\""
check "original values" expect_patch 0
check "entry bytes identical to the original" entry_all_orig
check "echo 0 > sleep" eval "echo 0 > '$TGT/sleep'"
check "$P: rmmod" unload_mod $P

if [ "${KLPJ_SKIP_FORCE:-0}" = 1 ]; then
	echo "# (d) force: skipped (KLPJ_SKIP_FORCE=1)"
else
	section "(d1) force completes a pending patching transition at once"
	P=klpj_patch2
	blocked_by sleep klpj_sleep klpj_sleeper
	force_now $P
	check "$P: patch 2 in effect" expect_patch 2
	# The kthread returns through the rest of the old klpj_sleeper,
	# which the switch left untouched.
	check "echo 0 > sleep: the kthread leaves the old code" \
		eval "echo 0 > '$TGT/sleep'"
	check "$P: disable the forced-in patch" disable_patch $P
	check "original values" expect_patch 0
	check "entry bytes identical to the original" entry_all_orig
	check "$P: rmmod works: forcing it in did not pin the module" unload_mod $P

	section "(d2) a patch forced out by a forced replace stays loaded"
	P=klpj_patch1
	blocked_by sleep klpj_sleep klpj_sleeper
	force_now $P
	check "$P: patch 1 in effect" expect_patch 1
	check "insmod klpj_safe_probe" insmod "$MODS/klpj_safe_probe.ko"
	VEN=$(veneer_of klpj_sleeper)
	[ -n "$VEN" ] || echo "  klpj_sleeper: the slot reaches the new function directly, no veneer"
	P=klpj_replace
	check "insmod $P returns 0" insmod "$MODS/$P.ko"
	check "$P: transition still 1 after > 1 s (kthread in klpj_sleeper)" \
		stays_pending 1500
	force_now $P
	check "$P: only klpj_leaf patched" \
		eval '[ "$(cat "$TGT/call")" = "nonleaf=1000 leaf=90001 leaf_ptr=90001 tiny=7 nonleaf_ptr=1000 tiny_ptr=7 bare=5" ]'
	check "klpj_patch1: replaced, freed" wait_for 10 patch_gone klpj_patch1
	if [ -n "$VEN" ]; then
		check "klpj_patch1's veneer for klpj_sleeper ($VEN) intact after being forced out" \
			is_veneer "$VEN"
		echo "  veneer $VEN: $(words "$VEN")"
	fi
	# Upstream: the module of a patch forced out keeps its reference.
	ALLOWED_LEFT=klpj_patch1
	check "rmmod klpj_patch1 refused: it was forced out" \
		eval '! rmmod klpj_patch1 2>/dev/null'
	echo "note: klpj_patch1 stays loaded (disabled) until reboot"
	check "echo 0 > sleep" eval "echo 0 > '$TGT/sleep'"
	check "$P: disable" disable_patch $P
	check "original values" expect_patch 0
	check "entry bytes identical to the original" entry_all_orig
	check "$P: rmmod" unload_mod $P
fi
check "rmmod klpj_target" unload_mod klpj_target
MARK="klpj-mark-$NAME-$$-$START_MS"
check "dmesg: no Oops/WARNING/BUG" eval '! klog_has "Oops|WARNING|BUG"'

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
