// SPDX-License-Identifier: GPL-2.0
/*
 * klpc_target: module patched by klpc_patch_mod.  klpc_counter and
 * klpc_helper are defined here and in klpc_target_b.c: this file's come
 * first in the module's symbol table (position 1), klpc_target_b.c's
 * second (position 2).  /sys/module/klpc_target/parameters/value shows
 * what klpc_target_show() prints.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>

#include "klpc_target.h"

static int klpc_counter __used = 100;
static int klpc_unique __used = 7;

static noinline __used int klpc_helper(int x)
{
	return x + 1;
}

noinline int klpc_target_show(char *buf)
{
	return sysfs_emit(buf, "orig %d %d %d %d\n", READ_ONCE(klpc_counter),
			  klpc_helper(0), READ_ONCE(klpc_unique),
			  klpc_target_b());
}

static int value_get(char *buf, const struct kernel_param *kp)
{
	return klpc_target_show(buf);
}

static const struct kernel_param_ops value_ops = {
	.get = value_get,
};
module_param_cb(value, &value_ops, NULL, 0444);

MODULE_DESCRIPTION("Target of the klp_convert selftests");
MODULE_LICENSE("GPL");
