// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpjb_blockpatch - live patch of klpjb_block (module klpjb_bench), the
 * function the blocker kthread of klpjb_bench sleeps in: while the blocker
 * is there, this patch stays pending (the latency rows of `make bench`).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>

/* Never called by the benchmark: only its presence matters. */
static noinline __noipa int klpjb_block_new(void)
{
	return 0;
}

static struct klp_func klpjb_bp_funcs[] = {
	{
		.old_name = "klpjb_block",
		.new_func = klpjb_block_new,
	}, { }
};

static struct klp_object klpjb_bp_objs[] = {
	{
		.name = "klpjb_bench",
		.funcs = klpjb_bp_funcs,
	}, { }
};

static struct klp_patch klpjb_bp_patch = {
	.mod = THIS_MODULE,
	.objs = klpjb_bp_objs,
};

static int __init klpjb_bp_init(void)
{
	return klp_enable_patch(&klpjb_bp_patch);
}

static void __exit klpjb_bp_exit(void)
{
}

module_init(klpjb_bp_init);
module_exit(klpjb_bp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wo_ftrace benchmark: patch of klpjb_block");
MODULE_INFO(livepatch, "Y");
