// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_bad_modinit - an __init function of a module loaded later: the module is refused (-EINVAL).
 */

#include "klpj_bad.h"

static struct klp_func klpj_bad_funcs[] = {
	{ .old_name = "klpj_bad_late_setup", .new_func = klpj_bad_new, },
	{ }
};

static struct klp_object klpj_bad_objs[] = {
	{ .name = "klpj_bad_late", .funcs = klpj_bad_funcs, },
	{ }
};

#include "klpj_bad_module.h"
