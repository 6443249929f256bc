#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Torture: KLPJ_TORTURE_OPS (default 500) patch switches while one kthread
# on each of CPUs 0..3 calls klpj_nonleaf and klpj_leaf, directly and
# through a pointer, in a tight loop (klpj_target's hammer, restarted
# whenever a round of KLPJ_HAMMER_N iterations ends).  A cycle is four
# switches: enable klpj_patch1; enable klpj_patch2 on top of it; enable
# klpj_replace, which atomically replaces both (klpj_leaf becomes patch 9,
# klpj_nonleaf returns to its original code through a nop); disable
# klpj_replace.  After each switch the values seen by a call must be those
# of the patch in effect.  The hammer threads classify every return value:
# each must be the original one or that of a patch (bad = 0), no call may
# be lost, and the kernel must not log an Oops, WARNING or BUG.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-torture

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
trap cleanup EXIT

# Thousands of commands run here: use busybox's static insmod/rmmod and
# shell builtins rather than dynamically linked tools, which take long to
# start under TCG.
insmod() { busybox insmod "$@"; }
rmmod() { busybox rmmod "$@"; }
mod_loaded() {
	local m rest
	while read -r m rest; do [ "$m" = "$1" ] && return 0; done < /proc/modules
	return 1
}

OPS=${KLPJ_TORTURE_OPS:-500}
N=${KLPJ_HAMMER_N:-1000000}
LIMIT_S=${KLPJ_TORTURE_LIMIT_S:-900}
S=10000

# The loop below forks no subshell either: $(...) costs more than the
# command in it while four CPUs hammer.  readf FILE: its first line in
# $REPLY; has KEY VALUE: $REPLY has KEY=VALUE.
readf() { IFS= read -r REPLY < "$1"; }
has() { [[ " $REPLY " == *" $1=$2 "* ]]; }
hammer_running() { readf "$TGT/hammer" && has running 1; }
hammer_done() { ! hammer_running; }

rounds=0 total_calls=0 total_new=0 total_old=0 total_bad=0 lost=0
end_round() {
	local res calls
	wait_for 300 hammer_done || bad "round $rounds: hammer did not finish"
	res=$(< "$TGT/hammer")
	calls=$(field calls "$res")
	[ "$calls" = "$expected" ] || { lost=$((lost + 1)); echo "  round $rounds: $res"; }
	total_calls=$((total_calls + calls))
	total_old=$((total_old + $(field old "$res")))
	total_new=$((total_new + $(field new "$res")))
	total_bad=$((total_bad + $(field bad "$res")))
}
# The hammer threads keep the default priority.  At nice 19 (tried) they
# are preempted inside the patched functions most of the time: every
# switch then waits for the end of a round and no call reaches the
# patched code.
start_round() {
	rounds=$((rounds + 1))
	echo "$N" > "$TGT/hammer"
}

# now_is NONLEAF LEAF: the patch numbers whose values calls return now
now_is() {
	readf "$TGT/call" &&
	has nonleaf $((1000 + $1 * S)) && has leaf $((1 + $2 * S)) &&
	has leaf_ptr $((1 + $2 * S)) && has nonleaf_ptr $((1000 + $1 * S)) &&
	return 0
	echo "  call: $REPLY"
	return 1
}

# op DESCRIPTION CMD...: one switch; quiet unless it fails
ops=0
op() {
	local what=$1
	shift
	ops=$((ops + 1))
	"$@" || bad "op $ops (cycle $cycles): $what"
}
quiet() { local what=$1; shift; "$@" || bad "cycle $cycles: $what"; }

check "insmod klpj_target" insmod "$MODS/klpj_target.ko"
threads=$(nproc)
[ "$threads" -gt 4 ] && threads=4
expected=$((threads * N * 3))
echo "torture: $OPS switches; hammer rounds of $threads threads x $N iterations x 3 calls"

t0=$(now_ms)
start_round
cycles=0
while [ "$ops" -lt "$OPS" ] && [ "$FAILS" -lt 10 ] &&
      ms_now && [ $((MS - t0)) -lt $((LIMIT_S * 1000)) ]; do
	if hammer_done; then
		end_round
		start_round
	fi
	op "enable klpj_patch1" load_patch klpj_patch1
	quiet "klpj_patch1 in effect" now_is 1 1
	op "enable klpj_patch2 over klpj_patch1" load_patch klpj_patch2
	quiet "klpj_patch2 in effect" now_is 2 2
	op "atomic replace by klpj_replace" load_patch klpj_replace
	quiet "klpj_replace in effect (nonleaf original)" now_is 0 9
	quiet "replaced patches freed" \
		wait_for 10 eval 'patch_gone klpj_patch1 && patch_gone klpj_patch2'
	quiet "rmmod klpj_patch1" unload_mod klpj_patch1
	quiet "rmmod klpj_patch2" unload_mod klpj_patch2
	op "disable klpj_replace" disable_patch klpj_replace
	quiet "original code back" now_is 0 0
	quiet "rmmod klpj_replace" unload_mod klpj_replace
	cycles=$((cycles + 1))
	[ $((cycles % 25)) = 0 ] &&
		echo "  $ops switches in $(($(now_ms) - t0)) ms, hammer round $rounds"
done
end_round
echo "torture: $ops switches ($cycles cycles) in $(($(now_ms) - t0)) ms;" \
	"$rounds hammer rounds, $total_calls calls (old $total_old, new $total_new, bad $total_bad)"
check "$OPS switches done" [ "$ops" -ge "$OPS" ]
check "every return value old or new (bad == 0)" [ "$total_bad" = 0 ]
check "no call lost (every round counted all its calls)" [ "$lost" = 0 ]
check "at least 1000000 calls" [ "$total_calls" -ge 1000000 ]
check "calls reached the patched code (new > 0)" [ "$total_new" -gt 0 ]
check "no patch left" eval 'patch_gone klpj_patch1 && patch_gone klpj_patch2 && patch_gone klpj_replace'
check "rmmod klpj_target" unload_mod klpj_target
check "dmesg: no Oops/WARNING/BUG" eval '! klog_has "Oops|WARNING|BUG"'

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
