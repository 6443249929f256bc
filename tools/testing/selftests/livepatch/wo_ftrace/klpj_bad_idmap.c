// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_bad_idmap - an idmap-text function: -EOPNOTSUPP.
 */

#include "klpj_bad.h"

static struct klp_func klpj_bad_funcs[] = {
	{ .old_name = "__cpu_setup", .new_func = klpj_bad_new, },
	{ }
};

static struct klp_object klpj_bad_objs[] = {
	{ .funcs = klpj_bad_funcs, },
	{ }
};

#include "klpj_bad_module.h"
