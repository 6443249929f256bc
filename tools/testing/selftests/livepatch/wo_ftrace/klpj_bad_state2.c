// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_bad_state2 - klp_state 17 in version 1, older than the version 2
 * of klpj_bad_state1: not compatible, -EINVAL (core).
 */

#define KLPJ_BAD_STATES	{ { .id = 17, .version = 1 }, { } }

#include "klpj_bad.h"

static struct klp_func klpj_bad_funcs[] = {
	{ .old_name = "klpj_bad_dup", .new_func = klpj_bad_new, .old_sympos = 2, },
	{ }
};

static struct klp_object klpj_bad_objs[] = {
	{ .name = "klpj_bad_target", .funcs = klpj_bad_funcs, },
	{ }
};

#include "klpj_bad_module.h"
