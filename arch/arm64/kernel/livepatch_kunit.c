// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the arm64 instruction decisions of the direct-branch
 * live patching backend: entry decoding, branch ranges, veneer contents,
 * the batch writer.
 */

#include <kunit/test.h>
#include <linux/kstrtox.h>
#include <linux/mm.h>
#include <linux/set_memory.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>

#include <asm/alternative.h>
#include <asm/insn.h>
#include <asm/livepatch.h>
#include <asm/patching.h>
#include <asm/sections.h>

#define BTI_C		0xd503245fU
#define BTI_JC		0xd50324dfU
#define PACIASP		0xd503233fU
#define PACIBSP		0xd503237fU
#define AUTIASP		0xd50323bfU
#define NOP		0xd503201fU
#define RET		0xd65f03c0U
#define MOV_W0_7	0x528000e0U
#define STP_FP_LR	0xa9bf7bfdU
#define B_BACK_4	0x17ffffffU	/* b . - 4 */
#define BR_X16		0xd61f0200U

static int decode_ftrace(const u32 *insns, unsigned long size,
			 unsigned int ftrace_end, unsigned int *off, bool *signs)
{
	u32 le[8];
	unsigned int i;

	for (i = 0; i < size / 4 && i < ARRAY_SIZE(le); i++)
		le[i] = (__force u32)cpu_to_le32(insns[i]);
	return klp_arch_decode_entry(le, size, ftrace_end, off, signs);
}

static int decode(const u32 *insns, unsigned long size, unsigned int *off,
		  bool *signs)
{
	return decode_ftrace(insns, size, 0, off, signs);
}

static void klp_arch_entry_landing_pads(struct kunit *test)
{
	const u32 leaf[] = { BTI_C, MOV_W0_7, RET };
	const u32 leaf_jc[] = { BTI_JC, MOV_W0_7, RET };
	const u32 nonleaf[] = { PACIASP, STP_FP_LR, RET };
	const u32 plain[] = { MOV_W0_7, RET };
	unsigned int off = 99;
	bool signs = true;

	KUNIT_EXPECT_EQ(test, decode(leaf, sizeof(leaf), &off, &signs), 0);
	KUNIT_EXPECT_EQ(test, off, 4U);
	KUNIT_EXPECT_FALSE(test, signs);

	KUNIT_EXPECT_EQ(test, decode(leaf_jc, sizeof(leaf_jc), &off, &signs), 0);
	KUNIT_EXPECT_EQ(test, off, 4U);

	KUNIT_EXPECT_EQ(test, decode(nonleaf, sizeof(nonleaf), &off, &signs), 0);
	KUNIT_EXPECT_EQ(test, off, 4U);
	KUNIT_EXPECT_TRUE(test, signs);

	KUNIT_EXPECT_EQ(test, decode(plain, sizeof(plain), &off, &signs), 0);
	KUNIT_EXPECT_EQ(test, off, 0U);
	KUNIT_EXPECT_FALSE(test, signs);
}

static void klp_arch_entry_refused(struct kunit *test)
{
	const u32 bkey[] = { PACIBSP, STP_FP_LR, RET };
	const u32 pad_only[] = { BTI_C };
	const u32 one[] = { RET };
	const u32 pad_ret[] = { BTI_C, RET };
	const u32 loop[] = { BTI_C, NOP, B_BACK_4, RET };
	unsigned int off;
	bool signs;

	KUNIT_EXPECT_EQ(test, decode(bkey, sizeof(bkey), &off, &signs),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, decode(pad_only, sizeof(pad_only), &off, &signs),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, decode(one, 0, &off, &signs), -EINVAL);
	/* One instruction after the landing pad is enough. */
	KUNIT_EXPECT_EQ(test, decode(pad_ret, sizeof(pad_ret), &off, &signs), 0);
	KUNIT_EXPECT_EQ(test, off, 4U);
	KUNIT_EXPECT_EQ(test, decode(one, sizeof(one), &off, &signs), 0);
	KUNIT_EXPECT_EQ(test, off, 0U);
	/* A loop back to the slot would re-enter the new function. */
	KUNIT_EXPECT_EQ(test, decode(loop, sizeof(loop), &off, &signs), -EINVAL);
}

/* -fpatchable-function-entry=2: BTI C; NOP; NOP; then the function body. */
static void klp_arch_entry_ftrace(struct kunit *test)
{
	const u32 nonleaf[] = { BTI_C, NOP, NOP, PACIASP, STP_FP_LR, RET };
	const u32 leaf[] = { BTI_C, NOP, NOP, MOV_W0_7, RET };
	const u32 too_short[] = { BTI_C, NOP, NOP };
	unsigned int off;
	bool signs = true;

	KUNIT_EXPECT_EQ(test, decode_ftrace(nonleaf, sizeof(nonleaf), 12, &off,
					    &signs), 0);
	KUNIT_EXPECT_EQ(test, off, 12U);
	KUNIT_EXPECT_FALSE(test, signs);
	KUNIT_EXPECT_EQ(test, decode_ftrace(leaf, sizeof(leaf), 12, &off,
					    &signs), 0);
	KUNIT_EXPECT_EQ(test, off, 12U);
	KUNIT_EXPECT_EQ(test, decode_ftrace(too_short, sizeof(too_short), 12,
					    &off, &signs), -EINVAL);
}

static void klp_arch_route_ranges(struct kunit *test)
{
	const unsigned long slot = 0xffff800080100004UL;
	unsigned long dest;

	/* Unsigned LR: B reaches [-128M, +128M - 4]. */
	KUNIT_EXPECT_EQ(test, klp_arch_route(slot, false, slot + SZ_128M - 4,
					     BTI_C, &dest), KLP_ROUTE_DIRECT);
	KUNIT_EXPECT_EQ(test, dest, slot + SZ_128M - 4);
	KUNIT_EXPECT_EQ(test, klp_arch_route(slot, false, slot + SZ_128M,
					     BTI_C, &dest), KLP_ROUTE_VENEER);
	KUNIT_EXPECT_EQ(test, dest, slot + SZ_128M);
	KUNIT_EXPECT_EQ(test, klp_arch_route(slot, false, slot - SZ_128M,
					     PACIASP, &dest), KLP_ROUTE_DIRECT);
	KUNIT_EXPECT_EQ(test, klp_arch_route(slot, false, slot - SZ_128M - 4,
					     PACIASP, &dest), KLP_ROUTE_VENEER);
}

static void klp_arch_route_pac(struct kunit *test)
{
	const unsigned long slot = 0xffff800080100004UL;
	unsigned long dest;

	/* Signed LR, new function signs too: skip its PACIASP. */
	KUNIT_EXPECT_EQ(test, klp_arch_route(slot, true, slot + 0x1000,
					     PACIASP, &dest), KLP_ROUTE_DIRECT);
	KUNIT_EXPECT_EQ(test, dest, slot + 0x1000 + 4);
	/* ... unless new + 4 is out of reach: veneer, authenticate, enter at 0. */
	KUNIT_EXPECT_EQ(test, klp_arch_route(slot, true, slot + SZ_128M - 4,
					     PACIASP, &dest),
			KLP_ROUTE_VENEER_AUT);
	KUNIT_EXPECT_EQ(test, dest, slot + SZ_128M - 4);
	/* Signed LR, new function does not sign: authenticate first. */
	KUNIT_EXPECT_EQ(test, klp_arch_route(slot, true, slot + 0x1000,
					     BTI_C, &dest),
			KLP_ROUTE_VENEER_AUT);
	KUNIT_EXPECT_EQ(test, dest, slot + 0x1000);
}

static void klp_arch_veneer_contents(struct kunit *test)
{
	const unsigned long pc = 0xffff800080200000UL;
	const unsigned long dest = 0xffff8000f0001234UL;
	u32 buf[KLP_ARCH_VENEER_SIZE / 4];
	unsigned int i;
	u64 lit;

	klp_arch_veneer_fill(buf, pc, dest, false);
	KUNIT_EXPECT_EQ(test, le32_to_cpu((__force __le32)buf[0]), NOP);
	/* LDR x16, pc + 12 (from the LDR at +4 to the literal at +16) */
	KUNIT_EXPECT_TRUE(test, aarch64_insn_is_ldr_lit(le32_to_cpu((__force __le32)buf[1])));
	KUNIT_EXPECT_EQ(test, le32_to_cpu((__force __le32)buf[1]),
			0x58000000U | (12 / 4) << 5 | 16);
	KUNIT_EXPECT_EQ(test, le32_to_cpu((__force __le32)buf[2]), BR_X16);
	KUNIT_EXPECT_EQ(test, le32_to_cpu((__force __le32)buf[3]),
			(u32)AARCH64_BREAK_FAULT);
	memcpy(&lit, &buf[4], sizeof(lit));
	KUNIT_EXPECT_EQ(test, le64_to_cpu((__force __le64)lit), (u64)dest);
	for (i = 6; i < ARRAY_SIZE(buf); i++)
		KUNIT_EXPECT_EQ(test, le32_to_cpu((__force __le32)buf[i]),
				(u32)AARCH64_BREAK_FAULT);

	klp_arch_veneer_fill(buf, pc, dest, true);
	KUNIT_EXPECT_EQ(test, le32_to_cpu((__force __le32)buf[0]), AUTIASP);
}

static void klp_arch_text_refused(struct kunit *test)
{
	unsigned long idmap = (unsigned long)__idmap_text_start;

	KUNIT_EXPECT_NULL(test, klp_arch_forbidden_text((unsigned long)kstrtobool));
	KUNIT_EXPECT_STREQ(test, klp_arch_forbidden_text(idmap),
			   "is in idmap text");
	KUNIT_EXPECT_NULL(test, klp_arch_forbidden_text(idmap - 4));
	if ((unsigned long)__hyp_text_end > (unsigned long)__hyp_text_start)
		KUNIT_EXPECT_STREQ(test,
				   klp_arch_forbidden_text((unsigned long)__hyp_text_start),
				   "is in hyp text");
}

static void klp_arch_alternatives_refused(struct kunit *test)
{
	struct alt_instr *alt = (struct alt_instr *)__alt_instructions;
	unsigned long orig;

	/* Built-in KUnit runs before the init memory (and table) is freed. */
	if (system_state >= SYSTEM_FREEING_INITMEM)
		kunit_skip(test, "alternatives table already freed");
	if ((void *)alt >= (void *)__alt_instructions_end)
		kunit_skip(test, "no alternatives");

	orig = (unsigned long)&alt->orig_offset + alt->orig_offset;
	KUNIT_EXPECT_STREQ(test, klp_arch_slot_manager((u32 *)orig),
			   "an alternative sequence");
	KUNIT_EXPECT_NULL(test, klp_arch_slot_manager((u32 *)kstrtobool));
}

static void klp_arch_writer_expect(struct kunit *test, struct klp_arch_site *s,
				   unsigned int nr, void *area)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		KUNIT_EXPECT_PTR_NE(test, s[i].alias, (void *)s[i].slot);
		KUNIT_EXPECT_EQ(test, offset_in_page(s[i].alias),
				offset_in_page(s[i].slot));
		KUNIT_EXPECT_GE(test, (unsigned long)s[i].alias,
				(unsigned long)area);
		KUNIT_EXPECT_EQ(test, READ_ONCE(*(u32 *)s[i].alias),
				READ_ONCE(*s[i].slot));
	}
}

/*
 * A batch over two read-only vmalloc pages and one page of the kernel
 * image: one alias page per text page, the stores land in the text, and
 * nothing of the alias stays mapped afterwards.
 */
static void klp_arch_writer_batch(struct kunit *test)
{
	const unsigned long offs[] = { 8, 64, PAGE_SIZE + 4 };
	struct klp_arch_site s[ARRAY_SIZE(offs) + 1] = {};
	struct klp_arch_site *sites[ARRAY_SIZE(s)];
	struct klp_arch_writer w;
	unsigned int i;
	void *text, *area;

	text = __vmalloc_node_range(2 * PAGE_SIZE, PAGE_SIZE, VMALLOC_START,
				    VMALLOC_END, GFP_KERNEL, PAGE_KERNEL,
				    VM_FLUSH_RESET_PERMS, NUMA_NO_NODE,
				    __builtin_return_address(0));
	KUNIT_ASSERT_NOT_NULL(test, text);
	memset32(text, NOP, 2 * PAGE_SIZE / 4);
	KUNIT_ASSERT_EQ(test, set_memory_ro((unsigned long)text, 2), 0);

	for (i = 0; i < ARRAY_SIZE(s); i++)
		sites[i] = &s[i];
	for (i = 0; i < ARRAY_SIZE(offs); i++)
		s[i].slot = text + offs[i];
	s[i].slot = klp_veneer_pool;

	klp_arch_writer_map(&w, sites, ARRAY_SIZE(s));
	area = w.area;
	KUNIT_ASSERT_NOT_NULL(test, area);
	KUNIT_EXPECT_EQ(test, w.nr_pages, 3U);
	klp_arch_writer_expect(test, s, ARRAY_SIZE(s), area);
	KUNIT_EXPECT_EQ(test, s[1].alias - s[0].alias, 56);
	KUNIT_EXPECT_NE(test, (unsigned long)s[2].alias & PAGE_MASK,
			(unsigned long)s[0].alias & PAGE_MASK);

	for (i = 0; i < ARRAY_SIZE(offs); i++)
		KUNIT_EXPECT_EQ(test, klp_arch_write_site(&s[i], RET + i), 0);
	klp_arch_write_sync(&w);
	klp_arch_writer_unmap(&w, sites, ARRAY_SIZE(s));

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		KUNIT_EXPECT_EQ(test, le32_to_cpu(READ_ONCE(*(__le32 *)s[i].slot)),
				RET + i);
		KUNIT_EXPECT_NULL(test, s[i].alias);
	}
	KUNIT_EXPECT_EQ(test, *(u32 *)(text + 12), NOP);
	KUNIT_EXPECT_NULL(test, w.area);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_NULL(test, vmalloc_to_page(area + i * PAGE_SIZE));

	/* Without an alias the write goes through text-poke. */
	KUNIT_EXPECT_EQ(test, klp_arch_write_site(&s[0], NOP), 0);
	KUNIT_EXPECT_EQ(test, *(u32 *)(text + 8), NOP);
	vfree(text);
}

/*
 * A slot low in the modules region (RANDOMIZE_MODULE_REGION_FULL places
 * module text anywhere in it), more than 128 MB below the vmalloc area,
 * with its new function in vmlinux: the veneer must still be placed within
 * reach of the slot.  The slot is only an address; nothing is written
 * there.
 */
static void klp_arch_veneer_module_region(struct kunit *test)
{
	unsigned long slot = MODULES_VADDR + SZ_64K, new_func, veneer;
	struct klp_arch_site site = { .slot = (u32 *)slot };
	struct klp_arch_branch br;
	u32 insn;

	if (MODULES_END - slot <= SZ_128M)
		kunit_skip(test, "modules region within 128 MB of vmalloc");
	new_func = (unsigned long)klp_arch_route;
	KUNIT_ASSERT_EQ(test, klp_arch_branch_prepare(&site, new_func, &br), 0);
	veneer = (unsigned long)br.veneer;
	KUNIT_ASSERT_NE(test, veneer, 0UL);
	KUNIT_EXPECT_TRUE(test, aarch64_insn_is_b(br.insn));
	KUNIT_EXPECT_EQ(test, slot + aarch64_get_branch_offset(br.insn), veneer);
	KUNIT_EXPECT_LT(test, abs((long)(veneer - slot)), (long)SZ_128M);
	KUNIT_ASSERT_EQ(test, aarch64_insn_read(br.veneer + 4, &insn), 0);
	KUNIT_EXPECT_TRUE(test, aarch64_insn_is_ldr_lit(insn));
	klp_arch_branch_release(&br);
	KUNIT_EXPECT_NULL(test, br.veneer);
}

static struct kunit_case klp_arch_cases[] = {
	KUNIT_CASE(klp_arch_entry_landing_pads),
	KUNIT_CASE(klp_arch_entry_refused),
	KUNIT_CASE(klp_arch_entry_ftrace),
	KUNIT_CASE(klp_arch_route_ranges),
	KUNIT_CASE(klp_arch_route_pac),
	KUNIT_CASE(klp_arch_veneer_contents),
	KUNIT_CASE(klp_arch_text_refused),
	KUNIT_CASE(klp_arch_alternatives_refused),
	KUNIT_CASE(klp_arch_writer_batch),
	KUNIT_CASE(klp_arch_veneer_module_region),
	{}
};

static struct kunit_suite klp_arch_suite = {
	.name = "livepatch_wo_ftrace_arm64",
	.test_cases = klp_arch_cases,
};

kunit_test_suite(klp_arch_suite);
