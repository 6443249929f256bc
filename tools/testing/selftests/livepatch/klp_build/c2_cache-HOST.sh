#!/bin/bash
# c2_cache (host): the cache of original objects ($O/klp-orig) must never
# give an original of another source.  Build proc_string.patch (the
# original of fs/proc/meminfo.o is then cached), then edit the pristine
# fs/proc/meminfo.c (a comment appended):
#  1. with the edit newer than the kernel's object, klp-build refuses:
#     the kernel was not built from that source;
#  2. with the edit's mtime set back (a tree edited behind make's back),
#     the original is compiled again, not taken from the cache.
# The pristine file is restored (content and mtime) in any event.
set -u
fail() { echo "FAIL: c2_cache: $*"; exit 1; }
src=$KLPB_SRC/fs/proc/meminfo.c
saved=$KLPB_OUT/meminfo.c.saved
kb() {
	local name=$1
	KLP_NOBUILD=1 KLP_BUILD_ARGS=-v PATCH="$KLPB_CASEDIR/proc_string.patch" \
		KLP_NAME="$name" "$KLPB_BUILD" > "$KLPB_OUT/$name.log" 2>&1
}
cached() { grep -q 'original fs/proc/meminfo.o: cached' "$KLPB_OUT/$1.log"; }

kb c2_cache_a || fail "first build failed: $(tail -n 1 "$KLPB_OUT/c2_cache_a.log")"
kb c2_cache_b || fail "second build failed: $(tail -n 1 "$KLPB_OUT/c2_cache_b.log")"
cached c2_cache_b || fail "the second build of an unchanged tree did not use the cache"

cp -p "$src" "$saved" || fail "cannot save $src"
trap 'cp -p "$saved" "$src"' EXIT
# a comment of this run only: an earlier run's edit is in the cache, rightly
printf '/* edited after the kernel was built (%s) */\n' "$(date +%s.%N)-$$" >> "$src"
touch -d '+1 minute' "$src"

# 1. newer than the kernel's object
if kb c2_cache_c; then
	cached c2_cache_c && fail "the cache was reused after the source changed"
	fail "built from a source edited after the kernel's object"
fi
grep -q 'fs/proc/meminfo.c changed after the kernel.s fs/proc/meminfo.o was built' \
	"$KLPB_OUT/c2_cache_c.log" ||
	fail "refusal does not name the file: $(tail -n 1 "$KLPB_OUT/c2_cache_c.log")"

# 2. same mtime as before, other content
touch -r "$saved" "$src"
kb c2_cache_d || fail "build after the edit failed: $(tail -n 1 "$KLPB_OUT/c2_cache_d.log")"
cached c2_cache_d && fail "the cache was reused after the source changed"
cp -p "$saved" "$src"
trap - EXIT
rm -f "$KLPB_KLPDIR"/c2_cache_?.ko
echo "ok: cache keyed on the sources"
