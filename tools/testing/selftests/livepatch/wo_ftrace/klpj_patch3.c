// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_patch3 - third of three stackable patches of klpj_target.
 *
 * Every new function returns its original value plus 3 * KLPJ_STEP.  The
 * new klpj_nonleaf calls a helper, so it starts with PACIASP like the old
 * one: a near target is reached by one B that skips the new PACIASP.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>

#include "klpj_values.h"

#define KLPJ_N	3

static noinline __noipa int klpj_p3_helper(int x)
{
	asm volatile("" : "+r" (x));
	return x;
}

static int klpj_p3_nonleaf(int x)
{
	return klpj_p3_helper(x) + KLPJ_VAL(KLPJ_NONLEAF_BASE, KLPJ_N);
}

static int klpj_p3_leaf(int x)
{
	return x + KLPJ_VAL(KLPJ_LEAF_BASE, KLPJ_N);
}

static int klpj_p3_tiny(void)
{
	return KLPJ_VAL(KLPJ_TINY_BASE, KLPJ_N);
}

static int klpj_p3_bare(int x)
{
	return x + KLPJ_VAL(KLPJ_BARE_BASE, KLPJ_N);
}

static int klpj_p3_sleeper(int x)
{
	return x + KLPJ_VAL(KLPJ_SLEEPER_BASE, KLPJ_N);
}

static int klpj_p3_spinner(int x)
{
	return x + KLPJ_VAL(KLPJ_SPINNER_BASE, KLPJ_N);
}

static struct klp_func klpj_p3_funcs[] = {
	{ .old_name = "klpj_nonleaf", .new_func = klpj_p3_nonleaf, },
	{ .old_name = "klpj_leaf", .new_func = klpj_p3_leaf, },
	{ .old_name = "klpj_tiny", .new_func = klpj_p3_tiny, },
	{ .old_name = "klpj_bare", .new_func = klpj_p3_bare, },
	{ .old_name = "klpj_sleeper", .new_func = klpj_p3_sleeper, },
	{ .old_name = "klpj_spinner", .new_func = klpj_p3_spinner, },
	{ }
};

static struct klp_object klpj_p3_objs[] = {
	{ .name = "klpj_target", .funcs = klpj_p3_funcs, },
	{ }
};

static struct klp_patch klpj_p3_patch = {
	.mod = THIS_MODULE,
	.objs = klpj_p3_objs,
};

static int __init klpj_p3_init(void)
{
	return klp_enable_patch(&klpj_p3_patch);
}

static void __exit klpj_p3_exit(void)
{
}

module_init(klpj_p3_init);
module_exit(klpj_p3_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wo_ftrace selftest: patch 3 of klpj_target");
MODULE_INFO(livepatch, "Y");
