// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_nest_patch - replaces klpj_nest_outer() of klpj_nest.
 *
 * The new function calls the same klpj_nest_inner() and klpj_nest_leaf(),
 * so that a task can sleep or spin inside it too: disabling the patch must
 * then wait as enabling it did.
 */

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>

#include "klpj_nest.h"

static int klpj_nest_new_outer(int mode)
{
	int ret;

	if (mode == KLPJ_NEST_SPIN)
		return klpj_nest_leaf() + KLPJ_NEST_NEW;
	ret = klpj_nest_inner(mode);
	return ret < 0 ? ret : ret + KLPJ_NEST_NEW;
}

static struct klp_func klpj_nest_funcs[] = {
	{ .old_name = "klpj_nest_outer", .new_func = klpj_nest_new_outer, },
	{ }
};

static struct klp_object klpj_nest_objs[] = {
	{ .name = "klpj_nest", .funcs = klpj_nest_funcs, },
	{ }
};

static struct klp_patch klpj_nest_patch = {
	.mod = THIS_MODULE,
	.objs = klpj_nest_objs,
};

static int __init klpj_nest_patch_init(void)
{
	return klp_enable_patch(&klpj_nest_patch);
}

static void __exit klpj_nest_patch_exit(void)
{
}

module_init(klpj_nest_patch_init);
module_exit(klpj_nest_patch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wo_ftrace selftest: patch of klpj_nest_outer");
MODULE_INFO(livepatch, "Y");
