// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_bad_prepatch - a pre_patch callback that fails with -EIO: the
 * patch is refused with that errno (core).
 */

#include "klpj_bad.h"

static int klpj_bad_pre_patch(struct klp_object *obj)
{
	return -EIO;
}

static struct klp_func klpj_bad_funcs[] = {
	{ .old_name = "klpj_bad_plain", .new_func = klpj_bad_new, },
	{ }
};

static struct klp_object klpj_bad_objs[] = {
	{
		.name = "klpj_bad_target",
		.funcs = klpj_bad_funcs,
		.callbacks = { .pre_patch = klpj_bad_pre_patch, },
	},
	{ }
};

#include "klpj_bad_module.h"
