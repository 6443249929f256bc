#!/bin/bash
# Host test: the klp-convert row of `make bench` is produced with status
# ok: klpc-time.sh builds a livepatch module with 10,000 relocations
# against non-exported symbols of the built default kernel, converts it
# with the real tool against the kernel's symbol map (build/kbuild/
# klp.symbols) and reports a time.  The output must have exactly 10,000
# relocations in .klp.rela.* sections, 10,000 .klp.sym.vmlinux.* symbols
# and none of the referenced kernel symbols left undefined; the input no
# .klp.rela.* relocation (the build must not have converted it).
# If the kernel build did not build the tool (build/kbuild/tools/
# klp-convert), it is built here with tools/klp-convert/Makefile.
# KLPC_RUNS=1: the time is not checked here.  Exit 0 pass, 1 fail.
set -u
top=${KLP_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
kb=$top/build/kbuild
[ -f "$kb/vmlinux" ] || { echo "bench-klpc: no build/kbuild/vmlinux (kernel not built)"; exit 1; }
out=$(mktemp -d /tmp/bench-klpc.XXXXXX)
trap 'rm -rf "$out"' EXIT
if [ -z "${KLP_CONVERT:-}" ] && [ ! -x "$kb/tools/klp-convert/klp-convert" ]; then
	make -s -C "$top/tools/klp-convert" O="$out" > /dev/null ||
		{ echo "FAIL: klp-convert does not build"; exit 1; }
	export KLP_CONVERT=$out/klp-convert
fi
line=$(KLPC_RUNS=1 "$top/tools/testing/selftests/livepatch/wo_ftrace_bench/klpc/klpc-time.sh" \
	"$kb" "$out/klpc")
echo "$line"
rc=0
fail() { echo "FAIL: $*"; rc=1; }
[[ $line =~ ^KLPJB-ROW\ klpc\ status=ok\  ]] || fail "no klp-convert row with status ok"
[[ $line == *" relocs=10000 "* ]] || fail "not 10000 relocations"
[[ $line =~ \ ns=[0-9]+\  ]] || fail "no time"
[[ $line == *" klp_relocs=10000 "* ]] || fail "klp_relocs is not 10000"
n=$(grep -c '^extern char klpc_s' "$out/klpc/klpc_relocs.c")
[ "$n" = 10000 ] || fail "$n symbol references generated"

ko=$out/klpc/klpc_relocs.ko res=$out/klpc/klpc_relocs.out.ko
# relocation counts per section: "NAME N"
counts() {
	readelf -rW "$1" | awk '/^Relocation section / {
		s = $3; gsub(/\047/, "", s)
		for (i = 1; i <= NF; i++) if ($i == "contains") print s, $(i + 1) }'
}
if [ -f "$res" ]; then
	kr=$(counts "$res" | awk '$1 ~ /^\.klp\.rela\./ { s += $2 } END { print s + 0 }')
	[ "$kr" = 10000 ] || fail "$kr relocations in .klp.rela sections of the output (readelf)"
	ki=$(counts "$ko" | awk '$1 ~ /^\.klp\.rela\./ { s += $2 } END { print s + 0 }')
	[ "$ki" = 0 ] || fail "the input already has $ki klp relocations"
	# the symbols: SHN_LIVEPATCH (0xff20, readelf prints OS)
	nk=$(readelf -sW "$res" | awk '$7 == "OS" || $7 == "0xff20"' | grep -c '\.klp\.sym\.vmlinux\.')
	[ "$nk" = 10000 ] || fail "$nk .klp.sym.vmlinux symbols in the output"
	# none of the referenced kernel symbols is left undefined
	left=$(comm -12 <(sed -n 's/^extern char klpc_s[0-9]*\[\] __asm__("\(.*\)");$/\1/p' \
		"$out/klpc/klpc_relocs.c" | LC_ALL=C sort -u) \
		<(readelf -sW "$res" | awk '$7 == "UND" && $8 != "" { print $8 }' | LC_ALL=C sort -u) | wc -l)
	[ "$left" = 0 ] || fail "$left referenced symbols still undefined in the output"
else
	fail "no converted output"
fi
exit $rc
