// SPDX-License-Identifier: GPL-2.0
/*
 * klpc_plt: checks the PLT handling of late klp relocations on arm64
 * (patches/0105-arm64-module-late-klp-relocations.patch) directly, on a
 * fake module whose PLT has room for three entries:
 *
 *  - a late entry is written through the text-poke alias and counted;
 *  - a second late entry for the same target reuses it;
 *  - clear_relocate_add() gives back the slot a cleared branch used;
 *  - the next late entry takes that slot instead of a new one.
 *
 * module_emit_plt_entry(), get_plt_entry() and clear_relocate_add() are
 * not exported: this module is a livepatch module (without a patch) so
 * that klp-convert resolves them.  Loading fails with -EINVAL and one
 * line per failed check.
 */
#include <linux/module.h>
#include <linux/moduleloader.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/insn.h>
#include <asm/module.h>

#define KLPC_SLOTS	3

static int klpc_fails;

static void klpc_check(bool ok, const char *what)
{
	if (!ok) {
		pr_err("klpc_plt: check failed: %s\n", what);
		klpc_fails++;
	}
}

static bool klpc_is_entry(struct plt_entry *slot, u64 dst)
{
	struct plt_entry e = get_plt_entry(dst, slot);

	return !memcmp(slot, &e, sizeof(e));
}

static int __init klpc_plt_init(void)
{
	static const struct plt_entry none;
	const u64 t1 = 0xffff800080001000, t2 = 0xffff800080abc000;
	const u64 t3 = 0xffff800081000040, t4 = 0xffff8000a0000000;
	Elf64_Shdr sh[4] = { };
	Elf64_Sym sym = { };
	Elf64_Rela rela = { .r_info = R_AARCH64_CALL26 };	/* symbol 0 */
	struct plt_entry *plt = vzalloc(PAGE_SIZE);
	struct module *mod = kzalloc(sizeof(*mod), GFP_KERNEL);
	u32 *text = vzalloc(PAGE_SIZE);
	u64 got;

	if (!plt || !mod || !text) {
		vfree(plt);
		kfree(mod);
		vfree(text);
		return -ENOMEM;
	}
	mod->state = MODULE_STATE_LIVE;
	mod->arch.core.plt_shndx = 1;
	mod->arch.core.plt_max_entries = KLPC_SLOTS;
	sh[1].sh_addr = (u64)plt;
	sh[2].sh_addr = (u64)text;
	sh[3].sh_addr = (u64)&rela;
	sh[3].sh_size = sizeof(rela);
	sh[3].sh_info = 2;

	sym.st_value = t1;
	got = module_emit_plt_entry(mod, sh, text, &rela, &sym);
	klpc_check(got == (u64)&plt[0] && klpc_is_entry(&plt[0], t1),
		   "first late entry written in slot 0");
	got = module_emit_plt_entry(mod, sh, text, &rela, &sym);
	klpc_check(got == (u64)&plt[0], "same target reuses slot 0");
	sym.st_value = t2;
	got = module_emit_plt_entry(mod, sh, text, &rela, &sym);
	klpc_check(got == (u64)&plt[1] && klpc_is_entry(&plt[1], t2),
		   "second target in slot 1");
	sym.st_value = t3;
	got = module_emit_plt_entry(mod, sh, text, &rela, &sym);
	klpc_check(got == (u64)&plt[2], "third target in slot 2");
	klpc_check(mod->arch.core.plt_num_entries == 3, "three slots used");

	/* the relocated branch at text[0] uses slot 1: clearing frees it */
	text[0] = aarch64_insn_gen_branch_imm((u64)text, (u64)&plt[1],
					      AARCH64_INSN_BRANCH_LINK);
	clear_relocate_add(sh, NULL, 0, 3, mod);
	klpc_check(!memcmp(&plt[1], &none, sizeof(none)),
		   "clear_relocate_add() frees slot 1");
	klpc_check(klpc_is_entry(&plt[0], t1) && klpc_is_entry(&plt[2], t3),
		   "other slots untouched");

	sym.st_value = t4;
	got = module_emit_plt_entry(mod, sh, text, &rela, &sym);
	klpc_check(got == (u64)&plt[1] && klpc_is_entry(&plt[1], t4),
		   "a new target takes the freed slot");
	klpc_check(mod->arch.core.plt_num_entries == 3, "still three slots used");

	vfree(plt);
	kfree(mod);
	vfree(text);
	if (klpc_fails)
		return -EINVAL;
	pr_info("klpc_plt: all checks passed\n");
	return 0;
}

static void __exit klpc_plt_exit(void)
{
}

module_init(klpc_plt_init);
module_exit(klpc_plt_exit);
MODULE_DESCRIPTION("klp_convert selftest: arm64 PLT slots of late klp relocations");
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
