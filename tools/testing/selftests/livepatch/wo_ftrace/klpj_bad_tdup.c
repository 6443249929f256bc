// SPDX-License-Identifier: GPL-2.0-only
/*
 * Part of klpj_bad_target: the second static klpj_bad_dup() of the
 * module (see klpj_bad_tmain.c).
 */

#include <linux/compiler.h>

#include "klpj_bad_target.h"

static noinline __noipa int klpj_bad_dup(int x)
{
	return x + 250;
}

/**
 * klpj_bad_dup2_call() - call the klpj_bad_dup() of this file
 * @x:	its argument
 *
 * Return: what it returns.
 */
int klpj_bad_dup2_call(int x)
{
	return klpj_bad_dup(x);
}
