// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tasks that hold a transition of the direct-branch backend back for long:
 * after about 15 s pending, each busy task found by the last check is
 * nudged, as upstream's klp_send_signals() does.
 *
 * - A kthread is woken from an interruptible sleep.  One that waits in a
 *   loop goes back to sleep where it was; one that checks why it woke may
 *   leave the patched code.
 * - A user task gets task work queued with TWA_SIGNAL: a fake signal
 *   (TIF_NOTIFY_SIGNAL) that ends an interruptible sleep with
 *   -ERESTARTSYS.  On its way back to user space the task runs the work
 *   (get_signal(), after the restart of the system call is set up) and
 *   waits there, bounded, until the transition ends: the restarted call
 *   would enter the same function again at once, while from this wait the
 *   task holds no patched code (do_signal(), get_signal(), task_work_run()
 *   and this file are never patched).  The next attempt finds it clean.
 *
 * Held tasks are released when the transition completes, is reversed or
 * is cancelled (klp_jump_signal_release()), or after KLP_JUMP_HOLD_MAX,
 * and by a fatal signal.  The one line printed has the "klp-jump: "
 * prefix and names no task, like the other lines of a pending transition
 * (see jump_report.c).
 */

#define pr_fmt(fmt) "klp-jump: " fmt

#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/task_work.h>
#include <linux/wait.h>

#include "jump.h"

#define KLP_JUMP_SIGNAL_AFTER	(15 * HZ)
#define KLP_JUMP_HOLD_MAX	(2 * HZ)

struct klp_jump_hold {
	struct callback_head work;
	unsigned long gen;
};

static DECLARE_WAIT_QUEUE_HEAD(klp_jump_hold_wq);
/* Changes whenever held tasks are released; read by the held tasks. */
static unsigned long klp_jump_hold_gen;
/* When the busy tasks are next signalled; under klp_mutex. */
static unsigned long klp_jump_signal_at;
/* Signals were sent since klp_jump_signal_sent() last said; klp_mutex. */
static bool klp_jump_signal_new;

/**
 * klp_jump_signal_arm() - start counting towards the first signals
 *
 * Called, with klp_mutex held, when a transition starts or is reversed.
 */
void klp_jump_signal_arm(void)
{
	klp_jump_signal_at = jiffies + KLP_JUMP_SIGNAL_AFTER;
}

/**
 * klp_jump_signal_release() - let the held tasks go on
 *
 * Called when the transition completes, is reversed or is cancelled.
 */
void klp_jump_signal_release(void)
{
	WRITE_ONCE(klp_jump_hold_gen, klp_jump_hold_gen + 1);
	wake_up_all(&klp_jump_hold_wq);
}

/**
 * klp_jump_signal_sent() - whether busy tasks were signalled since the
 *			    last call
 *
 * Called with klp_mutex held, after a failed attempt: the next one
 * should follow soon, while the signalled tasks are held.
 *
 * Return: true once after klp_jump_signal_busy() sent signals.
 */
bool klp_jump_signal_sent(void)
{
	bool sent = klp_jump_signal_new;

	klp_jump_signal_new = false;
	return sent;
}

static void klp_jump_hold_fn(struct callback_head *work)
{
	struct klp_jump_hold *hold = container_of(work, typeof(*hold), work);
	unsigned long gen = hold->gen;

	kfree(hold);
	if (current->flags & PF_EXITING)
		return;
	/* Not interruptible: the fake signal is still pending here. */
	wait_event_killable_timeout(klp_jump_hold_wq,
				    READ_ONCE(klp_jump_hold_gen) != gen,
				    KLP_JUMP_HOLD_MAX);
}

/* Return: 1 when @task was signalled, 0 when it could not be. */
static int klp_jump_signal_user(struct task_struct *task)
{
	struct klp_jump_hold *hold;

	hold = kmalloc(sizeof(*hold), GFP_ATOMIC | __GFP_NOWARN);
	if (!hold)
		return 0;
	init_task_work(&hold->work, klp_jump_hold_fn);
	hold->gen = READ_ONCE(klp_jump_hold_gen);
	if (task_work_add(task, &hold->work, TWA_SIGNAL)) {
		kfree(hold);
		return 0;
	}
	return 1;
}

static int klp_jump_pid_cmp(const void *a, const void *b)
{
	pid_t pa = *(const pid_t *)a, pb = *(const pid_t *)b;

	return pa < pb ? -1 : pa > pb;
}

/**
 * klp_jump_signal_busy() - nudge the busy tasks once the transition has
 *			    been pending long enough
 * @check:	the failed check; its busy list is sorted here
 *
 * Called with klp_mutex held after a check found busy tasks.  Does
 * nothing before about 15 s of pending, then once every 15 s.
 */
void klp_jump_signal_busy(struct klp_jump_check *check)
{
	unsigned int i, users = 0, kthreads = 0;
	struct task_struct *task;

	if (time_before(jiffies, klp_jump_signal_at) || !check->nr_busy_pids)
		return;
	klp_jump_signal_at = jiffies + KLP_JUMP_SIGNAL_AFTER;
	klp_jump_signal_new = true;

	/* A task found busy before stop_machine and again inside it. */
	sort(check->busy_pids, check->nr_busy_pids, sizeof(pid_t),
	     klp_jump_pid_cmp, NULL);
	rcu_read_lock();
	for (i = 0; i < check->nr_busy_pids; i++) {
		if (i && check->busy_pids[i] == check->busy_pids[i - 1])
			continue;
		task = find_task_by_pid_ns(check->busy_pids[i], &init_pid_ns);
		if (!task || is_idle_task(task))
			continue;
		if (task->flags & PF_KTHREAD)
			kthreads += wake_up_state(task, TASK_INTERRUPTIBLE);
		else
			users += klp_jump_signal_user(task);
	}
	rcu_read_unlock();

	pr_info("sent a fake signal to %u tasks and woke %u kthreads that hold the transition back\n",
		users, kthreads);
}
