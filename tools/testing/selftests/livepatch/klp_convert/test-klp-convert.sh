#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Patch modules converted by tools/klp-convert at build time:
#  - klpc_patch_vm: static functions and data of vmlinux, homonyms by
#    position; the addresses it resolved must be the Nth definitions in
#    /proc/kallsyms (the order klp_find_object_symbol() counts in);
#  - klpc_patch_mod: static symbols of the module klpc_target, homonyms by
#    position, loaded after klpc_target (relocations written from the
#    patch's init) and before it (written when klpc_target loads); the
#    target is unloaded and loaded again while the patch stays enabled;
#  - klpc_plt: the arm64 PLT slot handling of late relocations, on a fake
#    module (modules are allocated next to each other, so real late
#    relocations between modules never need a PLT entry in the guest).
# Exit status: 0 pass, 1 fail, 4 skip.
set -u
MODS=$(cd "$(dirname "$0")" && pwd)
LP=/sys/kernel/livepatch
PARAM=/sys/module/klpc_target/parameters/value
RELOADS=${KLPC_RELOADS:-8}
FAILS=0
MARK="klpc-test-start-$$"

ok()   { echo "ok: $*"; }
bad()  { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
skip() { echo "SKIP: $*"; exit 4; }
expect() {   # description expected actual
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected '$2', got '$3'"; fi
}
settled() { [ "$(cat "$LP/$1/transition" 2>/dev/null)" = 0 ]; }
wait_for() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do "${@:2}" && return 0; sleep 0.1; done
	return 1
}
gone() { [ ! -d "$LP/$1" ]; }
loaded() { grep -q "^$1 " /proc/modules; }
load_patch() { insmod "$MODS/$1.ko" && wait_for 30 settled "$1"; }
drop_patch() {
	loaded "$1" || return 0
	if [ -d "$LP/$1" ]; then
		echo 0 > "$LP/$1/enabled" && wait_for 30 gone "$1" || return 1
	fi
	rmmod "$1"
}
cleanup() {
	drop_patch klpc_patch_mod
	drop_patch klpc_patch_vm
	loaded klpc_target && rmmod klpc_target
}
trap cleanup EXIT

[ -d "$LP" ] || skip "no $LP (CONFIG_LIVEPATCH)"
for m in klpc_target klpc_patch_mod klpc_patch_vm klpc_plt; do
	[ -f "$MODS/$m.ko" ] || skip "$m.ko not built"
done
echo 0 > /proc/sys/kernel/kptr_restrict 2>/dev/null
echo "$MARK" > /dev/kmsg

# address of the Nth definition of NAME in OBJ, in /proc/kallsyms order
ksym() {
	if [ "$2" = vmlinux ]; then
		awk -v s="$1" '$3 == s && NF == 3 { print $1 }' /proc/kallsyms
	else
		awk -v s="$1" -v m="[$2]" '$3 == s && $4 == m { print $1 }' /proc/kallsyms
	fi | sed -n "${3}p" | sed 's/^0*//'
}

# ---- arm64 PLT slots of late klp relocations (fake module) ------------------
if insmod "$MODS/klpc_plt.ko"; then
	ok "late PLT entries: written, reused, freed by clear_relocate_add(), taken again"
	rmmod klpc_plt
else
	bad "late PLT entries (klpc_plt checks, see the kernel log)"
	dmesg | grep 'klpc_plt: check failed' | tail -n 8
fi

# ---- vmlinux ---------------------------------------------------------------
[ "$(ksym c_start vmlinux 2)" ] && [ "$(ksym dev_attr_modalias vmlinux 4)" ] ||
	bad "vmlinux has no second c_start or fourth dev_attr_modalias"
orig_loadavg=$(cat /proc/loadavg)
if load_patch klpc_patch_vm; then
	read -r tag a_cstart a_modalias a_version tainted < /proc/loadavg
	expect "vmlinux: patched /proc/loadavg" klpc "$tag"
	expect "vmlinux: c_start,2 is the second c_start of kallsyms" \
		"$(ksym c_start vmlinux 2)" "$a_cstart"
	expect "vmlinux: dev_attr_modalias,4 is the fourth of kallsyms" \
		"$(ksym dev_attr_modalias vmlinux 4)" "$a_modalias"
	expect "vmlinux: version_proc_show,0" "$(ksym version_proc_show vmlinux 1)" "$a_version"
	expect "vmlinux: static tainted_mask" "$(cat /proc/sys/kernel/tainted)" "$tainted"
	drop_patch klpc_patch_vm && ok "vmlinux: patch disabled and removed" ||
		bad "vmlinux: patch disabled and removed"
	[ "$(cut -d' ' -f1 /proc/loadavg)" != klpc ] && ok "vmlinux: /proc/loadavg restored" ||
		bad "vmlinux: /proc/loadavg restored"
else
	bad "vmlinux: klpc_patch_vm loads"
fi
: "$orig_loadavg"

# ---- a module: patched value and resolved addresses -------------------------
check_target() {   # when
	expect "$1: klpc_target_show() replaced" "patched 200 11 7" "$(cat $PARAM 2>&1)"
	read -r a_counter a_helper a_unique < /sys/module/klpc_patch_mod/parameters/addrs
	expect "$1: klpc_counter,2 is the second of kallsyms" \
		"$(ksym klpc_counter klpc_target 2)" "$a_counter"
	expect "$1: klpc_helper,1 is the first of kallsyms" \
		"$(ksym klpc_helper klpc_target 1)" "$a_helper"
	expect "$1: klpc_unique,0" "$(ksym klpc_unique klpc_target 1)" "$a_unique"
}
# distance in MiB between two modules' text (> 128: branches need a PLT)
mod_addr() { awk -v m="$1" '$1 == m { print $6 }' /proc/modules; }
far_loads=0
note_distance() {
	local a b d
	a=$(mod_addr klpc_patch_mod) b=$(mod_addr klpc_target)
	[ -n "$a" ] && [ -n "$b" ] || return 0
	d=$(( (a > b ? a - b : b - a) >> 20 ))
	[ "$d" -ge 128 ] && far_loads=$((far_loads + 1))
}
reload_target() {   # when
	local i
	for ((i = 1; i <= RELOADS; i++)); do
		rmmod klpc_target || { bad "$1: rmmod klpc_target ($i)"; return; }
		insmod "$MODS/klpc_target.ko" || { bad "$1: insmod klpc_target ($i)"; return; }
		note_distance
	done
	ok "$1: klpc_target unloaded and loaded $RELOADS times"
	expect "$1: object patched after reloads" 1 "$(cat $LP/klpc_patch_mod/klpc_target/patched)"
	check_target "$1, after reloads"
}

# patch after the target: relocations written from the patch's init
insmod "$MODS/klpc_target.ko" || bad "insmod klpc_target"
expect "target first: original value" "orig 100 1 7 202" "$(cat $PARAM)"
if load_patch klpc_patch_mod; then
	check_target "target first"
	reload_target "target first"
	drop_patch klpc_patch_mod || bad "target first: disable klpc_patch_mod"
	expect "target first: original value back" "orig 100 1 7 202" "$(cat $PARAM)"
else
	bad "target first: klpc_patch_mod loads"
fi
rmmod klpc_target

# patch before the target: relocations written when the target loads
if load_patch klpc_patch_mod; then
	expect "patch first: object not patched yet" 0 "$(cat $LP/klpc_patch_mod/klpc_target/patched)"
	insmod "$MODS/klpc_target.ko" || bad "patch first: insmod klpc_target"
	expect "patch first: object patched" 1 "$(cat $LP/klpc_patch_mod/klpc_target/patched)"
	check_target "patch first"
	reload_target "patch first"
	drop_patch klpc_patch_mod || bad "patch first: disable klpc_patch_mod"
	expect "patch first: original value back" "orig 100 1 7 202" "$(cat $PARAM)"
else
	bad "patch first: klpc_patch_mod loads"
fi

echo "info: $far_loads load(s) of klpc_target 128 MiB or more away from klpc_patch_mod (late PLT entries)"
log=$(dmesg | sed -n "/$MARK/,\$p")
if grep -qE "WARNING|BUG|Unable to handle|symbol .* not found|klp_|overflow in relocation" <<< "$log"; then
	bad "kernel log clean"
	grep -E "WARNING|BUG|Unable to handle|not found|klp_|overflow" <<< "$log" | head -n 5
else
	ok "kernel log clean"
fi
echo "test-klp-convert: $FAILS failure(s)"
[ "$FAILS" -eq 0 ]
