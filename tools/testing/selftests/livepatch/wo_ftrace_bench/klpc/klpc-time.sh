#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# klpc-time.sh KBUILD OUTDIR: time klp-convert on a generated livepatch
# module with 10,000 relocations against a symbol map of the full kernel
# (klpc-gen.sh).  Prints one line for harness/bench.sh:
#
#   KLPJB-ROW klpc status=ok symbols=<n> relocs=<n> ns=<wall ns> klp_relas=<n>
#   KLPJB-ROW klpc status=n/a reason="tool not built" symbols=<n> relocs=<n>
#   KLPJB-ROW klpc status=error reason="..." ...  (also when the output
#   has no .klp.rela.* section: nothing was converted)
#
# The tool is $KLP_CONVERT, else tools/klp-convert/klp-convert of this
# repository, run as "klp-convert SYMBOLS INPUT.ko OUTPUT.ko" (host time,
# not QEMU's).  Without an executable tool, the inputs are still
# generated (the module is built only for a real run).
# Environment: KLPC_RELOCS (default 10000), CROSS_COMPILE, ARCH.
set -uo pipefail
kbuild=${1:?usage: klpc-time.sh KBUILD OUTDIR}
out=${2:?usage: klpc-time.sh KBUILD OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../../../../.." && pwd)
tool=${KLP_CONVERT:-$top/tools/klp-convert/klp-convert}
n=${KLPC_RELOCS:-10000}

row() { echo "KLPJB-ROW klpc $*"; }

if ! gen=$("$here/klpc-gen.sh" "$kbuild" "$out" "$n"); then
	row 'status=error reason="generator failed"'
	exit 1
fi
if [ ! -x "$tool" ] || [ -d "$tool" ]; then
	row 'status=n/a reason="tool not built"' "$gen"
	exit 0
fi

log=$out/build.log
if ! make -C "$kbuild" M="$(cd "$out" && pwd)" ARCH="${ARCH:-arm64}" \
		CROSS_COMPILE="${CROSS_COMPILE:-aarch64-linux-gnu-}" \
		KBUILD_MODPOST_WARN=1 modules > "$log" 2>&1; then
	row 'status=error reason="module build failed"' "$gen"
	exit 1
fi
rm -f "$out/klpc_relocs.out.ko"
t0=$(date +%s%N)
"$tool" "$out/symbols.klp" "$out/klpc_relocs.ko" "$out/klpc_relocs.out.ko" \
	> "$out/tool.log" 2>&1
rc=$?
t1=$(date +%s%N)
if [ "$rc" -ne 0 ] || [ ! -f "$out/klpc_relocs.out.ko" ]; then
	row "status=error reason=\"klp-convert exit $rc\"" "$gen"
	exit 1
fi
relas=$(readelf -S -W "$out/klpc_relocs.out.ko" | grep -c '\.klp\.rela\.' || true)
if [ "$relas" -eq 0 ]; then
	row 'status=error reason="no .klp.rela sections in the output"' "$gen" "ns=$((t1 - t0))"
	exit 1
fi
row status=ok "$gen" "ns=$((t1 - t0))" "klp_relas=$relas"
