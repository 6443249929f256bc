#!/bin/bash
# Host test of tools/klp-convert on tiny arm64 ELF fixtures built here with
# aarch64-linux-gnu-gcc: a fake vmlinux (three files defining the static
# homonyms `counter` and `helper`, one `helper` cold so that address order
# differs from symbol table order), a target module `tmod` (homonym
# `mstate`, an .init and a core `initdup`) and one patch module per case.
# Sections, symbols and relocations of the output are compared exactly
# (readelf), error messages too.  Exit 0 pass, 1 fail, 4 skip.
set -u
top=${KLP_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v aarch64-linux-gnu-gcc >/dev/null || { echo "no aarch64-linux-gnu-gcc"; exit 4; }
[ -f /usr/include/gelf.h ] || { echo "no libelf-dev"; exit 4; }
w=$(mktemp -d /tmp/klp-convert-test.XXXXXX)
trap 'rm -rf "$w"' EXIT
fails=0
ok()   { echo "ok   $*"; }
bad()  { echo "FAIL $*"; fails=$((fails + 1)); }

make -s -C "$top/tools/klp-convert" O="$w" >/dev/null || { echo "klp-convert does not build"; exit 1; }
kc=$w/klp-convert
cd "$w" || exit 1

CC="aarch64-linux-gnu-gcc -O2 -fno-pic -fno-asynchronous-unwind-tables -fno-unwind-tables"
"$top/tools/klp-convert/fixtures.sh" "$w" "$top/patches" || { echo "fixtures do not build"; exit 1; }

# patch module NAME from C source on stdin
mkpatch() {
    { echo '#include "fixture.h"'
      echo 'MODINFO(lp, "livepatch=Y");'
      echo "MODINFO(name, \"name=$1\");"
      cat; } > "$1.c"
    $CC -c "$1.c" -o "$1.o" && aarch64-linux-gnu-ld -r -o "$1.ko" "$1.o"
}

# "name type flags link info" of every relocation-ish section
sections() {
    readelf -SW "$1" | awk '
        match($0, /^ *\[ *[0-9]+\] /) {
            k = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", k); k += 0
            $0 = substr($0, RSTART + RLENGTH)
            if (NF == 10) { f = $7; l = $8; i = $9 } else { f = "-"; l = $7; i = $8 }
            name[k] = $1; type[k] = $2; fl[k] = f; lk[k] = l; inf[k] = i; n = k + 1
        }
        END {
            for (k = 1; k < n; k++)
                if (name[k] ~ /(rela|klp)/)
                    print name[k], type[k], fl[k], (type[k] == "RELA" ? name[lk[k]] " " name[inf[k]] : lk[k] " " inf[k])
        }'
}
# "offset type symbol+addend" of one relocation section
relocs() {
    readelf -rW "$1" | awk -v s="'$2'" '
        /^Relocation section/ { on = ($3 == s); next }
        on && /^[0-9a-f]+ / { print $1, $3, $5 $6 $7 }'
}
check() {   # name expected actual
    if [ "$2" = "$3" ]; then ok "$1"; else
        bad "$1"; diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/     /'
    fi
}

# ---- 1. the map: kallsyms order (vmlinux by address, module by symtab) ---
"$kc" map -o map.txt vmlinux tmod.ko || bad "map: exit status"
check "map: vmlinux homonyms in address order, module in symtab order" \
"object vmlinux
t core helper v_c.c
t core helper v_a.c
t core helper v_b.c
d core counter v_a.c
d core counter v_b.c
d core counter v_c.c
object tmod
t init initdup m1.c
d core mstate m1.c
t core initdup m2.c
d core mstate m2.c" \
"$(grep -E '^object |^. (core|init) (helper|counter|mstate|initdup) ' map.txt)"
head -n1 map.txt | grep -qx 'klp-symbol-map 1' && ok "map: versioned header" || bad "map: versioned header"

conv() { "$kc" convert -m map.txt -s Module.symvers "$@"; }

# ---- 2. unique (sympos 0), annotated homonyms (1..n), exported, module ---
mkpatch p_ok <<'EOF'
extern int unique_fn(int);
extern int unique_var;
extern int counter;
extern int helper(int);
extern int exported_fn(int);
extern int mstate;
KLP_SYMPOS_TABLE(vmlinux) = { KLP_SYMPOS(counter, 3), KLP_SYMPOS(helper, 1) };
KLP_SYMPOS_TABLE(tmod) = { KLP_SYMPOS(mstate, 2) };
int patched(int x)
{
	return unique_fn(x) + unique_var + counter + helper(x) + exported_fn(x) + mstate;
}
EOF
if conv p_ok.ko p_ok.out.ko 2> p_ok.err; then ok "p_ok converts"; else bad "p_ok converts"; cat p_ok.err; fi
check "p_ok: sections" \
".rela.text RELA I .symtab .text
.klp.sympos.tmod PROGBITS - 0 0
.rela.klp.sympos.tmod RELA I .symtab .klp.sympos.tmod
.klp.sympos.vmlinux PROGBITS - 0 0
.rela.klp.sympos.vmlinux RELA I .symtab .klp.sympos.vmlinux
.klp.rela.vmlinux..text RELA AIo .symtab .text
.klp.rela.tmod..text RELA AIo .symtab .text" "$(sections p_ok.out.ko)"
check "p_ok: SHF_RELA_LIVEPATCH set" "2" \
    "$(readelf -tW p_ok.out.ko | grep -c '\[0000000000100042\]: ALLOC, INFO LINK, OS (0000000000100000)')"
check "p_ok: symbols" \
"GLOBAL 0xff20 .klp.sym.tmod.mstate,2
GLOBAL 0xff20 .klp.sym.vmlinux.counter,3
GLOBAL 0xff20 .klp.sym.vmlinux.helper,1
GLOBAL 0xff20 .klp.sym.vmlinux.unique_fn,0
GLOBAL 0xff20 .klp.sym.vmlinux.unique_var,0
GLOBAL UND exported_fn" \
"$(readelf -sW p_ok.out.ko | awk '$7 == "UND" && $8 != "" { print $5, $7, $8 } $7 == "OS" { print $5, "0xff20", $9 }' | sed 's/\[0xff20\] //' | sort)"
# every relocation of the input against a converted symbol moved, unchanged
expect_v=$(relocs p_ok.ko .rela.text | awk '$3 ~ /^(unique_fn|unique_var|counter|helper)\+/' |
    sed -E 's/ (unique_fn|unique_var)\+/ .klp.sym.vmlinux.\1,0+/; s/ counter\+/ .klp.sym.vmlinux.counter,3+/; s/ helper\+/ .klp.sym.vmlinux.helper,1+/')
expect_m=$(relocs p_ok.ko .rela.text | awk '$3 ~ /^mstate\+/' | sed 's/ mstate+/ .klp.sym.tmod.mstate,2+/')
[ "$(grep -c . <<< "$expect_v")" -ge 6 ] && ok "p_ok: input has the expected relocations" || bad "p_ok: input relocations"
check "p_ok: .klp.rela.vmlinux..text" "$expect_v" "$(relocs p_ok.out.ko .klp.rela.vmlinux..text)"
check "p_ok: .klp.rela.tmod..text" "$expect_m" "$(relocs p_ok.out.ko .klp.rela.tmod..text)"
check "p_ok: .rela.text keeps the exported symbol only" \
    "$(relocs p_ok.ko .rela.text | grep ' exported_fn+')" "$(relocs p_ok.out.ko .rela.text)"
# a second run finds nothing to do and changes nothing
conv p_ok.out.ko p_ok.again.ko && cmp -s <(readelf -SsrW p_ok.out.ko) <(readelf -SsrW p_ok.again.ko) &&
    ok "p_ok: converting twice is a no-op" || bad "p_ok: converting twice is a no-op"
# the map computed from the ELF files directly gives the same result
"$kc" convert -e vmlinux -e tmod.ko -s Module.symvers p_ok.ko p_ok.elf.ko &&
    cmp -s p_ok.out.ko p_ok.elf.ko && ok "p_ok: -e ELF equals -m map" || bad "p_ok: -e ELF equals -m map"

# ---- 3. failures: message and no output ----------------------------------
fail_case() {   # name expected-stderr (source on stdin)
    local n=$1
    mkpatch "$n" || { bad "$n: fixture"; return; }
    rm -f "$n.out.ko"
    if conv "$n.ko" "$n.out.ko" 2> "$n.err"; then
        bad "$n: must fail"
    elif [ -e "$n.out.ko" ] || [ -n "$(ls "$n".out.ko.* 2>/dev/null)" ]; then
        bad "$n: left an output file"
    else
        check "$n: message" "$2" "$(cat "$n.err")"
    fi
}
fail_case p_amb "klp-convert: p_amb.ko: 'counter' is ambiguous (3 definitions); name one with KLP_SYMPOS_TABLE(<object>) = { KLP_SYMPOS(counter, <position>) }
klp-convert: p_amb.ko:   candidate: object vmlinux, position 1, file v_a.c, type d
klp-convert: p_amb.ko:   candidate: object vmlinux, position 2, file v_b.c, type d
klp-convert: p_amb.ko:   candidate: object vmlinux, position 3, file v_c.c, type d" <<'EOF'
extern int counter;
int patched(void) { return counter; }
EOF
fail_case p_wrong "klp-convert: p_wrong.ko: KLP_SYMPOS(helper, 4) in .klp.sympos.vmlinux: wrong position, vmlinux has 3 definition(s) of 'helper' (positions start at 1)
klp-convert: p_wrong.ko:   candidate: object vmlinux, position 1, file v_c.c, type t
klp-convert: p_wrong.ko:   candidate: object vmlinux, position 2, file v_a.c, type t
klp-convert: p_wrong.ko:   candidate: object vmlinux, position 3, file v_b.c, type t" <<'EOF'
extern int helper(int);
KLP_SYMPOS_TABLE(vmlinux) = { KLP_SYMPOS(helper, 4) };
int patched(int x) { return helper(x); }
EOF
fail_case p_wrongobj "klp-convert: p_wrongobj.ko: KLP_SYMPOS(mstate, 1) in .klp.sympos.vmlinux: 'mstate' is not defined in vmlinux
klp-convert: p_wrongobj.ko:   candidate: object tmod, position 1, file m1.c, type d
klp-convert: p_wrongobj.ko:   candidate: object tmod, position 2, file m2.c, type d" <<'EOF'
extern int mstate;
KLP_SYMPOS_TABLE(vmlinux) = { KLP_SYMPOS(mstate, 1) };
int patched(void) { return mstate; }
EOF
fail_case p_missing "klp-convert: p_missing.ko: 'no_such_fn' is neither exported nor defined in any object of the symbol map" <<'EOF'
extern int no_such_fn(int);
int patched(int x) { return no_such_fn(x); }
EOF
fail_case p_special "klp-convert: p_special.ko: relocation in special section __jump_table against 'mstate' of module tmod: it would be written after the kernel used the section" <<'EOF'
extern int mstate;
KLP_SYMPOS_TABLE(tmod) = { KLP_SYMPOS(mstate, 1) };
static void *jt[] __used __section("__jump_table") = { &mstate };
EOF
fail_case p_init "klp-convert: p_init.ko: 'initdup' has 2 definitions in tmod while the module's init runs; name one with KLP_SYMPOS" <<'EOF'
extern int initdup(void);
int patched(void) { return initdup(); }
EOF
# p_notlp: built without the livepatch tag
mkpatch p_notlp < /dev/null
sed -i '/livepatch=Y/d' p_notlp.c && $CC -c p_notlp.c && aarch64-linux-gnu-ld -r -o p_notlp.ko p_notlp.o
conv p_notlp.ko p_notlp.out.ko 2> p_notlp.err && bad "p_notlp: must fail" ||
    check "p_notlp: message" "klp-convert: p_notlp.ko: not a livepatch module (no MODULE_INFO(livepatch, \"Y\"))" "$(cat p_notlp.err)"

# -L (what the kernel build runs on every module): ordinary modules and
# livepatch modules with nothing to convert are left byte for byte
cp tmod.ko tmod.copy.ko && cp p_notlp.ko p_notlp.copy.ko
"$kc" convert -L -m map.txt -s Module.symvers tmod.copy.ko &&
    "$kc" convert -L -m map.txt -s Module.symvers p_notlp.copy.ko &&
    cmp -s tmod.ko tmod.copy.ko && cmp -s p_notlp.ko p_notlp.copy.ko &&
    ok "-L: ordinary modules untouched" || bad "-L: ordinary modules untouched"
mkpatch p_exp <<'EOF'
extern int exported_fn(int);
int patched(int x) { return exported_fn(x); }
EOF
cp p_exp.ko p_exp.copy.ko
"$kc" convert -L -m map.txt -s Module.symvers p_exp.copy.ko && cmp -s p_exp.ko p_exp.copy.ko &&
    ok "-L: livepatch module with exported symbols only untouched" ||
    bad "-L: livepatch module with exported symbols only untouched"

# vmlinux symbols may be used from special sections: applied at load time
mkpatch p_specvm <<'EOF'
extern int unique_var;
static void *jt[] __used __section("__jump_table") = { &unique_var };
EOF
conv p_specvm.ko p_specvm.out.ko 2> p_specvm.err && ok "p_specvm: vmlinux reference from __jump_table accepted" ||
    { bad "p_specvm"; cat p_specvm.err; }
check "p_specvm: relocation" "0000000000000000 R_AARCH64_ABS64 .klp.sym.vmlinux.unique_var,0+0" \
    "$(relocs p_specvm.out.ko .klp.rela.vmlinux.__jump_table)"

# references already named .klp.sym.<object>.<name>,<position> (klp-diff
# names those of klp-build's objects so): two homonyms in one module, each
# at its own position, checked against the map like annotations
mkpatch p_named <<'EOF'
extern int h1(int) __asm__("\".klp.sym.vmlinux.helper,1\"");
extern int h3(int) __asm__("\".klp.sym.vmlinux.helper,3\"");
extern int uf(int) __asm__("\".klp.sym.vmlinux.unique_fn,0\"");
extern int ms __asm__("\".klp.sym.tmod.mstate,2\"");
int patched(int x) { return h1(x) + h3(x) + uf(x) + ms; }
EOF
if conv p_named.ko p_named.out.ko 2> p_named.err; then ok "p_named converts"; else bad "p_named converts"; cat p_named.err; fi
check "p_named: symbols" \
"GLOBAL 0xff20 .klp.sym.tmod.mstate,2
GLOBAL 0xff20 .klp.sym.vmlinux.helper,1
GLOBAL 0xff20 .klp.sym.vmlinux.helper,3
GLOBAL 0xff20 .klp.sym.vmlinux.unique_fn,0" \
"$(readelf -sW p_named.out.ko | awk '$7 == "UND" && $8 != "" { print $5, $7, $8 } $7 == "OS" { print $5, "0xff20", $9 }' | sed 's/\[0xff20\] //' | sort)"
check "p_named: .klp.rela.vmlinux..text" \
    "$(relocs p_named.ko .rela.text | grep -v '\.klp\.sym\.tmod')" "$(relocs p_named.out.ko .klp.rela.vmlinux..text)"
check "p_named: .klp.rela.tmod..text" \
    "$(relocs p_named.ko .rela.text | grep '\.klp\.sym\.tmod')" "$(relocs p_named.out.ko .klp.rela.tmod..text)"
nb=0
for c in "helper,0:'.klp.sym.vmlinux.helper,0': vmlinux has 3 definitions of 'helper', position 0 names none" \
	 "helper,4:KLP_SYMPOS(helper, 4) in .klp.sym.vmlinux.helper,4: wrong position, vmlinux has 3 definition(s) of 'helper' (positions start at 1)" \
	 "nosuch,0:KLP_SYMPOS(nosuch, 1) in .klp.sym.vmlinux.nosuch,0: 'nosuch' is not defined in vmlinux"; do
	nb=$((nb + 1))
	n=p_named_bad$nb
	mkpatch "$n" <<EOF
extern int f(int) __asm__("\".klp.sym.vmlinux.${c%%:*}\"");
int patched(int x) { return f(x); }
EOF
	if conv "$n.ko" "$n.out.ko" 2> "$n.err"; then
		bad "$n: must fail"
	else
		check "$n: ${c%%:*} refused" "klp-convert: $n.ko: ${c#*:}" "$(head -n 1 "$n.err")"
	fi
	[ ! -e "$n.out.ko" ] || bad "$n: output left behind"
done

# one list of special sections (tools/klp-convert/sections.c): every
# section whose entries klp-diff keeps with their function is one where
# klp-convert refuses a late relocation against a module's symbol
cat > lister.c <<'EOF'
#include <stdio.h>
#include "klp-convert.h"
int main(void)
{
	const struct klp_special *s;
	size_t i;

	for (i = 0; (s = klp_special_at(i)); i++)
		if (s->entsize)
			printf("%s\n", s->name);
	return 0;
}
EOF
if cc -I"$top/tools/klp-convert" -o lister lister.c "$top/tools/klp-convert/sections.c" &&
   ./lister > specials.txt && [ "$(grep -c . specials.txt)" -ge 6 ]; then
	ok "sections: $(grep -c . specials.txt) sections klp-diff keeps per function"
else
	bad "sections: list does not build or is short"
fi
ns=0
while read -r sec; do
	ns=$((ns + 1))
	mkpatch "p_sec$ns" <<EOF
extern int ms __asm__("\".klp.sym.tmod.mstate,2\"");
static void *e[] __used __section("$sec") = { &ms };
EOF
	if conv "p_sec$ns.ko" "p_sec$ns.out.ko" 2> "p_sec$ns.err"; then
		bad "sections: $sec: module relocation accepted"
	else
		check "sections: $sec refused for a module object" \
		    "klp-convert: p_sec$ns.ko: relocation in special section $sec against '.klp.sym.tmod.mstate,2' of module tmod: it would be written after the kernel used the section" \
		    "$(head -n 1 "p_sec$ns.err")"
	fi
done < specials.txt

# map format errors name file and line
printf 'klp-symbol-map 2\n' > bad.map
"$kc" convert -m bad.map p_ok.ko x.ko 2> bad.err
check "map: version check" "klp-convert: bad.map:1: map format version 2, not 1" "$(cat bad.err)"

echo "klp-convert host test: $fails failure(s)"
[ "$fails" -eq 0 ]
