#!/bin/bash
# Host test: a bounded libFuzzer run (ASan + UBSan) of tools/klp-convert
# over malformed ELF objects, symbol maps and Module.symvers text, seeded
# with the fixtures of klp-convert.sh.  Passes when the run ends without
# a crash, a leak or a sanitizer report.  KLP_FUZZ_SECONDS (default 30)
# bounds it.  Exit 0 pass, 1 fail, 4 skip (no clang/libFuzzer).
set -u
top=${KLP_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
secs=${KLP_FUZZ_SECONDS:-30}
command -v clang >/dev/null || { echo "no clang (make deps installs it)"; exit 4; }
command -v aarch64-linux-gnu-gcc >/dev/null || { echo "no aarch64-linux-gnu-gcc"; exit 4; }
w=$(mktemp -d /tmp/klp-convert-fuzz.XXXXXX)
trap 'rm -rf "$w"' EXIT
keep=${KLP_FUZZ_KEEP:-}   # directory to copy reproducers to

if ! make -s -C "$top/tools/klp-convert" O="$w" all fuzz > "$w/build.log" 2>&1; then
    if grep -q -e 'fuzzer' -e 'libclang_rt' "$w/build.log"; then
        cat "$w/build.log"; echo "clang has no libFuzzer (libclang-rt-*-dev)"; exit 4
    fi
    cat "$w/build.log"; echo "fuzz target does not build"; exit 1
fi
mkdir -p "$w/fx" "$w/corpus"
"$top/tools/klp-convert/fixtures.sh" "$w/fx" "$top/patches" || { echo "fixtures do not build"; exit 1; }
cd "$w/fx" || exit 1
CC="aarch64-linux-gnu-gcc -O2 -fno-pic -fno-asynchronous-unwind-tables -fno-unwind-tables"
cat > p.c <<'EOF2'
#include "fixture.h"
MODINFO(lp, "livepatch=Y");
MODINFO(name, "name=p");
extern int unique_fn(int);
extern int counter;
extern int helper(int);
extern int exported_fn(int);
extern int mstate;
KLP_SYMPOS_TABLE(vmlinux) = { KLP_SYMPOS(counter, 3), KLP_SYMPOS(helper, 1) };
KLP_SYMPOS_TABLE(tmod) = { KLP_SYMPOS(mstate, 2) };
static void *jt[] __used __section("__jump_table") = { &counter };
int patched(int x) { return unique_fn(x) + counter + helper(x) + exported_fn(x) + mstate; }
EOF2
$CC -c p.c && aarch64-linux-gnu-ld -r -o p.ko p.o || exit 1
seed() { { printf "\\x$1"; cat "$2"; } > "$w/corpus/$3"; }
seed 00 p.ko conv-check
seed 01 p.ko conv-write
seed 02 tmod.ko map-module
seed 02 vmlinux map-vmlinux
"$w/klp-convert" map vmlinux tmod.ko > map.txt
{ printf '\x03'; cat map.txt Module.symvers; } > "$w/corpus/text"

cd "$w" || exit 1
echo "fuzzing for ${secs}s ($(ls corpus | wc -l) seeds)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ./klp-convert-fuzz -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
    -max_len=262144 -print_final_stats=1 corpus > fuzz.log 2>&1
rc=$?
grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' fuzz.log
if [ $rc -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' fuzz.log; then
    grep -A30 -E 'ERROR:|runtime error:' fuzz.log | head -60
    for f in crash-* leak-* timeout-* oom-*; do
        [ -e "$f" ] || continue
        echo "reproducer: $f ($(stat -c %s "$f") bytes)"
        [ -n "$keep" ] && cp "$f" "$keep/"
    done
    echo "fuzz run failed (exit $rc)"
    exit 1
fi
echo "fuzz run clean"
