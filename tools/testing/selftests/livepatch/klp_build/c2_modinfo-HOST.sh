#!/bin/bash
# c2_modinfo (host): klp-build checks a module against the kernel it is
# for and records that kernel in it (the modinfo keys klpctl reads):
#  1. livepatch_build_id is the GNU build-id of $O/vmlinux (lower-case
#     hex) and there is one livepatch_func=OBJ:FUNC per patched function;
#  2. KLP_KERNEL_NOTES with another build-id: refused, naming both;
#     with vmlinux's own notes: built;
#  3. a compiler whose version line differs from the kernel's
#     CONFIG_CC_VERSION_TEXT: refused, naming both;
#  4. a hunk that applies at another line than its header says is
#     reported with its offset.
# Environment from harness/klp-build-tests.sh: KLPB_BUILD, KLPB_OUT,
# KLPB_CASEDIR, KLPB_KBUILD, KLPB_KLPDIR.
set -u
fail() { echo "FAIL: c2_modinfo: $*"; exit 1; }
OBJCOPY=aarch64-linux-gnu-objcopy

# kb NAME PATCH [VAR=value...]: harness/klp-build.sh, output in NAME.log
kb() {
	local name=$1 patch=$2
	shift 2
	env "$@" KLP_NOBUILD=1 PATCH="$patch" KLP_NAME="$name" "$KLPB_BUILD" \
		> "$KLPB_OUT/$name.log" 2>&1
}
modinfo_of() {
	"$OBJCOPY" -O binary --only-section=.modinfo "$1" "$KLPB_OUT/modinfo" &&
		tr '\0' '\n' < "$KLPB_OUT/modinfo"
}

# the build-id, read here independently of klp-build
vmid=$(aarch64-linux-gnu-readelf -n "$KLPB_KBUILD/vmlinux" | sed -n 's/^ *Build ID: //p')
[ -n "$vmid" ] || fail "no build-id note in $KLPB_KBUILD/vmlinux"

# 1. modinfo keys, for vmlinux and for a module
kb c2_modinfo_a "$KLPB_CASEDIR/proc_string.patch" ||
	fail "klp-build of proc_string.patch failed: $(tail -n 1 "$KLPB_OUT/c2_modinfo_a.log")"
mi=$(modinfo_of "$KLPB_KLPDIR/c2_modinfo_a.ko") || fail "no .modinfo in c2_modinfo_a.ko"
grep -qx "livepatch_build_id=$vmid" <<< "$mi" ||
	fail "modinfo livepatch_build_id is '$(sed -n 's/^livepatch_build_id=//p' <<< "$mi")', vmlinux has $vmid"
funcs=$(grep '^livepatch_func=' <<< "$mi" | sort | tr '\n' ' ')
[ "$funcs" = "livepatch_func=vmlinux:meminfo_proc_show " ] ||
	fail "modinfo livepatch_func of proc_string: '$funcs'"
grep -qx 'livepatch_replace=Y' <<< "$mi" ||
	fail "modinfo of an atomic replace patch has no livepatch_replace=Y"
kb c2_modinfo_m "$KLPB_CASEDIR/module_before.patch" KLP_REPLACE=0 ||
	fail "klp-build of module_before.patch failed: $(tail -n 1 "$KLPB_OUT/c2_modinfo_m.log")"
funcs=$(modinfo_of "$KLPB_KLPDIR/c2_modinfo_m.ko" | grep '^livepatch_func=' | sort | tr '\n' ' ')
[ "$funcs" = "livepatch_func=livepatch_shadow_mod:dummy_alloc " ] ||
	fail "modinfo livepatch_func of module_before: '$funcs'"
modinfo_of "$KLPB_KLPDIR/c2_modinfo_m.ko" | grep -q '^livepatch_replace=' &&
	fail "modinfo of a --no-replace patch has livepatch_replace"
echo "ok: modinfo build-id $vmid, livepatch_func and livepatch_replace entries"

# 2. the kernel's notes: another build-id is refused
other=$KLPB_OUT/other.notes
{ printf '\004\000\000\000\024\000\000\000\003\000\000\000GNU\000'
  printf '\021%.0s' $(seq 20); } > "$other"
if kb c2_modinfo_b "$KLPB_CASEDIR/proc_string.patch" KLP_KERNEL_NOTES="$other"; then
	fail "built against notes with build-id 1111...: not refused"
fi
[ ! -e "$KLPB_KLPDIR/c2_modinfo_b.ko" ] || fail "refused, but c2_modinfo_b.ko was written"
grep -q "build-id mismatch: .*/vmlinux has $vmid, the kernel of $other has 1111111111111111111111111111111111111111$" \
	"$KLPB_OUT/c2_modinfo_b.log" ||
	fail "build-id refusal does not name both: $(tail -n 1 "$KLPB_OUT/c2_modinfo_b.log")"
same=$KLPB_OUT/same.notes
"$OBJCOPY" -O binary --only-section=.notes "$KLPB_KBUILD/vmlinux" "$same" ||
	fail "cannot extract .notes of vmlinux"
kb c2_modinfo_b "$KLPB_CASEDIR/proc_string.patch" KLP_KERNEL_NOTES="$same" ||
	fail "refused with vmlinux's own notes: $(tail -n 1 "$KLPB_OUT/c2_modinfo_b.log")"
echo "ok: kernel notes compared"

# 3. another compiler
stub=$KLPB_OUT/stub
mkdir -p "$stub"
real=$(command -v aarch64-linux-gnu-gcc) || fail "no aarch64-linux-gnu-gcc"
cat > "$stub/aarch64-linux-gnu-gcc" <<EOS
#!/bin/sh
for a; do [ "\$a" = --version ] && { echo "aarch64-linux-gnu-gcc (klpb fake) 99.1.0"; exit 0; }; done
exec $real "\$@"
EOS
chmod +x "$stub/aarch64-linux-gnu-gcc"
if kb c2_modinfo_c "$KLPB_CASEDIR/proc_string.patch" PATH="$stub:$PATH"; then
	fail "built with a compiler of another version: not refused"
fi
[ ! -e "$KLPB_KLPDIR/c2_modinfo_c.ko" ] || fail "refused, but c2_modinfo_c.ko was written"
cc_text=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$/\1/p' "$KLPB_KBUILD/.config")
grep -qF "compiler mismatch: the kernel in $KLPB_KBUILD" "$KLPB_OUT/c2_modinfo_c.log" &&
grep -qF "'$cc_text'" "$KLPB_OUT/c2_modinfo_c.log" &&
grep -qF "'aarch64-linux-gnu-gcc (klpb fake) 99.1.0'" "$KLPB_OUT/c2_modinfo_c.log" ||
	fail "compiler refusal does not name both: $(tail -n 1 "$KLPB_OUT/c2_modinfo_c.log")"
echo "ok: compiler version compared"

# 4. offsets: the hunk header of proc_string.patch moved up by 3 lines
awk '/^@@ / {
	split(substr($2, 2), o, ","); split(substr($3, 2), n, ",")
	$2 = "-" (o[1] - 3) "," o[2]; $3 = "+" (n[1] - 3) "," n[2]
} { print }' "$KLPB_CASEDIR/proc_string.patch" > "$KLPB_OUT/offset.patch"
kb c2_modinfo_d "$KLPB_OUT/offset.patch" ||
	fail "klp-build of a patch with an offset failed: $(tail -n 1 "$KLPB_OUT/c2_modinfo_d.log")"
grep -q "offset.patch: fs/proc/meminfo.c: Hunk #1 succeeded at [0-9]* (offset 3 lines)$" \
	"$KLPB_OUT/c2_modinfo_d.log" || fail "no offset reported for offset.patch"
echo "ok: offset reported"
rm -f "$KLPB_KLPDIR"/c2_modinfo_?.ko
