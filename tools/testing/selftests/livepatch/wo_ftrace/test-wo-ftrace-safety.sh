#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The backend beside the kernel's other code modifiers and protections:
#  - kprobes: a kprobe on the slot makes enabling fail with EBUSY (one line
#    naming the function); with the patch in effect a kprobe on the slot is
#    refused with EBUSY; kprobes elsewhere in the old function (before the
#    slot, and after it once the patch is gone) and in the new function
#    fire, and the patch stays in effect;
#  - static keys: klpj_safe_keys, whose new function holds jump labels on
#    its own key and on vmlinux's exported module_get tracepoint key, loads,
#    both keys toggle the new function's result while it is in effect, and
#    it disables and unloads (also with a key left on);
#  - no W+X: check_wx_pages passes before, with patches in effect and after;
#    the Fixmap (text poke) and linear-map sections of kernel_page_tables
#    are the same before loading and after unloading;
#  - a user without CAP_SYS_MODULE (uid 65534 through su) cannot load a
#    patch nor write enabled;
#  - sysfs modes as upstream: enabled 0644, transition 0444, force 0200,
#    replace 0444, <object>/patched 0444.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-safety

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
[ -f "$MODS/klpj_safe_probe.ko" ] || skip "klpj_safe_*.ko not built"
PR=$DBGFS/klpj_safe_probe
KEYS=$DBGFS/klpj_safe_keys
WX=$DBGFS/check_wx_pages
PTD=$DBGFS/kernel_page_tables
EXTRA_PATCHES="klpj_safe_keys klpj_safe_probe"
trap cleanup EXIT

addr() { awk -v n="$1" '$3 == n { print $1; exit }' /proc/kallsyms; }
# fsize HEXADDR: bytes up to the next symbol
fsize() {
	local a=$((0x$1)) next=0 x
	while read -r x _; do
		x=$((0x$x))
		[ "$x" -gt "$a" ] && { [ "$next" = 0 ] || [ "$x" -lt "$next" ]; } && next=$x
	done < <(grep -F "[klpj_target]" /proc/kallsyms)
	echo $((next - a))
}
hexadd() { printf '%x' $((0x$1 + $2)); }
words() { echo "$1" > "$PR/words" && cat "$PR/words"; }
probe() { echo "$1 $2" > "$PR/probe"; }
probe_field() { field "$2" "$(grep "^$1 " "$PR/probe")"; }
leaf() { field leaf "$(cat "$TGT/call")"; }
calls() { local i; for ((i = 0; i < $1; i++)); do cat "$TGT/call" > /dev/null; done; }
wx_ok() { [ ! -e "$WX" ] || [ "$(cat "$WX")" = SUCCESS ]; }
# the Fixmap and linear-map sections of the kernel page tables
ptd_fixed() {
	sed -n -e '/Linear Mapping start/,/Linear Mapping end/p' \
		-e '/Fixmap start/,/Fixmap end/p' "$PTD"
}
case_mark() {
	CASE_MARK="klpj-case-$1-$(now_ms)"
	echo "$CASE_MARK" > /dev/kmsg
}
case_log() { dmesg | sed -n "/$CASE_MARK/,\$p" | sed 's/^\[[^]]*\] //' | tail -n +2; }
no_splat() { ! klog | grep -qE "WARNING|Oops|BUG:|Call trace"; }

check "W^X check passes before anything is loaded" wx_ok
[ -e "$PTD" ] && PTD0=$(ptd_fixed)
check "insmod klpj_target" insmod "$MODS/klpj_target.ko"
check "insmod klpj_safe_probe" insmod "$MODS/klpj_safe_probe.ko"

# --- where the slot of klpj_leaf is ---
LEAF=$(addr klpj_leaf)
W0=$(words "$LEAF")
check "klpj_patch1 loads" load_patch klpj_patch1
W1=$(words "$LEAF")
read -ra w0 <<< "$W0"
read -ra w1 <<< "$W1"
SLOT=
LEAF_WORDS=$(($(fsize "$LEAF") / 4))
for i in "${!w0[@]}"; do
	[ "$i" -lt "$LEAF_WORDS" ] || break
	[ "${w0[$i]}" = "${w1[$i]}" ] && continue
	[ -z "$SLOT" ] && SLOT=$((i * 4)) || SLOT=many
done
echo "klpj_leaf ($LEAF_WORDS words): $W0 -> $W1: slot +$SLOT"
check "exactly one word of klpj_leaf changed" eval '[ -n "$SLOT" ] && [ "$SLOT" != many ]'
[ -n "$SLOT" ] && [ "$SLOT" != many ] || exit 1
check "W^X check passes with klpj_patch1 in effect" wx_ok
check "klpj_patch1: disable" disable_patch klpj_patch1
check "klpj_patch1: rmmod" unload_mod klpj_patch1
check "klpj_leaf: original bytes" [ "$(words "$LEAF")" = "$W0" ]

# --- a kprobe on the slot, then enabling: EBUSY ---
SLOTA=$(hexadd "$LEAF" "$SLOT")
probe 0 "$SLOTA"
check "kprobe on the slot (+$SLOT) registers" [ "$(probe_field 0 ret)" = 0 ]
WP=$(words "$LEAF")
case_mark kprobe-first
out=$(insmod "$MODS/klpj_patch1.ko" 2>&1) && out="(insmod succeeded)"
check "klpj_patch1: insmod fails with EBUSY" grep -q "Device or resource busy" <<< "$out"
check "  one line names klpj_leaf and the kprobe" eval \
	"[ \"\$(case_log | grep -c \"'klpj_leaf' cannot be patched: its instruction at +0x$(printf %x "$SLOT") belongs to a kprobe\")\" = 1 ]"
check "  not loaded" eval '! mod_loaded klpj_patch1'
check "  klpj_leaf bytes as before (the kprobe's BRK)" [ "$(words "$LEAF")" = "$WP" ]
h0=$(probe_field 0 hits)
check "  original klpj_leaf runs" [ "$(leaf)" = 1 ]
check "  the kprobe fires" [ "$(probe_field 0 hits)" -gt "$h0" ]
probe 0 -
check "kprobe removed: original bytes" [ "$(words "$LEAF")" = "$W0" ]

# --- patch in effect: a kprobe on the slot is refused ---
check "klpj_patch1 loads" load_patch klpj_patch1
probe 0 "$SLOTA"
check "kprobe on the owned slot: EBUSY" [ "$(probe_field 0 ret)" = -16 ]
check "  klpj_leaf bytes unchanged" [ "$(words "$LEAF")" = "$W1" ]
check "  patched klpj_leaf runs" [ "$(leaf)" = 10001 ]

# --- kprobes elsewhere keep working ---
if [ "$SLOT" -gt 0 ]; then
	probe 1 "$LEAF"
	check "kprobe at klpj_leaf+0 (before the slot) registers" [ "$(probe_field 1 ret)" = 0 ]
	calls 3
	check "  it fires and the patch stays in effect" \
		eval '[ "$(probe_field 1 hits)" -ge 3 ] && [ "$(leaf)" = 10001 ]'
fi
probe 2 "$(hexadd "$LEAF" $((SLOT + 4)))"
check "kprobe at klpj_leaf+$((SLOT + 4)) (after the slot) registers" [ "$(probe_field 2 ret)" = 0 ]
calls 3
check "  not reached while the patch is in effect" [ "$(probe_field 2 hits)" = 0 ]
NEW=$(addr klpj_p1_leaf)
for off in 0 4 8 12 16; do
	probe 3 "$(hexadd "$NEW" $off)"
	[ "$(probe_field 3 ret)" = 0 ] && break
done
check "kprobe in the new function (klpj_p1_leaf+$off) registers" [ "$(probe_field 3 ret)" = 0 ]
calls 3
check "  it fires, the patch stays in effect" \
	eval '[ "$(probe_field 3 hits)" -ge 3 ] && [ "$(leaf)" = 10001 ]'
probe 3 -
check "klpj_patch1: disable with kprobes on the old function" disable_patch klpj_patch1
calls 3
check "  the kprobe after the slot now fires" [ "$(probe_field 2 hits)" -ge 3 ]
check "  original klpj_leaf runs" [ "$(leaf)" = 1 ]
check "klpj_patch1: rmmod" unload_mod klpj_patch1
probe 1 -
probe 2 -
check "kprobes removed: original bytes" [ "$(words "$LEAF")" = "$W0" ]

# --- static keys in a patch module ---
check "klpj_safe_keys loads" load_patch klpj_safe_keys
base=$((1 + 5 * 10000))
check "  klpj_leaf is the new function ($base)" [ "$(leaf)" = "$base" ]
tp=1
echo 1 > "$KEYS/tp" 2>/dev/null || { tp=0; echo "tracepoints not in this kernel: vmlinux key not tested"; }
[ "$tp" = 1 ] && echo 0 > "$KEYS/tp"
for round in 1 2 3 4 5; do
	echo 1 > "$KEYS/own"
	want=$((base + 1000000))
	if [ "$tp" = 1 ]; then
		echo 1 > "$KEYS/tp"
		want=$((want + 2000000))
	fi
	r1=$(leaf)
	echo 0 > "$KEYS/own"
	[ "$tp" = 1 ] && echo 0 > "$KEYS/tp"
	r0=$(leaf)
	[ "$r1" = "$want" ] && [ "$r0" = "$base" ] || break
done
check "  keys on: $want, off: $base (5 rounds; last $r1/$r0)" \
	eval '[ "$r1" = "$want" ] && [ "$r0" = "$base" ]'
check "W^X check passes with klpj_safe_keys in effect" wx_ok
echo 1 > "$KEYS/own"
[ "$tp" = 1 ] && echo 1 > "$KEYS/tp"
check "klpj_safe_keys: disable with its keys on" disable_patch klpj_safe_keys
check "  original klpj_leaf runs" [ "$(leaf)" = 1 ]
check "klpj_safe_keys: rmmod" unload_mod klpj_safe_keys
check "  original bytes" [ "$(words "$LEAF")" = "$W0" ]

# --- permissions ---
check "klpj_patch1 loads" load_patch klpj_patch1
S=$KLP_SYSFS/klpj_patch1
modes="$(stat -c %a "$S/enabled" "$S/transition" "$S/force" "$S/replace" "$S/klpj_target/patched" | tr '\n' ' ')"
check "sysfs modes as upstream (644 444 200 444 444): $modes" [ "$modes" = "644 444 200 444 444 " ]
# An unprivileged user (uid 65534, added to /etc/passwd for the test).
PW_ADDED=
if ! grep -qs '^klpjnobody:' /etc/passwd; then
	echo 'klpjnobody:x:65534:65534:klpj test:/:/bin/sh' >> /etc/passwd &&
		PW_ADDED=1
fi
as_nobody() { su -s /bin/sh klpjnobody -c "$1" 2>&1; }
if [ "$(as_nobody 'id -u')" = 65534 ]; then
	out=$(as_nobody "insmod $MODS/klpj_patch2.ko") && out="(insmod succeeded)"
	check "uid 65534 (no CAP_SYS_MODULE): insmod klpj_patch2 fails with EPERM" \
		grep -q "Operation not permitted" <<< "$out"
	check "  not loaded" eval '! mod_loaded klpj_patch2'
	out=$(as_nobody "echo 0 > $S/enabled") && out="(write succeeded)"
	check "uid 65534: echo 0 > enabled is refused" grep -q "Permission denied" <<< "$out"
	check "  still enabled" [ "$(patch_attr klpj_patch1 enabled)" = 1 ]
else
	bad "cannot run a command as uid 65534 with su: $(as_nobody 'id -u')"
fi
[ -n "$PW_ADDED" ] && sed -i '/^klpjnobody:/d' /etc/passwd
check "klpj_patch1: disable" disable_patch klpj_patch1
check "klpj_patch1: rmmod" unload_mod klpj_patch1

check "klpj_safe_probe: rmmod" unload_mod klpj_safe_probe
check "klpj_target: rmmod" unload_mod klpj_target
check "W^X check passes after unloading" wx_ok
if [ -e "$PTD" ]; then
	PTD1=$(ptd_fixed)
	check "Fixmap and linear map page tables as before loading" [ "$PTD1" = "$PTD0" ]
	[ "$PTD1" = "$PTD0" ] || diff <(echo "$PTD0") <(echo "$PTD1") | head -n 10
fi
check "dmesg: no Oops/WARNING/BUG" no_splat

[ "$FAILS" = 0 ] && { echo "PASS: $NAME"; exit 0; }
echo "FAIL: $NAME ($FAILS failed checks)"
exit 1
