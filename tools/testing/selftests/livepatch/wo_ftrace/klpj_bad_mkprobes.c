// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_bad_mkprobes - a __kprobes function of a module: -EOPNOTSUPP.
 */

#include "klpj_bad.h"

static struct klp_func klpj_bad_funcs[] = {
	{ .old_name = "klpj_bad_kp", .new_func = klpj_bad_new, },
	{ }
};

static struct klp_object klpj_bad_objs[] = {
	{ .name = "klpj_bad_target", .funcs = klpj_bad_funcs, },
	{ }
};

#include "klpj_bad_module.h"
