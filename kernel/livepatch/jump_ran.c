// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tasks that ran between the pre-check of a switch and its
 * stop_machine window.  With them, the check inside the window walks only
 * the stacks that may have changed since the pre-check, however many
 * tasks sleep: its cost no longer grows with the number of tasks.
 *
 * A probe on the sched_switch tracepoint logs every task that the
 * scheduler switches out, on a small log per CPU.  Why this finds every
 * task that may have moved:
 *
 * - the probe is in place before the pre-check starts: the registration
 *   is followed by a grace period, and the tracepoint calls its probes
 *   with preemption disabled, so every switch that begins after the grace
 *   period runs the probe;
 * - a task that executes anything after that was either on a CPU when the
 *   probe was registered or switched in later; either way it is switched
 *   out again before the window, at the latest by the stopper thread of
 *   its CPU, and so it is logged;
 * - a task created since then that never ran has only its fork frame on
 *   its stack;
 * - every other task was on no CPU from before the pre-check to the
 *   window, so the pre-check's walk of its stack still holds.
 *
 * The stopper threads write no log entry while the window lasts, and the
 * multi_cpu_stop() state machine orders every entry made before it on
 * any CPU before the check reads the logs.
 *
 * A log that fills up is marked and the check falls back to looking at
 * every task.  Each entry holds a reference on its task, dropped when the
 * logging stops, so that a task that exits meanwhile is not freed under
 * the check.
 */

#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched/task.h>
#include <linux/tracepoint.h>

#include <trace/events/sched.h>

#include "jump.h"

#define KLP_JUMP_RAN_MAX	128
/* Entries compared before a new one is added, to fold repeated switches. */
#define KLP_JUMP_RAN_RECENT	8

struct klp_jump_ran_log {
	unsigned int nr;
	bool overflow;
	struct task_struct *tasks[KLP_JUMP_RAN_MAX];
};

static DEFINE_PER_CPU(struct klp_jump_ran_log, klp_jump_ran_logs);
static bool klp_jump_ran_on;

static void klp_jump_ran_probe(void *data, bool preempt,
			       struct task_struct *prev,
			       struct task_struct *next,
			       unsigned int prev_state)
{
	struct klp_jump_ran_log *log = this_cpu_ptr(&klp_jump_ran_logs);
	unsigned int i;

	for (i = log->nr; i > 0 && log->nr - i < KLP_JUMP_RAN_RECENT; i--)
		if (log->tasks[i - 1] == prev)
			return;
	if (log->nr == KLP_JUMP_RAN_MAX) {
		log->overflow = true;
		return;
	}
	get_task_struct(prev);
	log->tasks[log->nr++] = prev;
}

/**
 * klp_jump_ran_start() - start logging the tasks that run
 *
 * Every task that the scheduler switches out after this returns is
 * logged, until klp_jump_ran_stop().  Must not be nested.
 *
 * Return: 0, or the error of the tracepoint registration; then nothing is
 * logged and klp_jump_ran_each() reports the log incomplete.
 */
int klp_jump_ran_start(void)
{
	int ret;

	ret = register_trace_sched_switch(klp_jump_ran_probe, NULL);
	if (ret)
		return ret;
	/*
	 * From here on every context switch runs the probe.  Expedited: a
	 * normal grace period would add tens of milliseconds to every
	 * attempt, and attempts are rare.
	 */
	synchronize_rcu_expedited();
	klp_jump_ran_on = true;
	return 0;
}

/**
 * klp_jump_ran_stop() - stop logging and empty the logs
 *
 * Only after klp_jump_ran_start() returned 0.
 */
void klp_jump_ran_stop(void)
{
	struct klp_jump_ran_log *log;
	unsigned int cpu, i;

	klp_jump_ran_on = false;
	unregister_trace_sched_switch(klp_jump_ran_probe, NULL);
	/*
	 * trace_sched_switch() has no _rcuidle caller: its probes run with
	 * preemption disabled, so a grace period of RCU is enough before the
	 * logs are emptied (tracepoint_synchronize_unregister() would wait
	 * for the SRCU of _rcuidle callers as well).
	 */
	synchronize_rcu_expedited();

	for_each_possible_cpu(cpu) {
		log = per_cpu_ptr(&klp_jump_ran_logs, cpu);
		for (i = 0; i < log->nr; i++)
			put_task_struct(log->tasks[i]);
		log->nr = 0;
		log->overflow = false;
	}
}

/**
 * klp_jump_ran_each() - call a function on every task logged so far
 * @fn:		called once per entry; a task may be logged more than once
 * @data:	passed to @fn
 *
 * Must run with no CPU able to switch tasks, as under stop_machine.
 *
 * Return: false, without calling @fn, when the tasks that ran are not all
 * known: nothing is being logged, or some log filled up.
 */
bool klp_jump_ran_each(void (*fn)(struct task_struct *task, void *data),
		       void *data)
{
	struct klp_jump_ran_log *log;
	unsigned int cpu, i;

	if (!klp_jump_ran_on)
		return false;
	for_each_possible_cpu(cpu)
		if (per_cpu_ptr(&klp_jump_ran_logs, cpu)->overflow)
			return false;

	for_each_possible_cpu(cpu) {
		log = per_cpu_ptr(&klp_jump_ran_logs, cpu);
		for (i = 0; i < log->nr; i++)
			fn(log->tasks[i], data);
	}
	return true;
}
