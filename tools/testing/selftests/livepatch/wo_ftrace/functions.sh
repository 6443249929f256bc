#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the test-wo-ftrace-*.sh scripts.  Each script sets NAME
# and sources this file; it sets up the common state (MODS, MARK, START_MS)
# and the cleanup trap handler that leaves no patch or module behind.

KLP_SYSFS=/sys/kernel/livepatch
DBGFS=/sys/kernel/debug
TGT=$DBGFS/klpj_target
FAILS=0
ALLOWED_LEFT=
ALL_PATCHES="klpj_replace klpj_patch3 klpj_patch2 klpj_patch1 klpj_vmlinux"

now_ms() { local t=${EPOCHREALTIME//[.,]/}; echo $((t / 1000)); }
# ms_now: the time in ms in $MS, without the fork of $(now_ms)
ms_now() { MS=${EPOCHREALTIME//[.,]/}; MS=$((MS / 1000)); }
# nap SECONDS: sleep without starting a process (a read with a timeout on a
# FIFO that nobody writes); sleep(1) when no FIFO can be made.  Polling
# loops nap: under a slow kernel, or with every CPU busy, each fork and
# exec of sleep(1) costs more than the wait itself.
NAP_FD=
nap() {
	if [ -z "$NAP_FD" ]; then
		local f
		f=$(mktemp -u "${TMPDIR:-/tmp}/klpj-nap.XXXXXX") &&
		mkfifo -m 600 "$f" 2>/dev/null &&
		exec {NAP_FD}<>"$f" && rm -f "$f"
		[ -n "$NAP_FD" ] || NAP_FD=none
	fi
	if [ "$NAP_FD" = none ]; then
		sleep "$1"
	else
		read -r -t "$1" -u "$NAP_FD" _
	fi
	return 0
}
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
# check DESCRIPTION CMD...: report whether CMD succeeds
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
skip() { echo "SKIP: $*"; exit 4; }
# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds
wait_for() {
	local MS end
	ms_now
	end=$((MS + $1 * 1000))
	shift
	until "$@"; do
		ms_now
		[ "$MS" -ge "$end" ] && return 1
		nap 0.1
	done
}
# mod_loaded NAME: the module is in /proc/modules (no fork)
mod_loaded() {
	local m rest
	while read -r m rest; do
		[ "$m" = "$1" ] && return 0
	done < /proc/modules
	return 1
}
patch_attr() { cat "$KLP_SYSFS/$1/$2" 2>/dev/null; }
# attr_is PATCH ATTR VALUE: the sysfs attribute reads VALUE (no fork)
attr_is() {
	local v=
	[ -r "$KLP_SYSFS/$1/$2" ] && IFS= read -r v < "$KLP_SYSFS/$1/$2" 2>/dev/null
	[ "$v" = "$3" ]
}
in_transition() { attr_is "$1" transition 1; }
settled() { ! attr_is "$1" transition 1; }
patch_gone() { [ ! -d "$KLP_SYSFS/$1" ]; }
# field KEY LINE: the value of KEY=value in LINE
field() { [[ " $2 " =~ [[:space:]]$1=([^[:space:]]*) ]] && echo "${BASH_REMATCH[1]}"; }
# load_patch NAME: insmod, then wait (bounded) for the transition to end
load_patch() {
	insmod "$MODS/$1.ko" && wait_for 30 settled "$1" && return 0
	klog | grep -E "livepatch: .*(fail|cannot|no branch)" | tail -n 3 | sed 's/^/  dmesg: /'
	return 1
}
# disable_patch NAME: disable, then wait (bounded) for the patch to be freed
disable_patch() { echo 0 > "$KLP_SYSFS/$1/enabled" && wait_for 30 patch_gone "$1"; }
# unload_mod NAME: rmmod, retried while the module is still referenced
unload_mod() {
	local MS end
	ms_now
	end=$((MS + 5000))
	while mod_loaded "$1"; do
		rmmod "$1" 2>/dev/null && return 0
		ms_now
		[ "$MS" -ge "$end" ] && { rmmod "$1"; return 1; }
		nap 0.1
	done
}
# pid_of COMM: the pid of the task named COMM
pid_of() {
	local d
	for d in /proc/[0-9]*; do
		[ "$(cat "$d/comm" 2>/dev/null)" = "$1" ] && { echo "${d#/proc/}"; return 0; }
	done
	return 1
}
# stays_pending MS: the transition of $P reads 1 all along the next MS ms
stays_pending() {
	local MS end
	ms_now
	end=$((MS + $1))
	while ms_now && [ "$MS" -lt "$end" ]; do
		in_transition $P || { echo "  transition ended after all"; return 1; }
		nap 0.1
	done
}
# section TEXT: start a part of the test; klog then shows its messages only
section() {
	echo "# $*"
	MARK="klpj-mark-$NAME-$$-$(now_ms)"
	echo "$MARK" > /dev/kmsg
}
# kernel messages since this test started (since $MARK), without
# timestamps.  Two processes, not four: each exec costs about 0.45 s on the
# debug kernel, and wait_for polls klog_has.  The mark and the regex (an
# ERE, as for grep -E) reach awk through the environment, untouched by
# awk's escape processing.
klog() {
	dmesg | KLOG_MARK=$MARK awk '
		index($0, ENVIRON["KLOG_MARK"]) { p = 1 }
		p { sub(/^\[[^]]*\] /, ""); print }'
}
klog_has() {
	dmesg | KLOG_MARK=$MARK KLOG_RE=$1 awk '
		index($0, ENVIRON["KLOG_MARK"]) { p = 1 }
		p { sub(/^\[[^]]*\] /, ""); if ($0 ~ ENVIRON["KLOG_RE"]) { f = 1; exit } }
		END { exit !f }'
}

# cleanup: the EXIT trap handler.  A test that recorded a failed check
# exits non-zero even when its own handler ran other commands first (and
# so changed $?) before calling this.
cleanup() {
	local rc=$? p f
	trap - EXIT
	set +e
	[ "$FAILS" = 0 ] || [ "$rc" != 0 ] || rc=1
	for f in sleep spin hammer; do
		[ -e "$TGT/$f" ] && echo 0 > "$TGT/$f" 2>/dev/null
	done
	for p in $ALL_PATCHES $EXTRA_PATCHES; do
		[ -d "$KLP_SYSFS/$p" ] || continue
		wait_for 10 settled "$p" ||
			{ echo 0 > "$KLP_SYSFS/$p/enabled"; wait_for 10 settled "$p"; }
		[ "$(patch_attr "$p" enabled)" = 1 ] &&
			echo 0 > "$KLP_SYSFS/$p/enabled"
		wait_for 10 patch_gone "$p" || echo "cleanup: patch $p remains"
	done
	for p in $ALL_PATCHES $EXTRA_PATCHES klpj_target; do
		[[ " $ALLOWED_LEFT " == *" $p "* ]] && continue
		if ! unload_mod "$p"; then
			echo "cleanup: cannot remove module $p"
			[ "$rc" = 0 ] && rc=1
		fi
	done
	echo "$NAME: done in $(($(now_ms) - START_MS)) ms, exit $rc"
	exit "$rc"
}

START_MS=$(now_ms)
EXTRA_PATCHES=
[ "$(id -u)" = 0 ] || skip "must run as root"
[ -d "$KLP_SYSFS" ] || skip "no $KLP_SYSFS: CONFIG_LIVEPATCH is off"
grep -qs " $DBGFS debugfs " /proc/mounts || mount -t debugfs debugfs "$DBGFS" ||
	skip "cannot mount debugfs"
MODS=
for d in "${KLPJ_MOD_DIR:-}" ./wo_ftrace "$(dirname "$0")"; do
	[ -n "$d" ] && [ -f "$d/klpj_target.ko" ] && { MODS=$d; break; }
done
MARK="klpj-mark-$NAME-$$-$START_MS"
echo "$MARK" > /dev/kmsg
echo "TEST: $NAME"
