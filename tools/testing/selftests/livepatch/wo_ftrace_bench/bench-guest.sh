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
#   bench-guest.sh latency  timer lateness (1 ms hrtimer on every CPU) for
#                            LAT_S seconds with no patch pending, then as
#                            long with klpjb_blockpatch held pending by a
#                            kthread asleep in klpjb_block (it sleeps over
#                            the backend's wake-ups)
#   bench-guest.sh enable   enable time only: klpjb_fpatch with EN_FS
#                            functions, EN_T sleeping kthreads, EN_REPS
#                            runs each ("enable" rows: enable_ns, the
#                            pre-check and the stop_machine window)
#   bench-guest.sh overflow the stop_machine window of a switch with
#                            OVF_T sleeping kthreads, without and with load
#                            (OVF_LOAD kthreads waking every jiffy), which
#                            overflows the per-CPU log of tasks that ran
#                            since the pre-check: the check then looks at
#                            every task
#
# Environment: KLPJB_CLOCK names the clock for the report (bench.sh sets
# "icount" when QEMU runs with -icount); KLPJB_SMOKE=1 small sizes (make
# check); KLPJB_CALLS,
# KLPJB_WORKS, KLPJB_FS, KLPJB_TS, KLPJB_REPS, KLPJB_FLOOR_RUNS,
# KLPJB_LAT_S, KLPJB_LAT_T, KLPJB_OVF_T, KLPJB_OVF_LOAD, KLPJB_OVF_F,
# KLPJB_OVF_REPS, KLPJB_OVF_GAP_MS (how long each switch of the overflow
# rows is held between its pre-check and stop_machine, by the test module
# wo_ftrace/klpj_gap.ko: smoke sizes need it for the load to fill the log),
# KLPJB_EN_T, KLPJB_EN_FS, KLPJB_EN_REPS override.
# Exit status: 0 when every row of the part was produced, 1 otherwise.

set -u
part=${1:-default}
DIR=$(cd "$(dirname "$0")" && pwd)
D=/sys/kernel/debug/klpjb
S=/sys/kernel/debug/klp_jump
LP=/sys/kernel/livepatch
GAP=/sys/module/klpj_gap/parameters/gap_ms

if [ "${KLPJB_SMOKE:-0}" = 1 ]; then
	CALLS=${KLPJB_CALLS:-20000} FS=${KLPJB_FS:-"1 100 1000"}
	TS=${KLPJB_TS:-"10 20 40"} REPS=${KLPJB_REPS:-1}
	FLOOR_RUNS=${KLPJB_FLOOR_RUNS:-5}
	LAT_S=${KLPJB_LAT_S:-5} LAT_T=${KLPJB_LAT_T:-100}
	OVF_T=${KLPJB_OVF_T:-300} OVF_LOAD=${KLPJB_OVF_LOAD:-64}
	OVF_REPS=${KLPJB_OVF_REPS:-1} OVF_GAP=${KLPJB_OVF_GAP_MS:-500}
	EN_T=${KLPJB_EN_T:-40} EN_REPS=${KLPJB_EN_REPS:-1}
else
	CALLS=${KLPJB_CALLS:-1000000} FS=${KLPJB_FS:-"1 100 1000"}
	TS=${KLPJB_TS:-"100 1000 10000"} REPS=${KLPJB_REPS:-5}
	FLOOR_RUNS=${KLPJB_FLOOR_RUNS:-21}
	LAT_S=${KLPJB_LAT_S:-60} LAT_T=${KLPJB_LAT_T:-1000}
	OVF_T=${KLPJB_OVF_T:-30000} OVF_LOAD=${KLPJB_OVF_LOAD:-256}
	OVF_REPS=${KLPJB_OVF_REPS:-3} OVF_GAP=${KLPJB_OVF_GAP_MS:-0}
	EN_T=${KLPJB_EN_T:-10000} EN_REPS=${KLPJB_EN_REPS:-3}
fi
OVF_F=${KLPJB_OVF_F:-100}
EN_FS=${KLPJB_EN_FS:-"1 1000"}
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
# set_gap MS: hold each switch MS ms before stop_machine (klpj_gap loaded)
set_gap() { [ ! -e "$GAP" ] || echo "$1" > "$GAP"; }
tasks_now() { local d n=0; for d in /proc/[0-9]*; do n=$((n + 1)); done; echo $n; }
meminfo() { local k v r; while read -r k v r; do [ "$k" = "$1:" ] && echo "$v"; done < /proc/meminfo; }

cleanup() {
	local m
	[ -e "$GAP" ] && echo 0 > "$GAP" && rmmod klpj_gap
	[ -e "$D/blocker" ] && echo 0 > "$D/blocker"
	[ -e "$D/load" ] && echo 0 > "$D/load"
	for m in klpjb_fpatch klpjb_callpatch klpjb_farpatch klpjb_blockpatch; do
		loaded "$m" && disable_patch "$m"
	done
	[ -e "$D/sleepers" ] && echo 0 > "$D/sleepers"
	loaded klpjb_bench && unload klpjb_bench
}
trap cleanup EXIT

grep -qs " /sys/kernel/debug debugfs " /proc/mounts ||
	mount -t debugfs debugfs /sys/kernel/debug || { echo "no debugfs"; exit 1; }
for m in klpjb_bench klpjb_callpatch klpjb_farpatch klpjb_fpatch klpjb_blockpatch; do
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
case $part in
default|far)
measure loop loop
measure unpatched old
;;
esac
if [ "$part" != default ] && [ "$part" != far ]; then
	:
elif enable_patch klpjb_callpatch; then
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

# fpatch_row KIND F T REP TASKS: enable klpjb_fpatch with F functions, one
# row with its stop_machine window, pre-check and enable time, disable
fpatch_row() {
	local kind=$1 f=$2 t=$3 rep=$4 tasks=$5 slab0 vm0 slab1 vm1 fc

	slab0=$(meminfo Slab) vm0=$(meminfo VmallocUsed)
	if ! enable_patch klpjb_fpatch nfuncs="$f"; then
		fail "$kind F=$f T=$t rep=$rep: enable"
		disable_patch klpjb_fpatch
		return
	fi
	slab1=$(meminfo Slab) vm1=$(meminfo VmallocUsed)
	fc=$(cat "$D/fcheck")
	row "$kind" "F=$f" "T=$t" "rep=$rep" "tasks=$tasks" \
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
		fail "$kind F=$f T=$t rep=$rep: disable"
}

# sweep KIND T FS REPS: with T sleepers, REPS fpatch rows KIND for each F
# of FS
sweep() {
	local f rep tasks
	echo "$2" > "$D/sleepers" || { fail "$1: sleepers $2"; return; }
	tasks=$(tasks_now)
	for f in $3; do
		for ((rep = 1; rep <= $4; rep++)); do
			fpatch_row "$1" "$f" "$2" "$rep" "$tasks"
		done
	done
}

# ---- stop_machine windows, enable time, memory ---------------------------
if [ "$part" = default ]; then
	echo "$FLOOR_RUNS" > "$D/floor" &&
		row floor "$(cat "$D/floor")" || fail floor
	echo $((${TS##* } + 10000)) > /proc/sys/kernel/threads-max
	for t in $TS; do
		sweep window "$t" "$FS" "$REPS"
	done
	echo 0 > "$D/sleepers"
	row mem "site_bytes=$(cat $S/site_bytes)" \
		"target_bytes=$(cat $S/target_bytes)" \
		"veneer_bytes=$(cat $S/veneer_bytes)"
fi

# ---- enable time only ------------------------------------------------------
if [ "$part" = enable ]; then
	echo $((EN_T + 10000)) > /proc/sys/kernel/threads-max
	sweep enable "$EN_T" "$EN_FS" "$EN_REPS"
	echo 0 > "$D/sleepers"
fi

# ---- latency while a patch is pending ------------------------------------
if [ "$part" = latency ]; then
	echo $((LAT_T + 10000)) > /proc/sys/kernel/threads-max
	echo "$LAT_T" > "$D/sleepers" || fail "latency: sleepers $LAT_T"
	tasks=$(tasks_now)
	c0=$(cat $S/commits)
	if echo "$LAT_S" > "$D/latency"; then
		row latency mode=idle "clock=$clock" "seconds=$LAT_S" "tasks=$tasks" \
			"commits=$(($(cat $S/commits) - c0))" "$(cat "$D/latency")"
	else
		fail "latency mode=idle"
	fi
	if echo 1 > "$D/blocker" && insmod "$DIR/klpjb_blockpatch.ko"; then
		c0=$(cat $S/commits)
		p0=$(cat $LP/klpjb_blockpatch/transition)
		# the backend's stop_machine windows meanwhile: the largest
		# one seen by polling, once a second: rarely, so that the poll adds few
		# late ticks (-icount: a busy vCPU delays the ticks of the others)
		echo "$LAT_S" > "$D/latency" &
		lp=$!
		wmax=0
		nap=$(mktemp -u /tmp/klpjb-nap.XXXXXX)
		mkfifo "$nap" && exec {napfd}<>"$nap" && rm -f "$nap"
		while kill -0 "$lp" 2>/dev/null; do
			read -r w < $S/last_window_ns
			[ "$w" -gt "$wmax" ] && wmax=$w
			read -r -t 1 -u "$napfd" _
		done
		exec {napfd}>&-
		if wait "$lp"; then
			r="$(tr -d '\n' < "$D/latency") window_max_ns=$wmax"
			p1=$(cat $LP/klpjb_blockpatch/transition)
			c1=$(cat $S/commits)
			# pending from before the probe started to after it ended
			if [ "$p0$p1" = 11 ]; then
				row latency mode=pending "clock=$clock" "seconds=$LAT_S" \
					"tasks=$tasks" "commits=$((c1 - c0))" "$r" \
					"$(tr -d '\n' < "$D/blocker")"
			else
				fail "latency mode=pending: the patch did not stay pending ($p0 $p1)"
			fi
		else
			fail "latency mode=pending"
		fi
		echo 0 > "$D/blocker"
		wait_for 60 settled klpjb_blockpatch ||
			fail "latency: klpjb_blockpatch did not complete once released"
		disable_patch klpjb_blockpatch || fail "disable klpjb_blockpatch"
	else
		fail "latency: blocker or insmod klpjb_blockpatch"
	fi
	echo 0 > "$D/sleepers"
fi

# ---- the overflow of the log of tasks that ran --------------------------------
if [ "$part" = overflow ]; then
	echo $((OVF_T + OVF_LOAD + 10000)) > /proc/sys/kernel/threads-max
	if [ "$OVF_GAP" != 0 ] && ! insmod "$DIR/../wo_ftrace/klpj_gap.ko"; then
		fail "overflow: insmod klpj_gap (needed for a gap of $OVF_GAP ms)"
	elif echo "$OVF_T" > "$D/sleepers"; then
		for load in 0 "$OVF_LOAD"; do
			set_gap 0
			if ! echo "$load" > "$D/load"; then
				fail "overflow: load $load"
				continue
			fi
			tasks=$(tasks_now)
			for ((rep = 1; rep <= OVF_REPS; rep++)); do
				set_gap "$OVF_GAP"
				if ! enable_patch klpjb_fpatch nfuncs="$OVF_F"; then
					fail "overflow load=$load rep=$rep: enable"
					set_gap 0
					disable_patch klpjb_fpatch
					continue
				fi
				set_gap 0
				row overflow "F=$OVF_F" "T=$OVF_T" "load=$load" "rep=$rep" \
					"tasks=$tasks" "clock=$clock" "gap_ms=$OVF_GAP" \
					"window_ns=$(cat $S/last_window_ns)" \
					"check_ns=$(cat $S/last_check_ns)" \
					"precheck_ns=$(cat $S/last_precheck_ns)" \
					"looked=$(cat $S/last_looked)" \
					"walked=$(cat $S/last_walked)" \
					"seen=$(cat $S/last_seen)"
				disable_patch klpjb_fpatch ||
					fail "overflow load=$load rep=$rep: disable"
			done
		done
		echo 0 > "$D/load"
	else
		fail "overflow: sleepers $OVF_T"
	fi
	echo 0 > "$D/sleepers"
	[ ! -e "$GAP" ] || rmmod klpj_gap
fi

echo "KLPJB-DONE part=$part rows=$ROWS missing=$MISSING"
[ "$MISSING" = 0 ]
