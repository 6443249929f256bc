// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpjb_farpatch - live patch of cmdline_proc_show (vmlinux) with a
 * function of the benchmark body, for the cost of a call through a far
 * veneer: on a kernel that places modules anywhere in a 2 GB window
 * (RANDOMIZE_MODULE_REGION_FULL) the new function is usually beyond the
 * +/-128 MB reach of a B.  While enabled, /proc/cmdline reads empty.
 * Once enabled, both functions are published to klpjb_bench
 * (KLPJB_PAIR_FAR); klpjb_bench's "route" tells whether a veneer is used.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>

#include "klpjb.h"

/* The signature of a seq_file show(), as klpjb_fn_t. */
static noinline __noipa int klpjb_far_new(void *m, void *v)
{
	return klpjb_body(m, v);
}

static struct klp_func klpjb_fp_funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = klpjb_far_new,
	}, { }
};

static struct klp_object klpjb_fp_objs[] = {
	{
		/* NULL name: vmlinux */
		.funcs = klpjb_fp_funcs,
	}, { }
};

static struct klp_patch klpjb_fp_patch = {
	.mod = THIS_MODULE,
	.objs = klpjb_fp_objs,
};

static int __init klpjb_fp_init(void)
{
	int ret = klp_enable_patch(&klpjb_fp_patch);

	if (!ret)
		klpjb_register_pair(KLPJB_PAIR_FAR, klpjb_fp_funcs[0].old_func,
				    klpjb_far_new);
	return ret;
}

static void __exit klpjb_fp_exit(void)
{
	klpjb_register_pair(KLPJB_PAIR_FAR, NULL, NULL);
}

module_init(klpjb_fp_init);
module_exit(klpjb_fp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wo_ftrace benchmark: far patch of cmdline_proc_show");
MODULE_INFO(livepatch, "Y");
