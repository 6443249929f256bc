#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The KUnit suites of the direct-branch backend ran at boot
# (CONFIG_LIVEPATCH_WO_FTRACE_KUNIT_TEST=y): every case passed.  Their KTAP
# results are read back from debugfs.
#
# Exit status: 0 pass, 1 fail, 4 skip.

SUITES="livepatch_wo_ftrace_ranges livepatch_wo_ftrace_arm64 livepatch_wo_ftrace_reloc"
KUNIT=/sys/kernel/debug/kunit
fails=0

grep -qs " /sys/kernel/debug debugfs " /proc/mounts ||
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
[ -d "$KUNIT" ] || { echo "SKIP: no $KUNIT (CONFIG_KUNIT_DEBUGFS)"; exit 4; }

for s in $SUITES; do
	r="$KUNIT/$s/results"
	if [ ! -r "$r" ]; then
		echo "FAIL: suite $s did not run"
		fails=$((fails + 1))
		continue
	fi
	cases=$(grep -cE '^ +ok [0-9]+ ' "$r")
	failed=$(grep -E '^ *not ok [0-9]+ ' "$r")
	if [ -n "$failed" ] || [ "$cases" -eq 0 ]; then
		echo "FAIL: suite $s:"
		cat "$r"
		fails=$((fails + 1))
	else
		echo "ok: suite $s: $cases cases passed"
	fi
done
[ "$fails" -eq 0 ]
