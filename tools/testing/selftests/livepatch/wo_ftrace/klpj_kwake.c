// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_kwake - a kthread that sleeps in the function klpj_kwake_patch
 * replaces and leaves it when woken, for test-wo-ftrace-kwake.sh.
 *
 * Not a livepatch.  The kthread calls klpj_kwake_wait(true), which sleeps
 * once, interruptibly, and returns on any wake-up: as a kthread that checks
 * why it woke does.  Nothing in this module wakes it but the "sleep" file;
 * so a kthread that leaves while the file still holds it was woken by
 * someone else (the backend's nudge of the tasks that hold a transition
 * back, kernel/livepatch/jump_signal.c).  After it leaves, it sleeps in
 * klpj_kwake_fn(), outside the patched function, until stopped.
 *
 * /sys/kernel/debug/klpj_kwake/
 *   call	read: klpj_kwake_wait(false), KLPJ_KWAKE_OLD or KLPJ_KWAKE_NEW
 *   sleep	write 1: start the kthread "klpj_kwake" in klpj_kwake_wait();
 *		write 0: release and stop it.  Read: "<kthread alive>
 *		<inside klpj_kwake_wait> <left while held>"
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

#include "klpj_kwake.h"

#define KLPJ_KWAKE_START_MS	5000

static bool klpj_kwake_hold;
static atomic_t klpj_kwake_inside;
static atomic_t klpj_kwake_left;
static struct task_struct *klpj_kwake_task;
static DEFINE_MUTEX(klpj_kwake_lock);
static struct dentry *klpj_kwake_dir;

/*
 * The function klpj_kwake_patch replaces.  @sleep: sleep once, until any
 * wake-up, unless the "sleep" file has already let go.
 */
static noinline __noipa int klpj_kwake_wait(bool sleep)
{
	if (!sleep)
		return KLPJ_KWAKE_OLD;
	atomic_inc(&klpj_kwake_inside);
	set_current_state(TASK_INTERRUPTIBLE);
	if (READ_ONCE(klpj_kwake_hold))
		schedule();
	__set_current_state(TASK_RUNNING);
	/* woken while still held: by someone other than this module */
	if (READ_ONCE(klpj_kwake_hold))
		atomic_inc(&klpj_kwake_left);
	atomic_dec(&klpj_kwake_inside);
	return KLPJ_KWAKE_OLD;
}

static int klpj_kwake_fn(void *data)
{
	klpj_kwake_wait(true);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static void klpj_kwake_stop(void)
{
	WRITE_ONCE(klpj_kwake_hold, false);
	if (klpj_kwake_task)
		kthread_stop(klpj_kwake_task);
	klpj_kwake_task = NULL;
}

/* Start the kthread; wait until it is inside klpj_kwake_wait(). */
static int klpj_kwake_start(void)
{
	struct task_struct *t;
	int ms;

	if (klpj_kwake_task)
		return -EBUSY;
	WRITE_ONCE(klpj_kwake_hold, true);
	atomic_set(&klpj_kwake_left, 0);
	t = kthread_run(klpj_kwake_fn, NULL, "klpj_kwake");
	if (IS_ERR(t)) {
		WRITE_ONCE(klpj_kwake_hold, false);
		return PTR_ERR(t);
	}
	klpj_kwake_task = t;
	for (ms = 0; ms < KLPJ_KWAKE_START_MS; ms++) {
		if (atomic_read(&klpj_kwake_inside))
			return 0;
		usleep_range(1000, 2000);
	}
	klpj_kwake_stop();
	return -ETIMEDOUT;
}

static int klpj_kwake_call_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%d\n", klpj_kwake_wait(false));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klpj_kwake_call);

static int klpj_kwake_sleep_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%d %d %d\n", !!READ_ONCE(klpj_kwake_task),
		   atomic_read(&klpj_kwake_inside),
		   atomic_read(&klpj_kwake_left));
	return 0;
}

static ssize_t klpj_kwake_sleep_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	bool on;
	int ret;

	ret = kstrtobool_from_user(ubuf, count, &on);
	if (ret)
		return ret;
	mutex_lock(&klpj_kwake_lock);
	if (on) {
		ret = klpj_kwake_start();
	} else {
		klpj_kwake_stop();
		ret = 0;
	}
	mutex_unlock(&klpj_kwake_lock);
	return ret ? ret : count;
}
DEFINE_SHOW_STORE_ATTRIBUTE(klpj_kwake_sleep);

static int __init klpj_kwake_init(void)
{
	klpj_kwake_dir = debugfs_create_dir("klpj_kwake", NULL);
	if (IS_ERR(klpj_kwake_dir))
		return PTR_ERR(klpj_kwake_dir);
	debugfs_create_file("call", 0444, klpj_kwake_dir, NULL,
			    &klpj_kwake_call_fops);
	debugfs_create_file("sleep", 0644, klpj_kwake_dir, NULL,
			    &klpj_kwake_sleep_fops);
	return 0;
}

static void __exit klpj_kwake_exit(void)
{
	debugfs_remove_recursive(klpj_kwake_dir);
	mutex_lock(&klpj_kwake_lock);
	klpj_kwake_stop();
	mutex_unlock(&klpj_kwake_lock);
}

module_init(klpj_kwake_init);
module_exit(klpj_kwake_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A kthread that leaves a patched function when woken");
