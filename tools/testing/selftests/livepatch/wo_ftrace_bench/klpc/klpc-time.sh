#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# klpc-time.sh KBUILD OUTDIR: time "klp-convert convert" on a livepatch
# module with 10,000 relocations against non-exported kernel symbols,
# resolved through the symbol map of the full kernel.  Prints one line
# for harness/bench.sh:
#
#   KLPJB-ROW klpc status=ok symbols=<n> relocs=<n> ns=<best wall ns>
#             runs=<n> klp_relocs=<n> klp_rela_sections=<n>
#   KLPJB-ROW klpc status=n/a reason="tool not built" ...
#   KLPJB-ROW klpc status=error reason="..." ...
#
# 1. the tool: $KLP_CONVERT, else KBUILD/tools/klp-convert/klp-convert
#    (built by the kernel's "prepare" with CONFIG_LIVEPATCH), else
#    tools/klp-convert/klp-convert of this repository (its Makefile)
# 2. the map: KBUILD/klp.symbols (written by the in-tree build: vmlinux and
#    every in-tree module), else "klp-convert map" of KBUILD/vmlinux
# 3. klpc-gen.sh writes the module source; it is built as an external
#    module with KLP_CONVERT=true, so that the final link does not
#    convert it already (scripts/Makefile.modfinal); the .ko must have no
#    .klp.rela section
# 4. "klp-convert convert -m MAP -s KBUILD/Module.symvers IN OUT",
#    KLPC_RUNS (default 3) times; the best wall time (host time, not
#    QEMU's) is reported
# 5. the output must have exactly NRELOCS relocations in .klp.rela.*
#    sections (readelf), else status=error
#
# Environment: KLP_CONVERT, KLPC_RELOCS (default 10000), KLPC_RUNS,
# CROSS_COMPILE, ARCH.
set -uo pipefail
kbuild=${1:?usage: klpc-time.sh KBUILD OUTDIR}
out=${2:?usage: klpc-time.sh KBUILD OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../../../../.." && pwd)
n=${KLPC_RELOCS:-10000}
runs=${KLPC_RUNS:-3}
readelf=${READELF:-readelf}

row() { echo "KLPJB-ROW klpc $*"; }

tool=${KLP_CONVERT:-}
if [ -z "$tool" ]; then
	for t in "$kbuild/tools/klp-convert/klp-convert" "$top/tools/klp-convert/klp-convert"; do
		[ -f "$t" ] && [ -x "$t" ] && { tool=$t; break; }
	done
fi
if [ -z "$tool" ] || [ ! -f "$tool" ] || [ ! -x "$tool" ]; then
	row 'status=n/a reason="tool not built"' "relocs=$n"
	exit 0
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

map=$kbuild/klp.symbols
if [ ! -f "$map" ]; then
	map=$out/klp.symbols
	if ! "$tool" map -o "$map" "$kbuild/vmlinux" > "$out/map.log" 2>&1; then
		row 'status=error reason="klp-convert map failed"' "relocs=$n"
		exit 1
	fi
fi

if ! gen=$("$here/klpc-gen.sh" "$map" "$kbuild/Module.symvers" "$out" "$n" 2> "$out/gen.log"); then
	row "status=error reason=\"generator failed: $(head -n1 "$out/gen.log" | tr -d '"')\"" "relocs=$n"
	exit 1
fi

# sum of the entries of the .klp.rela.* relocation sections of $1
klp_relocs() {
	"$readelf" -rW "$1" | awk '
		/^Relocation section / && $3 ~ /^.\.klp\.rela\./ {
			for (i = 1; i <= NF; i++) if ($i == "contains") s += $(i + 1)
		}
		END { print s + 0 }'
}

in=$out/klpc_relocs.ko
rm -f "$in"
if ! make -C "$kbuild" M="$out" ARCH="${ARCH:-arm64}" \
		CROSS_COMPILE="${CROSS_COMPILE:-aarch64-linux-gnu-}" \
		KLP_CONVERT=true KBUILD_MODPOST_WARN=1 modules > "$out/build.log" 2>&1 ||
		[ ! -f "$in" ]; then
	row 'status=error reason="module build failed"' "$gen"
	exit 1
fi
if [ "$(klp_relocs "$in")" -ne 0 ]; then
	row 'status=error reason="input already converted by the build"' "$gen"
	exit 1
fi

best=
for ((i = 1; i <= runs; i++)); do
	res=$out/klpc_relocs.out.ko
	rm -f "$res"
	t0=$(date +%s%N)
	"$tool" convert -m "$map" -s "$kbuild/Module.symvers" "$in" "$res" > "$out/tool.log" 2>&1
	rc=$?
	t1=$(date +%s%N)
	if [ "$rc" -ne 0 ] || [ ! -f "$res" ]; then
		row "status=error reason=\"klp-convert exit $rc: $(head -n1 "$out/tool.log" | tr -d '"')\"" "$gen"
		exit 1
	fi
	ns=$((t1 - t0))
	[ -z "$best" ] || [ "$ns" -lt "$best" ] && best=$ns
done

got=$(klp_relocs "$res")
secs=$("$readelf" -SW "$res" | grep -c ' \.klp\.rela\.')
if [ "$got" -ne "$n" ]; then
	row "status=error reason=\"$got relocations in .klp.rela sections, $n expected\"" \
		"$gen" "ns=$best" "runs=$runs"
	exit 1
fi
row status=ok "$gen" "ns=$best" "runs=$runs" "klp_relocs=$got" "klp_rela_sections=$secs"
