/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Return values shared by klpj_target and the klpj_patch* modules.
 *
 * Every patched function returns "base + N * KLPJ_STEP" (plus its argument
 * where it has one), where N is 0 for the original code of klpj_target,
 * 1..3 for klpj_patch1..3 and 9 for klpj_replace.  A test can thus tell
 * from any single result which version of a function ran.
 */
#ifndef _KLPJ_VALUES_H
#define _KLPJ_VALUES_H

#define KLPJ_STEP		10000

#define KLPJ_NONLEAF_BASE	1000
#define KLPJ_LEAF_BASE		1
#define KLPJ_TINY_BASE		7
#define KLPJ_BARE_BASE		5
#define KLPJ_SLEEPER_BASE	11
#define KLPJ_SPINNER_BASE	13

#define KLPJ_REPLACE_N		9

#define KLPJ_VAL(base, n)	((base) + (n) * KLPJ_STEP)

#endif /* _KLPJ_VALUES_H */
