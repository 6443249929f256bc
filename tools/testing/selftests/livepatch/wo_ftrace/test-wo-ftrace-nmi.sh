#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Functions that run in NMI context are refused: pseudo-NMIs and SDEI
# events are not held off by stop_machine (wo-ftrace.rst, "What cannot be
# patched").  For each malformed patch:
#  - insmod fails with EINVAL, the module is not loaded, no patch in sysfs;
#  - exactly one kernel line names the function and the reason;
#  - no WARNING/Oops/BUG.
# nmi_cpu_backtrace() first: on a kernel that accepts it, a patch of it
# does no harm until a backtrace is requested; ipi_handler() is then not
# tried, since a patch of it would break every IPI.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-nmi

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
[ -f "$MODS/klpj_bad_nmi.ko" ] || skip "klpj_bad_nmi.ko not built"
EXTRA_PATCHES="klpj_bad_nmibt klpj_bad_nmi"
trap cleanup EXIT

L="livepatch:"
WHY="cannot be patched: it runs in NMI context, which stop_machine does not stop"
SPLAT_RE="WARNING|Oops|BUG|Call trace"

# one_line REGEX KEY: REGEX matches one kernel line since the section,
# and KEY appears in no other
one_line() {
	local line n=0 k=0 log
	log=$(klog)
	while IFS= read -r line; do
		[[ $line =~ $1 ]] && n=$((n + 1))
		[[ $line == *"$2"* ]] && k=$((k + 1))
	done <<< "$log"
	[ "$n" = 1 ] && [ "$k" = 1 ] && return 0
	echo "  '$1': $n lines, '$2': $k lines; log since the case:"
	sed 's/^/    /' <<< "$log" | head -n 12
	return 1
}

is_einval() {
	[[ $1 =~ Invalid\ argument|Invalid\ parameters ]] && return 0
	echo "  got: $1"
	return 1
}

# refused MODULE FUNCTION: returns 1 when the patch was accepted
refused() {
	local mod=$1 fn=$2 out rc=0

	section "$mod: a patch of $fn"
	out=$(insmod "$MODS/$mod.ko" 2>&1) && { out="(insmod succeeded)"; rc=1; }
	check "$mod: insmod fails with EINVAL" is_einval "$out"
	if [ "$rc" = 1 ]; then
		echo 0 > "$KLP_SYSFS/$mod/enabled"
		wait_for 10 patch_gone "$mod"
		rmmod "$mod"
	fi
	check "$mod: not loaded, no sysfs" eval "! mod_loaded $mod && patch_gone $mod"
	check "$mod: one line: '$fn' $WHY" one_line "^$L '$fn' $WHY$" "'$fn'"
	check "$mod: no kernel warning" eval "! klog_has '$SPLAT_RE'"
	return "$rc"
}

grep -qw nmi_cpu_backtrace /proc/kallsyms || skip "no nmi_cpu_backtrace"
if refused klpj_bad_nmibt nmi_cpu_backtrace; then
	refused klpj_bad_nmi ipi_handler
else
	bad "klpj_bad_nmi: not tried, the kernel accepts NMI handlers"
fi

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
