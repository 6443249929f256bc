#!/bin/bash
# Host test of tools/klp-build's klp-ppcmp, which lets klp-build skip an
# object that a header change cannot alter.  Each case preprocesses a small
# unit against an original and a changed header and checks the verdict
# (0: cannot differ, 1: may differ), also from the summary of the original
# (klp-ppcmp -s, what klp-build caches); whenever the verdict is 0, both units
# are compiled with aarch64-linux-gnu-gcc -O2 and their code and data must
# be identical, so a wrong "cannot differ" fails here.
# Exit 0 pass, 1 fail, 4 skip.
set -u
top=${KLP_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v aarch64-linux-gnu-gcc >/dev/null || { echo "SKIP no aarch64-linux-gnu-gcc"; exit 4; }
w=$(mktemp -d /tmp/klp-ppcmp-test.XXXXXX)
trap 'rm -rf "$w"' EXIT
fails=0
make -s -C "$top/tools/klp-build" O="$w" "$w/klp-ppcmp" >/dev/null ||
	{ echo "FAIL klp-ppcmp does not build"; exit 1; }
cd "$w" || exit 1

# The unit every case includes the header into.
cat > unit.c <<'C'
#include "h.h"
int counter;
int user(int x)
{
	return used_helper(x) + counter;
}
C

# case NAME WANT ORIG_HEADER CHANGED_HEADER
case_() {
	local name=$1 want=$2 rc
	mkdir -p "$name/a" "$name/b"
	printf '%s\n' "$3" > "$name/a/h.h"
	printf '%s\n' "$4" > "$name/b/h.h"
	aarch64-linux-gnu-gcc -E -I"$name/a" unit.c -o "$name/a.i" &&
		aarch64-linux-gnu-gcc -E -I"$name/b" unit.c -o "$name/b.i" ||
		{ echo "FAIL $name: does not preprocess"; fails=$((fails + 1)); return; }
	"$w/klp-ppcmp" -v "$name/a.i" "$name/b.i" 2> "$name/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL $name: klp-ppcmp exit $rc, want $want: $(cat "$name/err")"
		fails=$((fails + 1))
		return
	fi
	"$w/klp-ppcmp" -s "$name/a.i" "$name/a.sum" &&
		"$w/klp-ppcmp" -s "$name/b.i" "$name/b.sum" ||
		{ echo "FAIL $name: no summary written"; fails=$((fails + 1)); return; }
	"$w/klp-ppcmp" "$name/a.sum" "$name/b.i" 2> /dev/null
	if [ "$?" != "$rc" ]; then
		echo "FAIL $name: a summary of the original gives another verdict"
		fails=$((fails + 1))
		return
	fi
	if [ "$rc" = 0 ]; then
		aarch64-linux-gnu-gcc -O2 -c -x cpp-output "$name/a.i" -o "$name/a.o" &&
			aarch64-linux-gnu-gcc -O2 -c -x cpp-output "$name/b.i" -o "$name/b.o" ||
			{ echo "FAIL $name: does not compile"; fails=$((fails + 1)); return; }
		if ! cmp -s <(aarch64-linux-gnu-objdump -d -j .text "$name/a.o" | tail -n +4) \
			   <(aarch64-linux-gnu-objdump -d -j .text "$name/b.o" | tail -n +4) ||
		   ! cmp -s <(aarch64-linux-gnu-nm "$name/a.o") <(aarch64-linux-gnu-nm "$name/b.o"); then
			echo "FAIL $name: 'cannot differ', but the code differs"
			fails=$((fails + 1))
			return
		fi
	fi
	echo "PASS $name (exit $rc)"
}

base='static inline int used_helper(int x) { return x + 1; }
static inline int unused_helper(int x) { return x * 2; }
struct s { int a; };'

case_ unchanged 0 "$base" "$base"
case_ comment-only 0 "$base" "/* a comment
   two lines */
$base"
case_ unused-body 0 "$base" "${base/x \* 2/x * 3}"
case_ used-body 1 "$base" "${base/x + 1/x + 2}"
# a struct both sides define, changed: the running kernel's objects keep
# the old layout (exit 3); a new struct is only a difference (exit 1)
case_ struct-member 3 "$base" "${base/int a;/int a; int b;}"
case_ struct-attr 3 "$base
struct __attribute__((packed)) p { char c; int i; };" "$base
struct __attribute__((packed)) p { char c; long i; };"
case_ union-member 3 "$base
typedef union u { int i; } u_t;" "$base
typedef union u { int i; long l; } u_t;"
case_ struct-added 1 "$base" "$base
struct t { int b; };"
case_ struct-moved 3 "$base
int filler;" "struct s { int a; char c; };
${base/struct s \{ int a; \};/}
int filler;"
# an enumerator inserted before others with implicit values moves them,
# which the running kernel's data and arrays sized by them keep (exit 3);
# one that moves none is only a difference (exit 1)
enm='enum e { E_A, E_B = 4, E_C, NR_E };
enum { F_A, F_B };'
case_ enum-insert 3 "$base
$enm" "$base
${enm/E_A,/E_X, E_A,}"
case_ enum-insert-before-explicit 1 "$base
$enm" "$base
${enm/E_B = 4,/E_X, E_B = 4,}"
case_ enum-before-sentinel 3 "$base
$enm" "$base
${enm/E_C,/E_C, E_D,}"
case_ enum-value 3 "$base
$enm" "$base
${enm/E_B = 4/E_B = 5}"
case_ enum-anon-insert 3 "$base
$enm" "$base
${enm/F_A, F_B/F_A, F_X, F_B}"
case_ enum-append 1 "$base
$enm" "$base
${enm/F_A, F_B/F_A, F_B, F_C}"
case_ enum-append-comma 1 "$base
$enm" "$base
${enm/F_A, F_B/F_A, F_B,}"
case_ enum-insert-explicit 1 "$base
$enm" "$base
${enm/E_A,/E_A, E_Y = 2,}"
case_ enum-removed 3 "$base
$enm" "$base
${enm/ E_C,/}"
case_ unused-added 0 "$base" "$base
static inline long new_helper(long v) { return v << 2; }"
case_ used-added 1 "$base" "$base
static inline long new_helper(long v) { return v << 2; }
static inline int other(void) { return new_helper(1); }
int caller(void);"
case_ unused-removed 0 "$base" "${base/static inline int unused_helper(int x) { return x \* 2; \}/}"
case_ attr-used 1 "$base" "${base/static inline int unused_helper/static inline __attribute__((used)) int unused_helper}"
case_ attr-name 0 "$base" "${base/static inline int unused_helper(int x) { return x \* 2; \}/static inline __attribute__((__section__(\".t\"))) int unused_helper(int x) { return x * 5; \}}"
case_ non-static 1 "$base" "${base/static inline int unused_helper/inline int unused_helper}"
case_ line-shift 0 "$base" "

$base"
case_ macro-used 1 "#define K 1
$base
static inline int via_macro(void) { return K; }
int user2(void) { return via_macro(); }" "#define K 2
$base
static inline int via_macro(void) { return K; }
int user2(void) { return via_macro(); }"
case_ macro-unused 0 "#define K 1
$base
static inline int via_macro(void) { return K; }" "#define K 2
$base
static inline int via_macro(void) { return K; }"
case_ called-by-unused 0 "$base
static inline int outer(void) { return unused_helper(1); }" "${base/x \* 2/x * 7}
static inline int outer(void) { return unused_helper(1); }"
case_ prototype-names-it 1 "$base
int unused_helper_user(void) { return unused_helper(2); }" "${base/x \* 2/x * 7}
int unused_helper_user(void) { return unused_helper(2); }"

chain='static inline int unused_helper(int x) { return x * 2; }
static inline int used_helper(int x) { return unused_helper(x); }'
case_ called-by-used 1 "$chain" "${chain/x \* 2/x * 9}"

[ "$fails" = 0 ] && exit 0
exit 1
