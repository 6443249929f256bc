// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_bad_noname - a function without old_name: -EINVAL (core).
 */

#include "klpj_bad.h"

static struct klp_func klpj_bad_funcs[] = {
	{ .new_func = klpj_bad_new, },
	{ }
};

static struct klp_object klpj_bad_objs[] = {
	{ .name = "klpj_bad_target", .funcs = klpj_bad_funcs, },
	{ }
};

#include "klpj_bad_module.h"
