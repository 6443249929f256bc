// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpk_badid - a patch recorded as built against another kernel: its
 * livepatch_build_id matches no vmlinux, so klpctl refuses it before it is
 * loaded (test-klpctl.sh).
 */

#include "klpk.h"

static int klpk_badid_new(int x)
{
	return x + KLPJ_VAL(KLPJ_BARE_BASE, KLPK_N);
}

static struct klp_func klpk_badid_funcs[] = {
	{ .old_name = "klpj_bare", .new_func = klpk_badid_new, },
	{ }
};

static struct klp_object klpk_badid_objs[] = {
	{ .name = "klpj_target", .funcs = klpk_badid_funcs, },
	{ }
};

static struct klp_patch klpk_badid_patch = {
	.mod = THIS_MODULE,
	.objs = klpk_badid_objs,
};

static int __init klpk_badid_init(void)
{
	return klp_enable_patch(&klpk_badid_patch);
}

static void __exit klpk_badid_exit(void)
{
}

module_init(klpk_badid_init);
module_exit(klpk_badid_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpctl selftest: a patch for another kernel's build-id");
MODULE_INFO(livepatch, "Y");
MODULE_INFO(livepatch_func, "klpj_target:klpj_bare");
MODULE_INFO(livepatch_build_id, KLPK_OTHER_BUILD_ID);
