// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_vmlinux - live patch of a vmlinux function, cmdline_proc_show().
 *
 * /proc/cmdline then reads "klpj patched cmdline".  The old function is in
 * the kernel image and the new one in this module, which the module loader
 * may place more than the +/-128 MB reach of one B away: then the backend
 * has to go through a veneer.  /sys/kernel/debug/klpj_vmlinux/ shows what
 * the backend wrote:
 *
 *   distance	old=<addr> new=<addr> distance=<bytes> far=<0|1>
 *		(far: distance >= 128 MiB)
 *   slot_off	where the backend's slot is: "off=<bytes> ftrace=<0|1>"; after
 *		PACIASP or BTI C, or after ftrace's patchable entry
 *		(BTI C; MOV x9, x30; NOP) when the kernel has the function
 *		tracer - the rule of Documentation/livepatch/wo-ftrace.rst
 *   slot	the instruction now at old + off, 8 hex digits
 *   slot_orig	the same instruction as it was before the patch was enabled
 *   veneer	when the slot is a B: "target=<addr> words=<8 words>", the
 *		first 32 bytes at its destination; otherwise "none"
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>

#define KLPJ_BTI_C		0xd503245fU
#define KLPJ_PACIASP		0xd503233fU
#define KLPJ_MOV_X9_X30		0xaa1e03e9U
#define KLPJ_B_MASK		0xfc000000U
#define KLPJ_B_OPCODE		0x14000000U
#define KLPJ_VENEER_WORDS	8

static struct dentry *klpj_vm_dir;
static unsigned long klpj_vm_old;
static unsigned int klpj_vm_slot_off;
static bool klpj_vm_ftrace;
static u32 klpj_vm_slot_orig;
static bool klpj_vm_have_orig;

static int klpj_vm_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", "klpj patched cmdline");
	return 0;
}

static u32 klpj_vm_read_insn(unsigned long addr)
{
	__le32 insn;

	if (copy_from_kernel_nofault(&insn, (void *)addr, sizeof(insn)))
		return 0;
	return le32_to_cpu(insn);
}

/*
 * The slot the backend replaces, found from the entry as it is before the
 * patch: after a landing pad, and after ftrace's MOV x9, x30 and call site
 * when ftrace prepared the entry.
 */
static void klpj_vm_find_slot(unsigned long addr)
{
	unsigned int off = 0;

	if (klpj_vm_read_insn(addr) == KLPJ_BTI_C)
		off = 4;
	if (klpj_vm_read_insn(addr + off) == KLPJ_MOV_X9_X30) {
		klpj_vm_ftrace = true;
		off += 8;
	} else if (!off && klpj_vm_read_insn(addr) == KLPJ_PACIASP) {
		off = 4;
	}
	klpj_vm_slot_off = off;
}

/* The core has resolved old_func but not touched its text yet. */
static int klpj_vm_pre_patch(struct klp_object *obj)
{
	klpj_vm_old = (unsigned long)obj->funcs[0].old_func;
	klpj_vm_find_slot(klpj_vm_old);
	klpj_vm_slot_orig = klpj_vm_read_insn(klpj_vm_old + klpj_vm_slot_off);
	klpj_vm_have_orig = true;
	return 0;
}

static struct klp_func klpj_vm_funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = klpj_vm_cmdline_proc_show,
	}, { }
};

static struct klp_object klpj_vm_objs[] = {
	{
		/* NULL name: vmlinux */
		.funcs = klpj_vm_funcs,
		.callbacks = { .pre_patch = klpj_vm_pre_patch, },
	}, { }
};

static struct klp_patch klpj_vm_patch = {
	.mod = THIS_MODULE,
	.objs = klpj_vm_objs,
};

static int klpj_vm_distance_show(struct seq_file *m, void *v)
{
	unsigned long new = (unsigned long)klpj_vm_cmdline_proc_show;
	unsigned long dist = new > klpj_vm_old ? new - klpj_vm_old :
						 klpj_vm_old - new;

	seq_printf(m, "old=0x%lx new=0x%lx distance=%lu far=%d\n",
		   klpj_vm_old, new, dist, dist >= SZ_128M);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klpj_vm_distance);

static int klpj_vm_slot_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%08x\n",
		   klpj_vm_read_insn(klpj_vm_old + klpj_vm_slot_off));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klpj_vm_slot);

static int klpj_vm_slot_off_show(struct seq_file *m, void *v)
{
	seq_printf(m, "off=%u ftrace=%d\n", klpj_vm_slot_off, klpj_vm_ftrace);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klpj_vm_slot_off);

static int klpj_vm_slot_orig_show(struct seq_file *m, void *v)
{
	if (klpj_vm_have_orig)
		seq_printf(m, "%08x\n", klpj_vm_slot_orig);
	else
		seq_puts(m, "unknown\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klpj_vm_slot_orig);

static int klpj_vm_veneer_show(struct seq_file *m, void *v)
{
	unsigned long slot = klpj_vm_old + klpj_vm_slot_off, target;
	u32 insn = klpj_vm_read_insn(slot);
	int i;

	if ((insn & KLPJ_B_MASK) != KLPJ_B_OPCODE) {
		seq_puts(m, "none\n");
		return 0;
	}
	target = slot + ((long)sign_extend32(insn & ~KLPJ_B_MASK, 25) << 2);
	seq_printf(m, "target=0x%lx words=", target);
	for (i = 0; i < KLPJ_VENEER_WORDS; i++)
		seq_printf(m, "%s%08x", i ? " " : "",
			   klpj_vm_read_insn(target + 4 * i));
	seq_putc(m, '\n');
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klpj_vm_veneer);

static int __init klpj_vm_init(void)
{
	int ret;

	ret = klp_enable_patch(&klpj_vm_patch);
	if (ret)
		return ret;
	/* Filled in by the core; kept here as the core may clear it later. */
	klpj_vm_old = (unsigned long)klpj_vm_funcs[0].old_func;

	klpj_vm_dir = debugfs_create_dir("klpj_vmlinux", NULL);
	debugfs_create_file("distance", 0444, klpj_vm_dir, NULL,
			    &klpj_vm_distance_fops);
	debugfs_create_file("slot", 0444, klpj_vm_dir, NULL,
			    &klpj_vm_slot_fops);
	debugfs_create_file("slot_off", 0444, klpj_vm_dir, NULL,
			    &klpj_vm_slot_off_fops);
	debugfs_create_file("slot_orig", 0444, klpj_vm_dir, NULL,
			    &klpj_vm_slot_orig_fops);
	debugfs_create_file("veneer", 0444, klpj_vm_dir, NULL,
			    &klpj_vm_veneer_fops);
	return 0;
}

static void __exit klpj_vm_exit(void)
{
	debugfs_remove_recursive(klpj_vm_dir);
}

module_init(klpj_vm_init);
module_exit(klpj_vm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wo_ftrace selftest: patch of cmdline_proc_show, near or far");
MODULE_INFO(livepatch, "Y");
