/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by klpj_kwake and klpj_kwake_patch (test-wo-ftrace-kwake.sh).
 */
#ifndef _KLPJ_KWAKE_H
#define _KLPJ_KWAKE_H

/* What klpj_kwake_wait(false) returns: original code, patched code. */
#define KLPJ_KWAKE_OLD	100
#define KLPJ_KWAKE_NEW	200

#endif /* _KLPJ_KWAKE_H */
