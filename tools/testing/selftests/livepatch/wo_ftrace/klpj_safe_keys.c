// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_safe_keys - a live patch of klpj_target's klpj_leaf whose new
 * function holds jump labels: one on a static key of this module, one on
 * the static key of vmlinux's exported tracepoint module_get (through
 * trace_module_get_enabled()).  Toggling either key rewrites the new
 * function while the patch is in effect.
 *
 * klpj_leaf(x) returns x + KLPJ_VAL(KLPJ_LEAF_BASE, 5), plus 1000000 while
 * the own key is on and 2000000 while the tracepoint is enabled.
 *
 * /sys/kernel/debug/klpj_safe_keys/
 *   own	write 1/0: enable/disable the own key; read its state
 *   tp		write 1/0: register/unregister a probe on module_get, which
 *		enables/disables its key; read the state of the key.  Writes
 *		fail with EOPNOTSUPP without CONFIG_TRACEPOINTS.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <trace/events/module.h>

#include "klpj_values.h"

#define KLPJ_KEYS_N	5

static DEFINE_STATIC_KEY_FALSE(klpj_keys_own);
static DEFINE_MUTEX(klpj_keys_lock);
static struct dentry *klpj_keys_dir;
static bool klpj_keys_tp_on;

static int klpj_keys_leaf(int x)
{
	int v = x + KLPJ_VAL(KLPJ_LEAF_BASE, KLPJ_KEYS_N);

	if (static_branch_unlikely(&klpj_keys_own))
		v += 1000000;
	if (trace_module_get_enabled())
		v += 2000000;
	return v;
}

static void klpj_keys_probe(void *data, struct module *mod, unsigned long ip)
{
}

static int klpj_keys_set_tp(bool on)
{
	int ret = 0;

	if (!IS_ENABLED(CONFIG_TRACEPOINTS))
		return -EOPNOTSUPP;
	if (on && !klpj_keys_tp_on)
		ret = register_trace_module_get(klpj_keys_probe, NULL);
	else if (!on && klpj_keys_tp_on)
		ret = unregister_trace_module_get(klpj_keys_probe, NULL);
	if (!ret)
		klpj_keys_tp_on = on;
	return ret;
}

static int klpj_keys_own_get(void *data, u64 *val)
{
	*val = static_key_enabled(&klpj_keys_own);
	return 0;
}

static int klpj_keys_own_set(void *data, u64 val)
{
	if (val)
		static_branch_enable(&klpj_keys_own);
	else
		static_branch_disable(&klpj_keys_own);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(klpj_keys_own_fops, klpj_keys_own_get,
			 klpj_keys_own_set, "%llu\n");

static int klpj_keys_tp_get(void *data, u64 *val)
{
	*val = trace_module_get_enabled();
	return 0;
}

static int klpj_keys_tp_set(void *data, u64 val)
{
	int ret;

	mutex_lock(&klpj_keys_lock);
	ret = klpj_keys_set_tp(val);
	mutex_unlock(&klpj_keys_lock);
	return ret;
}
DEFINE_DEBUGFS_ATTRIBUTE(klpj_keys_tp_fops, klpj_keys_tp_get,
			 klpj_keys_tp_set, "%llu\n");

static struct klp_func klpj_keys_funcs[] = {
	{ .old_name = "klpj_leaf", .new_func = klpj_keys_leaf, },
	{ }
};

static struct klp_object klpj_keys_objs[] = {
	{ .name = "klpj_target", .funcs = klpj_keys_funcs, },
	{ }
};

static struct klp_patch klpj_keys_patch = {
	.mod = THIS_MODULE,
	.objs = klpj_keys_objs,
};

static int __init klpj_keys_init(void)
{
	klpj_keys_dir = debugfs_create_dir("klpj_safe_keys", NULL);
	if (IS_ERR(klpj_keys_dir))
		return PTR_ERR(klpj_keys_dir);
	debugfs_create_file_unsafe("own", 0600, klpj_keys_dir, NULL,
				   &klpj_keys_own_fops);
	debugfs_create_file_unsafe("tp", 0600, klpj_keys_dir, NULL,
				   &klpj_keys_tp_fops);
	return klp_enable_patch(&klpj_keys_patch);
}

static void __exit klpj_keys_exit(void)
{
	debugfs_remove_recursive(klpj_keys_dir);
	klpj_keys_set_tp(false);
	tracepoint_synchronize_unregister();
}

module_init(klpj_keys_init);
module_exit(klpj_keys_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wo_ftrace selftest: a live patch with static keys");
MODULE_INFO(livepatch, "Y");
