#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest side of `make bench` (harness/bench.sh): measure, print one
# "KLPJB-ROW <kind> key=value..." line per result.  Run as root next to
# the klpjb_*.ko modules.
#
#   bench-guest.sh default   call costs (unpatched, new, near B, ftrace),
#                            stop_machine floor and windows, memory
#   bench-guest.sh far      call costs through a far veneer (vmlinux ->
#                            module); needs a kernel that places modules
#                            far (KCONFIG=far)
#
# Environment: KLPJB_CLOCK names the clock for the report (bench.sh sets
# "icount" when QEMU runs with -icount); KLPJB_SMOKE=1 small sizes (make
# check); KLPJB_CALLS,
# KLPJB_WORKS, KLPJB_FS, KLPJB_TS, KLPJB_REPS, KLPJB_FLOOR_RUNS override.
# Exit status: 0 when every row of the part was produced, 1 otherwise.

set -u
part=${1:-default}
DIR=$(cd "$(dirname "$0")" && pwd)
D=/sys/kernel/debug/klpjb
S=/sys/kernel/debug/klp_jump
LP=/sys/kernel/livepatch

if [ "${KLPJB_SMOKE:-0}" = 1 ]; then
	CALLS=${KLPJB_CALLS:-20000} FS=${KLPJB_FS:-"1 100 1000"}
	TS=${KLPJB_TS:-"10 20 40"} REPS=${KLPJB_REPS:-1}
	FLOOR_RUNS=${KLPJB_FLOOR_RUNS:-5}
else
	CALLS=${KLPJB_CALLS:-1000000} FS=${KLPJB_FS:-"1 100 1000"}
	TS=${KLPJB_TS:-"100 1000 10000"} REPS=${KLPJB_REPS:-5}
	FLOOR_RUNS=${KLPJB_FLOOR_RUNS:-21}
fi
WORKS=${KLPJB_WORKS:-"0 32"}
ROWS=0 MISSING=0

row() { echo "KLPJB-ROW $*"; ROWS=$((ROWS + 1)); }
fail() { echo "KLPJB-MISSING $*"; MISSING=$((MISSING + 1)); }
now_ms() { local t=${EPOCHREALTIME//[.,]/}; echo $((10#$t / 1000)); }
wait_for() {
	local end=$(($(now_ms) + $1 * 1000))
	shift
	until "$@"; do
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.05
	done
}
settled() { [ "$(cat "$LP/$1/transition" 2>/dev/null)" != 1 ]; }
gone() { [ ! -d "$LP/$1" ]; }
loaded() { grep -q "^$1 " /proc/modules; }
unload() {
	local end=$(($(now_ms) + 10000))
	while loaded "$1"; do
		rmmod "$1" 2>/dev/null && return 0
		[ "$(now_ms)" -ge "$end" ] && { rmmod "$1"; return 1; }
		sleep 0.05
	done
}
# enable_patch MOD [ARGS]: insmod, bounded wait for the transition
enable_patch() {
	local m=$1
	shift
	insmod "$DIR/$m.ko" "$@" && wait_for 60 settled "$m"
}
# disable_patch MOD: disable, wait until freed, rmmod
disable_patch() {
	[ -d "$LP/$1" ] && echo 0 > "$LP/$1/enabled"
	wait_for 60 gone "$1" && unload "$1"
}
meminfo() { local k v r; while read -r k v r; do [ "$k" = "$1:" ] && echo "$v"; done < /proc/meminfo; }

cleanup() {
	local m
	for m in klpjb_fpatch klpjb_callpatch klpjb_farpatch; do
		loaded "$m" && disable_patch "$m"
	done
	[ -e "$D/sleepers" ] && echo 0 > "$D/sleepers"
	loaded klpjb_bench && unload klpjb_bench
}
trap cleanup EXIT

grep -qs " /sys/kernel/debug debugfs " /proc/mounts ||
	mount -t debugfs debugfs /sys/kernel/debug || { echo "no debugfs"; exit 1; }
for m in klpjb_bench klpjb_callpatch klpjb_farpatch klpjb_fpatch; do
	[ -f "$DIR/$m.ko" ] || { echo "$DIR/$m.ko not found"; exit 1; }
done
[ -d "$S" ] || { echo "no $S: kernel without the backend's statistics"; exit 1; }
insmod "$DIR/klpjb_bench.ko" || exit 1
echo "$CALLS" > "$D/calls"

# measure NAME WHAT: one call-cost row per body size
measure() {
	local name=$1 what=$2 w r
	for w in $WORKS; do
		echo "$w" > "$D/work"
		if echo "$what" > "$D/measure" 2>/dev/null; then
			r=$(cat "$D/measure")
			row call "part=$part" "name=$name" "work=$w" "${r#what=* }"
		else
			fail "call part=$part name=$name work=$w ($(cat "$D/measure"))"
		fi
	done
}

# route PAIR NAME: how the entry of the old function of PAIR is redirected
route() {
	local line
	line=$(grep "^pair=$1 " "$D/route")
	if [ -n "$line" ]; then
		row route "part=$part" "name=$2" "${line#pair=* }"
	else
		fail "route part=$part name=$2"
	fi
}

clock=${KLPJB_CLOCK:-realtime}
echo "KLPJB-INFO part=$part kernel=$(uname -r) clock=$clock smoke=${KLPJB_SMOKE:-0}" \
	"calls=$CALLS cpus=$(nproc) tasks=$(ls -d /proc/[0-9]* | wc -l)"

# ---- call costs --------------------------------------------------------
measure loop loop
measure unpatched old
if enable_patch klpjb_callpatch; then
	measure new new
	measure near old
	route call near
	disable_patch klpjb_callpatch || fail "disable klpjb_callpatch"
else
	fail "enable klpjb_callpatch"
fi
if [ "$part" = default ]; then
	# ftrace: the patch is disabled, its new function still loaded
	insmod "$DIR/klpjb_callpatch.ko" && wait_for 60 settled klpjb_callpatch &&
		echo 0 > "$LP/klpjb_callpatch/enabled" && wait_for 60 gone klpjb_callpatch
	# klpjb_callpatch published its new function while enabled; it stays
	# registered until rmmod.
	measure ftrace ftrace
	unload klpjb_callpatch
fi
if [ "$part" = far ]; then
	if enable_patch klpjb_farpatch; then
		measure farnew farnew
		measure far farold
		route far far
		disable_patch klpjb_farpatch || fail "disable klpjb_farpatch"
	else
		fail "enable klpjb_farpatch"
	fi
fi

# ---- stop_machine windows, enable time, memory ---------------------------
if [ "$part" = default ]; then
	echo "$FLOOR_RUNS" > "$D/floor" &&
		row floor "$(cat "$D/floor")" || fail floor
	echo $((${TS##* } + 10000)) > /proc/sys/kernel/threads-max
	for t in $TS; do
		if ! echo "$t" > "$D/sleepers"; then
			fail "sleepers $t"
			continue
		fi
		tasks=$(ls -d /proc/[0-9]* | wc -l)
		for f in $FS; do
			for ((rep = 1; rep <= REPS; rep++)); do
				slab0=$(meminfo Slab) vm0=$(meminfo VmallocUsed)
				if ! enable_patch klpjb_fpatch nfuncs="$f"; then
					fail "window F=$f T=$t rep=$rep: enable"
					disable_patch klpjb_fpatch
					continue
				fi
				slab1=$(meminfo Slab) vm1=$(meminfo VmallocUsed)
				fc=$(cat "$D/fcheck")
				row window "F=$f" "T=$t" "rep=$rep" "tasks=$tasks" \
					"window_ns=$(cat $S/last_window_ns)" \
					"check_ns=$(cat $S/last_check_ns)" \
					"write_ns=$(cat $S/last_write_ns)" \
					"precheck_ns=$(cat $S/last_precheck_ns)" \
					"looked=$(cat $S/last_looked 2>/dev/null || echo n/a)" \
					"walked=$(cat $S/last_walked)" \
					"seen=$(cat $S/last_seen)" \
					"ranges=$(cat $S/last_ranges)" \
					"enable_ns=$(cat /sys/module/klpjb_fpatch/parameters/enable_ns)" \
					"$fc" "slab_kb=$((slab1 - slab0))" \
					"vmalloc_kb=$((vm1 - vm0))"
				disable_patch klpjb_fpatch ||
					fail "window F=$f T=$t rep=$rep: disable"
			done
		done
	done
	echo 0 > "$D/sleepers"
	row mem "site_bytes=$(cat $S/site_bytes)" \
		"target_bytes=$(cat $S/target_bytes)" \
		"veneer_bytes=$(cat $S/veneer_bytes)"
fi

echo "KLPJB-DONE part=$part rows=$ROWS missing=$MISSING"
[ "$MISSING" = 0 ]
