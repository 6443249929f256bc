// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_bad_noobj - an object that is not loaded: accepted and deferred, as upstream.
 */

#include "klpj_bad.h"

static struct klp_func klpj_bad_funcs[] = {
	{ .old_name = "klpj_no_such_function", .new_func = klpj_bad_new, },
	{ }
};

static struct klp_object klpj_bad_objs[] = {
	{ .name = "klpj_no_such_module", .funcs = klpj_bad_funcs, },
	{ }
};

#include "klpj_bad_module.h"
