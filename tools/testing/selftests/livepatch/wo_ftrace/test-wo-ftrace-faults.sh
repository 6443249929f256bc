#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Allocation failures while a patch is enabled and disabled, with
# failslab and fail_page_alloc (sleeping allocations and order 0 armed) and
# the task's /proc/self/fail-nth, which makes its N-th call of an armed
# fault site fail.  Two passes: slab allocations only, then page
# allocations only.
#  - enable: ../klpj_failnth sets fail-nth and calls finit_module() right
#    after (no exec in between) to load klpj_patch1.  A first load with a
#    huge N counts the calls T: the module loader, then klp_enable_patch()
#    from the module's init, then the loader's own work after the init,
#    where a failure does not fail the load.  A binary search finds B, the
#    last call whose failure fails the load; then N runs over the last
#    KLPJ_FAULT_TAIL (default 50) calls up to B and a sample of
#    KLPJ_FAULT_SAMPLE (default 20) before them (every N when B is small).
#    Every attempt either fails with the module gone and the six target
#    functions byte-identical to the original, or succeeds with all six
#    patched - never some;
#  - disable: echo 0 > enabled (a shell builtin: fail-nth counts from the
#    write) with slab failures N = 1 .. KLPJ_FAULT_DISABLE_MAX (default
#    12): the switch may be retried, but the patch always ends fully
#    removed, the bytes original;
#  - no WARNING/Oops/BUG, and kmemleak (if on) finds no new leak.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-faults

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
[ -f "$MODS/klpj_bad_target.ko" ] || skip "klpj_bad_target.ko not built"
FS=$DBGFS/failslab
FP=$DBGFS/fail_page_alloc
[ -d "$FS" ] && [ -d "$FP" ] && [ -e /proc/self/fail-nth ] ||
	skip "no failslab/fail_page_alloc/fail-nth (CONFIG_FAULT_INJECTION*)"
BT=$DBGFS/klpj_bad_target
KML=$DBGFS/kmemleak
TAIL=${KLPJ_FAULT_TAIL:-50}
SAMPLE=${KLPJ_FAULT_SAMPLE:-20}
FAILNTH=
for f in "$(dirname "$0")/../klpj_failnth" ./klpj_failnth; do
	[ -x "$f" ] && { FAILNTH=$f; break; }
done
[ -n "$FAILNTH" ] || skip "klpj_failnth helper not built"
DISABLE_MAX=${KLPJ_FAULT_DISABLE_MAX:-12}
EXTRA_PATCHES="klpj_bad_target"

restore_attrs() {
	echo Y > "$FS/ignore-gfp-wait"
	echo N > "$FS/cache-filter"
	echo Y > "$FP/ignore-gfp-wait"
	echo 1 > "$FP/min-order"
}
# arm slab|page: only that kind of allocation reaches its fault site
arm() {
	if [ "$1" = slab ]; then
		echo N > "$FS/ignore-gfp-wait"
		echo N > "$FS/cache-filter"
		echo 11 > "$FP/min-order"
	else
		echo Y > "$FS/cache-filter"
		echo N > "$FP/ignore-gfp-wait"
		echo 0 > "$FP/min-order"
	fi
}
cleanup_faults() {
	restore_attrs
	cleanup
}
trap cleanup_faults EXIT

FUNCS="klpj_nonleaf klpj_leaf klpj_tiny klpj_bare klpj_sleeper klpj_spinner"
ADDRS=
sums() {
	# shellcheck disable=SC2086 # one address per word
	echo $ADDRS > "$BT/peek" && cat "$BT/peek"
}
ORIG_CALL="nonleaf=1000 leaf=1 leaf_ptr=1 tiny=7 nonleaf_ptr=1000 tiny_ptr=7 bare=5"
P1_CALL="nonleaf=11000 leaf=10001 leaf_ptr=10001 tiny=10007 nonleaf_ptr=11000 tiny_ptr=10007 bare=10005"
# only the writing task fails: fail-nth is per task, reset by fork
fail_nth_write() { ( echo "$1" > /proc/self/fail-nth && echo "$2" > "$3" ); }
unpatched() { [ "$(sums)" = "$ORIG" ] && [ "$(cat "$TGT/call")" = "$ORIG_CALL" ]; }
splat() { klog | grep -E "WARNING:|Oops|BUG:|kernel BUG" | head -n 3; }

check "insmod klpj_target" insmod "$MODS/klpj_target.ko"
check "insmod klpj_bad_target" insmod "$MODS/klpj_bad_target.ko"
for f in $FUNCS; do
	ADDRS+=" $(awk -v n="$f" '$3 == n { print $1; exit }' /proc/kallsyms)"
done
ORIG=$(sums)
# kmemleak refuses "scan" (EPERM) when it is built in but off
KML_ON=
if [ -e "$KML" ] && { echo scan > "$KML"; } 2> /dev/null; then
	KML_ON=1
	echo clear > "$KML"
else
	echo "  kmemleak is not on: leaks are not checked"
fi
for d in "$FS" "$FP"; do
	echo 0 > "$d/verbose"
	echo N > "$d/task-filter"
	echo 0 > "$d/space"
	echo -1 > "$d/times"
	echo 1 > "$d/interval"
	echo 0 > "$d/probability"
done

# --- enable ---
partial=0 other=0
# the N values up to B: all, or the last $TAIL and a sample before
nvalues() {
	local b=$1 n step
	if [ "$b" -le $((TAIL + SAMPLE)) ]; then
		seq 1 "$b"
		return
	fi
	step=$(((b - TAIL) / SAMPLE + 1))
	for ((n = 1; n <= b - TAIL; n += step)); do echo "$n"; done
	seq $((b - TAIL + 1)) "$b"
}
# enable_with N: one load with the N-th call failing; checks the outcome.
# Returns 0 when the load succeeded.
enable_with() {
	local n=$1 out rc=1
	if out=$("$FAILNTH" "$n" "$MODS/klpj_patch1.ko" 2>&1); then
		rc=0
		succeeded=$((succeeded + 1))
		if ! wait_for 30 settled klpj_patch1 ||
		   [ "$(cat "$TGT/call")" != "$P1_CALL" ]; then
			echo "N=$n: loaded, but: $(cat "$TGT/call")"
			partial=$((partial + 1))
		fi
		disable_patch klpj_patch1 && unload_mod klpj_patch1 ||
			{ echo "N=$n: cannot remove klpj_patch1"; other=$((other + 1)); }
	else
		failed=$((failed + 1))
		if mod_loaded klpj_patch1 || ! patch_gone klpj_patch1; then
			echo "N=$n: $out, but klpj_patch1 is left behind"
			other=$((other + 1))
			disable_patch klpj_patch1
			unload_mod klpj_patch1
		fi
	fi
	if ! unpatched; then
		echo "N=$n: target functions not back to the original"
		partial=$((partial + 1))
	fi
	return $rc
}
# last_failing T: B (in $B) by a binary search over 1..T, each probe a
# checked load: a failure after B, once the init has returned, does not
# fail the load.  Some failures before B are tolerated too (the module's
# sysfs notes, a list the stack check can do without), one call at a
# time: a probe that loads counts as after B only if the two calls before
# it load as well.
after_b() {
	enable_with "$1" || return 1
	[ "$1" -le $(($2 + 2)) ] && return 0
	enable_with $(($1 - 1)) && enable_with $(($1 - 2))
}
last_failing() {
	local lo=0 hi=$(($1 + 1)) mid
	while [ $((hi - lo)) -gt 1 ]; do
		mid=$(((lo + hi) / 2))
		if after_b "$mid" "$lo"; then hi=$mid; else lo=$mid; fi
		[ -n "$(splat)" ] && { echo "N=$mid: kernel warning"; splat; break; }
	done
	B=$lo
}
for kind in slab page; do
	arm "$kind"
	out=$("$FAILNTH" 1000000 "$MODS/klpj_patch1.ko")
	t=$(field consumed "$out")
	check "$kind: a load with no failure succeeds ($out)" [ "${out%% *}" = ok ]
	disable_patch klpj_patch1
	unload_mod klpj_patch1
	failed=0 succeeded=0
	before=$(klog | grep -c "livepatch: failed to enable patch 'klpj_patch1'")
	last_failing "$t"
	for n in $(nvalues "$B"); do
		enable_with "$n"
		[ -n "$(splat)" ] && { echo "N=$n: kernel warning"; splat; break; }
	done
	klp=$(($(klog | grep -c "livepatch: failed to enable patch 'klpj_patch1'") - before))
	echo "$kind: $t calls, the last to fail the load #$B; $((failed + succeeded)) loads: $failed failed cleanly ($klp in klp_enable_patch after 'enabling patch'), $succeeded succeeded"
	[ "$kind" = slab ] && check "slab: failures injected inside klp_enable_patch()" [ "$klp" -gt 0 ]
done
check "enable: no partial patch" [ "$partial" = 0 ]
check "enable: no module or patch left behind" [ "$other" = 0 ]

# --- disable ---
arm slab
bad_disable=0
for ((n = 1; n <= DISABLE_MAX; n++)); do
	load_patch klpj_patch1 || { bad "N=$n: klpj_patch1 does not load"; break; }
	fail_nth_write "$n" 0 "$KLP_SYSFS/klpj_patch1/enabled" 2> /dev/null
	if [ "$(patch_attr klpj_patch1 enabled)" = 1 ]; then
		# The write itself failed: the patch must still be whole.
		[ "$(cat "$TGT/call")" = "$P1_CALL" ] ||
			{ echo "N=$n: write failed, patch not whole"; bad_disable=$((bad_disable + 1)); }
		echo 0 > "$KLP_SYSFS/klpj_patch1/enabled"
	fi
	wait_for 30 patch_gone klpj_patch1 ||
		{ echo "N=$n: patch not removed"; bad_disable=$((bad_disable + 1)); }
	unload_mod klpj_patch1
	unpatched || { echo "N=$n: not back to the original"; bad_disable=$((bad_disable + 1)); }
	[ -n "$(splat)" ] && { echo "N=$n: kernel warning"; splat; break; }
done
check "disable: $DISABLE_MAX attempts, always complete and byte-exact" [ "$bad_disable" = 0 ]
restore_attrs
check "dmesg: no Oops/WARNING/BUG" eval '[ -z "$(splat)" ]'

if [ -n "$KML_ON" ]; then
	unload_mod klpj_bad_target
	unload_mod klpj_target
	sleep 6
	echo scan > "$KML"
	echo scan > "$KML"
	leaks=$(grep -c "^unreferenced object" "$KML")
	check "kmemleak: no new leak ($leaks)" [ "$leaks" = 0 ]
	[ "$leaks" = 0 ] || head -n 40 "$KML" | sed 's/^/  /'
fi

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
