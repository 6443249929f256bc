/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by klpj_nest and klpj_nest_patch (test-wo-ftrace-tracers.sh).
 */
#ifndef _KLPJ_NEST_H
#define _KLPJ_NEST_H

/* What klpj_nest_outer(0) returns: original code, patched code. */
#define KLPJ_NEST_OLD	100
#define KLPJ_NEST_NEW	200

int klpj_nest_inner(int sleep);

#endif /* _KLPJ_NEST_H */
