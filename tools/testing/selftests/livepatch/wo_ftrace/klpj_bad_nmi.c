// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_bad_nmi - a handler of NMI context (the IPI handler, which runs the
 * CPU stop, crash stop, backtrace and kgdb IPIs as pseudo-NMIs): -EINVAL.
 */

#include "klpj_bad.h"

static struct klp_func klpj_bad_funcs[] = {
	{ .old_name = "ipi_handler", .new_func = klpj_bad_new, },
	{ }
};

static struct klp_object klpj_bad_objs[] = {
	{ .funcs = klpj_bad_funcs, },
	{ }
};

#include "klpj_bad_module.h"
