// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpk_clash - replaces klpj_leaf as klpk_leaf does: klpctl refuses to load
 * it while klpk_leaf is loaded (test-klpctl.sh).
 */

#include "klpk.h"

static int klpk_clash_new(int x)
{
	return x + KLPJ_VAL(KLPJ_LEAF_BASE, KLPK_N + 1);
}

static struct klp_func klpk_clash_funcs[] = {
	{ .old_name = "klpj_leaf", .new_func = klpk_clash_new, },
	{ }
};

static struct klp_object klpk_clash_objs[] = {
	{ .name = "klpj_target", .funcs = klpk_clash_funcs, },
	{ }
};

static struct klp_patch klpk_clash_patch = {
	.mod = THIS_MODULE,
	.objs = klpk_clash_objs,
};

static int __init klpk_clash_init(void)
{
	return klp_enable_patch(&klpk_clash_patch);
}

static void __exit klpk_clash_exit(void)
{
}

module_init(klpk_clash_init);
module_exit(klpk_clash_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpctl selftest: a second patch of klpj_leaf");
MODULE_INFO(livepatch, "Y");
MODULE_INFO(livepatch_func, "klpj_target:klpj_leaf");
MODULE_INFO(livepatch_build_id, KLPK_BUILD_ID);
