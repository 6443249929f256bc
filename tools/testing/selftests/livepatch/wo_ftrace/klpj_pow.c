// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_pow - a live patch of process_scheduled_works(), the function of
 * kernel/workqueue.c that runs the work items a kworker takes (through
 * process_one_work(), which the compiler may inline into it), and of
 * klpj_target's klpj_sleeper.
 *
 * process_scheduled_works() is on the stack of whatever kworker runs a
 * work item.  A backend that retried its pending switches from a work
 * item would find its own kworker inside it at every attempt and never
 * switch this patch.
 *
 * The new function is the old one: a trampoline that executes the
 * instruction the slot replaces (the old entry's PACIASP) and continues
 * in the old function right after the slot, so every work item runs
 * exactly as before.  It counts its calls.  This needs the slot to be a
 * PACIASP preceded only by a landing pad and ftrace's patchable entry;
 * the pre-patch callback checks the old entry and refuses the patch with
 * -ENODEV otherwise.
 *
 * The new klpj_sleeper only lets a test hold the first attempt back with
 * a task in the old one, so that the switch is retried.
 *
 * /sys/module/klpj_pow/parameters/calls: calls of the new
 * process_scheduled_works so far.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/linkage.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "klpj_values.h"

#define KLPJ_N			7

#define KLPJ_INSN_BTI_C		0xd503245fU
#define KLPJ_INSN_PACIASP	0xd503233fU
#define KLPJ_INSN_NOP		0xd503201fU
#define KLPJ_INSN_MOV_X9_LR	0xaa1e03e9U
#define KLPJ_INSN_BL		0x94000000U
#define KLPJ_INSN_BL_MASK	0xfc000000U

/* Where the trampoline continues in the old function; read by its asm. */
unsigned long klpj_pow_resume;
/* Calls of the trampoline; a racy count, enough to tell it ran. */
unsigned long klpj_pow_calls;
module_param_named(calls, klpj_pow_calls, ulong, 0444);

asmlinkage void klpj_pow_new(void);

/*
 * BTI C: a veneer reaches it with BR x16.  Then the PACIASP of the old
 * entry, which the slot replaced, with the same SP and LR.  RET x16
 * continues at the instruction after the slot: unlike BR it needs no
 * landing pad there.  x16 and x17 are free at a function entry.
 */
asm(".pushsection .text, \"ax\", %progbits\n"
	"	.balign	8\n"
	"	.globl	klpj_pow_new\n"
	"	.type	klpj_pow_new, %function\n"
	"klpj_pow_new:\n"
	"	hint	34\n"	/* BTI C */
	"	hint	25\n"	/* PACIASP */
	"	adrp	x16, klpj_pow_calls\n"
	"	ldr	x17, [x16, :lo12:klpj_pow_calls]\n"
	"	add	x17, x17, #1\n"
	"	str	x17, [x16, :lo12:klpj_pow_calls]\n"
	"	adrp	x16, klpj_pow_resume\n"
	"	ldr	x16, [x16, :lo12:klpj_pow_resume]\n"
	"	ret	x16\n"
	"	.size	klpj_pow_new, . - klpj_pow_new\n"
	".popsection\n");

static int klpj_pow_sleeper(int x)
{
	return x + KLPJ_VAL(KLPJ_SLEEPER_BASE, KLPJ_N);
}

static struct klp_func klpj_pow_vmlinux_funcs[] = {
	{ .old_name = "process_scheduled_works", .new_func = klpj_pow_new, },
	{ }
};

static struct klp_func klpj_pow_target_funcs[] = {
	{ .old_name = "klpj_sleeper", .new_func = klpj_pow_sleeper, },
	{ }
};

static bool klpj_pow_entry_insn(u32 insn)
{
	return insn == KLPJ_INSN_BTI_C || insn == KLPJ_INSN_NOP ||
	       insn == KLPJ_INSN_MOV_X9_LR ||
	       (insn & KLPJ_INSN_BL_MASK) == KLPJ_INSN_BL;
}

/*
 * The offset of the slot in the old entry when the slot is a PACIASP that
 * only a landing pad and ftrace's patchable entry precede, or -1.
 */
static int klpj_pow_slot(const __le32 *entry)
{
	int i;

	for (i = 0; i < 4; i++) {
		u32 insn = le32_to_cpu(entry[i]);

		if (insn == KLPJ_INSN_PACIASP)
			return i ? 4 * i : -1;
		if (!klpj_pow_entry_insn(insn))
			return -1;
	}
	return -1;
}

static int klpj_pow_pre_patch(struct klp_object *obj)
{
	unsigned long old = (unsigned long)obj->funcs[0].old_func;
	int slot;

	if (!old)
		return -ENODEV;
	slot = klpj_pow_slot((const __le32 *)old);
	if (slot < 0) {
		pr_info("entry of process_scheduled_works not supported\n");
		return -ENODEV;
	}
	WRITE_ONCE(klpj_pow_resume, old + slot + 4);
	return 0;
}

static struct klp_object klpj_pow_objs[] = {
	{
		.funcs = klpj_pow_vmlinux_funcs,
		.callbacks = { .pre_patch = klpj_pow_pre_patch, },
	},
	{ .name = "klpj_target", .funcs = klpj_pow_target_funcs, },
	{ }
};

static struct klp_patch klpj_pow_patch = {
	.mod = THIS_MODULE,
	.objs = klpj_pow_objs,
};

static int __init klpj_pow_init(void)
{
	return klp_enable_patch(&klpj_pow_patch);
}

static void __exit klpj_pow_exit(void)
{
}

module_init(klpj_pow_init);
module_exit(klpj_pow_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wo_ftrace selftest: patch of process_scheduled_works");
MODULE_INFO(livepatch, "Y");
