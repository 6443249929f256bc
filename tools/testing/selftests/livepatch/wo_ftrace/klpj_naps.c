// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_naps - many kthreads that nap for a few microseconds, over and over,
 * inside one function, klpj_nap(): a hot sleeping function for
 * test-wo-ftrace-graphrace.sh to trace with function_graph while a
 * transition stays pending.  Each pre-check of the transition then walks
 * stacks whose tasks keep waking up, and whose graph return stack keeps
 * changing, while they are walked.
 *
 *   nr		(parameter) number of kthreads, 16 by default
 *   /sys/kernel/debug/klpj_naps/naps	naps taken so far (all kthreads)
 */

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>

static unsigned int nr = 16;
module_param(nr, uint, 0444);
MODULE_PARM_DESC(nr, "number of napping kthreads (1..64)");

static atomic_t klpj_naps_taken = ATOMIC_INIT(0);
static struct task_struct **klpj_nappers;
static struct dentry *klpj_naps_dir;

/* The traced function: every kthread sleeps here most of the time. */
static noinline __noipa int klpj_nap(int i)
{
	usleep_range(10, 30);
	atomic_inc(&klpj_naps_taken);
	return i + 1;
}

static int klpj_napper_fn(void *data)
{
	int i = 0;

	while (!kthread_should_stop())
		i = klpj_nap(i);
	return 0;
}

static void klpj_naps_stop(void)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (!IS_ERR_OR_NULL(klpj_nappers[i]))
			kthread_stop(klpj_nappers[i]);
}

static int __init klpj_naps_init(void)
{
	unsigned int i;

	if (!nr || nr > 64)
		return -EINVAL;
	klpj_nappers = kcalloc(nr, sizeof(*klpj_nappers), GFP_KERNEL);
	if (!klpj_nappers)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		klpj_nappers[i] = kthread_run(klpj_napper_fn, NULL,
					      "klpj_napper/%u", i);
		if (IS_ERR(klpj_nappers[i])) {
			int ret = PTR_ERR(klpj_nappers[i]);

			klpj_naps_stop();
			kfree(klpj_nappers);
			return ret;
		}
	}
	klpj_naps_dir = debugfs_create_dir("klpj_naps", NULL);
	debugfs_create_atomic_t("naps", 0444, klpj_naps_dir, &klpj_naps_taken);
	return 0;
}

static void __exit klpj_naps_exit(void)
{
	debugfs_remove_recursive(klpj_naps_dir);
	klpj_naps_stop();
	kfree(klpj_nappers);
}

module_init(klpj_naps_init);
module_exit(klpj_naps_exit);
MODULE_DESCRIPTION("kthreads napping in one function, for the wo_ftrace selftests");
MODULE_LICENSE("GPL");
