// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_replace - atomic-replace patch of klpj_target.
 *
 * It replaces klpj_leaf only (result + KLPJ_REPLACE_N * KLPJ_STEP).  Being
 * an atomic replace, it takes over from every enabled patch: the other
 * functions they replaced get nop functions, i.e. go back to the original
 * code, and the replaced patches are disabled once the switch is done.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>

#include "klpj_values.h"

static int klpj_r_leaf(int x)
{
	return x + KLPJ_VAL(KLPJ_LEAF_BASE, KLPJ_REPLACE_N);
}

static struct klp_func klpj_r_funcs[] = {
	{ .old_name = "klpj_leaf", .new_func = klpj_r_leaf, },
	{ }
};

static struct klp_object klpj_r_objs[] = {
	{ .name = "klpj_target", .funcs = klpj_r_funcs, },
	{ }
};

static struct klp_patch klpj_r_patch = {
	.mod = THIS_MODULE,
	.objs = klpj_r_objs,
	.replace = true,
};

static int __init klpj_r_init(void)
{
	return klp_enable_patch(&klpj_r_patch);
}

static void __exit klpj_r_exit(void)
{
}

module_init(klpj_r_init);
module_exit(klpj_r_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wo_ftrace selftest: atomic replace of klpj_target's patches");
MODULE_INFO(livepatch, "Y");
