// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * livepatch-klp-convert.c - livepatch sample built through klp-convert
 *
 * Replaces cmdline_proc_show() so that /proc/cmdline reads
 *
 *   klp-convert sample: tainted=<N>; Linux version ...
 *
 * where <N> is the static variable tainted_mask of kernel/panic.c (the
 * value /proc/sys/kernel/tainted shows) and the rest is printed by the
 * static function version_proc_show() of fs/proc/version.c (the text of
 * /proc/version).  Neither is exported: the module refers to them as
 * plain externs and the final link (tools/klp-convert) turns those
 * references into livepatch relocations, resolved when the module loads.
 * See Documentation/livepatch/klp-convert.rst.
 *
 * Example:
 *
 * $ cat /proc/cmdline
 * <your cmdline>
 *
 * $ insmod livepatch-klp-convert.ko
 * $ cat /proc/cmdline
 * klp-convert sample: tainted=32768; Linux version 6.12...
 *
 * $ echo 0 > /sys/kernel/livepatch/livepatch_klp_convert/enabled
 * $ cat /proc/cmdline
 * <your cmdline>
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

#include "livepatch-klp-convert.h"

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "klp-convert sample: tainted=%lu; ",
		   READ_ONCE(tainted_mask));
	return version_proc_show(m, v);
}

static struct klp_func funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = livepatch_cmdline_proc_show,
	}, { }
};

static struct klp_object objs[] = {
	{
		/* name being NULL means vmlinux */
		.funcs = funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int livepatch_init(void)
{
	return klp_enable_patch(&patch);
}

static void livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);
MODULE_DESCRIPTION("Livepatch sample using static symbols of vmlinux through klp-convert");
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
