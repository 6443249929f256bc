#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The direct-branch backend beside ftrace (a kernel with the function
# tracer and dynamic ftrace; skipped without them).  ftrace owns the
# patchable entry of a function (MOV x9, x30; NOP/BL), the backend the
# instruction after it, so neither disturbs the other:
#  1. tracing a patched function: klpj_patch1 enabled, then the function
#     tracer on klpj_leaf and klpj_nonleaf (the old functions); calls return
#     the patch's values and the trace records the old functions; tracing
#     off: still patched;
#  2. patching a traced function: tracer on first, then klpj_patch1; calls
#     return the patch's values while traced; disable the patch while
#     traced: original values; tracer off: entry bytes identical to those
#     before the test;
#  3. kernel.ftrace_enabled: this backend does not depend on it (unlike the
#     ftrace backend, see README "Upstream selftests"): a patch loads and
#     works with ftrace_enabled = 0, and ftrace_enabled can be switched off
#     and on while a patch is enabled.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-ftrace

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
TR=/sys/kernel/tracing
[ -d "$TR" ] || skip "no tracefs (kernel without the function tracer)"
grep -q " $TR tracefs " /proc/mounts || mount -t tracefs nodev "$TR" ||
	skip "cannot mount tracefs"
grep -qw function "$TR/available_tracers" ||
	skip "the function tracer is not available"

tracer_off() {
	echo nop > "$TR/current_tracer"
	: > "$TR/set_ftrace_filter"
	: > "$TR/trace"
}
trap 'tracer_off 2>/dev/null; cleanup' EXIT

# expect_leaf N: klpj_leaf and klpj_nonleaf return patch N's values
# (0: original code), directly and through pointers
expect_leaf() {
	local s=10000 line
	line=$(cat "$TGT/call")
	[[ $line == *"leaf=$((1 + $1 * s)) leaf_ptr=$((1 + $1 * s))"* ]] &&
	[[ $line == "nonleaf=$((1000 + $1 * s)) "* ]] &&
	[[ $line == *"nonleaf_ptr=$((1000 + $1 * s)) "* ]] && return 0
	echo "  call: '$line', expected patch $1 values"
	return 1
}

# traced FUNC: the function tracer recorded FUNC since the last reset
traced() { grep -q " $1 <-\| $1()" "$TR/trace"; }

tracer_on() {
	tracer_off
	echo 'klpj_leaf klpj_nonleaf' > "$TR/set_ftrace_filter" &&
		echo function > "$TR/current_tracer"
}

check "insmod klpj_target" insmod "$MODS/klpj_target.ko"
orig_entry=$(cat "$TGT/entry")
check "the old functions are traceable" \
	eval "grep -qx 'klpj_leaf \[klpj_target\]' '$TR/available_filter_functions'"

echo "# 1. tracing a patched function"
check "load klpj_patch1" load_patch klpj_patch1
check "patched" expect_leaf 1
check "function tracer on klpj_leaf, klpj_nonleaf" tracer_on
check "traced: patched values" expect_leaf 1
check "trace records klpj_leaf" traced klpj_leaf
check "trace records klpj_nonleaf" traced klpj_nonleaf
tracer_off
check "tracer off: still patched" expect_leaf 1
check "disable klpj_patch1" disable_patch klpj_patch1
check "original values" expect_leaf 0
check "rmmod klpj_patch1" unload_mod klpj_patch1

echo "# 2. patching a traced function"
check "function tracer on klpj_leaf, klpj_nonleaf" tracer_on
check "traced: original values" expect_leaf 0
check "load klpj_patch1 while traced" load_patch klpj_patch1
: > "$TR/trace"
check "traced and patched: patched values" expect_leaf 1
check "trace still records klpj_leaf" traced klpj_leaf
check "disable klpj_patch1 while traced" disable_patch klpj_patch1
check "traced: original values" expect_leaf 0
check "rmmod klpj_patch1" unload_mod klpj_patch1
tracer_off
check "entry bytes identical to those before the test" \
	[ "$(cat "$TGT/entry")" = "$orig_entry" ]

echo "# 3. kernel.ftrace_enabled does not gate this backend"
if [ -f /proc/sys/kernel/ftrace_enabled ]; then
	check "ftrace_enabled = 0" sysctl -q kernel.ftrace_enabled=0
	check "load klpj_patch1 with ftrace_enabled = 0" load_patch klpj_patch1
	check "patched" expect_leaf 1
	check "ftrace_enabled = 1 with a patch enabled" sysctl -q kernel.ftrace_enabled=1
	check "ftrace_enabled = 0 with a patch enabled" sysctl -q kernel.ftrace_enabled=0
	check "still patched" expect_leaf 1
	sysctl -q kernel.ftrace_enabled=1
	check "disable klpj_patch1" disable_patch klpj_patch1
	check "rmmod klpj_patch1" unload_mod klpj_patch1
else
	echo "no kernel.ftrace_enabled sysctl: part 3 not run"
fi

check "rmmod klpj_target" unload_mod klpj_target
check "dmesg: no Oops/WARNING/BUG" eval '! klog_has "Oops|WARNING|BUG"'

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
