#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Upstream's samples/livepatch modules, unmodified, behave on this backend
# as their comments describe:
#  1. shadow variables: livepatch-shadow-mod leaks; livepatch-shadow-fix1
#     takes over allocation and release and prevents the leak with a
#     shadow variable; livepatch-shadow-fix2 on top adds a "check" counter;
#     both are disabled and removed in reverse order;
#  2. callbacks, target module loaded first: pre_patch/post_patch and
#     pre_unpatch/post_unpatch run for vmlinux and livepatch_callbacks_mod
#     in upstream's order;
#  3. callbacks, target module loaded after the patch: the core applies
#     the patch to the loading module (callbacks see MODULE_STATE_COMING)
#     and reverts it when the module goes (MODULE_STATE_GOING);
#     pre_patch_ret = -19 makes the module loader refuse the target;
#  4. a module loaded after the patch is redirected before its code runs:
#     livepatch-callbacks-busymod's work function, first called from its
#     module_init, already runs as patched_work_func; again after reload;
#  5. a busy function keeps the transition pending: busymod sleeping in
#     busymod_work_func blocks the patch until the function returns.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-samples

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

S=/lib/modules/$(uname -r)/kernel/samples/livepatch
[ -f "$S/livepatch-shadow-mod.ko" ] || skip "samples/livepatch modules not in $S"
EXTRA_PATCHES="livepatch_shadow_fix2 livepatch_shadow_fix1 livepatch_callbacks_demo"
EXTRA_PATCHES+=" livepatch_shadow_mod livepatch_callbacks_mod livepatch_callbacks_busymod"
trap cleanup EXIT

# sample NAME [ARGS]: insmod samples/livepatch/NAME.ko
sample() { local m=$1; shift; insmod "$S/$m.ko" "$@"; }
# sample_patch NAME: insmod a sample livepatch, wait for its transition
sample_patch() { sample "$1" && wait_for 30 settled "${1//-/_}"; }
# demo_lines: the callbacks demo's messages since the last mark_demo
demo_lines() {
	klog | sed -n "/$DEMO_MARK/,\$p" |
		sed -n 's/^livepatch_callbacks_demo: //p; s/^livepatch: //p'
}
mark_demo() {
	DEMO_MARK="wo-ftrace-samples mark $RANDOM$RANDOM"
	echo "$DEMO_MARK" > /dev/kmsg
}
# expect_demo LINE...: exactly these demo/livepatch lines since mark_demo
expect_demo() {
	local want got
	want=$(printf '%s\n' "$@")
	got=$(demo_lines | grep -v -e 'initializing\|starting\|completing\|complete$\|enabling patch')
	[ "$got" = "$want" ] && return 0
	diff <(echo "$want") <(echo "$got") | sed 's/^/  /'
	return 1
}
LIVE='[MODULE_STATE_LIVE] Normal state'
COMING='[MODULE_STATE_COMING] Full formed, running module_init'
GOING='[MODULE_STATE_GOING] Going away'

echo "# 1. shadow variables"
check "insmod livepatch-shadow-mod" sample livepatch-shadow-mod
check "the buggy module allocates" \
	wait_for 10 klog_has "^dummy_alloc: dummy @"
check "insmod livepatch-shadow-fix1, transition done" \
	sample_patch livepatch-shadow-fix1
check "fix1 allocates (livepatch_fix1_dummy_alloc)" \
	wait_for 10 klog_has "livepatch_shadow_fix1: livepatch_fix1_dummy_alloc: dummy @"
check "fix1 prevents a leak when a dummy expires" \
	wait_for 40 klog_has "livepatch_fix1_dummy_leak_dtor: dummy @ [0-9a-f]+, prevented leak @"
check "insmod livepatch-shadow-fix2, transition done" \
	sample_patch livepatch-shadow-fix2
check "fix2 counts checks in a second shadow variable" \
	wait_for 15 klog_has "livepatch_shadow_fix2: livepatch_fix2_dummy_free: dummy @ [0-9a-f]+, check counter = [0-9]+"
check "disable fix2" disable_patch livepatch_shadow_fix2
check "disable fix1" disable_patch livepatch_shadow_fix1
check "rmmod fix2" unload_mod livepatch_shadow_fix2
check "rmmod fix1" unload_mod livepatch_shadow_fix1
check "rmmod livepatch-shadow-mod" unload_mod livepatch_shadow_mod
# livepatch-shadow-mod leaks on purpose until fix1 is in: let kmemleak
# report those objects now and forget them, so that the leak checks of
# later tests see only their own.
if [ -e "$DBGFS/kmemleak" ]; then
	sleep 6
	echo scan > "$DBGFS/kmemleak"
	echo scan > "$DBGFS/kmemleak"
	echo "  kmemleak: $(grep -c '^unreferenced object' "$DBGFS/kmemleak") object(s) leaked by livepatch-shadow-mod, cleared"
	echo clear > "$DBGFS/kmemleak"
fi

echo "# 2. callbacks, target module first"
check "insmod livepatch-callbacks-mod" sample livepatch-callbacks-mod
mark_demo
check "insmod livepatch-callbacks-demo, transition done" \
	sample_patch livepatch-callbacks-demo
check "disable the demo" disable_patch livepatch_callbacks_demo
check "callbacks in upstream's order" expect_demo \
	"pre_patch_callback: vmlinux" \
	"pre_patch_callback: livepatch_callbacks_mod -> $LIVE" \
	"post_patch_callback: vmlinux" \
	"post_patch_callback: livepatch_callbacks_mod -> $LIVE" \
	"pre_unpatch_callback: vmlinux" \
	"pre_unpatch_callback: livepatch_callbacks_mod -> $LIVE" \
	"post_unpatch_callback: vmlinux" \
	"post_unpatch_callback: livepatch_callbacks_mod -> $LIVE"
check "rmmod the demo" unload_mod livepatch_callbacks_demo
check "rmmod livepatch-callbacks-mod" unload_mod livepatch_callbacks_mod

echo "# 3. callbacks, target module loaded after the patch"
mark_demo
check "insmod livepatch-callbacks-demo, transition done" \
	sample_patch livepatch-callbacks-demo
check "insmod livepatch-callbacks-mod" sample livepatch-callbacks-mod
check "rmmod livepatch-callbacks-mod" unload_mod livepatch_callbacks_mod
check "callbacks and messages for the coming and going module" expect_demo \
	"pre_patch_callback: vmlinux" \
	"post_patch_callback: vmlinux" \
	"applying patch 'livepatch_callbacks_demo' to loading module 'livepatch_callbacks_mod'" \
	"pre_patch_callback: livepatch_callbacks_mod -> $COMING" \
	"post_patch_callback: livepatch_callbacks_mod -> $COMING" \
	"pre_unpatch_callback: livepatch_callbacks_mod -> $GOING" \
	"reverting patch 'livepatch_callbacks_demo' on unloading module 'livepatch_callbacks_mod'" \
	"post_unpatch_callback: livepatch_callbacks_mod -> $GOING"
check "pre_patch_ret = -19" \
	eval "echo -19 > /sys/module/livepatch_callbacks_demo/parameters/pre_patch_ret"
out=$(sample livepatch-callbacks-mod 2>&1)
echo "  insmod: $out"
check "the loader refuses the target module: No such device" \
	eval '! mod_loaded livepatch_callbacks_mod && [[ $out == *"No such device"* ]]'
echo 0 > /sys/module/livepatch_callbacks_demo/parameters/pre_patch_ret

echo "# 4. a module loaded after the patch runs patched code from the start"
for round in 1 2; do
	mark_demo
	check "[$round] insmod livepatch-callbacks-busymod" \
		sample livepatch-callbacks-busymod
	check "[$round] its first work item runs patched_work_func" \
		wait_for 10 eval 'demo_lines | grep -qx patched_work_func'
	check "[$round] and never busymod_work_func" \
		eval '! klog | sed -n "/$DEMO_MARK/,\$p" | grep -q "busymod_work_func, sleeping"'
	check "[$round] rmmod livepatch-callbacks-busymod" \
		unload_mod livepatch_callbacks_busymod
	check "[$round] patch reverted on unloading" \
		eval "demo_lines | grep -q \"reverting patch 'livepatch_callbacks_demo' on unloading module 'livepatch_callbacks_busymod'\""
done
check "disable the demo" disable_patch livepatch_callbacks_demo
check "rmmod the demo" unload_mod livepatch_callbacks_demo

echo "# 5. a sleeping function keeps the transition pending"
check "insmod livepatch-callbacks-busymod sleep_secs=4" \
	sample livepatch-callbacks-busymod sleep_secs=4
check "busymod_work_func is sleeping" \
	wait_for 10 klog_has "busymod_work_func, sleeping 4 seconds"
t0=$(now_ms)
check "insmod livepatch-callbacks-demo" sample livepatch-callbacks-demo
check "the transition is pending while busymod_work_func sleeps" \
	eval 'in_transition livepatch_callbacks_demo ||
	      klog_has "livepatch_callbacks_busymod: busymod_work_func exit"'
check "the transition completes once the function returned" \
	wait_for 20 settled livepatch_callbacks_demo
echo "  transition took $(($(now_ms) - t0)) ms"
check "busymod_work_func returned before the switch" \
	klog_has "busymod_work_func exit"
# Whether the worker is reported depends on how much of its 4 s sleep is
# left when the patch loads (reports start about 1.5 s after the first
# attempt), which a slower kernel changes.  test-wo-ftrace-busy.sh checks
# the report with sleepers that wait until they are told.  Here: whatever
# was reported names the sleeping worker and nothing else.
check "any busy line names busymod_work_func only" \
	eval '! klog | grep "klp-jump: .* is in " | grep -v -q busymod_work_func'
check "disable the demo" disable_patch livepatch_callbacks_demo
check "rmmod the demo" unload_mod livepatch_callbacks_demo
check "rmmod livepatch-callbacks-busymod" unload_mod livepatch_callbacks_busymod

check "dmesg: no Oops/WARNING/BUG" eval '! klog_has "Oops|WARNING|BUG"'

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
