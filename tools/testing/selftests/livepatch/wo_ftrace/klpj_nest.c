// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_nest - a caller and its callees, for test-wo-ftrace-tracers.sh and
 * test-wo-ftrace-leaf.sh.
 *
 * Not a livepatch.  klpj_nest_outer() calls klpj_nest_inner(), in which a
 * kthread can be made to sleep, or klpj_nest_leaf(), in which it can be
 * made to spin.  klpj_nest_patch replaces only the outer function, so the
 * kthread is inside the replaced code through a single return address:
 * the one that a tracer of the callee replaces with its trampoline
 * (function_graph, kretprobe).  The leaf saves no frame record: while it
 * spins, that return address is only in x30, and the kthread is preempted
 * (by the stopper threads of stop_machine) with x30 in its pt_regs.
 *
 * /sys/kernel/debug/klpj_nest/
 *   call	read: klpj_nest_outer(0), KLPJ_NEST_OLD or KLPJ_NEST_NEW
 *   sleep	write 1: a kthread "klpj_nest" calls klpj_nest_outer(1) and
 *		sleeps in klpj_nest_inner(); write 0: it returns and exits.
 *		Read: "<kthread alive> <tasks in klpj_nest_inner>"
 *   spin	write 1: a kthread "klpj_nest" calls
 *		klpj_nest_outer(KLPJ_NEST_SPIN) and spins in klpj_nest_leaf();
 *		write 0: it returns and exits.
 *		Read: "<kthread alive> <kthread in klpj_nest_leaf>"
 *   block	write 1: a read of this file calls
 *		klpj_nest_outer(KLPJ_NEST_BLOCK), which waits interruptibly in
 *		klpj_nest_inner() (the read restarts on a signal: the task
 *		stays in the function); write 0: release the readers.  Read:
 *		what klpj_nest_outer() returned (test-wo-ftrace-signal.sh).
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
static bool klpj_nest_blocking;
static int klpj_nest_spin;
static int klpj_nest_spinning;
static atomic_t klpj_nest_inside;
static struct task_struct *klpj_nest_task;
static DEFINE_MUTEX(klpj_nest_lock);
static struct dentry *klpj_nest_dir;

/**
 * klpj_nest_inner() - the callee, which tracers are put on
 * @sleep:	0 to return at once, KLPJ_NEST_BLOCK to wait until the "block"
 *		file releases the task, else to sleep until the "sleep" file
 *		does
 *
 * Exported for the new klpj_nest_outer() of klpj_nest_patch.
 *
 * Return: 0, or -ERESTARTSYS when a signal ended a KLPJ_NEST_BLOCK wait.
 */
noinline __noipa int klpj_nest_inner(int sleep)
{
	int ret = 0;

	if (!sleep)
		return 0;
	atomic_inc(&klpj_nest_inside);
	if (sleep == KLPJ_NEST_BLOCK)
		ret = wait_event_interruptible(klpj_nest_wq,
					       !READ_ONCE(klpj_nest_blocking));
	else
		wait_event_interruptible(klpj_nest_wq,
					 !READ_ONCE(klpj_nest_hold));
	atomic_dec(&klpj_nest_inside);
	return ret;
}
EXPORT_SYMBOL_GPL(klpj_nest_inner);

/**
 * klpj_nest_leaf() - a callee that calls nothing, which tracers are put on
 *
 * Spins while the "spin" file holds it.  A leaf: no call, so no frame
 * record, and its return address stays in x30 (check the disassembly).
 * Not instrumented by KASAN, which would add calls.  Exported for the new
 * klpj_nest_outer() of klpj_nest_patch.
 *
 * Return: 0.
 */
noinline __noipa __no_sanitize_address int klpj_nest_leaf(void)
{
	WRITE_ONCE(klpj_nest_spinning, 1);
	while (READ_ONCE(klpj_nest_spin))
		cpu_relax();
	WRITE_ONCE(klpj_nest_spinning, 0);
	return 0;
}
EXPORT_SYMBOL_GPL(klpj_nest_leaf);

/* The function that klpj_nest_patch replaces. */
static noinline __noipa int klpj_nest_outer(int mode)
{
	int ret;

	if (mode == KLPJ_NEST_SPIN)
		return klpj_nest_leaf() + KLPJ_NEST_OLD;
	ret = klpj_nest_inner(mode);
	return ret < 0 ? ret : ret + KLPJ_NEST_OLD;
}

static int klpj_nest_fn(void *data)
{
	klpj_nest_outer((long)data);
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
	WRITE_ONCE(klpj_nest_spin, 0);
	wake_up_all(&klpj_nest_wq);
	if (klpj_nest_task)
		kthread_stop(klpj_nest_task);
	klpj_nest_task = NULL;
}

/* Start the kthread in klpj_nest_outer(@mode); wait until it is inside. */
static int klpj_nest_start(long mode)
{
	struct task_struct *t;
	int ms;

	if (klpj_nest_task)
		return -EBUSY;
	if (mode == KLPJ_NEST_SPIN)
		WRITE_ONCE(klpj_nest_spin, 1);
	else
		WRITE_ONCE(klpj_nest_hold, true);
	t = kthread_run(klpj_nest_fn, (void *)mode, "klpj_nest");
	if (IS_ERR(t)) {
		klpj_nest_stop();
		return PTR_ERR(t);
	}
	klpj_nest_task = t;
	for (ms = 0; ms < KLPJ_NEST_START_MS; ms++) {
		if (mode == KLPJ_NEST_SPIN ? READ_ONCE(klpj_nest_spinning) :
					     atomic_read(&klpj_nest_inside))
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

static ssize_t klpj_nest_write(const char __user *ubuf, size_t count,
			       long mode)
{
	bool on;
	int ret;

	ret = kstrtobool_from_user(ubuf, count, &on);
	if (ret)
		return ret;
	mutex_lock(&klpj_nest_lock);
	if (on)
		ret = klpj_nest_start(mode);
	else
		klpj_nest_stop();
	mutex_unlock(&klpj_nest_lock);
	return ret ? ret : count;
}

static ssize_t klpj_nest_sleep_write(struct file *file,
				     const char __user *ubuf, size_t count,
				     loff_t *ppos)
{
	return klpj_nest_write(ubuf, count, 1);
}
DEFINE_SHOW_STORE_ATTRIBUTE(klpj_nest_sleep);

static int klpj_nest_spin_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%d %d\n", !!READ_ONCE(klpj_nest_task),
		   READ_ONCE(klpj_nest_spinning));
	return 0;
}

static ssize_t klpj_nest_spin_write(struct file *file,
				    const char __user *ubuf, size_t count,
				    loff_t *ppos)
{
	return klpj_nest_write(ubuf, count, KLPJ_NEST_SPIN);
}
DEFINE_SHOW_STORE_ATTRIBUTE(klpj_nest_spin);

static ssize_t klpj_nest_block_read(struct file *file, char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	char buf[16];
	int v, len;

	if (*ppos)
		return 0;
	v = klpj_nest_outer(KLPJ_NEST_BLOCK);
	if (v < 0)
		return v;
	len = scnprintf(buf, sizeof(buf), "%d\n", v);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t klpj_nest_block_write(struct file *file,
				     const char __user *ubuf, size_t count,
				     loff_t *ppos)
{
	bool on;
	int ret;

	ret = kstrtobool_from_user(ubuf, count, &on);
	if (ret)
		return ret;
	WRITE_ONCE(klpj_nest_blocking, on);
	if (!on)
		wake_up_all(&klpj_nest_wq);
	return count;
}

static const struct file_operations klpj_nest_block_fops = {
	.owner = THIS_MODULE,
	.read = klpj_nest_block_read,
	.write = klpj_nest_block_write,
};

static int __init klpj_nest_init(void)
{
	klpj_nest_dir = debugfs_create_dir("klpj_nest", NULL);
	if (IS_ERR(klpj_nest_dir))
		return PTR_ERR(klpj_nest_dir);
	debugfs_create_file("call", 0444, klpj_nest_dir, NULL,
			    &klpj_nest_call_fops);
	debugfs_create_file("sleep", 0644, klpj_nest_dir, NULL,
			    &klpj_nest_sleep_fops);
	debugfs_create_file("spin", 0644, klpj_nest_dir, NULL,
			    &klpj_nest_spin_fops);
	debugfs_create_file("block", 0644, klpj_nest_dir, NULL,
			    &klpj_nest_block_fops);
	return 0;
}

static void __exit klpj_nest_exit(void)
{
	WRITE_ONCE(klpj_nest_blocking, false);
	wake_up_all(&klpj_nest_wq);
	debugfs_remove_recursive(klpj_nest_dir);
	mutex_lock(&klpj_nest_lock);
	klpj_nest_stop();
	mutex_unlock(&klpj_nest_lock);
}

module_init(klpj_nest_init);
module_exit(klpj_nest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A caller and a callee to live patch under tracers");
