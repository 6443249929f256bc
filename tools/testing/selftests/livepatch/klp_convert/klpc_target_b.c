// SPDX-License-Identifier: GPL-2.0
/*
 * klpc_target, second file: the homonyms at position 2 (see
 * klpc_target_a.c).
 */
#include <linux/compiler.h>

#include "klpc_target.h"

static int klpc_counter __used = 200;

static noinline __used int klpc_helper(int x)
{
	return x + 2;
}

noinline int klpc_target_b(void)
{
	return klpc_helper(READ_ONCE(klpc_counter));
}
