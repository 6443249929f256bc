// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_newbusy - a patch of klpj_target's klpj_sleeper whose new function
 * can hold a task, so that disabling the patch finds a task inside the
 * new function rather than the old one.
 *
 * /sys/module/klpj_newbusy/parameters/hold (bool, 0644): while set, a
 * call of klpj_sleeper stays in klpj_nb_sleeper, sleeping.
 * /sys/module/klpj_newbusy/parameters/inside (int, 0444): the number of
 * tasks in klpj_nb_sleeper.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "klpj_values.h"

#define KLPJ_N	8

static bool klpj_nb_hold;
module_param_named(hold, klpj_nb_hold, bool, 0644);
static int klpj_nb_inside;
module_param_named(inside, klpj_nb_inside, int, 0444);
static atomic_t klpj_nb_count = ATOMIC_INIT(0);

static noinline int klpj_nb_sleeper(int x)
{
	WRITE_ONCE(klpj_nb_inside, atomic_inc_return(&klpj_nb_count));
	while (READ_ONCE(klpj_nb_hold))
		msleep(20);
	WRITE_ONCE(klpj_nb_inside, atomic_dec_return(&klpj_nb_count));
	return x + KLPJ_VAL(KLPJ_SLEEPER_BASE, KLPJ_N);
}

static struct klp_func klpj_nb_funcs[] = {
	{ .old_name = "klpj_sleeper", .new_func = klpj_nb_sleeper, },
	{ }
};

static struct klp_object klpj_nb_objs[] = {
	{ .name = "klpj_target", .funcs = klpj_nb_funcs, },
	{ }
};

static struct klp_patch klpj_nb_patch = {
	.mod = THIS_MODULE,
	.objs = klpj_nb_objs,
};

static int __init klpj_nb_init(void)
{
	return klp_enable_patch(&klpj_nb_patch);
}

static void __exit klpj_nb_exit(void)
{
}

module_init(klpj_nb_init);
module_exit(klpj_nb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wo_ftrace selftest: a task held in a new function");
MODULE_INFO(livepatch, "Y");
