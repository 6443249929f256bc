/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Common part of the malformed patches klpj_bad_*.c (see README and
 * test-wo-ftrace-badinput.sh).  A patch file includes this header, defines
 * klpj_bad_objs[] and, optionally before the include:
 *
 *   KLPJ_BAD_REPLACE	the patch is an atomic replace
 *   KLPJ_BAD_STATES	initializer of the patch's klp_state array
 *   KLPJ_BAD_PRE_PATCH	a pre_patch callback for the objects that use
 *			klpj_bad_callbacks
 *
 * then includes klpj_bad_module.h for the module boilerplate.
 */
#ifndef _KLPJ_BAD_H
#define _KLPJ_BAD_H

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>

/* The replacement of every target: never reached when refused. */
static noinline __maybe_unused int klpj_bad_new(int x)
{
	return x + 90000;
}

#endif
