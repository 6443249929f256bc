#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test, not for the guest: LIVEPATCH_WO_FTRACE brings what its code
# needs however little else is configured.  An allnoconfig arm64 kernel
# with only LIVEPATCH_WO_FTRACE and its dependencies asked for, and
# STACKTRACE and TRACEPOINTS asked to be off, must still get both
# (jump_report.c calls stack_trace_save_tsk(), jump_ran.c registers a
# sched_switch probe).
#
# Usage: host-kconfig-selects.sh <kernel source tree with the patches>
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
src=${1:-}
[ -f "$src/kernel/livepatch/Kconfig" ] || { echo "SKIP: usage: $0 <kernel source tree>"; exit 4; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cat > "$out/frag" <<'FRAG'
CONFIG_MODULES=y
CONFIG_SYSFS=y
CONFIG_EXPERT=y
CONFIG_DEBUG_KERNEL=y
CONFIG_KALLSYMS=y
CONFIG_KALLSYMS_ALL=y
CONFIG_LIVEPATCH=y
CONFIG_LIVEPATCH_WO_FTRACE=y
# CONFIG_STACKTRACE is not set
# CONFIG_TRACEPOINTS is not set
FRAG

if ! make -s -C "$src" O="$out/o" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
	KCONFIG_ALLCONFIG="$out/frag" allnoconfig > "$out/log" 2>&1; then
	cat "$out/log"
	echo "FAIL: allnoconfig"
	exit 1
fi
fails=0
for sym in LIVEPATCH_WO_FTRACE STACKTRACE TRACEPOINTS; do
	if grep -qx "CONFIG_$sym=y" "$out/o/.config"; then
		echo "ok: CONFIG_$sym=y"
	else
		echo "FAIL: CONFIG_$sym=y: $(grep "CONFIG_${sym}[= ]" "$out/o/.config")"
		fails=$((fails + 1))
	fi
done
[ "$fails" = 0 ] && { echo "PASS: kconfig-selects"; exit 0; }
exit 1
