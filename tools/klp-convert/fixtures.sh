#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the tiny arm64 fixtures of the klp-convert tests in DIR:
#   vmlinux   fake kernel: v_a.c, v_b.c, v_c.c each define the statics
#             counter and helper; v_c.c's helper is cold, so it comes
#             first in address order but last in symbol table order
#   tmod.ko   fake module "tmod": m1.c and m2.c define mstate; initdup is
#             an .init function in m1.c and a core one in m2.c
#   fixture.h the KLP_SYMPOS_TABLE/KLP_SYMPOS macros, taken from the
#             kernel patch that adds them (PATCHES/0101-*), and MODINFO()
#   Module.symvers  exports exported_fn from vmlinux
# Used by harness/host-tests/klp-convert*.sh.
#
# usage: fixtures.sh DIR PATCHES
set -eu
cd "$1"
patches=$2
CC="aarch64-linux-gnu-gcc -O2 -fno-pic -fno-asynchronous-unwind-tables -fno-unwind-tables"
# The annotation macros, taken from the kernel patch that adds them.
cat > fixture.h <<'EOF'
#define __used __attribute__((used))
#define __aligned(x) __attribute__((aligned(x)))
#define __section(s) __attribute__((section(s)))
#define MODINFO(tag, s) static const char __modinfo_##tag[] __used __section(".modinfo") = s
EOF
sed -n '/^+struct klp_sympos {/,/^+	{ .sym/p' "$patches"/0101-*.patch | sed 's/^+//' >> fixture.h
grep -q KLP_SYMPOS_TABLE fixture.h || { echo "annotation macros not found in patches/0101-*"; exit 1; }

cat > v_a.c <<'EOF'
static int counter __attribute__((used)) = 1;
int get_a(void) { return counter; }
static __attribute__((noinline, used)) int helper(int x) { return x + 1; }
int call_a(int x) { return helper(x); }
int unique_fn(int x) { return x * 2; }
int exported_fn(int x) { return x * 3; }
static int unique_var __attribute__((used)) = 5;
void _start(void) { }
EOF
cat > v_b.c <<'EOF'
static int counter __attribute__((used)) = 2;
int get_b(void) { return counter; }
static __attribute__((noinline, used)) int helper(int x) { return x + 2; }
int call_b(int x) { return helper(x); }
EOF
cat > v_c.c <<'EOF'
static int counter __attribute__((used)) = 3;
int get_c(void) { return counter; }
static __attribute__((noinline, used, cold)) int helper(int x) { return x + 3; }
int call_c(int x) { return helper(x); }
EOF
cat > m1.c <<'EOF'
#include "fixture.h"
static int mstate __used = 10;
int m1_get(void) { return mstate; }
static __attribute__((noinline, used, section(".init.text"))) int initdup(void) { return 1; }
MODINFO(name, "name=tmod");
EOF
cat > m2.c <<'EOF'
#include "fixture.h"
static int mstate __used = 20;
int m2_get(void) { return mstate; }
static __attribute__((noinline, used)) int initdup(void) { return 2; }
int m2_call(void) { return initdup(); }
EOF
$CC -nostdlib -static -no-pie -Wl,-e,_start -o vmlinux v_a.c v_b.c v_c.c
$CC -c m1.c && $CC -c m2.c && aarch64-linux-gnu-ld -r -o tmod.ko m1.o m2.o
printf '0x12345678\texported_fn\tvmlinux\tEXPORT_SYMBOL\t\n' > Module.symvers

