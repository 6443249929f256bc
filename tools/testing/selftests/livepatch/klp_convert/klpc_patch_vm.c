// SPDX-License-Identifier: GPL-2.0
/*
 * klpc_patch_vm: replaces loadavg_proc_show() so that /proc/loadavg
 * shows the addresses of static symbols of vmlinux as klp-convert
 * resolved them: c_start (a function defined twice: position 2),
 * dev_attr_modalias (data defined several times: position 4),
 * version_proc_show (unique) and the value of tainted_mask (unique).
 * The test compares them with /proc/kallsyms and /proc/sys/kernel/tainted.
 */
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "klpc_statics.h"

KLP_SYMPOS_TABLE(vmlinux) = {
	KLP_SYMPOS(c_start, 2),
	KLP_SYMPOS(dev_attr_modalias, 4),
};

static int klpc_loadavg_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "klpc %lx %lx %lx %lu\n", (unsigned long)c_start,
		   (unsigned long)&dev_attr_modalias,
		   (unsigned long)version_proc_show, READ_ONCE(tainted_mask));
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "loadavg_proc_show",
		.new_func = klpc_loadavg_proc_show,
	}, { }
};

static struct klp_object objs[] = {
	{
		.funcs = funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init klpc_patch_vm_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit klpc_patch_vm_exit(void)
{
}

module_init(klpc_patch_vm_init);
module_exit(klpc_patch_vm_exit);
MODULE_DESCRIPTION("klp_convert selftest: static symbols of vmlinux");
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
