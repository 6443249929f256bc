// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_patch1 - first of three stackable patches of klpj_target.
 *
 * Every new function returns its original value plus 1 * KLPJ_STEP.  The
 * new klpj_nonleaf calls a helper, so it starts with PACIASP like the old
 * one: a near target is reached by one B that skips the new PACIASP.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>

#include "klpj_values.h"

#define KLPJ_N	1

static noinline __noipa int klpj_p1_helper(int x)
{
	asm volatile("" : "+r" (x));
	return x;
}

static int klpj_p1_nonleaf(int x)
{
	return klpj_p1_helper(x) + KLPJ_VAL(KLPJ_NONLEAF_BASE, KLPJ_N);
}

static int klpj_p1_leaf(int x)
{
	return x + KLPJ_VAL(KLPJ_LEAF_BASE, KLPJ_N);
}

static int klpj_p1_tiny(void)
{
	return KLPJ_VAL(KLPJ_TINY_BASE, KLPJ_N);
}

static int klpj_p1_bare(int x)
{
	return x + KLPJ_VAL(KLPJ_BARE_BASE, KLPJ_N);
}

static int klpj_p1_sleeper(int x)
{
	return x + KLPJ_VAL(KLPJ_SLEEPER_BASE, KLPJ_N);
}

static int klpj_p1_spinner(int x)
{
	return x + KLPJ_VAL(KLPJ_SPINNER_BASE, KLPJ_N);
}

static struct klp_func klpj_p1_funcs[] = {
	{ .old_name = "klpj_nonleaf", .new_func = klpj_p1_nonleaf, },
	{ .old_name = "klpj_leaf", .new_func = klpj_p1_leaf, },
	{ .old_name = "klpj_tiny", .new_func = klpj_p1_tiny, },
	{ .old_name = "klpj_bare", .new_func = klpj_p1_bare, },
	{ .old_name = "klpj_sleeper", .new_func = klpj_p1_sleeper, },
	{ .old_name = "klpj_spinner", .new_func = klpj_p1_spinner, },
	{ }
};

static struct klp_object klpj_p1_objs[] = {
	{ .name = "klpj_target", .funcs = klpj_p1_funcs, },
	{ }
};

static struct klp_patch klpj_p1_patch = {
	.mod = THIS_MODULE,
	.objs = klpj_p1_objs,
};

static int __init klpj_p1_init(void)
{
	return klp_enable_patch(&klpj_p1_patch);
}

static void __exit klpj_p1_exit(void)
{
}

module_init(klpj_p1_init);
module_exit(klpj_p1_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wo_ftrace selftest: patch 1 of klpj_target");
MODULE_INFO(livepatch, "Y");
