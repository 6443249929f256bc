// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_nest - a caller and its callee, for test-wo-ftrace-tracers.sh.
 *
 * Not a livepatch.  klpj_nest_outer() calls klpj_nest_inner(), in which a
 * kthread can be made to sleep.  klpj_nest_patch replaces only the outer
 * function, so the sleeping kthread is inside the replaced code through a
 * single return address: the one that a tracer of the inner function
 * replaces with its trampoline (function_graph, kretprobe).
 *
 * /sys/kernel/debug/klpj_nest/
 *   call	read: klpj_nest_outer(0), KLPJ_NEST_OLD or KLPJ_NEST_NEW
 *   sleep	write 1: a kthread "klpj_nest" calls klpj_nest_outer(1) and
 *		sleeps in klpj_nest_inner(); write 0: it returns and exits.
 *		Read: "<kthread alive> <tasks in klpj_nest_inner>"
 */

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/wait.h>

#include "klpj_nest.h"

#define KLPJ_NEST_START_MS	5000

static DECLARE_WAIT_QUEUE_HEAD(klpj_nest_wq);
static bool klpj_nest_hold;
static atomic_t klpj_nest_inside;
static struct task_struct *klpj_nest_task;
static DEFINE_MUTEX(klpj_nest_lock);
static struct dentry *klpj_nest_dir;

/**
 * klpj_nest_inner() - the callee, which tracers are put on
 * @sleep:	sleep until released (the "sleep" file) when non-zero
 *
 * Exported for the new klpj_nest_outer() of klpj_nest_patch.
 *
 * Return: 0.
 */
noinline __noipa int klpj_nest_inner(int sleep)
{
	if (!sleep)
		return 0;
	atomic_inc(&klpj_nest_inside);
	wait_event_interruptible(klpj_nest_wq, !READ_ONCE(klpj_nest_hold));
	atomic_dec(&klpj_nest_inside);
	return 0;
}
EXPORT_SYMBOL_GPL(klpj_nest_inner);

/* The function that klpj_nest_patch replaces. */
static noinline __noipa int klpj_nest_outer(int sleep)
{
	return klpj_nest_inner(sleep) + KLPJ_NEST_OLD;
}

static int klpj_nest_fn(void *data)
{
	klpj_nest_outer(1);
	/* Stay until kthread_stop(), out of klpj_nest_outer. */
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static void klpj_nest_stop(void)
{
	WRITE_ONCE(klpj_nest_hold, false);
	wake_up_all(&klpj_nest_wq);
	if (klpj_nest_task)
		kthread_stop(klpj_nest_task);
	klpj_nest_task = NULL;
}

static int klpj_nest_start(void)
{
	struct task_struct *t;
	int ms;

	if (klpj_nest_task)
		return -EBUSY;
	WRITE_ONCE(klpj_nest_hold, true);
	t = kthread_run(klpj_nest_fn, NULL, "klpj_nest");
	if (IS_ERR(t))
		return PTR_ERR(t);
	klpj_nest_task = t;
	for (ms = 0; ms < KLPJ_NEST_START_MS; ms++) {
		if (atomic_read(&klpj_nest_inside))
			return 0;
		usleep_range(1000, 2000);
	}
	klpj_nest_stop();
	return -ETIMEDOUT;
}

static int klpj_nest_call_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%d\n", klpj_nest_outer(0));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klpj_nest_call);

static int klpj_nest_sleep_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%d %d\n", !!READ_ONCE(klpj_nest_task),
		   atomic_read(&klpj_nest_inside));
	return 0;
}

static ssize_t klpj_nest_sleep_write(struct file *file,
				     const char __user *ubuf, size_t count,
				     loff_t *ppos)
{
	bool on;
	int ret;

	ret = kstrtobool_from_user(ubuf, count, &on);
	if (ret)
		return ret;
	mutex_lock(&klpj_nest_lock);
	if (on)
		ret = klpj_nest_start();
	else
		klpj_nest_stop();
	mutex_unlock(&klpj_nest_lock);
	return ret ? ret : count;
}
DEFINE_SHOW_STORE_ATTRIBUTE(klpj_nest_sleep);

static int __init klpj_nest_init(void)
{
	klpj_nest_dir = debugfs_create_dir("klpj_nest", NULL);
	if (IS_ERR(klpj_nest_dir))
		return PTR_ERR(klpj_nest_dir);
	debugfs_create_file("call", 0444, klpj_nest_dir, NULL,
			    &klpj_nest_call_fops);
	debugfs_create_file("sleep", 0644, klpj_nest_dir, NULL,
			    &klpj_nest_sleep_fops);
	return 0;
}

static void __exit klpj_nest_exit(void)
{
	debugfs_remove_recursive(klpj_nest_dir);
	mutex_lock(&klpj_nest_lock);
	klpj_nest_stop();
	mutex_unlock(&klpj_nest_lock);
}

module_init(klpj_nest_init);
module_exit(klpj_nest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A caller and a callee to live patch under tracers");
