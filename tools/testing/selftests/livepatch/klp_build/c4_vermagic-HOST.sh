#!/bin/bash
# c4_vermagic (host): klp-build checks the module it wrote against the
# kernel it is for before writing it out.  The kernel tree's
# include/generated/utsrelease.h is given another release (as in a tree
# where "make prepare" ran with another LOCALVERSION after the kernel was
# built): the module then gets a vermagic the kernel's own modules do not
# have, and klp-build must refuse it, naming both vermagic strings, and
# write nothing.  With the header restored the same build succeeds.
# utsrelease.h is restored (content and mtime) in any event.
# Environment from harness/klp-build-tests.sh: KLPB_BUILD, KLPB_OUT,
# KLPB_CASEDIR, KLPB_KBUILD, KLPB_KLPDIR.
set -u
fail() { echo "FAIL: c4_vermagic: $*"; exit 1; }
OBJCOPY=aarch64-linux-gnu-objcopy
uts=$KLPB_KBUILD/include/generated/utsrelease.h
saved=$KLPB_OUT/utsrelease.h.saved

kb() {
	local name=$1
	KLP_NOBUILD=1 PATCH="$KLPB_CASEDIR/proc_string.patch" KLP_NAME="$name" \
		"$KLPB_BUILD" > "$KLPB_OUT/$name.log" 2>&1
}
vermagic_of() {
	"$OBJCOPY" -O binary --only-section=.modinfo "$1" "$KLPB_OUT/modinfo" &&
		tr '\0' '\n' < "$KLPB_OUT/modinfo" | sed -n 's/^vermagic=//p'
}

rel=$(cat "$KLPB_KBUILD/include/config/kernel.release") || fail "no kernel.release"
grep -qx "#define UTS_RELEASE \"$rel\"" "$uts" ||
	fail "$uts does not define UTS_RELEASE \"$rel\""

cp -p "$uts" "$saved" || fail "cannot save $uts"
trap 'cp -p "$saved" "$uts"' EXIT
printf '#define UTS_RELEASE "%s-klpbvm"\n' "$rel" > "$uts"
touch -r "$saved" "$uts"

if kb c4_vermagic_a; then
	fail "built a module whose vermagic names release $rel-klpbvm: not refused"
fi
[ ! -e "$KLPB_KLPDIR/c4_vermagic_a.ko" ] || fail "refused, but c4_vermagic_a.ko was written"
line=$(grep 'vermagic mismatch' "$KLPB_OUT/c4_vermagic_a.log" | tail -n 1)
[ -n "$line" ] || fail "no vermagic refusal: $(tail -n 1 "$KLPB_OUT/c4_vermagic_a.log")"
# both sides: the new module's vermagic and the one of the kernel's module
grep -qE "c4_vermagic_a\.ko has '$rel-klpbvm [^']*', [^ ]+\.ko has '$rel [^']*'$" <<< "$line" ||
	fail "refusal does not name both vermagics: $line"
echo "ok: refused: $line"

cp -p "$saved" "$uts"
trap - EXIT
kb c4_vermagic_b || fail "build with the tree's own release failed: $(tail -n 1 "$KLPB_OUT/c4_vermagic_b.log")"
vm=$(vermagic_of "$KLPB_KLPDIR/c4_vermagic_b.ko") || fail "no .modinfo in c4_vermagic_b.ko"
case $vm in
"$rel "*) ;;
*) fail "c4_vermagic_b.ko has vermagic '$vm', not release $rel" ;;
esac
echo "ok: built with vermagic '$vm'"
rm -f "$KLPB_KLPDIR"/c4_vermagic_?.ko
