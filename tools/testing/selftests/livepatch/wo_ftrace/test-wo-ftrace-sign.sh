#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lockdown and module signature enforcement apply to patch modules as to
# any module.  The kernel (the debug or the far configuration) has
# CONFIG_MODULE_SIG and the lockdown LSM, neither enforced at boot; the
# build signs a copy of klpj_vmlinux.ko (signed/klpj_vmlinux.ko,
# harness/kernel.sh) with the kernel's key.  The test raises both at run
# time, which cannot be undone: it must be the last test of its boot
# (harness/vm-tests.list).
#  1. lockdown=integrity: the unsigned patch is refused with EPERM and
#     lockdown's line; nothing of it is loaded and /proc/cmdline is the
#     old one.  The signed copy loads, /proc/cmdline is patched, and the
#     patch disables and unloads.
#  2. module.sig_enforce=1 on top: the unsigned patch is refused with
#     EKEYREJECTED and the module loader's line; the signed copy works.
#
# Exit status: 0 pass, 1 fail, 4 skip.

set -u
NAME=wo-ftrace-sign

# shellcheck source=functions.sh
. "$(dirname "$0")/functions.sh"

SEC=/sys/kernel/security
LD=$SEC/lockdown
ENF=/sys/module/module/parameters/sig_enforce
[ -n "$MODS" ] || skip "klpj_*.ko not found (set KLPJ_MOD_DIR)"
[ -f "$MODS/signed/klpj_vmlinux.ko" ] ||
	skip "no signed klpj_vmlinux.ko (kernel without CONFIG_MODULE_SIG)"
grep -qs " $SEC securityfs " /proc/mounts || mount -t securityfs securityfs "$SEC"
[ -w "$LD" ] || skip "no $LD: lockdown LSM not in the kernel"
[ -e "$ENF" ] || skip "no $ENF"
# test-wo-ftrace-busy.sh, which runs before, leaves klpj_patch1 pinned.
ALLOWED_LEFT=klpj_patch1
trap cleanup EXIT

OLD_CMDLINE=$(< /proc/cmdline)
PATCHED="klpj patched cmdline"
case_mark() {
	CASE_MARK="klpj-case-$1-$(now_ms)"
	echo "$CASE_MARK" > /dev/kmsg
}
case_log() { dmesg | sed -n "/$CASE_MARK/,\$p" | sed 's/^\[[^]]*\] //' | tail -n +2; }
# one_line TEXT: TEXT is in exactly one kernel line since the case began
one_line() {
	local n
	n=$(case_log | grep -cF -- "$1")
	[ "$n" = 1 ] && return 0
	echo "  '$1': $n lines; log since the case:"
	case_log | sed 's/^/    /' | head -n 8
	return 1
}
cmdline_is() { [ "$(< /proc/cmdline)" = "$1" ]; }

# refused_unsigned ERRMSG LINE: the unsigned patch is refused, no trace left
refused_unsigned() {
	local msg=$1 line=$2 out
	case_mark unsigned
	out=$(insmod "$MODS/klpj_vmlinux.ko" 2>&1) && out="(insmod succeeded)"
	check "unsigned klpj_vmlinux refused: $msg" grep -qF -- "$msg" <<< "$out"
	check "  one line: $line" one_line "$line"
	check "  not loaded, no sysfs" eval '! mod_loaded klpj_vmlinux && patch_gone klpj_vmlinux'
	check "  /proc/cmdline unchanged" cmdline_is "$OLD_CMDLINE"
}

# signed_works: the signed copy enables, patches, disables and unloads
signed_works() {
	check "signed klpj_vmlinux loads" insmod "$MODS/signed/klpj_vmlinux.ko"
	check "  transition done" wait_for 30 settled klpj_vmlinux
	check "  /proc/cmdline is patched" cmdline_is "$PATCHED"
	check "  disable" disable_patch klpj_vmlinux
	check "  /proc/cmdline is old again" cmdline_is "$OLD_CMDLINE"
	check "  rmmod" unload_mod klpj_vmlinux
}

check "lockdown starts at none" grep -qF '[none]' "$LD"
check "signature enforcement starts off" [ "$(< "$ENF")" = N ]
check "/proc/cmdline is not patched yet" [ "$OLD_CMDLINE" != "$PATCHED" ]

echo integrity > "$LD"
check "lockdown is integrity" grep -qF '[integrity]' "$LD"
refused_unsigned "Operation not permitted" \
	"Lockdown: insmod: unsigned module loading is restricted"
signed_works

echo 1 > "$ENF"
check "signature enforcement is on" [ "$(< "$ENF")" = Y ]
refused_unsigned "Key was rejected by service" \
	"Loading of unsigned module is rejected"
signed_works

[ "$FAILS" = 0 ]
