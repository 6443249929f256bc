#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# klpb-time.sh KBUILD SRCTREE OUTDIR: time scripts/livepatch/klp-build on
# a one-file fix, once cold and once warm, against the built kernel in
# KBUILD (O=) and its source tree SRCTREE.  Prints one line for
# harness/bench.sh:
#
#   KLPJB-ROW klpb status=ok patch=<file> objects=<obj[,obj...]> jobs=<n>
#             cpus=<n> cold_s=<s> warm_s=<s> cold_compiled=<n>
#             warm_compiled=<n> cleared=<n> klp_diff=<prebuilt|built|given>
#   KLPJB-ROW klpb status=n/a reason="klp-build not in the source tree" ...
#   KLPJB-ROW klpb status=error reason="..." ...
#
# 1. the objects of the fix: FILE.o for every FILE.c the patch touches
#    (its "+++" names, -p1); a patch touching anything else (a header: the
#    objects that include it are klp-build's to find) is refused here
# 2. cold: the original-object cache entries of those objects,
#    KBUILD/klp-orig/<key>/OBJ, are removed (those files and the
#    directories they leave empty under their <key>, nothing else), then
#    "klp-build -o OUTDIR/klpb_bench.ko -n klpb_bench -j JOBS PATCH";
#    its "compiling N object(s)" note must count 2 per object (the
#    original and the patched one)
# 3. warm: the same command right after, the cache filled by the cold
#    run: it must count 1 per object (the patched one only)
# Both runs must exit 0 and write the .ko (modinfo livepatch=Y), and
# name the same objects as step 1.  The times are host wall times of the
# whole klp-build command (patched tree, compiles, klp-diff, module
# build, removal of its temporary tree).  Both run with CCACHE_DISABLE=1:
# the kernel's saved compiler commands start with "ccache" (harness/
# lib.sh), and a cache hit would time a lookup instead of the compile of
# the original, and of a patched object that a real fix never has in the
# cache.  klp_diff= tells whether the cold run found klp-diff built
# (KBUILD/tools/klp-build/klp-diff) or had to build it, which it counts.
#
# Environment: KLPB_PATCH (default: ../../klp_build/proc_string.patch),
# KLPB_JOBS (default: nproc), KLP_BUILD_SCRIPT (a klp-build to run instead
# of SRCTREE/scripts/livepatch/klp-build), KLP_DIFF (passed on),
# CROSS_COMPILE, ARCH.
set -uo pipefail
usage='usage: klpb-time.sh KBUILD SRCTREE OUTDIR'
kbuild=${1:?$usage}
src=${2:?$usage}
out=${3:?$usage}
here=$(cd "$(dirname "$0")" && pwd)
patch=${KLPB_PATCH:-$here/../../klp_build/proc_string.patch}
cpus=$(nproc)
jobs=${KLPB_JOBS:-$cpus}
name=klpb_bench
script=${KLP_BUILD_SCRIPT:-$src/scripts/livepatch/klp-build}

row() { echo "KLPJB-ROW klpb $*"; }

pname=$(basename "$patch")
if [ ! -f "$script" ] || [ ! -x "$script" ]; then
	row 'status=n/a reason="klp-build not in the source tree"' "patch=$pname"
	exit 0
fi
if [ ! -f "$patch" ]; then
	row "status=error reason=\"$patch: no such patch\"" "patch=$pname"
	exit 1
fi
if [ ! -f "$kbuild/vmlinux" ] || [ ! -f "$kbuild/klp.symbols" ]; then
	row "status=error reason=\"$kbuild: no built kernel\"" "patch=$pname"
	exit 1
fi
kbuild=$(cd "$kbuild" && pwd -P)
patch=$(cd "$(dirname "$patch")" && pwd)/$pname
mkdir -p "$out"
out=$(cd "$out" && pwd)
ko=$out/$name.ko

# ---- 1. the objects -----------------------------------------------------------
files=$(awk '/^\+\+\+ / {
		f = $2; sub(/\t.*/, "", f)
		if (f != "/dev/null") { sub(/^[^\/]*\//, "", f); print f }
	}' "$patch" | LC_ALL=C sort -u)
objs=()
for f in $files; do
	case $f in
	*.c)	objs+=("${f%.c}.o") ;;
	*)	row "status=error reason=\"$f: not a .c file (a one-file .c fix is expected)\"" \
			"patch=$pname"
		exit 1 ;;
	esac
done
if [ "${#objs[@]}" = 0 ]; then
	row 'status=error reason="no file names in the patch"' "patch=$pname"
	exit 1
fi
for o in "${objs[@]}"; do
	if [ ! -f "$kbuild/$o" ]; then
		row "status=error reason=\"$o is not built in $kbuild\"" "patch=$pname"
		exit 1
	fi
done
objlist=$(IFS=,; echo "${objs[*]}")
n=${#objs[@]}

# ---- helpers --------------------------------------------------------------------
# clear_cache OBJ: remove KBUILD/klp-orig/<key>/OBJ (a regular file under a
# 32-hex-digit key) and the directories that leaves empty up to the key's;
# adds the number of files removed to $cleared
cleared=0
clear_cache() {
	local obj=$1 f rel key d
	for f in "$kbuild"/klp-orig/*/"$obj"; do
		rel=${f#"$kbuild"/klp-orig/}
		key=${rel%%/*}
		[[ $key =~ ^[0-9a-f]{32}$ ]] || continue
		if [ ! -f "$f" ] || [ -L "$f" ]; then
			continue
		fi
		rm -f -- "$f" || return 1
		cleared=$((cleared + 1))
		d=$(dirname "$f")
		while [ "$d" != "$kbuild/klp-orig" ] && rmdir -- "$d" 2> /dev/null; do
			d=$(dirname "$d")
		done
	done
	return 0
}

# klpb LOG: one klp-build run; sets $took (seconds) and $compiled (its
# "compiling N object(s)" count); exit status of klp-build
took=
compiled=
klpb() {
	local log=$1 t0 t1 rc
	rm -f "$ko"
	t0=$(date +%s%N)
	CCACHE_DISABLE=1 O="$kbuild" KLP_SRCTREE="$src" CROSS_COMPILE="${CROSS_COMPILE:-aarch64-linux-gnu-}" \
		ARCH="${ARCH:-arm64}" "$script" -o "$ko" -n "$name" -j "$jobs" "$patch" \
		< /dev/null > "$log" 2>&1
	rc=$?
	t1=$(date +%s%N)
	took=$(awk -v ns="$((t1 - t0))" 'BEGIN { printf "%.3f", ns / 1e9 }')
	compiled=$(sed -n 's/^klp-build: compiling \([0-9][0-9]*\) object(s) .*/\1/p' "$log")
	return "$rc"
}

# check WHAT LOG RC WANT: the reason why a run does not count, or nothing
check() {
	local what=$1 log=$2 rc=$3 want=$4 got last
	if [ "$rc" != 0 ]; then
		last=$(grep '^klp-build: error: ' "$log" | tail -n 1)
		last=${last#klp-build: error: }
		echo "$what run: ${last:-klp-build exit $rc}"
		return
	fi
	if [ ! -s "$ko" ] || ! grep -qa 'livepatch=Y' "$ko"; then
		echo "$what run: no livepatch module written"
		return
	fi
	got=$(sed -n 's/^klp-build: [0-9][0-9]* object(s): //p' "$log" | tr ' ' ,)
	if [ "$got" != "$objlist" ]; then
		echo "$what run: klp-build compiled the objects '$got', not '$objlist'"
		return
	fi
	if [ "$compiled" != "$want" ]; then
		echo "$what run: ${compiled:-?} compiles, $want expected"
		return
	fi
}

fields() {
	echo "patch=$pname objects=$objlist jobs=$jobs cpus=$cpus ccache=off $*"
}

# ---- 2. cold ----------------------------------------------------------------------
if [ -n "${KLP_DIFF:-}" ]; then
	klp_diff=given
elif [ -x "$kbuild/tools/klp-build/klp-diff" ]; then
	klp_diff=prebuilt
else
	klp_diff=built
fi
for o in "${objs[@]}"; do
	if ! clear_cache "$o"; then
		row "status=error reason=\"cannot remove the cached original of $o\"" "$(fields)"
		exit 1
	fi
done
klpb "$out/cold.log"
rc=$?
cold=$took cold_n=$compiled
why=$(check cold "$out/cold.log" "$rc" $((2 * n)))
if [ -n "$why" ]; then
	row "status=error reason=\"${why//\"/}\"" "$(fields "cold_s=$cold cleared=$cleared")"
	exit 1
fi

# ---- 3. warm ----------------------------------------------------------------------
klpb "$out/warm.log"
rc=$?
warm=$took warm_n=$compiled
why=$(check warm "$out/warm.log" "$rc" "$n")
if [ -n "$why" ]; then
	row "status=error reason=\"${why//\"/}\"" \
		"$(fields "cold_s=$cold warm_s=$warm cleared=$cleared")"
	exit 1
fi

row status=ok "$(fields "cold_s=$cold warm_s=$warm cold_compiled=$cold_n" \
	"warm_compiled=$warm_n cleared=$cleared klp_diff=$klp_diff")"
