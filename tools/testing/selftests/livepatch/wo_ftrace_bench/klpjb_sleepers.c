// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpjb_bench: kthreads that sleep at varied stack depths, so that the
 * stack check of a switch has tasks to look at.  Thread i calls itself
 * 1 + (i * 7) % 48 times with a small frame each, then sleeps until it is
 * stopped.  None of this code is in a range any benchmark patch checks.
 */

#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>

#include "klpjb_bench.h"

#define KLPJB_MAX_SLEEPERS	40000
#define KLPJB_MAX_DEPTH		48

static struct task_struct **klpjb_sleepers;
static unsigned int klpjb_nr_sleepers;
static DEFINE_MUTEX(klpjb_sleepers_lock);

static void klpjb_sleep_until_stopped(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

/*
 * One frame record per level: the addition keeps the call from being a
 * tail call.
 */
static noinline __noipa unsigned int klpjb_dive(unsigned int depth)
{
	if (!depth) {
		klpjb_sleep_until_stopped();
		return 0;
	}
	return klpjb_dive(depth - 1) + 1;
}

static int klpjb_sleeper_fn(void *data)
{
	unsigned long i = (unsigned long)data;

	klpjb_dive(1 + (i * 7) % KLPJB_MAX_DEPTH);
	return 0;
}

/**
 * klpjb_sleepers_set() - start or stop sleeping kthreads
 * @nr:	how many should exist; more are started, or the newest stopped
 *
 * Return: 0, -EINVAL above KLPJB_MAX_SLEEPERS, -ENOMEM, or the error of
 * kthread_run() (the threads started so far stay).
 */
int klpjb_sleepers_set(unsigned int nr)
{
	struct task_struct *t;
	int ret = 0;

	if (nr > KLPJB_MAX_SLEEPERS)
		return -EINVAL;

	mutex_lock(&klpjb_sleepers_lock);
	if (!klpjb_sleepers) {
		klpjb_sleepers = kvcalloc(KLPJB_MAX_SLEEPERS,
					  sizeof(*klpjb_sleepers), GFP_KERNEL);
		if (!klpjb_sleepers) {
			ret = -ENOMEM;
			goto out;
		}
	}
	while (klpjb_nr_sleepers < nr) {
		t = kthread_run(klpjb_sleeper_fn,
				(void *)(unsigned long)klpjb_nr_sleepers,
				"klpjb_s%u", klpjb_nr_sleepers);
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			pr_err("klpjb: cannot start sleeper %u (%d)\n",
			       klpjb_nr_sleepers, ret);
			goto out;
		}
		klpjb_sleepers[klpjb_nr_sleepers++] = t;
	}
	while (klpjb_nr_sleepers > nr)
		kthread_stop(klpjb_sleepers[--klpjb_nr_sleepers]);
	if (!nr) {
		kvfree(klpjb_sleepers);
		klpjb_sleepers = NULL;
	}
out:
	mutex_unlock(&klpjb_sleepers_lock);
	return ret;
}

/**
 * klpjb_sleepers_count() - the number of sleeping kthreads started
 *
 * Return: that number.
 */
unsigned int klpjb_sleepers_count(void)
{
	return READ_ONCE(klpjb_nr_sleepers);
}
