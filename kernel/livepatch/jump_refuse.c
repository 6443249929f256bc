// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the direct-branch backend refuses to redirect, and why.  Every
 * function is checked before its site is created, and the slot chosen by
 * the architecture is checked before anything is written.  A refusal
 * prints exactly one line naming the function and leaves the text as it
 * was.  The rule is documented in Documentation/livepatch/wo-ftrace.rst
 * ("What cannot be patched"):
 *
 * -EINVAL	the address is not a function that lives on: outside kernel
 *		and module text (data, rodata), inside init text (vmlinux's
 *		or a module's, freed after init), or, in a module, a symbol
 *		that is not an ELF function (a label inside one); or a known
 *		handler of NMI context (klp_jump_nmi_code): pseudo-NMIs and
 *		SDEI events are not held off by stop_machine;
 * -EOPNOTSUPP	code that must never run a redirected entry: entry,
 *		irqentry, noinstr (with cpuidle) and __kprobes text (vmlinux's
 *		or a module's), the
 *		architecture's own (idmap, hyp, trampolines), and the code
 *		the switch itself runs: the livepatch core and this backend
 *		(every vmlinux function named klp_* or __klp_*), the lock and
 *		scheduler text, and the functions of klp_jump_switch_code;
 * -EBUSY	the slot belongs to another code modifier: a kprobe, a
 *		jump label, a static call or an alternative sequence.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jump_label.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/memory.h>
#include <linux/module.h>
#include <linux/sched/debug.h>
#include <linux/spinlock.h>
#include <linux/static_call.h>
#include <linux/string.h>

#include <asm/sections.h>

#include "jump.h"
#include "jump_refuse_names.h"

static const char * const klp_jump_switch_prefixes[] = {
	KLP_JUMP_SWITCH_PREFIXES
};

static const char * const klp_jump_switch_code[] = {
	KLP_JUMP_SWITCH_CODE
};

static const char * const klp_jump_nmi_code[] = {
	KLP_JUMP_NMI_CODE
};

static bool klp_jump_in(unsigned long addr, const char *start, const char *end)
{
	return addr >= (unsigned long)start && addr < (unsigned long)end;
}

/* Generic text that must never run a redirected entry: why, or NULL. */
static const char *klp_jump_forbidden_text(unsigned long addr)
{
	if (klp_jump_in(addr, __entry_text_start, __entry_text_end))
		return "is in entry text";
	if (klp_jump_in(addr, __irqentry_text_start, __irqentry_text_end))
		return "is in irqentry text";
	if (klp_jump_in(addr, __softirqentry_text_start,
			__softirqentry_text_end))
		return "is in softirqentry text";
	if (klp_jump_in(addr, __noinstr_text_start, __noinstr_text_end))
		return "is in noinstr text";
	if (klp_jump_in(addr, __kprobes_text_start, __kprobes_text_end))
		return "is in __kprobes text";
	if (in_lock_functions(addr))
		return "is in the lock text the switch runs";
	if (in_sched_functions(addr))
		return "is in scheduler text, where every sleeping task is";
	return klp_arch_forbidden_text(addr);
}

static bool klp_jump_is_switch_code(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(klp_jump_switch_prefixes); i++)
		if (str_has_prefix(name, klp_jump_switch_prefixes[i]))
			return true;
	for (i = 0; i < ARRAY_SIZE(klp_jump_switch_code); i++)
		if (!strcmp(name, klp_jump_switch_code[i]))
			return true;
	return false;
}

static bool klp_jump_is_nmi_code(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(klp_jump_nmi_code); i++)
		if (!strcmp(name, klp_jump_nmi_code[i]))
			return true;
	return false;
}

/* Whether a module symbol at @addr is an ELF function; preemption off. */
static bool klp_jump_module_func(struct module *mod, unsigned long addr)
{
	struct mod_kallsyms *kallsyms = rcu_dereference_sched(mod->kallsyms);
	unsigned int i;

	for (i = 1; i < kallsyms->num_symtab; i++) {
		const typeof(*kallsyms->symtab) *sym = &kallsyms->symtab[i];

		if (sym->st_value == addr &&
		    ELF_ST_TYPE(sym->st_info) == STT_FUNC)
			return true;
	}
	return false;
}

static int klp_jump_classify_module(unsigned long addr, const char **why)
{
	struct module *mod;
	int ret = 0;

	preempt_disable();
	mod = __module_address(addr);
	if (!mod) {
		*why = "is not in kernel or module text";
		ret = -EINVAL;
	} else if (within_module_mem_type(addr, mod, MOD_INIT_TEXT)) {
		*why = "is in module init text, freed after the module's init";
		ret = -EINVAL;
	} else if (!within_module_mem_type(addr, mod, MOD_TEXT)) {
		*why = "is not in kernel or module text";
		ret = -EINVAL;
	} else if (addr - (unsigned long)mod->noinstr_text_start <
		   mod->noinstr_text_size) {
		*why = "is in the noinstr text of its module";
		ret = -EOPNOTSUPP;
	} else if (klp_jump_module_kprobes_text(mod, addr)) {
		*why = "is in the __kprobes text of its module";
		ret = -EOPNOTSUPP;
	} else if (!klp_jump_module_func(mod, addr)) {
		*why = "is not the start of a function";
		ret = -EINVAL;
	}
	preempt_enable();
	return ret;
}

/**
 * klp_jump_classify() - whether a function may be redirected at all
 * @addr:	the address of the function
 * @why:	set to the reason of a refusal, for a message "it <why>"
 *
 * Decides from the address alone (sections, symbol name and type), before
 * the architecture looks at the instructions.
 *
 * Return: 0, -EINVAL or -EOPNOTSUPP as described at the top of this file.
 */
int klp_jump_classify(unsigned long addr, const char **why)
{
	unsigned long size, off;
	char name[KSYM_NAME_LEN];
	const char *text;

	if (is_kernel_inittext(addr)) {
		*why = "is in init text, freed after boot";
		return -EINVAL;
	}
	text = klp_jump_forbidden_text(addr);
	if (text) {
		*why = text;
		return -EOPNOTSUPP;
	}
	if (!is_kernel_text(addr))
		return klp_jump_classify_module(addr, why);

	if (!kallsyms_lookup(addr, &size, &off, NULL, name) || off) {
		*why = "is not the start of a function";
		return -EINVAL;
	}
	if (klp_jump_is_switch_code(name)) {
		*why = "is run by the live patching switch itself";
		return -EOPNOTSUPP;
	}
	if (klp_jump_is_nmi_code(name)) {
		*why = "runs in NMI context, which stop_machine does not stop";
		return -EINVAL;
	}
	return 0;
}

/**
 * klp_jump_check_func() - refuse a function that cannot be redirected
 * @func:	a function of a patch, with old_func resolved
 *
 * Prints one line naming the function on refusal.
 *
 * Return: 0 or the errno of klp_jump_classify().
 */
int klp_jump_check_func(const struct klp_func *func)
{
	const char *why;
	int ret;

	ret = klp_jump_classify((unsigned long)func->old_func, &why);
	if (!ret)
		return 0;
	pr_err("'%s' cannot be patched: it %s\n", func->old_name, why);
	return ret;
}

/**
 * klp_jump_slot_manager() - the code modifier that owns an instruction
 * @slot:	the instruction
 * @kprobes:	look for a kprobe (only), with text_mutex held, which
 *		kprobes holds while it prepares and arms a probe; otherwise
 *		look for every other owner, whose sites never change
 *
 * Return: the name of the owner, or NULL when the instruction is free.
 */
const char *klp_jump_slot_manager(u32 *slot, bool kprobes)
{
	void *end = (void *)slot + sizeof(*slot) - 1;
	bool found;

	if (kprobes) {
		if (!IS_ENABLED(CONFIG_KPROBES))
			return NULL;
		lockdep_assert_held(&text_mutex);
		rcu_read_lock();
		found = get_kprobe(slot);
		rcu_read_unlock();
		return found ? "a kprobe" : NULL;
	}

	jump_label_lock();
	found = jump_label_text_reserved(slot, end);
	jump_label_unlock();
	if (found)
		return "a jump label";
	if (static_call_text_reserved(slot, end))
		return "a static call";
	return klp_arch_slot_manager(slot);
}

/**
 * klp_jump_check_slot() - refuse a slot that another code modifier owns
 * @func:	the function the slot belongs to
 * @slot:	the instruction that would be replaced
 * @kprobes:	as for klp_jump_slot_manager()
 *
 * The kprobe check is made with text_mutex held, and the site published
 * under the same hold: a kprobe prepared later finds the slot owned
 * (klp_wo_ftrace_owns()).
 *
 * Return: 0, or -EBUSY with one line naming the function and the owner.
 */
int klp_jump_check_slot(const struct klp_func *func, u32 *slot, bool kprobes)
{
	const char *owner = klp_jump_slot_manager(slot, kprobes);

	if (!owner)
		return 0;
	pr_err("'%s' cannot be patched: its instruction at +0x%lx belongs to %s\n",
	       func->old_name,
	       (unsigned long)slot - (unsigned long)func->old_func, owner);
	return -EBUSY;
}
