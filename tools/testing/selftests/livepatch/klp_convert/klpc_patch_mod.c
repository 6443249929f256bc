// SPDX-License-Identifier: GPL-2.0
/*
 * klpc_patch_mod: replaces klpc_target_show() of the klpc_target module
 * with a version using static symbols of that module: the homonyms
 * klpc_counter (position 2: klpc_target_b.c, 200) and klpc_helper
 * (position 1: klpc_target_a.c, x + 1), and the unique klpc_unique (7).
 * The references become .klp.rela.klpc_target sections, written whenever
 * klpc_target loads.  The "addrs" parameter shows the addresses the
 * relocations resolved to (only meaningful while klpc_target is loaded).
 */
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>

#include "klpc_statics.h"

KLP_SYMPOS_TABLE(klpc_target) = {
	KLP_SYMPOS(klpc_counter, 2),
	KLP_SYMPOS(klpc_helper, 1),
};

static int klpc_new_show(char *buf)
{
	return sysfs_emit(buf, "patched %d %d %d\n", READ_ONCE(klpc_counter),
			  klpc_helper(10), READ_ONCE(klpc_unique));
}

static int addrs_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lx %lx %lx\n", (unsigned long)&klpc_counter,
			  (unsigned long)klpc_helper,
			  (unsigned long)&klpc_unique);
}

static const struct kernel_param_ops addrs_ops = {
	.get = addrs_get,
};
module_param_cb(addrs, &addrs_ops, NULL, 0400);

static struct klp_func funcs[] = {
	{
		.old_name = "klpc_target_show",
		.new_func = klpc_new_show,
	}, { }
};

static struct klp_object objs[] = {
	{
		.name = "klpc_target",
		.funcs = funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init klpc_patch_mod_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit klpc_patch_mod_exit(void)
{
}

module_init(klpc_patch_mod_init);
module_exit(klpc_patch_mod_exit);
MODULE_DESCRIPTION("klp_convert selftest: static symbols of a module");
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
