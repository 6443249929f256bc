/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Veneer pool of the direct-branch live patching backend.
 *
 * Veneers for far targets live in the kernel image's own text, so that
 * every function of vmlinux is within the +/-128 MB of a single B from
 * them, whatever KASLR and the module region placement did.  The pool is
 * filled with BRK and only ever written through the text-poke fixmap.
 */

#include <linux/linkage.h>
#include <asm/insn-def.h>
#include <asm/livepatch.h>
#include <asm/page.h>

	.text
	.balign	PAGE_SIZE
SYM_DATA_START(klp_veneer_pool)
	.fill	KLP_VENEER_POOL_SIZE / 4, 4, AARCH64_BREAK_FAULT
SYM_DATA_END(klp_veneer_pool)
