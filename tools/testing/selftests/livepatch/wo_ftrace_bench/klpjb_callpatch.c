// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpjb_callpatch - live patch of klpjb_call (module klpjb_bench) with a
 * function of the same body, for the call-cost benchmark.  Once enabled,
 * the new function is published to klpjb_bench (KLPJB_PAIR_CALL).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>

#include "klpjb.h"

static noinline __noipa int klpjb_call_new(void *m, void *v)
{
	return klpjb_body(m, v);
}

static struct klp_func klpjb_cp_funcs[] = {
	{
		.old_name = "klpjb_call",
		.new_func = klpjb_call_new,
	}, { }
};

static struct klp_object klpjb_cp_objs[] = {
	{
		.name = "klpjb_bench",
		.funcs = klpjb_cp_funcs,
	}, { }
};

static struct klp_patch klpjb_cp_patch = {
	.mod = THIS_MODULE,
	.objs = klpjb_cp_objs,
};

static int __init klpjb_cp_init(void)
{
	int ret = klp_enable_patch(&klpjb_cp_patch);

	if (!ret)
		klpjb_register_pair(KLPJB_PAIR_CALL, klpjb_cp_funcs[0].old_func,
				    klpjb_call_new);
	return ret;
}

static void __exit klpjb_cp_exit(void)
{
	klpjb_register_pair(KLPJB_PAIR_CALL, NULL, NULL);
}

module_init(klpjb_cp_init);
module_exit(klpjb_cp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wo_ftrace benchmark: patch of klpjb_call");
MODULE_INFO(livepatch, "Y");
