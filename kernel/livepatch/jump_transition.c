// SPDX-License-Identifier: GPL-2.0-only
/*
 * Transitions of the direct-branch backend; implements the interface of
 * kernel/livepatch/transition.h.
 *
 * There is no per-task patch state: a transition is one switch of the whole
 * patch under stop_machine, after a check that no task is inside the code
 * being replaced.  While some task is, the transition stays pending and is
 * retried with a short, bounded back-off.  The messages are those of the
 * ftrace backend, so that tools and tests reading them keep working.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/livepatch.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "core.h"
#include "jump.h"
#include "patch.h"
#include "transition.h"

#define KLP_JUMP_RETRY_FIRST	(HZ / 20 ? HZ / 20 : 1)
#define KLP_JUMP_RETRY_MAX	HZ
/*
 * Once the busy tasks were signalled (jump_signal.c, about 15 s pending),
 * the next attempt follows soon, while they are held out of the patched
 * code, and the interval then doubles up to this bound: an attempt costs
 * two expedited grace periods, a pre-check of every task and a
 * stop_machine.  New signals, every 15 s, start the series again.
 */
#define KLP_JUMP_RETRY_SIGNALLED	(HZ / 5 ? HZ / 5 : 1)
#define KLP_JUMP_RETRY_SLOW		(16 * HZ)
/*
 * Busy tasks are reported from this attempt on, about 1.5 s after the
 * first: a task that leaves the patched code within the time upstream
 * takes to retry once is normal, not worth a line.  It also keeps test
 * processes named in the kernel log out of the upstream selftests'
 * comparisons, which read every line that has "test_klp" in it.
 */
#define KLP_JUMP_REPORT_ATTEMPT	5

struct klp_patch *klp_transition_patch;

/*
 * Whether the functions of klp_transition_patch are in effect, that is,
 * what its slots hold now: set when the transition starts and by the
 * switch that succeeds, under klp_mutex.  Read where slots are recomputed
 * outside the switch, while functions of the patch stay on their sites: a
 * module coming or going during a pending transition, and its completion
 * (nops or replaced patches removed).
 */
bool klp_jump_patch_live;

static int klp_target_state = KLP_TRANSITION_IDLE;
static unsigned int klp_jump_attempts;
/* Attempts since the busy tasks were last signalled, or -1 before that. */
static int klp_jump_signalled;
static bool klp_jump_forced;

#if !defined(CONFIG_PREEMPT_DYNAMIC) || !defined(CONFIG_HAVE_PREEMPT_DYNAMIC_CALL)
/* Never enabled: no task has a patch state to switch in cond_resched(). */
DEFINE_STATIC_KEY_FALSE(klp_sched_try_switch_key);
/* cond_resched() in modules tests it, as with the ftrace backend. */
EXPORT_SYMBOL(klp_sched_try_switch_key);
#endif

static const char *klp_target_name(void)
{
	return klp_target_state == KLP_TRANSITION_PATCHED ? "patching" :
							   "unpatching";
}

/*
 * Retries of a pending switch run in a kthread of their own, "klp_jump".
 *
 * The task that makes an attempt sleeps in stop_machine() meanwhile, and
 * its stack is checked like any other: every function on it that can be
 * patched cannot be switched by that attempt.  A work item would have
 * worker_thread(), process_scheduled_works() and process_one_work() below
 * it at every attempt, so a patch of the function that runs work items
 * could never switch.  This kthread has only kthread(), which every
 * sleeping kthread holds anyway, below klp_jump_retry_fn(), the livepatch
 * code and stop_machine(), which are never patched.
 *
 * The first attempt is made by the caller of klp_try_complete_transition()
 * (insmod, a write to "enabled"), as before: handing it to the kthread
 * would not take the caller's frames off a stack that is checked, since
 * the caller would sleep there waiting for the result.  The caller leaves
 * them once it returns, before the first retry.
 *
 * Without the kthread (it could not be started at boot), retries run from
 * the system workqueue as a last resort.
 */
static struct task_struct *klp_jump_retry_task;
static DEFINE_SPINLOCK(klp_jump_retry_lock);
/* A retry is due at klp_jump_retry_at; protected by klp_jump_retry_lock. */
static bool klp_jump_retry_armed;
static unsigned long klp_jump_retry_at;

static void klp_jump_retry_now(void)
{
	mutex_lock(&klp_mutex);
	if (klp_transition_patch)
		klp_try_complete_transition();
	mutex_unlock(&klp_mutex);
}

static void klp_transition_work_fn(struct work_struct *work)
{
	klp_jump_retry_now();
}

static DECLARE_DELAYED_WORK(klp_transition_work, klp_transition_work_fn);

/* How long until the armed retry is due: 0 when due, or it sleeps. */
static long klp_jump_retry_wait(void)
{
	long wait = MAX_SCHEDULE_TIMEOUT;

	spin_lock(&klp_jump_retry_lock);
	if (klp_jump_retry_armed) {
		wait = max_t(long, (long)(klp_jump_retry_at - jiffies), 0);
		if (!wait)
			klp_jump_retry_armed = false;
	}
	spin_unlock(&klp_jump_retry_lock);
	return wait;
}

static int klp_jump_retry_fn(void *data)
{
	long wait;

	for (;;) {
		/* Pairs with wake_up_process() in klp_jump_retry(). */
		set_current_state(TASK_IDLE);
		if (kthread_should_stop())
			break;
		wait = klp_jump_retry_wait();
		if (wait) {
			schedule_timeout(wait);
			continue;
		}
		__set_current_state(TASK_RUNNING);
		klp_jump_retry_now();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/*
 * Attempt the switch again after @delay jiffies, or earlier if a retry is
 * already due earlier.
 */
static void klp_jump_retry(unsigned long delay)
{
	unsigned long at = jiffies + delay;

	if (!klp_jump_retry_task) {
		mod_delayed_work(system_wq, &klp_transition_work, delay);
		return;
	}
	spin_lock(&klp_jump_retry_lock);
	if (!klp_jump_retry_armed || time_before(at, klp_jump_retry_at))
		klp_jump_retry_at = at;
	klp_jump_retry_armed = true;
	spin_unlock(&klp_jump_retry_lock);
	wake_up_process(klp_jump_retry_task);
}

static int __init klp_jump_retry_init(void)
{
	struct task_struct *task;

	task = kthread_run(klp_jump_retry_fn, NULL, "klp_jump");
	if (IS_ERR(task))
		return PTR_ERR(task);
	klp_jump_retry_task = task;
	return 0;
}
late_initcall(klp_jump_retry_init);

/* The interval before the next attempt: doubles from each start up to max. */
static unsigned long klp_jump_retry_delay(void)
{
	unsigned long delay = KLP_JUMP_RETRY_FIRST, max = KLP_JUMP_RETRY_MAX;
	unsigned int i, n = klp_jump_attempts;

	if (klp_jump_signalled >= 0) {
		delay = KLP_JUMP_RETRY_SIGNALLED;
		max = KLP_JUMP_RETRY_SLOW;
		n = klp_jump_signalled;
	}
	for (i = 0; i < n && delay < max; i++)
		delay *= 2;
	return min(delay, max);
}

static void klp_complete_transition(void)
{
	struct klp_patch *patch = klp_transition_patch;
	struct klp_object *obj;
	struct klp_func *func;

	pr_debug("'%s': completing %s transition\n", patch->mod->name,
		 klp_target_name());

	if (patch->replace && klp_target_state == KLP_TRANSITION_PATCHED) {
		klp_unpatch_replaced_patches(patch);
		klp_discard_nops(patch);
	}

	if (klp_target_state == KLP_TRANSITION_UNPATCHED)
		klp_unpatch_objects(patch);

	klp_for_each_object(patch, obj)
		klp_for_each_func(obj, func)
			func->transition = false;

	klp_for_each_object(patch, obj) {
		if (!klp_is_object_loaded(obj))
			continue;
		if (klp_target_state == KLP_TRANSITION_PATCHED)
			klp_post_patch_callback(obj);
		else
			klp_post_unpatch_callback(obj);
	}

	pr_notice("'%s': %s complete\n", patch->mod->name, klp_target_name());

	klp_target_state = KLP_TRANSITION_IDLE;
	klp_transition_patch = NULL;
	klp_jump_patch_live = false;
	klp_jump_forced = false;
	klp_jump_signal_release();
}

/**
 * klp_init_transition() - prepare a patch to be switched
 * @patch:	the patch
 * @state:	KLP_TRANSITION_PATCHED or KLP_TRANSITION_UNPATCHED
 */
void klp_init_transition(struct klp_patch *patch, int state)
{
	struct klp_object *obj;
	struct klp_func *func;

	WARN_ON_ONCE(klp_target_state != KLP_TRANSITION_IDLE);

	klp_transition_patch = patch;
	klp_target_state = state;
	/* A patch being disabled is in effect until it is switched out. */
	klp_jump_patch_live = state == KLP_TRANSITION_UNPATCHED;
	klp_jump_attempts = 0;
	klp_jump_signalled = -1;
	klp_jump_forced = false;
	klp_jump_signal_arm();
	klp_jump_blockers_record(NULL, NULL);

	pr_debug("'%s': initializing %s transition\n", patch->mod->name,
		 klp_target_name());

	klp_for_each_object(patch, obj)
		klp_for_each_func(obj, func)
			func->transition = true;
}

/**
 * klp_cancel_transition() - undo a patching transition that never started
 */
void klp_cancel_transition(void)
{
	if (WARN_ON_ONCE(klp_target_state != KLP_TRANSITION_PATCHED))
		return;

	pr_debug("'%s': canceling patching transition, going to unpatch\n",
		 klp_transition_patch->mod->name);

	klp_target_state = KLP_TRANSITION_UNPATCHED;
	klp_complete_transition();
}

/**
 * klp_start_transition() - announce the transition; the first attempt
 * follows from klp_try_complete_transition()
 */
void klp_start_transition(void)
{
	WARN_ON_ONCE(klp_target_state == KLP_TRANSITION_IDLE);

	pr_notice("'%s': starting %s transition\n",
		  klp_transition_patch->mod->name, klp_target_name());
}

/**
 * klp_try_complete_transition() - attempt the switch, or retry it later
 *
 * Called with klp_mutex held.
 */
void klp_try_complete_transition(void)
{
	struct klp_patch *patch = klp_transition_patch;
	int ret;

	WARN_ON_ONCE(klp_target_state == KLP_TRANSITION_IDLE);

	ret = klp_jump_switch_patch(patch,
				    klp_target_state == KLP_TRANSITION_PATCHED,
				    klp_jump_forced,
				    klp_jump_attempts >= KLP_JUMP_REPORT_ATTEMPT);
	if (ret) {
		if (klp_jump_signal_sent())
			klp_jump_signalled = 0;
		klp_jump_retry(klp_jump_retry_delay());
		klp_jump_attempts++;
		if (klp_jump_signalled >= 0)
			klp_jump_signalled++;
		return;
	}

	klp_complete_transition();

	if (!patch->enabled)
		klp_free_patch_async(patch);
	else if (patch->replace)
		klp_free_replaced_patches_async(patch);
}

/**
 * klp_reverse_transition() - turn a pending transition around
 *
 * Nothing was written for the pending direction, so the reverse switch
 * only has to wait for the tasks that the old code may still hold.
 */
void klp_reverse_transition(void)
{
	pr_debug("'%s': reversing transition from %s\n",
		 klp_transition_patch->mod->name,
		 klp_target_state == KLP_TRANSITION_PATCHED ?
			"patching to unpatching" : "unpatching to patching");

	klp_transition_patch->enabled = !klp_transition_patch->enabled;
	klp_target_state = !klp_target_state;
	klp_jump_attempts = 0;
	klp_jump_signalled = -1;
	klp_jump_signal_release();
	klp_jump_signal_arm();
	klp_jump_blockers_record(NULL, NULL);

	klp_start_transition();
	klp_jump_retry(0);
}

/**
 * klp_force_transition() - switch without the stack check
 *
 * The administrator takes responsibility for tasks still inside the code
 * being replaced.  Patches involved can no longer be removed.
 */
void klp_force_transition(void)
{
	struct klp_patch *patch;

	pr_warn("forcing remaining tasks to the patched state\n");

	if (klp_target_state == KLP_TRANSITION_UNPATCHED) {
		klp_transition_patch->forced = true;
	} else if (klp_transition_patch->replace) {
		klp_for_each_patch(patch)
			if (patch != klp_transition_patch)
				patch->forced = true;
	}

	klp_jump_forced = true;
	klp_try_complete_transition();
}

/**
 * klp_update_patch_state() - per-task switch point; nothing to do here
 * @task:	the task
 *
 * This backend switches all tasks at once under stop_machine.
 */
void klp_update_patch_state(struct task_struct *task)
{
	clear_tsk_thread_flag(task, TIF_PATCH_PENDING);
}

/**
 * __klp_sched_try_switch() - per-task switch point; nothing to do here
 */
void __klp_sched_try_switch(void)
{
}
EXPORT_SYMBOL(__klp_sched_try_switch);

/**
 * klp_copy_process() - a new task inherits its parent's patch state
 * @child:	the new task
 */
void klp_copy_process(struct task_struct *child)
{
	clear_tsk_thread_flag(child, TIF_PATCH_PENDING);
	child->patch_state = current->patch_state;
}
