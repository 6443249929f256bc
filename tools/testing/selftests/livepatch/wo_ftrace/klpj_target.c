// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_target - functions for the klpj_patch* modules to replace.
 *
 * Not a livepatch.  Each function has a different kind of entry, so that
 * the tests see every choice of the instruction that the direct-branch
 * backend (CONFIG_LIVEPATCH_WO_FTRACE) replaces:
 *
 *   klpj_nonleaf	calls another function: starts with PACIASP
 *   klpj_leaf		three instructions, also called through a pointer:
 *			BTI C; ADD; RET
 *   klpj_tiny		BTI C; MOV; RET, also called through a pointer
 *   klpj_bare		static, only ever called directly: GCC gives it no
 *			landing pad, so its first instruction is replaced
 *   klpj_sleeper	a kthread, or the process writing 2 to "sleep",
 *			can be made to sleep in it
 *   klpj_spinner	a kthread can be made to busy-loop in it, preemptible
 *
 * The interface is in /sys/kernel/debug/klpj_target/, see the README.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "klpj_values.h"

#define KLPJ_HAMMER_THREADS	4
#define KLPJ_HAMMER_FLUSH	1024
#define KLPJ_START_TIMEOUT_MS	5000

/* Patch numbers (see klpj_values.h) whose results count as "new". */
#define KLPJ_NONLEAF_NEW	(BIT(1) | BIT(2) | BIT(3))
#define KLPJ_LEAF_NEW		(BIT(1) | BIT(2) | BIT(3) | BIT(KLPJ_REPLACE_N))

static DEFINE_MUTEX(klpj_lock);
static struct dentry *klpj_dir;

/* ---------------------------------------------------------------------
 * The functions to patch
 */

/*
 * The functions to patch are noinline and take no part in IPA: GCC must
 * neither clone them (callers would then call the clone, not the symbol
 * that is patched) nor propagate what they return into their callers.
 */
static noinline __noipa int klpj_helper(int x)
{
	asm volatile("" : "+r" (x));
	return x;
}

static noinline __noipa int klpj_nonleaf(int x)
{
	return klpj_helper(x) + KLPJ_NONLEAF_BASE;
}

static noinline __noipa int klpj_leaf(int x)
{
	return x + KLPJ_LEAF_BASE;
}

static noinline __noipa int klpj_tiny(void)
{
	return KLPJ_TINY_BASE;
}

static noinline __noipa int klpj_bare(int x)
{
	return x + KLPJ_BARE_BASE;
}

/*
 * The address of klpj_bare without taking it in C: GCC gives a landing pad
 * to every function whose address is taken.
 */
static const void *klpj_bare_addr(void)
{
	const void *p;

	asm("adrp	%0, klpj_bare\n\t"
	    "add	%0, %0, :lo12:klpj_bare" : "=r" (p));
	return p;
}

static DECLARE_WAIT_QUEUE_HEAD(klpj_sleep_wq);
static bool klpj_sleep_flag;
static bool klpj_sleep_entered;

static atomic_t klpj_sleepers;

static noinline __noipa int klpj_sleeper(int x)
{
	atomic_inc(&klpj_sleepers);
	WRITE_ONCE(klpj_sleep_entered, true);
	wait_event_interruptible(klpj_sleep_wq, !READ_ONCE(klpj_sleep_flag));
	atomic_dec(&klpj_sleepers);
	return x + KLPJ_SLEEPER_BASE;
}

static bool klpj_spin_flag;
static bool klpj_spin_entered;

static noinline __noipa int klpj_spinner(int x)
{
	WRITE_ONCE(klpj_spin_entered, true);
	while (READ_ONCE(klpj_spin_flag))
		cpu_relax();
	return x + KLPJ_SPINNER_BASE;
}

/* Read with READ_ONCE(): the compiler must keep the indirect calls (BLR). */
static int (*klpj_nonleaf_ptr)(int) = klpj_nonleaf;
static int (*klpj_leaf_ptr)(int) = klpj_leaf;
static int (*klpj_tiny_ptr)(void) = klpj_tiny;

/* The argument of the calls made by "call", read with READ_ONCE(). */
static int klpj_call_arg;

/* ---------------------------------------------------------------------
 * Helpers
 */

/* Sleep until kthread_stop(); the threads below never return by themselves. */
static void klpj_wait_for_stop(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

static int klpj_wait_flag(bool *flag)
{
	int ms;

	for (ms = 0; ms < KLPJ_START_TIMEOUT_MS; ms++) {
		if (READ_ONCE(*flag))
			return 0;
		usleep_range(1000, 2000);
	}
	return -ETIMEDOUT;
}

static ssize_t klpj_get_uint(const char __user *ubuf, size_t count,
			     unsigned long *val)
{
	int ret = kstrtoul_from_user(ubuf, count, 0, val);

	return ret ? ret : count;
}

/* ---------------------------------------------------------------------
 * call: one call of each function, directly and through pointers
 */

static int klpj_call_show(struct seq_file *m, void *v)
{
	int x = READ_ONCE(klpj_call_arg);

	seq_printf(m, "nonleaf=%d leaf=%d leaf_ptr=%d tiny=%d nonleaf_ptr=%d tiny_ptr=%d bare=%d\n",
		   klpj_nonleaf(x), klpj_leaf(x), READ_ONCE(klpj_leaf_ptr)(x),
		   klpj_tiny(), READ_ONCE(klpj_nonleaf_ptr)(x), READ_ONCE(klpj_tiny_ptr)(),
		   klpj_bare(x));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klpj_call);

/* ---------------------------------------------------------------------
 * entry: the first KLPJ_ENTRY_WORDS instruction words of each function,
 * enough to hold BTI C, ftrace's patchable entry, PACIASP and the slot
 */
#define KLPJ_ENTRY_WORDS	6

static void klpj_show_entry(struct seq_file *m, const char *name,
			    const void *func)
{
	const __le32 *p = func;
	int i;

	seq_printf(m, "%s ", name);
	for (i = 0; i < KLPJ_ENTRY_WORDS; i++)
		seq_printf(m, "%08x", le32_to_cpu(READ_ONCE(p[i])));
	seq_putc(m, '\n');
}

static int klpj_entry_show(struct seq_file *m, void *v)
{
	klpj_show_entry(m, "klpj_nonleaf", klpj_nonleaf);
	klpj_show_entry(m, "klpj_leaf", klpj_leaf);
	klpj_show_entry(m, "klpj_tiny", klpj_tiny);
	klpj_show_entry(m, "klpj_bare", klpj_bare_addr());
	klpj_show_entry(m, "klpj_sleeper", klpj_sleeper);
	klpj_show_entry(m, "klpj_spinner", klpj_spinner);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klpj_entry);

/* ---------------------------------------------------------------------
 * sleep: a kthread sleeping inside klpj_sleeper
 */

static struct task_struct *klpj_sleep_task;

static int klpj_sleep_fn(void *data)
{
	klpj_sleeper(0);
	klpj_wait_for_stop();
	return 0;
}

static void klpj_sleep_stop(void)
{
	WRITE_ONCE(klpj_sleep_flag, false);
	wake_up_all(&klpj_sleep_wq);
	if (!klpj_sleep_task)
		return;
	kthread_stop(klpj_sleep_task);
	klpj_sleep_task = NULL;
}

static int klpj_sleep_start(void)
{
	struct task_struct *t;

	if (klpj_sleep_task)
		return -EBUSY;
	WRITE_ONCE(klpj_sleep_flag, true);
	WRITE_ONCE(klpj_sleep_entered, false);
	t = kthread_run(klpj_sleep_fn, NULL, "klpj_sleep");
	if (IS_ERR(t))
		return PTR_ERR(t);
	klpj_sleep_task = t;
	if (klpj_wait_flag(&klpj_sleep_entered)) {
		klpj_sleep_stop();
		return -ETIMEDOUT;
	}
	return 0;
}

static ssize_t klpj_sleep_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	unsigned long val;
	ssize_t ret = klpj_get_uint(ubuf, count, &val);

	if (ret < 0)
		return ret;
	if (val == 2) {
		/* The writer itself, until 0 is written; not under klpj_lock. */
		WRITE_ONCE(klpj_sleep_flag, true);
		klpj_sleeper(0);
		return ret;
	}
	mutex_lock(&klpj_lock);
	if (val) {
		int err = klpj_sleep_start();

		if (err)
			ret = err;
	} else {
		klpj_sleep_stop();
	}
	mutex_unlock(&klpj_lock);
	return ret;
}

static int klpj_sleep_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%d %d\n", !!READ_ONCE(klpj_sleep_task),
		   atomic_read(&klpj_sleepers));
	return 0;
}

DEFINE_SHOW_STORE_ATTRIBUTE(klpj_sleep);

/* ---------------------------------------------------------------------
 * spin: a kthread busy-looping inside klpj_spinner
 */

static struct task_struct *klpj_spin_task;

static int klpj_spin_fn(void *data)
{
	klpj_spinner(0);
	klpj_wait_for_stop();
	return 0;
}

static void klpj_spin_stop(void)
{
	if (!klpj_spin_task)
		return;
	WRITE_ONCE(klpj_spin_flag, false);
	kthread_stop(klpj_spin_task);
	klpj_spin_task = NULL;
}

/*
 * @fifo: the kthread runs SCHED_FIFO, so that no other task preempts it:
 * it is on its CPU whenever the stack check looks, until stop_machine's
 * stopper takes the CPU.
 */
static int klpj_spin_start(bool fifo)
{
	struct task_struct *t;

	if (klpj_spin_task)
		return -EBUSY;
	WRITE_ONCE(klpj_spin_flag, true);
	WRITE_ONCE(klpj_spin_entered, false);
	t = kthread_create(klpj_spin_fn, NULL, "klpj_spin");
	if (IS_ERR(t))
		return PTR_ERR(t);
	if (fifo)
		sched_set_fifo_low(t);
	wake_up_process(t);
	klpj_spin_task = t;
	if (klpj_wait_flag(&klpj_spin_entered)) {
		klpj_spin_stop();
		return -ETIMEDOUT;
	}
	return 0;
}

static ssize_t klpj_spin_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	unsigned long val;
	ssize_t ret = klpj_get_uint(ubuf, count, &val);

	if (ret < 0)
		return ret;
	mutex_lock(&klpj_lock);
	if (val) {
		int err = klpj_spin_start(val == 2);

		if (err)
			ret = err;
	} else {
		klpj_spin_stop();
	}
	mutex_unlock(&klpj_lock);
	return ret;
}

static int klpj_spin_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%d\n", !!READ_ONCE(klpj_spin_task));
	return 0;
}

DEFINE_SHOW_STORE_ATTRIBUTE(klpj_spin);

/* ---------------------------------------------------------------------
 * hammer: one kthread per CPU 0..3 calling klpj_nonleaf and klpj_leaf
 */

static struct task_struct *klpj_hammer_tasks[KLPJ_HAMMER_THREADS];
static unsigned long klpj_hammer_iters;
static atomic_t klpj_hammer_running;
static atomic64_t klpj_hammer_calls, klpj_hammer_old, klpj_hammer_new,
		  klpj_hammer_bad;

enum { KLPJ_OLD, KLPJ_NEW, KLPJ_BAD, KLPJ_NR_KINDS };

/*
 * @delta is the result minus the argument: base + N * KLPJ_STEP, where N
 * is 0 for the original code and a bit of @new_mask for a patch.
 */
static void klpj_classify(u64 *cnt, int delta, int base,
			  unsigned long new_mask)
{
	int n;

	delta -= base;
	if (!delta) {
		cnt[KLPJ_OLD]++;
		return;
	}
	n = delta / KLPJ_STEP;
	if (delta % KLPJ_STEP == 0 && n > 0 && n < BITS_PER_LONG &&
	    (new_mask & BIT(n)))
		cnt[KLPJ_NEW]++;
	else
		cnt[KLPJ_BAD]++;
}

static void klpj_hammer_flush(u64 *cnt, u64 *calls)
{
	atomic64_add(*calls, &klpj_hammer_calls);
	atomic64_add(cnt[KLPJ_OLD], &klpj_hammer_old);
	atomic64_add(cnt[KLPJ_NEW], &klpj_hammer_new);
	atomic64_add(cnt[KLPJ_BAD], &klpj_hammer_bad);
	memset(cnt, 0, KLPJ_NR_KINDS * sizeof(*cnt));
	*calls = 0;
}

static int klpj_hammer_fn(void *data)
{
	unsigned long i, n = READ_ONCE(klpj_hammer_iters);
	u64 cnt[KLPJ_NR_KINDS] = { 0 };
	u64 calls = 0;
	int x;

	for (i = 0; i < n; i++) {
		x = i & 0xffff;
		klpj_classify(cnt, klpj_nonleaf(x) - x, KLPJ_NONLEAF_BASE,
			      KLPJ_NONLEAF_NEW);
		klpj_classify(cnt, klpj_leaf(x) - x, KLPJ_LEAF_BASE,
			      KLPJ_LEAF_NEW);
		klpj_classify(cnt, READ_ONCE(klpj_leaf_ptr)(x) - x, KLPJ_LEAF_BASE,
			      KLPJ_LEAF_NEW);
		calls += 3;
		if (i % KLPJ_HAMMER_FLUSH == KLPJ_HAMMER_FLUSH - 1) {
			klpj_hammer_flush(cnt, &calls);
			if (kthread_should_stop())
				break;
			/*
			 * Also shows that modules calling cond_resched()
			 * link: it tests klp_sched_try_switch_key.
			 */
			cond_resched();
		}
	}
	klpj_hammer_flush(cnt, &calls);
	/* Pairs with the smp_rmb() of klpj_hammer_show(). */
	smp_mb__before_atomic();
	atomic_dec(&klpj_hammer_running);
	klpj_wait_for_stop();
	return 0;
}

static void klpj_hammer_stop(void)
{
	int i;

	for (i = 0; i < KLPJ_HAMMER_THREADS; i++) {
		if (klpj_hammer_tasks[i])
			kthread_stop(klpj_hammer_tasks[i]);
		klpj_hammer_tasks[i] = NULL;
	}
}

static int klpj_hammer_start(unsigned long iters)
{
	struct task_struct *t;
	int cpu;

	if (atomic_read(&klpj_hammer_running))
		return -EBUSY;
	klpj_hammer_stop();

	atomic64_set(&klpj_hammer_calls, 0);
	atomic64_set(&klpj_hammer_old, 0);
	atomic64_set(&klpj_hammer_new, 0);
	atomic64_set(&klpj_hammer_bad, 0);
	WRITE_ONCE(klpj_hammer_iters, iters);

	for (cpu = 0; cpu < KLPJ_HAMMER_THREADS; cpu++) {
		if (!cpu_online(cpu))
			continue;
		t = kthread_create_on_cpu(klpj_hammer_fn, NULL, cpu,
					  "klpj_hammer/%u");
		if (IS_ERR(t)) {
			klpj_hammer_stop();
			return PTR_ERR(t);
		}
		klpj_hammer_tasks[cpu] = t;
		atomic_inc(&klpj_hammer_running);
	}
	for (cpu = 0; cpu < KLPJ_HAMMER_THREADS; cpu++)
		if (klpj_hammer_tasks[cpu])
			wake_up_process(klpj_hammer_tasks[cpu]);
	return 0;
}

static ssize_t klpj_hammer_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	unsigned long val;
	ssize_t ret = klpj_get_uint(ubuf, count, &val);

	if (ret < 0)
		return ret;
	mutex_lock(&klpj_lock);
	if (val) {
		int err = klpj_hammer_start(val);

		if (err)
			ret = err;
	} else {
		/* 0 stops a run early; the counters are kept. */
		klpj_hammer_stop();
	}
	mutex_unlock(&klpj_lock);
	return ret;
}

static int klpj_hammer_show(struct seq_file *m, void *v)
{
	int running = atomic_read(&klpj_hammer_running) > 0;

	/*
	 * Read "running" before the counters, which are final once it reads
	 * 0; pairs with the barrier of the hammer threads' final decrement.
	 */
	smp_rmb();
	seq_printf(m, "calls=%lld old=%lld new=%lld bad=%lld running=%d\n",
		   atomic64_read(&klpj_hammer_calls),
		   atomic64_read(&klpj_hammer_old),
		   atomic64_read(&klpj_hammer_new),
		   atomic64_read(&klpj_hammer_bad), running);
	return 0;
}

DEFINE_SHOW_STORE_ATTRIBUTE(klpj_hammer);

/* ---------------------------------------------------------------------
 * Module
 */

static int __init klpj_target_init(void)
{
	klpj_dir = debugfs_create_dir("klpj_target", NULL);
	if (IS_ERR(klpj_dir))
		return PTR_ERR(klpj_dir);

	debugfs_create_file("call", 0444, klpj_dir, NULL, &klpj_call_fops);
	debugfs_create_file("entry", 0444, klpj_dir, NULL, &klpj_entry_fops);
	debugfs_create_file("sleep", 0644, klpj_dir, NULL, &klpj_sleep_fops);
	debugfs_create_file("spin", 0644, klpj_dir, NULL, &klpj_spin_fops);
	debugfs_create_file("hammer", 0644, klpj_dir, NULL,
			    &klpj_hammer_fops);
	return 0;
}

static void __exit klpj_target_exit(void)
{
	/* No file operation runs after this, nor starts a thread. */
	debugfs_remove_recursive(klpj_dir);

	mutex_lock(&klpj_lock);
	klpj_sleep_stop();
	klpj_spin_stop();
	klpj_hammer_stop();
	mutex_unlock(&klpj_lock);
}

module_init(klpj_target_init);
module_exit(klpj_target_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Functions to live patch for the wo_ftrace selftests");
