// SPDX-License-Identifier: GPL-2.0-only
/* klpk_tiny - replaces klpj_target's klpj_tiny (test-klpctl.sh). */

#include "klpk.h"

static int klpk_tiny_new(void)
{
	return KLPJ_VAL(KLPJ_TINY_BASE, KLPK_N);
}

static struct klp_func klpk_tiny_funcs[] = {
	{ .old_name = "klpj_tiny", .new_func = klpk_tiny_new, },
	{ }
};

static struct klp_object klpk_tiny_objs[] = {
	{ .name = "klpj_target", .funcs = klpk_tiny_funcs, },
	{ }
};

static struct klp_patch klpk_tiny_patch = {
	.mod = THIS_MODULE,
	.objs = klpk_tiny_objs,
};

static int __init klpk_tiny_init(void)
{
	return klp_enable_patch(&klpk_tiny_patch);
}

static void __exit klpk_tiny_exit(void)
{
}

module_init(klpk_tiny_init);
module_exit(klpk_tiny_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpctl selftest: patch of klpj_tiny with klp-build modinfo");
MODULE_INFO(livepatch, "Y");
MODULE_INFO(livepatch_func, "klpj_target:klpj_tiny");
MODULE_INFO(livepatch_build_id, KLPK_BUILD_ID);
