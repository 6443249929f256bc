#!/bin/bash
# Host test: the klp-convert row of `make bench` is produced: the generator
# makes a symbol map of the built default kernel and a module source with
# 10,000 relocations, and the timer prints a time, or "n/a" while
# tools/klp-convert is not built.  Does not build the module unless the
# tool exists.
set -u
top=${KLP_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
kb=$top/build/kbuild
[ -f "$kb/vmlinux" ] || { echo "bench-klpc: no build/kbuild/vmlinux (kernel not built)"; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
line=$("$top/tools/testing/selftests/livepatch/wo_ftrace_bench/klpc/klpc-time.sh" "$kb" "$out")
echo "$line"
rc=0
[[ $line =~ ^KLPJB-ROW\ klpc\ status=(ok|n/a)\  ]] || { echo "FAIL: no klp-convert row"; rc=1; }
[[ $line == *" relocs=10000"* ]] || { echo "FAIL: not 10000 relocations"; rc=1; }
n=$(grep -c '^extern char klpc_s' "$out/klpc_relocs.c")
[ "$n" = 10000 ] || { echo "FAIL: $n symbol references generated"; rc=1; }
[ "$(head -n1 "$out/symbols.klp")" = klp-convert-symbol-data.0.1 ] || { echo "FAIL: symbol map header"; rc=1; }
exit $rc
