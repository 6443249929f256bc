#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the klp-build integration tests (see README).
#
#   test-klp-build.sh [-m MODDIR] [-s SCRIPTDIR] [-w SECONDS] [CASE...]
#
# MODDIR (default /extra/klp-build) holds the modules built by klp-build:
# CASE.ko, and CASE-2.ko, CASE-3.ko ... for the later steps of a case.
# SCRIPTDIR (default: this script's directory) holds CASE-LOADED.sh,
# CASE-N-LOADED.sh and the optional CASE-SETUP.sh, CASE-UNLOADED.sh,
# CASE-CLEANUP.sh.  Without CASE arguments: every CASE-LOADED.sh there.
# -w: limit of each bounded wait (transition, removal; default 300 s).
#
# For each case:
#   SETUP (optional) must succeed;
#   every step's LOADED must fail;
#   for each step K: insmod CASE[-K].ko, wait until its transition is 0,
#     its LOADED must pass; the previous step's LOADED must now fail and
#     its patch (atomically replaced) must go away and its module unload;
#   echo 0 > enabled on the last one, wait until its patch is gone, rmmod;
#   where the guest has klpctl (tools/livepatch), a step is loaded with
#   `klpctl load` (which also checks the build-id and vermagic klp-build
#   recorded against this kernel) and the last one removed with `klpctl
#   unload`, as an administrator would;
#   every LOADED must fail again; UNLOADED (optional) must pass;
#   CLEANUP (optional) runs last, whatever happened.
# Prints "PASS: CASE" or "FAIL: CASE: reason" per case, then
# "N passed, N failed", and the same lines again between
# KLPB-RESULTS-BEGIN/END with the console loglevel lowered.
# Exit status 0 only if every case passed.
set -u
MODDIR=/extra/klp-build
SCRIPTDIR=$(cd "$(dirname "$0")" && pwd)
WAIT=300
while getopts m:s:w: opt; do
	case $opt in
	m) MODDIR=$OPTARG ;;
	s) SCRIPTDIR=$OPTARG ;;
	w) WAIT=$OPTARG ;;
	*) echo "usage: $0 [-m MODDIR] [-s SCRIPTDIR] [-w SECONDS] [CASE...]"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
KLPCTL=$(command -v klpctl)
SYSFS=/sys/kernel/livepatch
LOG=/tmp/klpb-step.log

cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
	for f in "$SCRIPTDIR"/*-LOADED.sh; do
		[ -e "$f" ] || continue
		c=$(basename "$f" -LOADED.sh)
		[[ $c =~ -[0-9]+$ ]] && continue
		cases+=("$c")
	done
fi

now_ms() { local t=${EPOCHREALTIME//[.,]/}; echo $((t / 1000)); }
# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds
wait_for() {
	local end=$(($(now_ms) + $1 * 1000))
	shift
	until "$@"; do
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.1
	done
}
modname() { local m=${1//-/_}; echo "$m"; }
mod_loaded() { grep -q "^$1 " /proc/modules; }
settled() { [ "$(cat "$SYSFS/$1/transition" 2>/dev/null)" = 0 ]; }
patch_gone() { [ ! -d "$SYSFS/$1" ]; }
# unload MOD: rmmod, retried while the module is still referenced
unload() {
	local end=$(($(now_ms) + WAIT * 1000))
	while mod_loaded "$1"; do
		rmmod "$1" 2>/dev/null && return 0
		[ "$(now_ms)" -ge "$end" ] && { rmmod "$1"; return 1; }
		sleep 0.1
	done
}
# run_script FILE: run a case script from SCRIPTDIR, output indented; the
# scripts bound their own waits by KLPB_WAIT (= WAIT): this limit comes
# later, so that their message saying what they waited for is seen
run_script() {
	local rc
	(cd "$SCRIPTDIR" && exec timeout "$((WAIT + 30))" bash "./$1") < /dev/null > "$LOG" 2>&1
	rc=$?
	sed 's/^/    | /' "$LOG"
	return $rc
}
# show_klog: the kernel's last livepatch messages, on failures
show_klog() { dmesg | grep -E 'livepatch|klp|module' | tail -n 8 | sed 's/^/    dmesg: /'; }

results=()
npass=0 nfail=0
# remove every module of the current case still loaded (after a failure)
teardown() {
	local k m
	for ((k = ${#mods[@]} - 1; k >= 0; k--)); do
		m=${mods[k]}
		if [ -d "$SYSFS/$m" ]; then
			echo 0 > "$SYSFS/$m/enabled" 2>/dev/null
			wait_for "$WAIT" patch_gone "$m"
		fi
		mod_loaded "$m" && unload "$m"
	done
}

# run_case CASE: prints why on failure, returns 0 on pass
run_case() {
	local c=$1 k n j m prev
	steps=("$c")
	for ((k = 2; ; k++)); do
		[ -e "$SCRIPTDIR/$c-$k-LOADED.sh" ] || [ -e "$MODDIR/$c-$k.ko" ] || break
		steps+=("$c-$k")
	done
	mods=()
	for n in "${steps[@]}"; do
		[ -f "$MODDIR/$n.ko" ] || { why="module $MODDIR/$n.ko not found"; return 1; }
		[ -f "$SCRIPTDIR/$n-LOADED.sh" ] || { why="$n-LOADED.sh not found"; return 1; }
		mods+=("$(modname "$n")")
	done
	if [ -f "$SCRIPTDIR/$c-SETUP.sh" ]; then
		echo "  # $c-SETUP.sh"
		run_script "$c-SETUP.sh" || { why="$c-SETUP.sh failed"; return 1; }
	fi
	for n in "${steps[@]}"; do
		echo "  # $n-LOADED.sh before loading (must fail)"
		if run_script "$n-LOADED.sh"; then
			why="$n-LOADED.sh passes before the patch is loaded"
			return 1
		fi
	done
	for ((k = 0; k < ${#steps[@]}; k++)); do
		n=${steps[k]} m=${mods[k]}
		if [ -n "$KLPCTL" ]; then
			echo "  # klpctl load $n.ko"
			if ! "$KLPCTL" load --timeout "$WAIT" "$MODDIR/$n.ko"; then
				show_klog
				why="klpctl load $n.ko failed"
				return 1
			fi
		else
			echo "  # insmod $n.ko"
			if ! insmod "$MODDIR/$n.ko"; then
				show_klog
				why="insmod $n.ko failed"
				return 1
			fi
		fi
		if ! wait_for "$WAIT" settled "$m"; then
			show_klog
			why="$m: transition not finished after ${WAIT}s"
			return 1
		fi
		echo "  # $n-LOADED.sh (must pass)"
		run_script "$n-LOADED.sh" || { why="$n-LOADED.sh fails with $n.ko loaded"; return 1; }
		[ "$k" -gt 0 ] || continue
		# atomic replace: every earlier step is gone
		for ((j = 0; j < k; j++)); do
			prev=${steps[j]}
			echo "  # $prev-LOADED.sh after the replace (must fail)"
			if run_script "$prev-LOADED.sh"; then
				why="$prev-LOADED.sh still passes after $n.ko replaced it"
				return 1
			fi
			wait_for "$WAIT" patch_gone "${mods[j]}" ||
				{ why="${mods[j]} still in $SYSFS after $n.ko replaced it"; return 1; }
			if mod_loaded "${mods[j]}"; then
				echo "  # rmmod ${mods[j]} (replaced)"
				unload "${mods[j]}" || { why="rmmod ${mods[j]} failed after the replace"; return 1; }
			fi
		done
	done
	m=${mods[${#mods[@]} - 1]}
	if [ -n "$KLPCTL" ]; then
		echo "  # klpctl unload $m"
		"$KLPCTL" unload --timeout "$WAIT" "$m" || { why="klpctl unload $m failed"; return 1; }
		! mod_loaded "$m" || { why="$m still loaded after klpctl unload"; return 1; }
	else
		echo "  # echo 0 > $SYSFS/$m/enabled"
		echo 0 > "$SYSFS/$m/enabled" || { why="cannot disable $m"; return 1; }
		wait_for "$WAIT" patch_gone "$m" || { why="$m: not gone ${WAIT}s after disabling"; return 1; }
		echo "  # rmmod $m"
		unload "$m" || { why="rmmod $m failed"; return 1; }
	fi
	for n in "${steps[@]}"; do
		echo "  # $n-LOADED.sh after removal (must fail)"
		if run_script "$n-LOADED.sh"; then
			why="$n-LOADED.sh still passes after disable and rmmod"
			return 1
		fi
	done
	if [ -f "$SCRIPTDIR/$c-UNLOADED.sh" ]; then
		echo "  # $c-UNLOADED.sh (must pass)"
		run_script "$c-UNLOADED.sh" || { why="$c-UNLOADED.sh failed"; return 1; }
	fi
	return 0
}

[ ${#cases[@]} -gt 0 ] || { echo "FAIL: no test cases in $SCRIPTDIR"; echo "0 passed, 1 failed"; exit 1; }
echo "klp-build tests: ${#cases[@]} case(s), modules from $MODDIR, waits up to ${WAIT}s"
for c in "${cases[@]}"; do
	echo "==== $c"
	why=
	mods=()
	if run_case "$c"; then
		line="PASS: $c"
		npass=$((npass + 1))
	else
		line="FAIL: $c: $why"
		nfail=$((nfail + 1))
		teardown
	fi
	if [ -f "$SCRIPTDIR/$c-CLEANUP.sh" ]; then
		echo "  # $c-CLEANUP.sh"
		run_script "$c-CLEANUP.sh" || echo "  (cleanup failed)"
	fi
	echo "$line"
	results+=("$line")
done
summary="$npass passed, $nfail failed"
echo "$summary"
echo 1 > /proc/sys/kernel/printk 2>/dev/null
echo "KLPB-RESULTS-BEGIN"
for line in "${results[@]}"; do echo "$line"; done
echo "$summary"
echo "KLPB-RESULTS-END"
[ "$nfail" -eq 0 ]
