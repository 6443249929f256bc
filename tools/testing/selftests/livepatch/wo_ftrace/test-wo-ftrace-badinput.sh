#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bad-input matrix: malformed patch modules (klpj_bad_*.ko) and bad
# operations.  For each case:
#  - the documented errno (from insmod/rmmod/echo's message);
#  - the documented kernel line exactly once, and the function (or patch)
#    it names in no other line since the case started;
#  - no WARNING/Oops/BUG;
#  - the bytes of every target function identical to before: each one is
#    read whole by klpj_bad_target (debugfs "peek") and compared by a
#    checksum (jhash) of all its bytes; freed init text reads
#    "unreadable", which must not change.
# At the end, with kmemleak in the kernel: two scans find no leak made
# since the start of the test (earlier suspects are cleared first).
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-badinput

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
[ -f "$MODS/klpj_bad_target.ko" ] || skip "klpj_bad_*.ko not built"
BT=$DBGFS/klpj_bad_target
KML=$DBGFS/kmemleak
EXTRA_PATCHES="klpj_bad_noobj klpj_bad_modinit klpj_bad_state1
	klpj_bad_replace klpj_bad_late klpj_bad_target"
trap cleanup EXIT

# Functions (and two data symbols) whose bytes every case compares.
VM_TARGETS="cmdline_proc_show klp_jump_commit multi_cpu_stop schedule
	el1h_64_sync_handler ret_to_user aarch64_insn_patch_text_nosync
	__cpu_setup start_kernel linux_banner"
MOD_TARGETS="klpj_bad_plain klpj_bad_dup klpj_bad_jl klpj_bad_labelled
	klpj_bad_kp klpj_bad_data klpj_sleeper klpj_nonleaf klpj_leaf"

declare -A ERRMSG=(
	[EINVAL]="Invalid argument|Invalid parameters"
	[EBUSY]="Device or resource busy"
	[EOPNOTSUPP]="Operation not supported"
	[EIO]="Input/output error"
	[EAGAIN]="Resource temporarily unavailable|is in use"
	[EACCES]="Permission denied"
)

# sums: "<address> <symbol+0x0/size> <jhash of its bytes>" per target
ADDRS=
sums() {
	# shellcheck disable=SC2086 # one address per word
	echo $ADDRS > "$BT/peek" && cat "$BT/peek"
}
find_addrs() {
	local n a
	ADDRS=
	for n in $VM_TARGETS $MOD_TARGETS; do
		a=$(awk -v n="$n" '$3 == n { print $1 }' /proc/kallsyms)
		[ -n "$a" ] || { bad "no address for $n in /proc/kallsyms"; continue; }
		ADDRS+=" $a"
	done
}
text_unchanged() {
	local now
	now=$(sums)
	[ "$now" = "$BASE" ] && return 0
	diff <(echo "$BASE") <(echo "$now") | sed 's/^/  /' | head -n 6
	return 1
}

case_mark() {
	CASE_MARK="klpj-case-$1-$(now_ms)"
	echo "$CASE_MARK" > /dev/kmsg
}
# The kernel lines after the case's mark, without timestamps.  The checks
# below match them with bash's own [[ =~ ]] (POSIX ERE, as grep -E): each
# exec costs about 0.45 s on the debug kernel.
case_log() {
	dmesg | CASE_MARK=$CASE_MARK awk '
		p { sub(/^\[[^]]*\] /, ""); print }
		index($0, ENVIRON["CASE_MARK"]) { p = 1 }'
}
# errno_is ERRNO OUTPUT: OUTPUT carries the message of ERRNO
errno_is() { [[ $2 =~ ${ERRMSG[$1]} ]] || { echo "  got: $2"; return 1; }; }
# one_line REGEX KEY [LOG]: REGEX matches one line of LOG (default: the
# case's log), KEY appears in no other
one_line() {
	local log=${3-$(case_log)} line n=0 k=0
	while IFS= read -r line; do
		[[ $line =~ $1 ]] && n=$((n + 1))
		[[ $line == *"$2"* ]] && k=$((k + 1))
	done <<< "$log"
	[ "$n" = 1 ] && [ "$k" = 1 ] && return 0
	echo "  '$1': $n lines, '$2': $k lines; log since the case:"
	sed 's/^/    /' <<< "$log" | head -n 12
	return 1
}
SPLAT_RE='WARNING|Oops|BUG:|Call trace'
# no_splat [LOG]: no kernel warning in LOG (default: the case's log)
no_splat() { [[ ! ${1-$(case_log)} =~ $SPLAT_RE ]]; }

# refused MOD ERRNO REGEX KEY: insmod MOD fails as documented
refused() {
	local mod=$1 err=$2 re=$3 key=$4 out log
	case_mark "$mod"
	out=$(insmod "$MODS/$mod.ko" 2>&1) && out="(insmod succeeded)"
	check "$mod: insmod fails with $err" errno_is "$err" "$out"
	check "$mod: not loaded, no sysfs" eval "! mod_loaded $mod && patch_gone $mod"
	log=$(case_log)
	check "$mod: one line: $re" one_line "$re" "$key" "$log"
	check "$mod: no kernel warning" no_splat "$log"
	check "$mod: every target's bytes unchanged" text_unchanged
}

# sysfs_refused FILE VALUE ERRNO REGEX KEY: a write is refused as documented
sysfs_refused() {
	local file=$1 val=$2 err=$3 re=$4 key=$5 out
	case_mark "sysfs"
	out=$( (echo "$val" > "$file") 2>&1) && out="(write succeeded)"
	check "echo '$val' > ${file#"$KLP_SYSFS"/}: $err" errno_is "$err" "$out"
	if [ -n "$re" ]; then
		check "  one line: $re" one_line "$re" "$key"
	else
		check "  no kernel line names $key" eval "! case_log | grep -qF -- '$key'"
	fi
	check "  every target's bytes unchanged" text_unchanged
}

# Forget what kmemleak already suspects, so that the check at the end
# counts only leaks made while this test runs.
if [ -e "$KML" ]; then
	echo scan > "$KML"
	echo clear > "$KML"
fi

check "insmod klpj_bad_target" insmod "$MODS/klpj_bad_target.ko"
check "insmod klpj_target" insmod "$MODS/klpj_target.ko"
[ -e "$BT/peek" ] || { bad "no $BT/peek"; exit 1; }
if [ -e "$KML" ]; then
	echo scan > "$KML"
	echo clear > "$KML"
fi
find_addrs
BASE=$(sums)
ORIG_BASE=$BASE
echo "checking $(wc -l <<< "$BASE") target addresses"
check "start_kernel (freed init text) reads 'unreadable'" \
	eval "echo \$(awk '\$3 == \"start_kernel\" { print \$1 }' /proc/kallsyms) > $BT/peek && grep -q unreadable $BT/peek"

L="livepatch:"
# --- names that do not resolve ---
refused klpj_bad_nofunc EINVAL "^$L symbol 'klpj_no_such_function' not found in symbol table$" klpj_no_such_function
refused klpj_bad_ambig EINVAL "^$L unresolvable ambiguity for symbol 'klpj_bad_dup' in object 'klpj_bad_target'$" "'klpj_bad_dup'"
refused klpj_bad_sympos EINVAL "^$L symbol position 3 for symbol 'klpj_bad_dup' in object 'klpj_bad_target' not found$" "'klpj_bad_dup'"
# --- malformed klp_func arrays ---
refused klpj_bad_nonew EINVAL "^$L 'klpj_bad_plain' in object 'klpj_bad_target' has no new_func$" klpj_bad_plain
refused klpj_bad_noname EINVAL "^$L a function of object 'klpj_bad_target' has no old_name$" "no old_name"
refused klpj_bad_twice EINVAL "^$L 'klpj_bad_plain,1' is listed twice in object 'klpj_bad_target'$" klpj_bad_plain
# --- code that must never be redirected ---
C="cannot be patched: it"
refused klpj_bad_backend EOPNOTSUPP "^$L 'klp_jump_commit' $C is run by the live patching switch itself$" "'klp_jump_commit'"
refused klpj_bad_stopm EOPNOTSUPP "^$L 'multi_cpu_stop' $C is run by the live patching switch itself$" multi_cpu_stop
refused klpj_bad_sched EOPNOTSUPP "^$L 'schedule' $C is in scheduler text, where every sleeping task is$" "'schedule'"
refused klpj_bad_noinstr EOPNOTSUPP "^$L 'el1h_64_sync_handler' $C is in noinstr text$" el1h_64_sync_handler
refused klpj_bad_entry EOPNOTSUPP "^$L 'ret_to_user' $C is in entry text$" ret_to_user
refused klpj_bad_kprobes EOPNOTSUPP "^$L 'aarch64_insn_patch_text_nosync' $C is in __kprobes text$" aarch64_insn_patch_text_nosync
refused klpj_bad_mkprobes EOPNOTSUPP "^$L 'klpj_bad_kp' $C is in the __kprobes text of its module$" "'klpj_bad_kp'"
refused klpj_bad_idmap EOPNOTSUPP "^$L '__cpu_setup' $C is in idmap text$" __cpu_setup
# --- addresses that are not a live function ---
refused klpj_bad_init EINVAL "^$L 'start_kernel' $C is in init text, freed after boot$" start_kernel
refused klpj_bad_vdata EINVAL "^$L 'linux_banner' $C is not in kernel or module text$" linux_banner
refused klpj_bad_mdata EINVAL "^$L 'klpj_bad_data' $C is not in kernel or module text$" klpj_bad_data
refused klpj_bad_label EINVAL "^$L 'klpj_bad_inner' $C is not the start of a function$" klpj_bad_inner
# --- a slot that another code modifier owns ---
refused klpj_bad_jlabel EBUSY "^$L 'klpj_bad_jl' cannot be patched: its instruction at \+0x[0-9a-f]+ belongs to a jump label$" "'klpj_bad_jl'"
# --- callbacks ---
refused klpj_bad_prepatch EIO "^$L pre-patch callback failed for object 'klpj_bad_target'$" "'klpj_bad_target'"

# --- an object that is not loaded: accepted and deferred (upstream) ---
case_mark noobj
check "klpj_bad_noobj: insmod succeeds (object deferred)" load_patch klpj_bad_noobj
check "klpj_bad_noobj: enabled" [ "$(patch_attr klpj_bad_noobj enabled)" = 1 ]
check "klpj_bad_noobj: every target's bytes unchanged" text_unchanged
check "klpj_bad_noobj: disable" disable_patch klpj_bad_noobj
check "klpj_bad_noobj: rmmod" unload_mod klpj_bad_noobj

# --- a module whose __init function a patch aims at ---
check "klpj_bad_modinit: insmod succeeds (object deferred)" load_patch klpj_bad_modinit
case_mark modinit
out=$(insmod "$MODS/klpj_bad_late.ko" 2>&1) && out="(insmod succeeded)"
check "klpj_bad_late: insmod refused with EINVAL" errno_is EINVAL "$out"
check "klpj_bad_late: not loaded" eval '! mod_loaded klpj_bad_late'
check "klpj_bad_late: one line" one_line \
	"^$L 'klpj_bad_late_setup' $C is in module init text, freed after the module's init$" klpj_bad_late_setup
check "klpj_bad_late: no kernel warning" no_splat
check "klpj_bad_late: every target's bytes unchanged" text_unchanged
check "klpj_bad_modinit: disable" disable_patch klpj_bad_modinit
check "klpj_bad_modinit: rmmod" unload_mod klpj_bad_modinit

# --- klp_state: an older version of a state in effect ---
check "klpj_bad_state1 (valid): loads" load_patch klpj_bad_state1
BASE=$(sums)
check "klpj_bad_state1: only klpj_bad_plain changed" eval \
	'[ "$(diff <(echo "$ORIG_BASE") <(echo "$BASE") | grep -c "^>")" = 1 ]'
refused klpj_bad_state2 EINVAL "^$L Livepatch patch \(klpj_bad_state2\) is not compatible with the already installed livepatches\.$" klpj_bad_state2

# --- sysfs writes of garbage and of the current state ---
S=$KLP_SYSFS/klpj_bad_state1
sysfs_refused "$S/enabled" abc EINVAL "^$L 'klpj_bad_state1': enabled takes 0 or 1$" klpj_bad_state1
sysfs_refused "$S/enabled" 2 EINVAL "^$L 'klpj_bad_state1': enabled takes 0 or 1$" klpj_bad_state1
sysfs_refused "$S/enabled" 1 EINVAL "^$L 'klpj_bad_state1' is already enabled$" klpj_bad_state1
sysfs_refused "$S/force" maybe EINVAL "^$L 'klpj_bad_state1': force takes 1$" klpj_bad_state1
sysfs_refused "$S/force" 1 EINVAL "^$L 'klpj_bad_state1' is not in transition, nothing to force$" klpj_bad_state1
# read-only attributes: refused by the VFS, no livepatch code runs
sysfs_refused "$S/transition" 0 EACCES "" klpj_bad_state1
sysfs_refused "$S/replace" 1 EACCES "" klpj_bad_state1
check "klpj_bad_state1: still enabled, not in transition" \
	eval '[ "$(patch_attr klpj_bad_state1 enabled)$(patch_attr klpj_bad_state1 transition)" = 10 ]'
check "klpj_bad_state1: disable" disable_patch klpj_bad_state1
check "klpj_bad_state1: rmmod" unload_mod klpj_bad_state1
BASE=$ORIG_BASE
check "all targets back to their original bytes" text_unchanged

# --- a transition pending: replace, unload, garbage ---
echo 1 > "$TGT/sleep"
check "klpj_patch1: insmod while klpj_sleep sleeps in klpj_sleeper" insmod "$MODS/klpj_patch1.ko"
check "klpj_patch1: transition pending" wait_for 5 in_transition klpj_patch1
check "pending: nothing written" text_unchanged
refused klpj_bad_replace EBUSY "^$L cannot enable 'klpj_bad_replace' while 'klpj_patch1' is in transition$" klpj_bad_replace
case_mark rmmod
if busybox --list 2>/dev/null | grep -qx rmmod; then
	out=$(busybox rmmod klpj_patch1 2>&1) && out="(rmmod succeeded)"
else
	out=$(rmmod klpj_patch1 2>&1) && out="(rmmod succeeded)"
fi
check "rmmod klpj_patch1 while pending: EAGAIN" errno_is EAGAIN "$out"
check "  still loaded and pending" eval 'mod_loaded klpj_patch1 && in_transition klpj_patch1'
# Informational here (test-wo-ftrace-busy asserts it): in one merged run
# this lookup missed lines that the console showed; not understood yet.
wait_for 10 eval "case_log | grep -qE 'klp-jump: pid [0-9]+ is in .klpj_sleeper.'" ||
	echo "  note: no 'klp-jump: pid N is in klpj_sleeper' line found since the case mark"

check "  nothing written" text_unchanged
sysfs_refused "$KLP_SYSFS/klpj_patch1/enabled" abc EINVAL "^$L 'klpj_patch1': enabled takes 0 or 1$" "'klpj_patch1'"
check "  still pending after the garbage" in_transition klpj_patch1
echo 0 > "$KLP_SYSFS/klpj_patch1/enabled"
echo 0 > "$TGT/sleep"
check "klpj_patch1: reversed and freed" wait_for 30 patch_gone klpj_patch1
check "klpj_patch1: rmmod" unload_mod klpj_patch1
check "all targets back to their original bytes" text_unchanged

# --- kmemleak ---
if [ -e "$KML" ]; then
	for m in klpj_bad_target klpj_target; do unload_mod "$m"; done
	sleep 6
	echo scan > "$KML"
	echo scan > "$KML"
	leaks=$(grep -c "^unreferenced object" "$KML")
	check "kmemleak: no new leak ($leaks)" [ "$leaks" = 0 ]
	[ "$leaks" = 0 ] || head -n 40 "$KML" | sed 's/^/  /'
else
	echo "kmemleak: not in this kernel"
fi

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
