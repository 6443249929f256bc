#!/bin/bash
# klpctl at boot (issue 23): two patch modules installed into a store with
# the host build of klpctl (`klpctl --root DIR install X.ko`), the store put
# into the initramfs (VM_ROOTFS_OVERLAY, the stand-in for the disk), where
# the guest's /init runs `klpctl load --installed` before CMD:
#  1. a boot of the default kernel: both patches are loaded, enabled and
#     switched (livepatch-sample's /proc/cmdline is patched) when CMD runs;
#  2. the same boot with klp.enable=0 on the kernel command line: none is.
# Needs the default kernel with klpctl built for the guest (make kernel, on
# a tree with tools/livepatch); make check builds it before the host tests.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
KLP_TAG=klpctl-boot
. "$top/harness/lib.sh"

kb=$top/build/kbuild
[ -f "$top/tools/livepatch/Makefile" ] || { echo "SKIP: no tools/livepatch (klpctl)"; exit 4; }
[ -f "$kb/arch/arm64/boot/Image" ] || { echo "SKIP: no default kernel built (make kernel)"; exit 4; }
[ -x "$kb/tools/livepatch/klpctl" ] ||
	{ echo "SKIP: no klpctl built for the guest (make kernel)"; exit 4; }
sample=$kb/samples/livepatch/livepatch-sample.ko
tiny=$top/build/selftests/livepatch/klpctl/klpk_tiny.ko
for f in "$sample" "$tiny"; do
	[ -f "$f" ] || { echo "SKIP: ${f#"$top"/} not built (make kernel)"; exit 4; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; rc=1; }

echo "# klpctl for the host: make -C tools/livepatch O=<tmp>"
if ! make -s -C "$top/tools/livepatch" O="$tmp/host" > "$tmp/make.log" 2>&1; then
	sed 's/^/    /' "$tmp/make.log" | tail -n 20
	echo "FAIL: the host build of klpctl failed"
	exit 1
fi
klpctl=$tmp/host/klpctl
store=$tmp/root
release=$(cat "$kb/include/config/kernel.release")
for f in "$sample" "$tiny"; do
	if "$klpctl" --root "$store" install "$f"; then
		ok "klpctl --root <store> install ${f##*/}"
	else
		bad "klpctl --root <store> install ${f##*/} exited with $?"
	fi
done
order=$store/var/lib/livepatch/$release/order
if [ "$(cat "$order" 2>/dev/null)" = $'livepatch_sample\nklpk_tiny' ]; then
	ok "var/lib/livepatch/$release/order: livepatch_sample, klpk_tiny"
else
	bad "var/lib/livepatch/$release/order is not 'livepatch_sample klpk_tiny': $(cat "$order" 2>&1 | tr '\n' ' ')"
fi
[ "$rc" = 0 ] || exit 1

# The guest's CMD: one line per installed patch, then its verdict.
cat > "$tmp/cmd" <<'EOF'
n=0
for p in livepatch_sample klpk_tiny; do
	d=/sys/kernel/livepatch/$p
	if [ -d "$d" ]; then
		echo "klpctl-boot: $p enabled=$(cat $d/enabled) transition=$(cat $d/transition)"
		[ "$(cat $d/enabled) $(cat $d/transition)" = "1 0" ] && n=$((n + 1))
	else
		echo "klpctl-boot: $p absent"
	fi
done
echo "klpctl-boot: /proc/cmdline: $(cat /proc/cmdline)"
echo "klpctl-boot: $n enabled, $(ls /sys/kernel/livepatch | wc -l) in sysfs"
EOF

# boot NAME APPEND: boot the default kernel with the store; output in
# $tmp/NAME.out
boot() {
	echo "# boot ($1)${2:+: VM_APPEND=$2}"
	KCONFIG=default VM_TIMEOUT=300 VM_ROOTFS_OVERLAY=$store VM_APPEND=$2 \
		KLP_CMD=$(cat "$tmp/cmd") "$top/harness/vm.sh" > "$tmp/$1.out" 2>&1
	local vrc=$?
	# /init's and klpctl's lines, and CMD's
	tr -d '\r' < "$tmp/$1.out" | awk '
		/^klp-init: klpctl load --installed$/ { p = 1 }
		p && !/^\[ *[0-9]+\.[0-9]+\]/ || /^klp(-init|ctl-boot): / { print "    " $0 }
		/^klp-init: klpctl load --installed: exit/ { p = 0 }'
	[ "$vrc" = 0 ] || bad "boot ($1): harness/vm.sh exited with $vrc (log: build/vm.log)"
}
has() { tr -d '\r' < "$tmp/$1.out" | grep -q -x -- "$2"; }
check() { if has "$1" "$2"; then ok "$1: $2"; else bad "$1: no line '$2'"; fi; }

boot loaded ""
check loaded "klp-init: klpctl load --installed: exit 0"
check loaded "klpctl-boot: livepatch_sample enabled=1 transition=0"
check loaded "klpctl-boot: klpk_tiny enabled=1 transition=0"
check loaded "klpctl-boot: /proc/cmdline: this has been live patched"
check loaded "klpctl-boot: 2 enabled, 2 in sysfs"

boot disabled "klp.enable=0"
check disabled "klp-init: klp.enable=0 on the kernel command line: installed patches not loaded"
check disabled "klpctl-boot: livepatch_sample absent"
check disabled "klpctl-boot: klpk_tiny absent"
check disabled "klpctl-boot: 0 enabled, 0 in sysfs"

[ "$rc" = 0 ] && echo "klpctl-boot: PASS"
exit "$rc"
