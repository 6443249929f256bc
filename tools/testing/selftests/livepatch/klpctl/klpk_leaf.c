// SPDX-License-Identifier: GPL-2.0-only
/* klpk_leaf - replaces klpj_target's klpj_leaf (test-klpctl.sh). */

#include "klpk.h"

static int klpk_leaf_new(int x)
{
	return x + KLPJ_VAL(KLPJ_LEAF_BASE, KLPK_N);
}

static struct klp_func klpk_leaf_funcs[] = {
	{ .old_name = "klpj_leaf", .new_func = klpk_leaf_new, },
	{ }
};

static struct klp_object klpk_leaf_objs[] = {
	{ .name = "klpj_target", .funcs = klpk_leaf_funcs, },
	{ }
};

static struct klp_patch klpk_leaf_patch = {
	.mod = THIS_MODULE,
	.objs = klpk_leaf_objs,
};

static int __init klpk_leaf_init(void)
{
	return klp_enable_patch(&klpk_leaf_patch);
}

static void __exit klpk_leaf_exit(void)
{
}

module_init(klpk_leaf_init);
module_exit(klpk_leaf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpctl selftest: patch of klpj_leaf with klp-build modinfo");
MODULE_INFO(livepatch, "Y");
MODULE_INFO(livepatch_func, "klpj_target:klpj_leaf");
MODULE_INFO(livepatch_build_id, KLPK_BUILD_ID);
