// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 part of the direct-branch live patching backend.
 *
 * Choose and build the one instruction that redirects an old function,
 * and the veneer it may need; the write is in livepatch_text.c, the stack
 * walk in livepatch_stack.c.  Documentation/livepatch/wo-ftrace.rst
 * explains the instruction sequences and why they are safe with BTI and
 * pointer authentication.
 */

#include <linux/bitmap.h>
#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/sizes.h>

#include <asm/alternative.h>
#include <asm/insn.h>
#include <asm/livepatch.h>
#include <asm/patching.h>
#include <asm/sections.h>

#define KLP_VENEER_SLOTS	(KLP_VENEER_POOL_SIZE / KLP_ARCH_VENEER_SIZE)

static DECLARE_BITMAP(klp_veneer_used, KLP_VENEER_SLOTS);

static u32 klp_hint(enum aarch64_insn_hint_cr_op op)
{
	return aarch64_insn_gen_hint(op);
}

static bool klp_b_reaches(unsigned long pc, unsigned long dest)
{
	long off = (long)dest - (long)pc;

	return !(off & 3) && off >= -(long)SZ_128M && off < (long)SZ_128M;
}

/**
 * klp_arch_decode_entry() - choose the instruction of an entry to replace
 * @insns:	the function's instructions, as they are in memory
 * @size:	the function's size in bytes
 * @ftrace_end:	offset of the first instruction after the function's ftrace
 *		call site, or 0 when ftrace does not manage the entry
 * @slot_off:	set to the byte offset of the instruction to replace
 * @signs_lr:	set when the entry signs LR before reaching the slot
 *
 * A landing pad at the entry (BTI or PACIASP) is kept so that indirect
 * calls still land on one; the slot is the instruction after it.  Without
 * a landing pad the slot is the first instruction.  When ftrace owns
 * instructions of the entry (-fpatchable-function-entry), they are left to
 * it and the slot is the first instruction after them: tracing the old
 * function keeps working, and LR is not signed yet there.
 *
 * Return: 0, -EINVAL when the function is too short or branches back to
 * its own slot, -EOPNOTSUPP for an entry signed with the B key.
 */
int klp_arch_decode_entry(const u32 *insns, unsigned long size,
			  unsigned int ftrace_end, unsigned int *slot_off,
			  bool *signs_lr)
{
	unsigned int off = 0, i;
	u32 insn0;

	if (size < AARCH64_INSN_SIZE)
		return -EINVAL;

	insn0 = le32_to_cpu((__force __le32)insns[0]);
	*signs_lr = false;
	if (ftrace_end) {
		off = ftrace_end;
	} else if (aarch64_insn_is_bti(insn0)) {
		off = AARCH64_INSN_SIZE;
	} else if (insn0 == klp_hint(AARCH64_INSN_HINT_PACIASP)) {
		off = AARCH64_INSN_SIZE;
		*signs_lr = true;
	} else if (insn0 == klp_hint(AARCH64_INSN_HINT_PACIBSP)) {
		return -EOPNOTSUPP;
	}

	if (off + AARCH64_INSN_SIZE > size)
		return -EINVAL;

	/*
	 * A loop that jumps back to the slot would enter the new function
	 * again in the middle of the old one.  Such functions are refused.
	 */
	for (i = 0; off && i < size / AARCH64_INSN_SIZE; i++) {
		u32 insn = le32_to_cpu((__force __le32)insns[i]);

		if (aarch64_insn_is_branch_imm(insn) &&
		    i * AARCH64_INSN_SIZE + aarch64_get_branch_offset(insn) == off)
			return -EINVAL;
	}

	*slot_off = off;
	return 0;
}

/**
 * klp_arch_route() - decide how a slot reaches a new function
 * @slot:	address of the slot
 * @signs_lr:	LR is signed when the slot executes
 * @new_func:	address of the new function
 * @new_insn0:	first instruction of the new function
 * @dest:	set to the address that the route finally branches to
 *
 * When the old entry has signed LR and the new function starts by signing
 * it in the same way (PACIASP, same SP), the branch skips the new PACIASP so
 * that LR is signed exactly once.  When the new function does not sign,
 * a veneer authenticates LR first.  Any destination beyond the reach of
 * one B goes through a veneer, which enters the new function at its
 * landing pad.
 *
 * Return: the route.
 */
enum klp_arch_route klp_arch_route(unsigned long slot, bool signs_lr,
				   unsigned long new_func, u32 new_insn0,
				   unsigned long *dest)
{
	bool new_signs = new_insn0 == klp_hint(AARCH64_INSN_HINT_PACIASP);

	*dest = new_func;
	if (signs_lr && !new_signs)
		return KLP_ROUTE_VENEER_AUT;
	if (signs_lr && klp_b_reaches(slot, new_func + AARCH64_INSN_SIZE)) {
		*dest = new_func + AARCH64_INSN_SIZE;
		return KLP_ROUTE_DIRECT;
	}
	if (signs_lr)
		return KLP_ROUTE_VENEER_AUT;
	if (klp_b_reaches(slot, new_func))
		return KLP_ROUTE_DIRECT;
	return KLP_ROUTE_VENEER;
}

/**
 * klp_arch_veneer_fill() - build the instructions of a veneer
 * @buf:	KLP_ARCH_VENEER_SIZE bytes to fill
 * @pc:		address the veneer will have
 * @dest:	where the veneer branches to
 * @authenticate: authenticate LR (AUTIASP) before branching
 *
 * Layout: [AUTIASP|NOP], LDR x16, <literal>; BR x16; BRK; <literal>; BRK.
 * BR x16 may land on BTI C or PACIASP, the landing pads of a function.
 */
void klp_arch_veneer_fill(u32 *buf, unsigned long pc, unsigned long dest,
			  bool authenticate)
{
	__le32 *insn = (__le32 *)buf;
	unsigned long lit = pc + 16;
	int i;

	for (i = 0; i < KLP_ARCH_VENEER_SIZE / 4; i++)
		insn[i] = cpu_to_le32(AARCH64_BREAK_FAULT);

	insn[0] = cpu_to_le32(klp_hint(authenticate ? AARCH64_INSN_HINT_AUTIASP :
					AARCH64_INSN_HINT_NOP));
	insn[1] = cpu_to_le32(aarch64_insn_gen_load_literal(pc + 4, lit,
							    AARCH64_INSN_REG_16,
							    true));
	insn[2] = cpu_to_le32(aarch64_insn_gen_branch_reg(AARCH64_INSN_REG_16,
							  AARCH64_INSN_BRANCH_NOLINK));
	*(__le64 *)&insn[4] = cpu_to_le64(dest);
}

/*
 * Module text may be beyond the reach of the pool in vmlinux (with
 * RANDOMIZE_MODULE_REGION_FULL modules can be up to 2 GB away).  Veneers
 * for such sites come from pages allocated within reach of the site, kept
 * only while they hold a veneer in use.
 */
struct klp_veneer_page {
	struct list_head node;
	unsigned long base;
	DECLARE_BITMAP(used, PAGE_SIZE / KLP_ARCH_VENEER_SIZE);
};

static LIST_HEAD(klp_veneer_pages);

static void *klp_veneer_take(unsigned long *used, unsigned int nr,
			     unsigned long base, unsigned long slot)
{
	unsigned int i;

	for_each_clear_bit(i, used, nr) {
		if (klp_b_reaches(slot, base + i * KLP_ARCH_VENEER_SIZE)) {
			__set_bit(i, used);
			return (void *)(base + i * KLP_ARCH_VENEER_SIZE);
		}
	}
	return NULL;
}

/*
 * A page entirely within reach of @slot, mapped RW for now.  Module text is
 * in the modules region (anywhere in it with RANDOMIZE_MODULE_REGION_FULL)
 * or, for a module that did not fit there, in the vmalloc area above it:
 * the page comes from whichever of the two is within reach, the modules
 * region first.
 */
static void *klp_veneer_page_alloc(unsigned long slot)
{
	const unsigned long areas[][2] = {
		{ MODULES_VADDR, MODULES_END },
		{ VMALLOC_START, VMALLOC_END },
	};
	unsigned long start = PAGE_ALIGN(slot - SZ_128M);
	unsigned long end = (slot + SZ_128M) & PAGE_MASK;
	unsigned long lo, hi;
	unsigned int i;
	void *base;

	for (i = 0; i < ARRAY_SIZE(areas); i++) {
		lo = max(start, areas[i][0]);
		hi = min(end, areas[i][1]);
		if (lo >= hi)
			continue;
		base = __vmalloc_node_range(PAGE_SIZE, PAGE_SIZE, lo, hi,
					    GFP_KERNEL | __GFP_NOWARN,
					    PAGE_KERNEL, VM_FLUSH_RESET_PERMS,
					    NUMA_NO_NODE,
					    __builtin_return_address(0));
		if (base)
			return base;
	}
	return NULL;
}

static struct klp_veneer_page *klp_veneer_page_new(unsigned long slot)
{
	struct klp_veneer_page *page;
	void *base;

	page = kzalloc(sizeof(*page), GFP_KERNEL);
	if (!page)
		return NULL;

	base = klp_veneer_page_alloc(slot);
	if (!base) {
		kfree(page);
		return NULL;
	}

	page->base = (unsigned long)base;
	memset32(base, AARCH64_BREAK_FAULT, PAGE_SIZE / AARCH64_INSN_SIZE);
	if (set_memory_rox(page->base, 1)) {
		vfree(base);
		kfree(page);
		return NULL;
	}
	list_add(&page->node, &klp_veneer_pages);
	return page;
}

static void *klp_veneer_alloc(unsigned long slot)
{
	const unsigned int per_page = PAGE_SIZE / KLP_ARCH_VENEER_SIZE;
	struct klp_veneer_page *page;
	void *veneer;

	veneer = klp_veneer_take(klp_veneer_used, KLP_VENEER_SLOTS,
				 (unsigned long)klp_veneer_pool, slot);
	if (veneer)
		return veneer;

	list_for_each_entry(page, &klp_veneer_pages, node) {
		veneer = klp_veneer_take(page->used, per_page, page->base, slot);
		if (veneer)
			return veneer;
	}

	page = klp_veneer_page_new(slot);
	if (!page)
		return NULL;
	return klp_veneer_take(page->used, per_page, page->base, slot);
}

static void klp_veneer_free(void *veneer)
{
	unsigned long addr = (unsigned long)veneer;
	unsigned long pool = (unsigned long)klp_veneer_pool;
	struct klp_veneer_page *page;

	aarch64_insn_set(veneer, AARCH64_BREAK_FAULT, KLP_ARCH_VENEER_SIZE);
	if (addr >= pool && addr < pool + KLP_VENEER_POOL_SIZE) {
		__clear_bit((addr - pool) / KLP_ARCH_VENEER_SIZE,
			    klp_veneer_used);
		return;
	}

	list_for_each_entry(page, &klp_veneer_pages, node) {
		if (addr < page->base || addr >= page->base + PAGE_SIZE)
			continue;
		__clear_bit((addr - page->base) / KLP_ARCH_VENEER_SIZE,
			    page->used);
		if (bitmap_empty(page->used, PAGE_SIZE / KLP_ARCH_VENEER_SIZE)) {
			list_del(&page->node);
			vfree((void *)page->base);
			kfree(page);
		}
		return;
	}
	WARN_ONCE(1, "veneer %p not allocated\n", veneer);
}

/*
 * The ftrace call site in the entry of the function at @addr, or 0.  As
 * ftrace_location() for the start of a symbol, but with the size known:
 * no symbol lookup, which in a module is a scan of all its symbols.
 */
static unsigned long klp_ftrace_site(unsigned long addr, unsigned long size)
{
#ifdef CONFIG_DYNAMIC_FTRACE
	if (size)
		return ftrace_location_range(addr, addr + size - 1);
#endif
	return ftrace_location(addr);
}

/**
 * klp_arch_site_init() - decode the entry of an old function
 * @site:	filled in on success
 * @addr:	address of the old function
 * @size:	size of the old function in bytes
 *
 * Return: 0 or a negative errno from klp_arch_decode_entry().
 */
int klp_arch_site_init(struct klp_arch_site *site, unsigned long addr,
		       unsigned long size)
{
	unsigned long ftrace_site = klp_ftrace_site(addr, size);
	unsigned int ftrace_end = 0, off;
	int ret;

	if (ftrace_site)
		ftrace_end = ftrace_site - addr + AARCH64_INSN_SIZE;
	ret = klp_arch_decode_entry((const u32 *)addr, size, ftrace_end, &off,
				    &site->signs_lr);
	if (ret)
		return ret;

	site->slot = (u32 *)(addr + off);
	ret = aarch64_insn_read(site->slot, &site->orig);
	return ret;
}

/**
 * klp_arch_branch_prepare() - build the branch from a site to a new function
 * @site:	the site, from klp_arch_site_init()
 * @new_func:	the new function
 * @br:		filled with the slot instruction and the veneer it uses
 *
 * Any veneer is written and made visible to all CPUs here, long before
 * the slot is changed to reach it.
 *
 * Return: 0, -ERANGE when no veneer can be placed within reach of the
 * slot (neither in the pool of vmlinux nor in a vmalloc page), or
 * -EFAULT when the new function cannot be read.
 */
int klp_arch_branch_prepare(const struct klp_arch_site *site,
			    unsigned long new_func, struct klp_arch_branch *br)
{
	unsigned long slot = (unsigned long)site->slot, dest;
	u32 buf[KLP_ARCH_VENEER_SIZE / 4];
	enum klp_arch_route route;
	u32 new_insn0;

	if (aarch64_insn_read((void *)new_func, &new_insn0))
		return -EFAULT;

	br->veneer = NULL;
	route = klp_arch_route(slot, site->signs_lr, new_func, new_insn0, &dest);
	if (route != KLP_ROUTE_DIRECT) {
		br->veneer = klp_veneer_alloc(slot);
		if (!br->veneer)
			return -ERANGE;
		klp_arch_veneer_fill(buf, (unsigned long)br->veneer, dest,
				     route == KLP_ROUTE_VENEER_AUT);
		aarch64_insn_copy(br->veneer, buf, sizeof(buf));
		dest = (unsigned long)br->veneer;
	}

	br->insn = aarch64_insn_gen_branch_imm(slot, dest,
					       AARCH64_INSN_BRANCH_NOLINK);
	return 0;
}

/**
 * klp_arch_branch_release() - free what klp_arch_branch_prepare() took
 * @br:		a branch that no CPU can execute any more
 */
void klp_arch_branch_release(struct klp_arch_branch *br)
{
	if (!br->veneer)
		return;
	klp_veneer_free(br->veneer);
	br->veneer = NULL;
}

static bool klp_in(unsigned long addr, const char *start, const char *end)
{
	return addr >= (unsigned long)start && addr < (unsigned long)end;
}

/**
 * klp_arch_forbidden_text() - arm64 text that must never be redirected
 * @addr:	an address in the kernel image
 *
 * The idmap text runs with the MMU off or from the identity map, the hyp
 * text at EL2 (nVHE): a branch written there would lead to an address
 * that is not mapped, or run code at the wrong exception level.  The
 * entry trampoline, the hibernate exit and the kexec relocation code lie
 * outside .text and are refused as such by the generic rule.
 *
 * Return: "is in <section> text" for the section holding @addr, or NULL.
 */
const char *klp_arch_forbidden_text(unsigned long addr)
{
	if (klp_in(addr, __idmap_text_start, __idmap_text_end))
		return "is in idmap text";
	if (klp_in(addr, __hyp_idmap_text_start, __hyp_idmap_text_end))
		return "is in hyp idmap text";
	if (klp_in(addr, __hyp_text_start, __hyp_text_end))
		return "is in hyp text";
	return NULL;
}

/**
 * klp_arch_slot_manager() - the arm64 code modifier owning an instruction
 * @slot:	an instruction of kernel or module text
 *
 * Alternatives rewrite instructions once: those of vmlinux during boot,
 * from a table that is freed with the init memory, and those of a module
 * while it loads, before any patch can reach its functions.  A slot that
 * an alternative sequence covers is refused while the vmlinux table is
 * there (before the init memory is freed: built-in users, KUnit); later
 * no alternative can rewrite a slot any more, and there is no table to
 * look at.
 *
 * Return: "an alternative sequence" when @slot is part of the original
 * instructions of one, else NULL.
 */
const char *klp_arch_slot_manager(u32 *slot)
{
	struct alt_instr *alt = (struct alt_instr *)__alt_instructions;
	struct alt_instr *end = (struct alt_instr *)__alt_instructions_end;
	unsigned long addr = (unsigned long)slot;

	if (system_state >= SYSTEM_FREEING_INITMEM)
		return NULL;
	for (; alt < end; alt++) {
		unsigned long orig = (unsigned long)&alt->orig_offset +
				     alt->orig_offset;

		if (addr + AARCH64_INSN_SIZE > orig &&
		    addr < orig + alt->orig_len)
			return "an alternative sequence";
	}
	return NULL;
}
