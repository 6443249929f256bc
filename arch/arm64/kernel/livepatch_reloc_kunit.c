// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the arm64 module relocations that live patching applies
 * late (patch 0105): klp relocations of a livepatch module for a target
 * module that loads, goes and loads again.  A fake livepatch module (text
 * and PLT in one read-only vmalloc area, one symbol, one relocation) gets
 * apply_relocate_add(), clear_relocate_add() when the target goes, and
 * apply_relocate_add() again on its reload; the text must then hold what a
 * first load gives.
 */

#include <kunit/test.h>
#include <linux/elf.h>
#include <linux/module.h>
#include <linux/moduleloader.h>
#include <linux/set_memory.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>

#include <asm/insn.h>
#include <asm/module.h>

/* text: 2 pages, PLT: 1 page, all read-only like a live module's */
#define RELOC_TEXT_PAGES	2
#define RELOC_PAGES		(RELOC_TEXT_PAGES + 1)
/* an ADRP at an offset ARM erratum 843419 forbids, and a BL */
#define RELOC_ADRP_OFF		0xff8
#define RELOC_BL_OFF		0x100
#define RELOC_RD		AARCH64_INSN_REG_5

enum { SEC_NULL, SEC_TEXT, SEC_PLT, SEC_SYMTAB, SEC_RELA, SEC_NUM };

struct reloc_ctx {
	struct module *mod;
	void *mem;
	struct plt_entry *plt;
	struct elf64_shdr sechdrs[SEC_NUM];
	struct elf64_sym syms[2];
	struct elf64_rela rela;
};

static int reloc_init(struct kunit *test)
{
	struct reloc_ctx *c;
	u32 adrp, bl;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	c->mod = kunit_kzalloc(test, sizeof(*c->mod), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->mod);
	c->mem = vzalloc(RELOC_PAGES * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, c->mem);
	test->priv = c;

	adrp = aarch64_insn_gen_adr((unsigned long)c->mem + RELOC_ADRP_OFF,
				    (unsigned long)c->mem + RELOC_ADRP_OFF,
				    RELOC_RD, AARCH64_INSN_ADR_TYPE_ADRP);
	bl = aarch64_insn_gen_branch_imm((unsigned long)c->mem + RELOC_BL_OFF,
					 (unsigned long)c->mem + RELOC_BL_OFF,
					 AARCH64_INSN_BRANCH_LINK);
	*(__le32 *)(c->mem + RELOC_ADRP_OFF) = cpu_to_le32(adrp);
	*(__le32 *)(c->mem + RELOC_BL_OFF) = cpu_to_le32(bl);
	c->plt = c->mem + RELOC_TEXT_PAGES * PAGE_SIZE;
	KUNIT_ASSERT_EQ(test, set_memory_ro((unsigned long)c->mem, RELOC_PAGES),
			0);

	c->sechdrs[SEC_TEXT].sh_addr = (u64)c->mem;
	c->sechdrs[SEC_TEXT].sh_size = RELOC_TEXT_PAGES * PAGE_SIZE;
	c->sechdrs[SEC_PLT].sh_addr = (u64)c->plt;
	c->sechdrs[SEC_PLT].sh_size = PAGE_SIZE;
	c->sechdrs[SEC_SYMTAB].sh_addr = (u64)c->syms;
	c->sechdrs[SEC_SYMTAB].sh_size = sizeof(c->syms);
	c->sechdrs[SEC_RELA].sh_addr = (u64)&c->rela;
	c->sechdrs[SEC_RELA].sh_size = sizeof(c->rela);
	c->sechdrs[SEC_RELA].sh_info = SEC_TEXT;
	c->sechdrs[SEC_RELA].sh_link = SEC_SYMTAB;

	c->mod->state = MODULE_STATE_LIVE;
	c->mod->arch.core.plt_shndx = SEC_PLT;
	c->mod->arch.core.plt_max_entries = PAGE_SIZE / sizeof(*c->plt);
	return 0;
}

static void reloc_exit(struct kunit *test)
{
	struct reloc_ctx *c = test->priv;

	if (!c || !c->mem)
		return;
	set_memory_rw((unsigned long)c->mem, RELOC_PAGES);
	vfree(c->mem);
}

static __le32 *reloc_place(struct reloc_ctx *c)
{
	return (__le32 *)(c->mem + c->rela.r_offset);
}

static void reloc_set(struct reloc_ctx *c, unsigned int type,
		      unsigned long off)
{
	c->rela.r_offset = off;
	/* symbol 1, as ELF64_R_SYM() and ELF64_R_TYPE() decode it */
	c->rela.r_info = (1ULL << 32) | type;
}

/* the target module (re)loads with the symbol at @val */
static void reloc_apply(struct kunit *test, u64 val)
{
	struct reloc_ctx *c = test->priv;

	c->syms[1].st_value = val;
	KUNIT_ASSERT_EQ(test, apply_relocate_add(c->sechdrs, "", SEC_SYMTAB,
						 SEC_RELA, c->mod), 0);
}

/* the target module goes */
static void reloc_clear(struct kunit *test)
{
	struct reloc_ctx *c = test->priv;

	clear_relocate_add(c->sechdrs, "", SEC_SYMTAB, SEC_RELA, c->mod);
}

static struct plt_entry *reloc_plt_slot(struct kunit *test, u64 dst)
{
	struct reloc_ctx *c = test->priv;
	u64 plt = (u64)c->plt;

	KUNIT_ASSERT_GE(test, dst, plt);
	KUNIT_ASSERT_LT(test, dst,
			(u64)(c->plt + c->mod->arch.core.plt_num_entries));
	KUNIT_ASSERT_EQ(test, (dst - plt) % sizeof(struct plt_entry), 0);
	return (struct plt_entry *)dst;
}

/* ADRP at a forbidden offset, @val out of ADR range: B to an ADRP veneer */
static void expect_adrp_veneer(struct kunit *test, u64 val)
{
	struct reloc_ctx *c = test->priv;
	__le32 *place = reloc_place(c);
	u32 insn = le32_to_cpup(place);
	struct plt_entry *e;
	u32 adrp, add, br;

	KUNIT_ASSERT_TRUE_MSG(test, aarch64_insn_is_b(insn),
			      "place holds %08x, not a B", insn);
	e = reloc_plt_slot(test, (u64)place + aarch64_get_branch_offset(insn));
	adrp = le32_to_cpu(e->adrp);
	add = le32_to_cpu(e->add);
	br = le32_to_cpu(e->br);

	KUNIT_ASSERT_TRUE_MSG(test, aarch64_insn_is_adrp(adrp),
			      "veneer holds %08x, not an ADRP", adrp);
	KUNIT_EXPECT_EQ(test, aarch64_insn_decode_register(AARCH64_INSN_REGTYPE_RD,
							   adrp), RELOC_RD);
	KUNIT_EXPECT_EQ(test, ALIGN_DOWN((u64)&e->adrp, SZ_4K) +
			      aarch64_insn_adrp_get_offset(adrp),
			ALIGN_DOWN(val, SZ_4K));
	/* the relocation gives the page: the low 12 bits added are 0 */
	KUNIT_ASSERT_TRUE_MSG(test, aarch64_insn_is_add_imm(add),
			      "veneer holds %08x, not an ADD", add);
	KUNIT_EXPECT_EQ(test, aarch64_insn_decode_register(AARCH64_INSN_REGTYPE_RD,
							   add), RELOC_RD);
	KUNIT_EXPECT_EQ(test, aarch64_insn_decode_register(AARCH64_INSN_REGTYPE_RN,
							   add), RELOC_RD);
	KUNIT_EXPECT_EQ(test, aarch64_insn_decode_immediate(AARCH64_INSN_IMM_12,
							    add), 0);
	KUNIT_ASSERT_TRUE_MSG(test, aarch64_insn_is_b(br),
			      "veneer holds %08x, not a B back", br);
	KUNIT_EXPECT_EQ(test, (u64)&e->br + aarch64_get_branch_offset(br),
			(u64)place + 4);
}

/* ADRP at a forbidden offset, @val within ADR range: ADR of its page */
static void expect_adr(struct kunit *test, u64 val)
{
	struct reloc_ctx *c = test->priv;
	__le32 *place = reloc_place(c);
	u32 insn = le32_to_cpup(place);
	s64 off;

	KUNIT_ASSERT_TRUE_MSG(test, aarch64_insn_is_adr(insn),
			      "place holds %08x, not an ADR", insn);
	KUNIT_EXPECT_EQ(test, aarch64_insn_decode_register(AARCH64_INSN_REGTYPE_RD,
							   insn), RELOC_RD);
	off = sign_extend64(aarch64_insn_decode_immediate(AARCH64_INSN_IMM_ADR,
							  insn), 20);
	KUNIT_EXPECT_EQ(test, (u64)place + off, ALIGN_DOWN(val, SZ_4K));
}

static void skip_without_erratum(struct kunit *test)
{
	struct reloc_ctx *c = test->priv;

	reloc_set(c, R_AARCH64_ADR_PREL_PG_HI21, RELOC_ADRP_OFF);
	if (!is_forbidden_offset_for_adrp(reloc_place(c)))
		kunit_skip(test, "no erratum 843419 workaround (config, CPU)");
}

/* out of ADR range: B to a veneer, on the first load and on a reload */
static void klp_reloc_adrp_veneer_reload(struct kunit *test)
{
	struct reloc_ctx *c = test->priv;
	u64 far = (u64)c->mem + SZ_16M + 0x234;
	u32 insn;
	int n;

	skip_without_erratum(test);
	reloc_apply(test, far);
	expect_adrp_veneer(test, far);
	n = c->mod->arch.core.plt_num_entries;

	reloc_clear(test);
	/* the instruction the compiler emitted, as on a first load */
	insn = le32_to_cpup(reloc_place(c));
	KUNIT_EXPECT_TRUE_MSG(test, aarch64_insn_is_adrp(insn),
			      "after clear: %08x, not an ADRP", insn);
	KUNIT_EXPECT_EQ(test, aarch64_insn_decode_register(AARCH64_INSN_REGTYPE_RD,
							   insn), RELOC_RD);

	reloc_apply(test, far);
	expect_adrp_veneer(test, far);
	/* the veneer given back was taken again */
	KUNIT_EXPECT_EQ(test, c->mod->arch.core.plt_num_entries, n);
}

/* within ADR range: ADR, on the first load and on a reload */
static void klp_reloc_adrp_adr_reload(struct kunit *test)
{
	struct reloc_ctx *c = test->priv;
	u64 near = (u64)c->mem + SZ_64K + 0x234;

	skip_without_erratum(test);
	reloc_apply(test, near);
	expect_adr(test, near);
	reloc_clear(test);
	reloc_apply(test, near);
	expect_adr(test, near);
	KUNIT_EXPECT_EQ(test, c->mod->arch.core.plt_num_entries, 0);
}

/* the target loads somewhere else each time: veneer, ADR, veneer */
static void klp_reloc_adrp_target_moves(struct kunit *test)
{
	struct reloc_ctx *c = test->priv;
	u64 far = (u64)c->mem + SZ_16M + 0x234;
	u64 near = (u64)c->mem - SZ_512K + 0x234;
	u64 far2 = (u64)c->mem - SZ_32M;

	skip_without_erratum(test);
	reloc_apply(test, far);
	expect_adrp_veneer(test, far);
	reloc_clear(test);
	reloc_apply(test, near);
	expect_adr(test, near);
	reloc_clear(test);
	reloc_apply(test, far2);
	expect_adrp_veneer(test, far2);
}

/* a call out of branch range: BL to a PLT slot, the same on a reload */
static void klp_reloc_call26_plt_reload(struct kunit *test)
{
	struct reloc_ctx *c = test->priv;
	u64 far = (u64)c->mem + SZ_256M + 0x40;
	struct plt_entry *e, want;
	u32 insn;

	reloc_set(c, R_AARCH64_CALL26, RELOC_BL_OFF);
	reloc_apply(test, far);
	insn = le32_to_cpup(reloc_place(c));
	KUNIT_ASSERT_TRUE(test, aarch64_insn_is_bl(insn));
	e = reloc_plt_slot(test, (u64)reloc_place(c) +
				 aarch64_get_branch_offset(insn));
	want = get_plt_entry(far, e);
	KUNIT_EXPECT_MEMEQ(test, e, &want, sizeof(want));

	reloc_clear(test);
	reloc_apply(test, far);
	insn = le32_to_cpup(reloc_place(c));
	KUNIT_ASSERT_TRUE(test, aarch64_insn_is_bl(insn));
	KUNIT_EXPECT_PTR_EQ(test, reloc_plt_slot(test, (u64)reloc_place(c) +
					aarch64_get_branch_offset(insn)), e);
	KUNIT_EXPECT_MEMEQ(test, e, &want, sizeof(want));
	KUNIT_EXPECT_EQ(test, c->mod->arch.core.plt_num_entries, 1);
}

static struct kunit_case klp_reloc_cases[] = {
	KUNIT_CASE(klp_reloc_adrp_veneer_reload),
	KUNIT_CASE(klp_reloc_adrp_adr_reload),
	KUNIT_CASE(klp_reloc_adrp_target_moves),
	KUNIT_CASE(klp_reloc_call26_plt_reload),
	{}
};

static struct kunit_suite klp_reloc_suite = {
	.name = "livepatch_wo_ftrace_reloc",
	.init = reloc_init,
	.exit = reloc_exit,
	.test_cases = klp_reloc_cases,
};

kunit_test_suite(klp_reloc_suite);
