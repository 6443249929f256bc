/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Module boilerplate of a malformed patch: included at the end of a
 * klpj_bad_*.c file, after klpj_bad_objs[] (see klpj_bad.h).
 */
#ifndef _KLPJ_BAD_MODULE_H
#define _KLPJ_BAD_MODULE_H

#ifdef KLPJ_BAD_STATES
static struct klp_state klpj_bad_states[] = KLPJ_BAD_STATES;
#endif

static struct klp_patch klpj_bad_patch = {
	.mod = THIS_MODULE,
	.objs = klpj_bad_objs,
#ifdef KLPJ_BAD_STATES
	.states = klpj_bad_states,
#endif
#ifdef KLPJ_BAD_REPLACE
	.replace = true,
#endif
};

static int __init klpj_bad_init(void)
{
	return klp_enable_patch(&klpj_bad_patch);
}

static void __exit klpj_bad_exit(void)
{
}

module_init(klpj_bad_init);
module_exit(klpj_bad_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wo_ftrace selftest: a malformed live patch");
MODULE_INFO(livepatch, "Y");

#endif
