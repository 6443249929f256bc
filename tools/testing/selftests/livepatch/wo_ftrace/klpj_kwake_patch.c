// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_kwake_patch - replaces klpj_kwake_wait() of klpj_kwake
 * (test-wo-ftrace-kwake.sh).  The new function never sleeps.
 */

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>

#include "klpj_kwake.h"

static int klpj_kwake_new_wait(bool sleep)
{
	return KLPJ_KWAKE_NEW;
}

static struct klp_func klpj_kwake_funcs[] = {
	{ .old_name = "klpj_kwake_wait", .new_func = klpj_kwake_new_wait, },
	{ }
};

static struct klp_object klpj_kwake_objs[] = {
	{ .name = "klpj_kwake", .funcs = klpj_kwake_funcs, },
	{ }
};

static struct klp_patch klpj_kwake_patch = {
	.mod = THIS_MODULE,
	.objs = klpj_kwake_objs,
};

static int __init klpj_kwake_patch_init(void)
{
	return klp_enable_patch(&klpj_kwake_patch);
}

static void __exit klpj_kwake_patch_exit(void)
{
}

module_init(klpj_kwake_patch_init);
module_exit(klpj_kwake_patch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wo_ftrace selftest: patch of klpj_kwake_wait");
MODULE_INFO(livepatch, "Y");
