#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# klpctl as an administrator uses it (tools/livepatch, installed in the
# guest as /usr/sbin/klpctl):
#  (a) info, load of two modules with klp-build's modinfo (klpk_leaf,
#      klpk_tiny) and of upstream's livepatch-sample; list (and --json);
#      info by name; unload in order, then unload --all;
#  (b) refusals before anything is loaded (exit 2): a module already
#      loaded, a conflict with a loaded patch on the same function
#      (klpk_clash), a build-id of another kernel (klpk_badid), a vermagic
#      of another kernel (a copy of klpj_patch2.ko with its release changed);
#  (c) a load that stays blocked (a kthread sleeping in klpj_nest_outer)
#      with --timeout 5: exit 3, the blocker's pid and function printed,
#      reverted and unloaded; an unload that stays blocked: exit 3, the
#      patch is enabled again and stays loaded.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=klpctl
HERE=$(cd "$(dirname "$0")" && pwd)
KLPJ_MOD_DIR=${KLPJ_MOD_DIR:-$(cd "$HERE/../wo_ftrace" 2>/dev/null && pwd)}

# shellcheck source=../wo_ftrace/functions.sh
. "$HERE/../wo_ftrace/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
[ -f "$HERE/klpk_leaf.ko" ] || skip "klpk_*.ko not built"
command -v klpctl > /dev/null || skip "klpctl not installed (tools/livepatch)"
SAMPLE=/lib/modules/$(uname -r)/kernel/samples/livepatch/livepatch-sample.ko
[ -f "$SAMPLE" ] || skip "livepatch-sample.ko not installed"
NEST=$DBGFS/klpj_nest
EXTRA_PATCHES="klpj_nest_patch livepatch_sample klpk_tiny klpk_leaf klpk_clash klpk_badid klpj_nest"
PATCHED_CMDLINE="this has been live patched"
OUT=$(mktemp -d)
trap '[ -e "$NEST/sleep" ] && echo 0 > "$NEST/sleep"; rm -rf "$OUT"; cleanup' EXIT

# kc EXPECTED ARGS...: run klpctl ARGS, show its output, succeed if it
# exits with EXPECTED; the output stays in $OUT/out
kc() {
	local want=$1 rc
	shift
	echo "  \$ klpctl $*"
	klpctl "$@" > "$OUT/out" 2>&1
	rc=$?
	sed 's/^/    /' "$OUT/out"
	[ "$rc" = "$want" ] || { echo "  exit $rc, expected $want"; return 1; }
}
said() { grep -q -- "$1" "$OUT/out"; }
enabled() { attr_is "$1" enabled 1 && attr_is "$1" transition 0; }
absent() { [ ! -d "$KLP_SYSFS/$1" ] && ! mod_loaded "$1"; }
call_has() { [[ " $(cat "$TGT/call") " == *" $1 "* ]]; }
cmdline_is() { [ "$(cat /proc/cmdline)" = "$1" ]; }
ORIG_CMDLINE=$(cat /proc/cmdline)
# klpj_target's "call" with klpk_leaf and klpk_tiny (klpj_values.h, KLPK_N)
LEAF=50001
TINY=50007

section "(a) load, list, info, unload"
check "insmod klpj_target" insmod "$MODS/klpj_target.ko"
check "info klpk_leaf.ko names klpj_leaf" eval \
	'kc 0 info "$HERE/klpk_leaf.ko" && said klpj_leaf'
check "info --json klpk_leaf.ko names klpj_leaf" eval \
	'kc 0 info "$HERE/klpk_leaf.ko" --json && said klpj_leaf'
check "load klpk_leaf.ko" kc 0 load "$HERE/klpk_leaf.ko"
check "klpk_leaf enabled, not in transition" enabled klpk_leaf
check "klpj_leaf patched (leaf=$LEAF)" call_has "leaf=$LEAF"
check "load klpk_tiny.ko" kc 0 load "$HERE/klpk_tiny.ko"
check "klpk_tiny enabled, not in transition" enabled klpk_tiny
check "klpj_tiny patched (tiny=$TINY)" call_has "tiny=$TINY"
check "load livepatch-sample.ko" kc 0 load "$SAMPLE"
check "livepatch_sample enabled, not in transition" enabled livepatch_sample
check "/proc/cmdline patched" cmdline_is "$PATCHED_CMDLINE"
check "list names the three patches" eval \
	'kc 0 list && said klpk_leaf && said klpk_tiny && said livepatch_sample'
check "list --json names the three patches" eval \
	'kc 0 list --json && said "\"klpk_leaf\"" && said "\"klpk_tiny\"" && said "\"livepatch_sample\""'
check "info klpk_tiny (loaded) names klpj_tiny" eval \
	'kc 0 info klpk_tiny && said klpj_tiny'
check "info livepatch_sample (loaded) names cmdline_proc_show" eval \
	'kc 0 info livepatch_sample && said cmdline_proc_show'
check "unload livepatch_sample" kc 0 unload livepatch_sample
check "livepatch_sample gone" absent livepatch_sample
check "/proc/cmdline original" cmdline_is "$ORIG_CMDLINE"
check "unload klpk_tiny" kc 0 unload klpk_tiny
check "klpk_tiny gone" absent klpk_tiny
check "klpj_tiny original (tiny=7)" call_has "tiny=7"
check "load livepatch-sample.ko again" kc 0 load "$SAMPLE"
check "unload --all" kc 0 unload --all
check "klpk_leaf gone" absent klpk_leaf
check "livepatch_sample gone" absent livepatch_sample
check "no patch left in $KLP_SYSFS" eval '[ -z "$(ls "$KLP_SYSFS")" ]'
check "klpj_leaf original (leaf=1)" call_has "leaf=1"

section "(b) refused before loading"
check "load klpk_leaf.ko" kc 0 load "$HERE/klpk_leaf.ko"
check "load klpk_leaf.ko again: exit 2" kc 2 load "$HERE/klpk_leaf.ko"
check "load klpk_clash.ko (klpj_leaf as klpk_leaf): exit 2, names klpj_leaf" \
	eval 'kc 2 load "$HERE/klpk_clash.ko" && said klpj_leaf'
check "klpk_clash not loaded" absent klpk_clash
check "load klpk_badid.ko (another build-id): exit 2" \
	kc 2 load "$HERE/klpk_badid.ko"
check "klpk_badid not loaded" absent klpk_badid
vm=$(modinfo -F vermagic "$MODS/klpj_patch2.ko")
rel=${vm%% *}
case $rel in 9*) other=8${rel#?} ;; *) other=9${rel#?} ;; esac
LC_ALL=C sed "s/vermagic=${rel//./\\.} /vermagic=$other /" \
	"$MODS/klpj_patch2.ko" > "$OUT/klpj_patch2.ko"
check "a copy of klpj_patch2.ko for release $other" eval \
	'[ "$(modinfo -F vermagic "$OUT/klpj_patch2.ko")" = "$other ${vm#* }" ]'
check "load it: exit 2, names release $other" eval \
	'kc 2 load "$OUT/klpj_patch2.ko" && said "$other"'
check "klpj_patch2 not loaded" absent klpj_patch2
check "the kernel never saw it (no 'version magic' in dmesg)" \
	eval '! klog_has "version magic"'
check "unload klpk_leaf" kc 0 unload klpk_leaf
check "klpk_leaf gone" absent klpk_leaf

section "(c) a blocked load and a blocked unload time out and are reverted"
P=klpj_nest_patch
check "insmod klpj_nest" insmod "$MODS/klpj_nest.ko"
check "echo 1 > klpj_nest/sleep" eval "echo 1 > '$NEST/sleep'"
pid=$(pid_of klpj_nest) || pid=none
check "load $P.ko --timeout 5: exit 3" kc 3 load "$MODS/$P.ko" --timeout 5
check "its output names pid $pid" said "pid $pid"
check "its output names klpj_nest_outer" said klpj_nest_outer
check "$P reverted and unloaded" absent $P
check "old klpj_nest_outer in effect" eval '[ "$(cat "$NEST/call")" = 100 ]'
check "echo 0 > klpj_nest/sleep" eval "echo 0 > '$NEST/sleep'"
check "load $P.ko" kc 0 load "$MODS/$P.ko"
check "echo 1 > klpj_nest/sleep: in the new function" \
	eval "echo 1 > '$NEST/sleep'"
pid=$(pid_of klpj_nest) || pid=none
# The kthread in the new function holds the disable.  klpctl reverses it
# at the timeout; the reverse writes no slot, so it checks no code and
# completes whatever the kthread does (test-wo-ftrace-reverse.sh).
check "unload $P --timeout 5: exit 3" kc 3 unload $P --timeout 5
check "its output names pid $pid" said "pid $pid"
check "$P enabled again" wait_for 60 enabled $P
check "$P still loaded" mod_loaded $P
check "new klpj_nest_outer still in effect" \
	eval '[ "$(cat "$NEST/call")" != 100 ]'
check "echo 0 > klpj_nest/sleep: the kthread leaves" \
	eval "echo 0 > '$NEST/sleep'"
check "unload $P" kc 0 unload $P
check "$P gone" absent $P
check "rmmod klpj_nest" unload_mod klpj_nest

MARK="klpj-mark-$NAME-$$-$START_MS"
check "dmesg: no Oops/WARNING/BUG" eval '! klog_has "Oops|WARNING|BUG"'

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
