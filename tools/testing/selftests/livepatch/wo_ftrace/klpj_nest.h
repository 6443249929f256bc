/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by klpj_nest and klpj_nest_patch (test-wo-ftrace-tracers.sh).
 */
#ifndef _KLPJ_NEST_H
#define _KLPJ_NEST_H

/* What klpj_nest_outer(0) returns: original code, patched code. */
#define KLPJ_NEST_OLD	100
#define KLPJ_NEST_NEW	200

/* klpj_nest_outer(KLPJ_NEST_SPIN) spins in klpj_nest_leaf(). */
#define KLPJ_NEST_SPIN	2
/* klpj_nest_outer(KLPJ_NEST_BLOCK) waits interruptibly in klpj_nest_inner(). */
#define KLPJ_NEST_BLOCK	3

int klpj_nest_inner(int sleep);
int klpj_nest_leaf(void);

#endif /* _KLPJ_NEST_H */
