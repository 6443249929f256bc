#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# klpb-hdr.sh KBUILD SRCTREE OUTDIR: time scripts/livepatch/klp-build on
# header fixes, each once cold and once warm, against the built kernel in
# KBUILD (O=) and its source tree SRCTREE.  Prints one line per fix for
# harness/bench.sh:
#
#   KLPJB-ROW klpb-hdr status=ok patch=<file> header=<file> objects=<n>
#             jobs=<n> cpus=<n> ccache=off cold_s=<s> warm_s=<s>
#             cold_compiled=<n> warm_compiled=<n> unchanged=<n> funcs=<n>
#             cleared=<n>
#   KLPJB-ROW klpb-hdr-nochange status=ok ... (same fields, funcs=0)
#   KLPJB-ROW klpb-hdr[-nochange] status=n/a|error reason="..." ...
#
# klpb-hdr: hdr_fs_internal.patch, a static inline of fs/internal.h that
#   35 objects of fs/ include in the default configuration, few of which
#   call it; the run must write a module.
# klpb-hdr-nochange: hdr_mm_comment.patch, a comment in include/linux/mm.h
#   (384 objects); the run must end in klp-build's "no functional change"
#   and write nothing.
# Cold: the cached originals (KBUILD/klp-orig/<key>/OBJ and OBJ.ppsum) of
# every object whose .cmd file names the header are removed first, nothing
# else; warm: the same command right after.  objects= is klp-build's own
# count of the objects the header reaches, unchanged= those it skipped
# because the header's tokens did not change or klp-ppcmp found that their
# code cannot differ, *_compiled= its
# "compiling N object(s)" count (0 when it compiled nothing).  Both runs
# use CCACHE_DISABLE=1 (see klpb-time.sh).
#
# Environment: KLPB_HDR_PATCHES ("row:patch ..." instead of the two
# above), KLPB_JOBS (default: nproc), KLP_BUILD_SCRIPT, KLP_DIFF,
# CROSS_COMPILE, ARCH.
set -uo pipefail
usage='usage: klpb-hdr.sh KBUILD SRCTREE OUTDIR'
kbuild=${1:?$usage}
src=${2:?$usage}
out=${3:?$usage}
here=$(cd "$(dirname "$0")" && pwd)
cpus=$(nproc)
jobs=${KLPB_JOBS:-$cpus}
name=klpb_hdr
script=${KLP_BUILD_SCRIPT:-$src/scripts/livepatch/klp-build}
rows=${KLPB_HDR_PATCHES:-klpb-hdr:$here/hdr_fs_internal.patch klpb-hdr-nochange:$here/hdr_mm_comment.patch}

row() { echo "KLPJB-ROW $*"; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
ko=$out/$name.ko
[ -d "$kbuild" ] && kbuild=$(cd "$kbuild" && pwd -P)

# the files a patch changes (its "+++" names, -p1)
patch_files() {
	awk '/^\+\+\+ / {
		f = $2; sub(/\t.*/, "", f)
		if (f != "/dev/null") { sub(/^[^\/]*\//, "", f); print f }
	}' "$1" | LC_ALL=C sort -u
}

# clear_cache HEADER: remove the cached originals of every object whose
# .cmd file names HEADER; adds the number of files removed to $cleared
cleared=0
clear_cache() {
	local h=$1 cmdf obj f
	while IFS= read -r cmdf; do
		obj=$(basename "$cmdf" .cmd)
		obj=$(dirname "${cmdf#"$kbuild"/}")/${obj#.}
		for f in "$kbuild"/klp-orig/*/"$obj" "$kbuild"/klp-orig/*/"$obj".ppsum; do
			if [ ! -f "$f" ] || [ -L "$f" ]; then
				continue
			fi
			rm -f -- "$f" && cleared=$((cleared + 1))
		done
	done < <(find "$kbuild" \( -path "$kbuild/klp-tmp" -o -path "$kbuild/klp-orig" \) -prune \
			-o -name '.*.o.cmd' -print0 |
		xargs -0 -r grep -l -E -e "/${h//./\\.}( |\$)" -- 2>/dev/null)
	find "$kbuild/klp-orig" -mindepth 1 -type d -empty -delete 2>/dev/null
	return 0
}

# klpb LOG PATCH: one klp-build run; sets took (s), nobj, nsame, ncomp,
# nfunc from its notes; exit status of klp-build
klpb() {
	local log=$1 patch=$2 t0 t1 rc
	rm -f "$ko"
	t0=$(date +%s%N)
	CCACHE_DISABLE=1 O="$kbuild" KLP_SRCTREE="$src" \
		CROSS_COMPILE="${CROSS_COMPILE:-aarch64-linux-gnu-}" ARCH="${ARCH:-arm64}" \
		"$script" -o "$ko" -n "$name" -j "$jobs" "$patch" < /dev/null > "$log" 2>&1
	rc=$?
	t1=$(date +%s%N)
	took=$(awk -v ns="$((t1 - t0))" 'BEGIN { printf "%.3f", ns / 1e9 }')
	nobj=$(sed -n 's/^klp-build: \([0-9][0-9]*\) object(s): .*/\1/p' "$log")
	nsame=$(sed -n -e 's/^klp-build: preprocessed [0-9]* object(s) reached through headers: \([0-9]*\) whose code cannot differ.*/\1/p' \
		-e 's/^klp-build: .*: comments or blank lines only, the \([0-9]*\) object(s) .*/\1/p' "$log")
	ncomp=$(sed -n 's/^klp-build: compiling \([0-9][0-9]*\) object(s) .*/\1/p' "$log")
	nfunc=$(sed -n 's/^klp-build: wrote .*: \([0-9][0-9]*\) function(s) .*/\1/p' "$log")
	return "$rc"
}

# check WHAT LOG RC NOCHANGE: the reason why a run does not count, or nothing
check() {
	local what=$1 log=$2 rc=$3 nochange=$4 last
	last=$(grep '^klp-build: error: ' "$log" | tail -n 1)
	last=${last#klp-build: error: }
	if [ "$nochange" = 1 ]; then
		[ "$rc" != 0 ] && [ ! -e "$ko" ] && [[ $last == "no functional change"* ]] ||
			echo "$what run: '${last:-exit $rc}', not 'no functional change'"
		return
	fi
	if [ "$rc" != 0 ]; then
		echo "$what run: ${last:-klp-build exit $rc}"
	elif [ ! -s "$ko" ] || ! grep -qa 'livepatch=Y' "$ko"; then
		echo "$what run: no livepatch module written"
	fi
}

status=0
for r in $rows; do
	label=${r%%:*}
	patch=${r#*:}
	pname=$(basename "$patch")
	nochange=0
	[[ $label == *-nochange ]] && nochange=1
	if [ ! -x "$script" ]; then
		row "$label" 'status=n/a reason="klp-build not in the source tree"' "patch=$pname"
		continue
	fi
	if [ ! -f "$patch" ] || [ ! -f "$kbuild/vmlinux" ]; then
		row "$label" "status=error reason=\"no patch $pname or no built kernel in $kbuild\"" "patch=$pname"
		status=1
		continue
	fi
	headers=$(patch_files "$patch")
	cleared=0
	for h in $headers; do
		case $h in
		*.h) clear_cache "$h" ;;
		*)	row "$label" "status=error reason=\"$h: not a header\"" "patch=$pname"
			status=1
			continue 2 ;;
		esac
	done
	fields="patch=$pname header=$(printf '%s\n' "$headers" | paste -sd, -) jobs=$jobs cpus=$cpus ccache=off"

	klpb "$out/$label-cold.log" "$patch"
	rc=$?
	cold=$took cold_n=${ncomp:-0} cold_obj=$nobj
	why=$(check cold "$out/$label-cold.log" "$rc" "$nochange")
	if [ -z "$why" ]; then
		klpb "$out/$label-warm.log" "$patch"
		rc=$?
		why=$(check warm "$out/$label-warm.log" "$rc" "$nochange")
		[ -n "$why" ] || [ "$nobj" = "$cold_obj" ] ||
			why="warm run: $nobj objects, cold run: $cold_obj"
	fi
	if [ -n "$why" ]; then
		row "$label" "status=error reason=\"${why//\"/}\"" "$fields cold_s=$cold cleared=$cleared"
		status=1
		continue
	fi
	row "$label" status=ok "$fields objects=$nobj cold_s=$cold warm_s=$took" \
		"cold_compiled=$cold_n warm_compiled=${ncomp:-0} unchanged=${nsame:-0}" \
		"funcs=${nfunc:-0} cleared=$cleared"
done
exit "$status"
