// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_bad_nmibt - the NMI backtrace handler, nmi_cpu_backtrace(), which
 * is neither noinstr nor __kprobes text: -EINVAL.
 */

#include "klpj_bad.h"

static struct klp_func klpj_bad_funcs[] = {
	{ .old_name = "nmi_cpu_backtrace", .new_func = klpj_bad_new, },
	{ }
};

static struct klp_object klpj_bad_objs[] = {
	{ .funcs = klpj_bad_funcs, },
	{ }
};

#include "klpj_bad_module.h"
