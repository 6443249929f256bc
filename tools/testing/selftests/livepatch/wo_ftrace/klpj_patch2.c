// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_patch2 - second of three stackable patches of klpj_target.
 *
 * Every new function returns its original value plus 2 * KLPJ_STEP.  Unlike
 * the other two patches, the new klpj_nonleaf is a leaf that does not sign
 * LR (it starts with BTI C): the old entry has already signed LR with
 * PACIASP, so the backend must route it through a veneer that runs AUTIASP
 * first.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>

#include "klpj_values.h"

#define KLPJ_N	2

static int klpj_p2_nonleaf(int x)
{
	return x + KLPJ_VAL(KLPJ_NONLEAF_BASE, KLPJ_N);
}

static int klpj_p2_leaf(int x)
{
	return x + KLPJ_VAL(KLPJ_LEAF_BASE, KLPJ_N);
}

static int klpj_p2_tiny(void)
{
	return KLPJ_VAL(KLPJ_TINY_BASE, KLPJ_N);
}

static int klpj_p2_bare(int x)
{
	return x + KLPJ_VAL(KLPJ_BARE_BASE, KLPJ_N);
}

static int klpj_p2_sleeper(int x)
{
	return x + KLPJ_VAL(KLPJ_SLEEPER_BASE, KLPJ_N);
}

static int klpj_p2_spinner(int x)
{
	return x + KLPJ_VAL(KLPJ_SPINNER_BASE, KLPJ_N);
}

static struct klp_func klpj_p2_funcs[] = {
	{ .old_name = "klpj_nonleaf", .new_func = klpj_p2_nonleaf, },
	{ .old_name = "klpj_leaf", .new_func = klpj_p2_leaf, },
	{ .old_name = "klpj_tiny", .new_func = klpj_p2_tiny, },
	{ .old_name = "klpj_bare", .new_func = klpj_p2_bare, },
	{ .old_name = "klpj_sleeper", .new_func = klpj_p2_sleeper, },
	{ .old_name = "klpj_spinner", .new_func = klpj_p2_spinner, },
	{ }
};

static struct klp_object klpj_p2_objs[] = {
	{ .name = "klpj_target", .funcs = klpj_p2_funcs, },
	{ }
};

static struct klp_patch klpj_p2_patch = {
	.mod = THIS_MODULE,
	.objs = klpj_p2_objs,
};

static int __init klpj_p2_init(void)
{
	return klp_enable_patch(&klpj_p2_patch);
}

static void __exit klpj_p2_exit(void)
{
}

module_init(klpj_p2_init);
module_exit(klpj_p2_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wo_ftrace selftest: patch 2 of klpj_target");
MODULE_INFO(livepatch, "Y");
