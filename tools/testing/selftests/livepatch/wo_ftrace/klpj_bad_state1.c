// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_bad_state1 - a valid patch of klpj_bad_plain with klp_state 17,
 * version 2: the base for klpj_bad_state2 and for the sysfs writes of
 * test-wo-ftrace-badinput.sh.
 */

#define KLPJ_BAD_STATES	{ { .id = 17, .version = 2 }, { } }

#include "klpj_bad.h"

static struct klp_func klpj_bad_funcs[] = {
	{ .old_name = "klpj_bad_plain", .new_func = klpj_bad_new, },
	{ }
};

static struct klp_object klpj_bad_objs[] = {
	{ .name = "klpj_bad_target", .funcs = klpj_bad_funcs, },
	{ }
};

#include "klpj_bad_module.h"
