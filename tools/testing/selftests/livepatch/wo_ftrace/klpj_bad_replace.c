// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_bad_replace - a valid atomic replace, refused while another patch
 * is in transition: -EBUSY (core).
 */

#define KLPJ_BAD_REPLACE

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
