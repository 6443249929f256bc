#!/bin/bash
# Host test of tools/klp-build's klp-diff on tools/klp-build/tests/fixture.c,
# built with aarch64-linux-gnu-gcc once as the original and once per case
# (-DV_<CASE>) as the patched object, with the small symbol map next to it.
# Checks exit status, LIST and stderr of each case, and that every output
# links with `ld -r` and has a sane symbol table and RELA sections.
# Exit 0 pass, 1 fail, 4 skip.
set -u
top=${KLP_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
kb=${KLP_KBUILD:-$top/build/kbuild}
[ -f "$kb/.config" ] || { echo "SKIP no build/kbuild/.config"; exit 4; }
command -v aarch64-linux-gnu-gcc >/dev/null || { echo "SKIP no aarch64-linux-gnu-gcc"; exit 4; }
[ -f /usr/include/gelf.h ] || { echo "SKIP no libelf-dev"; exit 4; }
w=$(mktemp -d /tmp/klp-diff-test.XXXXXX)
trap 'rm -rf "$w"' EXIT
fails=0
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

make -s -C "$top/tools/klp-build" O="$w" >/dev/null || { echo "FAIL klp-diff does not build"; exit 1; }
kd=$w/klp-diff
t=$top/tools/klp-build/tests
cd "$w" || exit 1

build() { aarch64-linux-gnu-gcc -O2 -fno-PIE -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -c "$t/fixture.c" -o "$2" $1; }
build "" orig.o || { echo "FAIL fixture does not build"; exit 1; }

# run CASE: diff orig.o against -DV_CASE; sets rc, list, err
run() {
	build "-DV_$1" "p_$1.o" || { rc=255; list=; err=; return; }
	"$kd" -m "$t/fixture.map" -O vmlinux -i 7 orig.o "p_$1.o" \
		"o_$1.o" "l_$1" 2> "e_$1"
	rc=$?
	list=$(cat "l_$1" 2>/dev/null)
	err=$(cat "e_$1")
}

# sane OUT: links with ld -r, locals before globals, RELA links right
sane() {
	local o=$1 why
	aarch64-linux-gnu-ld -r -o "$o.ld.o" "$o" 2> "$o.ld.err" ||
		{ echo "ld -r: $(head -1 "$o.ld.err")"; return 1; }
	why=$(readelf -SsW "$o" | awk '
		/^ *\[ *[0-9]+\]/ { sub(/^ *\[ */, ""); sub(/\]/, "");
			sec[$1] = $2; type[$1] = $3; link[$1] = $(NF - 2); info[$1] = $(NF - 1);
			if ($2 == ".symtab") { symtab = $1; firstg = $(NF - 1) } }
		/^ *[0-9]+: / { n = $1 + 0; if ($5 == "LOCAL" && n >= firstg) bad = "local " $8 " after first global";
			if ($5 != "LOCAL" && n < firstg) bad = "global " $8 " before sh_info";
			if ($7 == "UND" && $5 == "LOCAL" && n) bad = "undefined local " $8 }
		END { for (i in type) if (type[i] == "RELA" && (link[i] != symtab || !(info[i] in sec)))
				bad = sec[i] " has sh_link " link[i] " sh_info " info[i];
			print bad }')
	[ -z "$why" ] || { echo "$why"; return 1; }
}

# undefined symbol of OUT.o $1 for the original's $2 (regex) at position $3
klp_und() {
	aarch64-linux-gnu-readelf -sW "$1" | grep -Eq " UND \.klp\.sym\.vmlinux\.$2,$3\$"
}

# NAME RC [LIST-REGEX | "ref NAME-REGEX POS"...] -- check rc, LIST lines
# and the .klp.sym.vmlinux.NAME,POS references of OUT.o
expect() {
	local name=$1 want=$2 re why n
	shift 2
	if [ "$rc" != "$want" ]; then
		fail "$name: exit $rc, want $want: $err"
		return
	fi
	for re in "$@"; do
		if [ "${re#ref }" != "$re" ]; then
			n=${re#ref }
			klp_und "o_$name.o" "${n% *}" "${n##* }" ||
				{ fail "$name: no undefined .klp.sym.vmlinux.${n% *},${n##* } in OUT.o"; return; }
			continue
		fi
		grep -Eq "^$re\$" <<< "$list" ||
			{ fail "$name: no LIST line /$re/ in: $(tr '\n' ';' <<< "$list")"; return; }
	done
	if [ "$want" = 0 ]; then
		why=$(sane "o_$name.o") || { fail "$name: OUT.o: $why"; return; }
	fi
	pass "$name"
}

run BASE
expect BASE 3
run SHIFT
expect SHIFT 3
# bug entries naming another source path are not a change
run BUGFILE
expect BUGFILE 3

run FUNC
expect FUNC 0 "func compute 0 __klp_new7_compute" "ref table 0"
# an alternative with a callback (arm64's capability tests) is no change
if [ "$rc" = 0 ] && grep -q '^func cap_check ' <<< "$list"; then
	fail "FUNC: cap_check (unchanged, an alternative callback) listed as changed"
else
	pass "FUNC: cap_check unchanged"
fi
if [ "$rc" = 0 ] && ! readelf -rW o_FUNC.o | grep -q "__bug_table"; then
	fail "FUNC: __bug_table entry of compute() not kept"
elif [ "$rc" = 0 ]; then
	pass "FUNC: __bug_table entry kept"
fi

run NEW
expect NEW 0 "func compute 0 __klp_new7_compute" "new new_helper" "data extra"
if [ "$rc" = 0 ] && readelf -sW o_NEW.o | grep -Eq "UND (new_helper|extra)$"; then
	fail "NEW: new symbols are referenced instead of included"
fi

run STRING
expect STRING 0 "func say 0 __klp_new7_say"
if [ "$rc" = 0 ] && ! strings o_STRING.o | grep -q "hello, patched world"; then
	fail "STRING: new string literal not in OUT.o"
fi

run LOCAL
expect LOCAL 0 "func tick 0 __klp_new7_tick" "ref calls.1 0" "new tock"
if [ "$rc" = 0 ] && ! readelf -rW o_LOCAL.o | awk '/rela.text.tick/ { t = 1; next } /^Reloc/ { t = 0 } t' |
	grep -q " \.klp\.sym\.vmlinux\.calls\.1,0 + 0"; then
	fail "LOCAL: tick() does not use the original calls.1"
fi

# A fix of a module "fixmod" (fixture.c's symbols) calling mod_exported(),
# which only the module "othermod" defines (its export): a klp relocation
# of othermod's object (LIST "object othermod"), not a plain name modpost
# would turn into depends=othermod; ext_call, a vmlinux global, stays plain.
{ sed -n '1,/^object vmlinux$/p' "$t/fixture.map"; echo "T core ext_call -"
  echo "object fixmod"; sed -n '/^object vmlinux$/,$p' "$t/fixture.map" | sed 1d
  echo "object othermod"; echo "T core mod_exported -"; } > modexp.map
build "-DV_MODEXP" p_MODEXP.o || fail "MODEXP: fixture"
"$kd" -m modexp.map -O fixmod -i 7 orig.o p_MODEXP.o o_MODEXP.o l_MODEXP 2> e_MODEXP
rc=$? list=$(cat l_MODEXP 2>/dev/null) err=$(cat e_MODEXP)
expect MODEXP 0 "func compute 0 __klp_new7_compute" "object othermod"
syms=$(aarch64-linux-gnu-readelf -sW o_MODEXP.o)
if [ "$rc" = 0 ] && { ! grep -Eq " UND \.klp\.sym\.othermod\.mod_exported,0$" <<< "$syms" ||
		      ! grep -Eq " UND ext_call$" <<< "$syms" ||
		      ! grep -Eq " UND \.klp\.sym\.fixmod\.table,0$" <<< "$syms"; }; then
	fail "MODEXP: references: $(grep UND <<< "$syms" | awk '{ print $NF }' | tr '\n' ' ')"
elif [ "$rc" = 0 ]; then
	pass "MODEXP: othermod's export named .klp.sym.othermod, vmlinux's plain"
fi
# the same fix of vmlinux: the export of a module is no business of it
run MODEXP
expect MODEXP 0 "func compute 0 __klp_new7_compute"
if [ "$rc" = 0 ] && { grep -q "^object" <<< "$list" ||
		      ! aarch64-linux-gnu-readelf -sW o_MODEXP.o | grep -Eq " UND mod_exported$"; }; then
	fail "MODEXP vmlinux: mod_exported must stay a plain name"
fi

# Two files named fixture.c define calls.1 (kernel/smp.c and arch/arm64/
# kernel/smp.c both have an out-of-line __preempt_count_dec_and_test): the
# one among the original's other statics (counter) is the one, position 2.
{ sed -n '1,/^object vmlinux$/p' "$t/fixture.map"
  printf 'b core not_ours fixture.c\nb core calls.1 fixture.c\nT core elsewhere -\n'
  sed -n '/^object vmlinux$/,$p' "$t/fixture.map" | sed 1d; } > twofile.map
build "-DV_LOCAL" p_TWOFILE.o || fail "TWOFILE: fixture"
"$kd" -m twofile.map -O vmlinux -i 7 orig.o p_TWOFILE.o o_TWOFILE.o l_TWOFILE 2> e_TWOFILE
rc=$? list=$(cat l_TWOFILE 2>/dev/null) err=$(cat e_TWOFILE)
expect TWOFILE 0 "func tick 0 __klp_new7_tick" "ref calls\\.1 2"

# One position algorithm with klp-convert (klp_cand_sympos()): compute()
# is the only core definition of its name, but vmlinux's kallsyms also
# holds an init one after it: position 1, not 0 (the core would find two);
# with the init one before it the position differs before and after a
# module's init: refused.
for where in after before; do
	{ sed -n '1,/^object vmlinux$/p' "$t/fixture.map"
	  [ "$where" = before ] && echo "t init compute other.c"
	  sed -n '/^object vmlinux$/,$p' "$t/fixture.map" | sed 1d
	  [ "$where" = after ] && echo "t init compute other.c"; } > init_$where.map
	"$kd" -m init_$where.map -O vmlinux -i 7 orig.o p_FUNC.o o_I$where.o l_I$where 2> e_I$where
	rc=$? list=$(cat l_I$where 2>/dev/null) err=$(cat e_I$where)
	if [ "$where" = after ]; then
		expect "I$where" 0 "func compute 1 __klp_new7_compute"
	else
		expect "I$where" 1
		grep -qx "klp-diff: fixture.c: 'compute': its position in vmlinux differs while a module's init runs and afterwards (init homonym before it): cannot be named" <<< "$err" ||
			fail "Ibefore: message: $err"
	fi
done

run CLONE
expect CLONE 0 "func scale\.constprop\.0 2 __klp_new7_scale_constprop_0"

# relocations of the OUT.o section $2 (e.g. .text.rm_get) of object $1
relas_of() {
	aarch64-linux-gnu-readelf -rW "$1" | awk -v s="'.rela$2'" '
		/^Relocation section/ { t = index($0, s) > 0; next }
		t && /^[0-9a-f]+ /'
}

# A new variable next to an existing one in a shared, named data section:
# rm_get() must use the copy of rm_new in OUT.o and the original rm_old.
run RM
expect RM 0 "func rm_get 0 __klp_new7_rm_get" "data rm_new" "ref rm_old 0"
if [ "$rc" = 0 ]; then
	r=$(relas_of o_RM.o .text.rm_get)
	syms=$(aarch64-linux-gnu-readelf -sW o_RM.o)
	rm_sec=$(aarch64-linux-gnu-readelf -SW o_RM.o | grep -F " .data..read_mostly ")
	if ! grep -Eq "UND \.klp\.sym\.vmlinux\.rm_old,0$" <<< "$syms" ||
	   [ "$(grep -c " \.klp\.sym\.vmlinux\.rm_old,0 + 0$" <<< "$r")" != 2 ]; then
		fail "RM: rm_get() does not use the original rm_old: $r"
	elif ! grep -Eq "OBJECT +LOCAL +DEFAULT +[0-9]+ rm_new$" <<< "$syms"; then
		fail "RM: rm_new is not defined in OUT.o"
	elif [ "$(grep -c " rm_new + 0$" <<< "$r")" != 3 ]; then
		fail "RM: rm_get() does not use the included rm_new: $r"
	elif [ "$((16#$(awk '{ print $(NF - 5) }' <<< "$rm_sec")))" != 4 ]; then
		fail "RM: .data..read_mostly of OUT.o is not just rm_new: $rm_sec"
	else
		pass "RM: rm_new included, rm_old referenced"
	fi
fi

# An anonymous piece of a shared data section cannot be told apart
run RMGAP
expect RMGAP 1
grep -Eqx "klp-diff: fixture.c: '\.data\.\.read_mostly\+0x[0-9a-f]+': reference into a shared data section that no symbol covers" <<< "$err" ||
	fail "RMGAP: message: $err"

run DATA
expect DATA 1
grep -q "^klp-diff: fixture.c: 'table': changed data" <<< "$err" ||
	fail "DATA: message: $err"

# a changed read-only table of constants and strings is new data, and the
# unchanged function using it is patched to use it; a table with a function
# pointer (compared by address as often as read) stays refused
run RODATA
expect RODATA 0 "func quirk_of 0 __klp_new7_quirk_of" "data quirks"
grep -q "^klp-diff: fixture.c: 'quirks': changed read-only table: carried as new data, with the functions using it$" <<< "$err" ||
	fail "RODATA: message: $err"
if [ "$rc" = 0 ] && ! strings o_RODATA.o | grep -q "gamma, fixed"; then
	fail "RODATA: the new table's string is not in OUT.o"
fi
run RODATAOPS
expect RODATAOPS 1
grep -q "^klp-diff: fixture.c: 'fix_ops': changed data" <<< "$err" ||
	fail "RODATAOPS: message: $err"

# __COUNTER__ numbers moved by something before them (a header's new
# guard): the __UNIQUE_ID_ objects are paired by content and a string
# spelling such names is the same string; a changed entry stays refused,
# with its number moved too (paired in order, not new beside a lost one)
run COUNTER
expect COUNTER 3
run COUNTERDATA
expect COUNTERDATA 1
grep -q "^klp-diff: fixture.c: '__UNIQUE_ID___fx_tbl[0-9]*': changed data" <<< "$err" ||
	fail "COUNTERDATA: message: $err"
run COUNTERMOVED
expect COUNTERMOVED 1
grep -q "^klp-diff: fixture.c: '__UNIQUE_ID___fx_tbl[0-9]*': changed data" <<< "$err" ||
	fail "COUNTERMOVED: message: $err"

# an entry of a table section the kernel walks (a parameter) that nothing
# refers to cannot be added or removed by a module: refused, not "no
# functional change"
run TABLEADD
expect TABLEADD 1
grep -q "^klp-diff: fixture.c: '__fx_param_c': new entry of table section __param, which the kernel walks: a live patch cannot add it$" <<< "$err" ||
	fail "TABLEADD: message: $err"
run TABLEDEL
expect TABLEDEL 1
grep -q "^klp-diff: fixture.c: '__fx_param_b': entry of table section __param removed: a live patch cannot remove it$" <<< "$err" ||
	fail "TABLEDEL: message: $err"

# what the backend refuses to redirect in vmlinux (jump_refuse.c's shared
# name lists, scheduler text) is refused here, not written into a module
# that cannot load
run SWITCHCODE
expect SWITCHCODE 1
grep -q "^klp-diff: fixture.c: 'klp_fixture_switch': changed, but the live patching switch runs it itself (not patchable)$" <<< "$err" ||
	fail "SWITCHCODE: message: $err"
run SCHEDTEXT
expect SCHEDTEXT 1
grep -q "^klp-diff: fixture.c: 'fixture_sched': changed __sched text, where every sleeping task is (not patchable)$" <<< "$err" ||
	fail "SCHEDTEXT: message: $err"

# vmlinux ran its __init code at boot: a change there alone has nothing to
# patch (exit 4); beside another change it is refused
run INIT
expect INIT 4
grep -q "^klp-diff: fixture.c: 'fixture_init': changed __init code only (1 function(s)): vmlinux ran it at boot and freed it; nothing to patch in a running kernel$" <<< "$err" ||
	fail "INIT: message: $err"
build "-DV_INIT -DV_FUNC" p_INITMIX.o &&
	"$kd" -m "$t/fixture.map" -O vmlinux -i 7 orig.o p_INITMIX.o o_INITMIX.o \
		l_INITMIX 2> e_INITMIX
rc=$? err=$(cat e_INITMIX)
if [ "$rc" != 1 ]; then
	fail "INITMIX: exit $rc, expected 1 (refused)"
elif ! grep -q "^klp-diff: fixture.c: 'fixture_init': changed __init code (1 function(s)) with other changes: refused" <<< "$err"; then
	fail "INITMIX: message: $err"
else
	pass "INITMIX: __init change beside another change refused"
fi

# A helper that left .init.text (the fix dropped __init) is new code: the
# running kernel's copy was freed after boot.
run INITMOVE
expect INITMOVE 0 "func init_user 0 __klp_new7_init_user" "new init_helper"
if [ "$rc" = 0 ] && aarch64-linux-gnu-readelf -sW o_INITMOVE.o | grep -q " UND .*init_helper"; then
	fail "INITMOVE: new code references the freed __init init_helper"
fi

# ... also when GCC had inlined it into its __init caller, which now calls
# it: that caller ran at boot, a note says it is not patched
run INITINLINE
expect INITINLINE 0 "func init_user2 0 __klp_new7_init_user2" "new init_small"
grep -qx "klp-diff: fixture.c: 'fixture_init3': __init code changed with 'init_small' leaving its section: not patched, it ran at boot" <<< "$err" ||
	fail "INITINLINE: note: $err"

# New code calling __init code of the running kernel is refused by name
run INITREF
expect INITREF 1
grep -qx "klp-diff: fixture.c: 'init_helper': __init code (freed after boot) referenced by 'init_user'" <<< "$err" ||
	fail "INITREF: message: $err"

# A changed __weak default that vmlinux does not use is not patched; one
# that vmlinux kept (W in the map) is.
run WEAK
expect WEAK 0 "func weak_used 0 __klp_new7_weak_used"
if grep -q "weak_override" <<< "$list"; then
	fail "WEAK: the strong override of weak_override would be redirected: $(tr '\n' ';' <<< "$list")"
elif ! grep -qx "klp-diff: fixture.c: 'weak_override': weak default not used by the kernel (vmlinux keeps another definition): nothing to patch" <<< "$err"; then
	fail "WEAK: note: $err"
fi

run WEAKBIND
expect WEAKBIND 1
grep -qx "klp-diff: fixture.c: 'weak_used': binding changed from weak to global" <<< "$err" ||
	fail "WEAKBIND: message: $err"

# Changes only in special section entries of a function
run BUGFLAGS
expect BUGFLAGS 0 "func warn_check 0 __klp_new7_warn_check"
run JUMPBIT
expect JUMPBIT 0 "func key_check 0 __klp_new7_key_check"

# A pr_warn_once() inserted before the existing one: the old flag stays the
# running kernel's, the new one is a fresh copy.  GCC numbers static locals
# backwards: the patched once_check() has the old flag as __already_done.0
# and the new one as __already_done.1.
run ONCE
expect ONCE 0 "func once_check 0 __klp_new7_once_check" "ref __already_done\.0 0" "data __already_done\.1"
if grep -qx "data __already_done\.0" <<< "$list"; then
	fail "ONCE: the old flag is a fresh copy (the new one took its state): $(tr '\n' ';' <<< "$list")"
fi

# A changed pr_debug() format: its descriptor is new data of the module
run DDEBUG
expect DDEBUG 0 "func dbg_check 0 __klp_new7_dbg_check" "data __UNIQUE_ID_ddebug[0-9]+\.[0-9]+"
# A pr_debug() added before others renumbers their descriptors: those are
# correlated by content, their (__init) functions are unchanged
run DDEBUGADD
expect DDEBUGADD 0 "func dbg_check 0 __klp_new7_dbg_check" \
	"data __UNIQUE_ID_ddebug[0-9]+\.[0-9]+" "ref __UNIQUE_ID_ddebug0\.7 0"
[ "$rc" = 0 ] && grep -q "^func dbg_other" l_DDEBUGADD &&
	fail "DDEBUGADD: dbg_other() changed: $(tr '\n' ';' < l_DDEBUGADD)"

# nor their file name (the patched source has another path)
run DDFILE
expect DDFILE 3

# With ftrace's patchable entries (one __patchable_function_entries section
# per function), unchanged functions stay unchanged
build -fpatchable-function-entry=2 orig.o || { echo "FAIL fixture does not build"; exit 1; }
build() { aarch64-linux-gnu-gcc -O2 -fno-PIE -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fpatchable-function-entry=2 \
	-c "$t/fixture.c" -o "$2" $1; }
run BASE
expect BASE 3
run BUGFLAGS
expect BUGFLAGS 0 "func warn_check 0 __klp_new7_warn_check"
[ "$rc" = 0 ] && [ "$(wc -l < l_BUGFLAGS)" != 1 ] &&
	fail "BUGFLAGS (patchable entries): more than warn_check changed: $(tr '\n' ';' < l_BUGFLAGS)"

"$kd" -m "$t/fixture.map" -O vmlinux orig.o orig.o x.o x.list 2> /dev/null
[ $? = 2 ] && pass "usage: exit 2" || fail "usage: missing -i does not exit 2"

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
exit 0
