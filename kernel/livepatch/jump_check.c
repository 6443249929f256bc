// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stack check of the direct-branch backend.  It runs inside
 * stop_machine, on one CPU, while every other CPU waits with interrupts
 * disabled: no task can move, so one walk of each stack is exact.
 *
 * The ranges that no task may be inside are sorted once before
 * stop_machine; each return address costs two compares when it lies
 * outside their span, else a binary search.
 *
 * Most tasks sleep through a switch.  Their stacks are walked before
 * stop_machine, with the CPUs running, and not again inside it when they
 * provably did not run in between:
 *
 * - a task's context switch count (nvcsw + nivcsw) grows every time the
 *   scheduler switches it out, before its on_cpu flag is cleared with
 *   release semantics;
 * - the pre-check holds each task off its CPU while it walks the stack
 *   and reads the count (task_call_func(), as upstream's transition
 *   does): the walk is exact, and a task waking up meanwhile waits;
 * - inside stop_machine every task that ran since then was switched out at
 *   least once (by blocking, by preemption, or by the stopper), so an
 *   unchanged count proves the stack is still the one that was walked;
 * - a task is recognised by its pointer and its start time: a task that
 *   exited and was reaped may have left its task_struct to a new one.
 *
 * Inside stop_machine, only the tasks that jump_ran.c logged as having run
 * since the pre-check began are looked at, when that log is complete;
 * otherwise every task is.  The idle tasks are always walked.
 *
 * A busy task found by the pre-check fails the attempt at once, without
 * stopping the CPUs, except when the attempt reports its blockers: then
 * the check inside stop_machine runs too, to name the running tasks that
 * hold the switch back as well, and writes nothing.
 */

#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/sched/stat.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "jump.h"

static int klp_jump_range_cmp(const void *a, const void *b)
{
	const struct klp_jump_range *ra = a, *rb = b;

	if (ra->start != rb->start)
		return ra->start < rb->start ? -1 : 1;
	return 0;
}

/**
 * klp_jump_sort_ranges() - prepare ranges for klp_jump_find_range()
 * @ranges:	ranges that do not overlap, except for identical ones
 * @nr:		their number
 */
void klp_jump_sort_ranges(struct klp_jump_range *ranges, unsigned int nr)
{
	sort(ranges, nr, sizeof(*ranges), klp_jump_range_cmp, NULL);
}

/* klp_jump_find_range(), inlined into the check of each frame */
static __always_inline const struct klp_jump_range *
__klp_jump_find_range(const struct klp_jump_range *ranges, unsigned int nr,
		      unsigned long pc)
{
	unsigned int lo = 0, hi = nr;

	/* Most return addresses are outside the span of all ranges. */
	if (!nr || pc < ranges[0].start || pc >= ranges[nr - 1].end)
		return NULL;
	/* Find the last range that starts at or below pc. */
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (ranges[mid].start <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && pc < ranges[lo - 1].end)
		return &ranges[lo - 1];
	return NULL;
}

/**
 * klp_jump_find_range() - find the range that holds an address
 * @ranges:	sorted by klp_jump_sort_ranges()
 * @nr:		their number
 * @pc:		the address
 *
 * Return: the range holding @pc, or NULL.
 */
const struct klp_jump_range *
klp_jump_find_range(const struct klp_jump_range *ranges, unsigned int nr,
		    unsigned long pc)
{
	return __klp_jump_find_range(ranges, nr, pc);
}

struct klp_jump_walk {
	struct klp_jump_check *check;
	struct task_struct *task;
	int frame;
};

static struct klp_jump_blocker *klp_jump_add_blocker(struct klp_jump_walk *w)
{
	struct klp_jump_check *check = w->check;
	pid_t pid = task_pid_nr(w->task);
	struct klp_jump_blocker *b;
	unsigned int i;

	/* Found busy before stop_machine, ran since, and busy again. */
	for (i = 0; i < check->nr_blockers; i++)
		if (check->blockers[i].pid == pid)
			return NULL;
	if (check->nr_busy_pids < check->max_busy_pids)
		check->busy_pids[check->nr_busy_pids++] = pid;
	if (check->nr_busy++ >= KLP_JUMP_MAX_BLOCKERS)
		return NULL;
	b = &check->blockers[check->nr_blockers++];
	memset(b, 0, sizeof(*b));
	b->pid = pid;
	return b;
}

static int klp_jump_check_frame(void *data, unsigned long pc)
{
	struct klp_jump_walk *w = data;
	const struct klp_jump_range *r;
	struct klp_jump_blocker *b;

	r = __klp_jump_find_range(w->check->ranges, w->check->nr_ranges, pc);
	if (!r) {
		w->frame++;
		return 0;
	}

	b = klp_jump_add_blocker(w);
	if (b) {
		b->func = r->func;
		b->code = r->code;
		b->new_func = r->new_func;
		b->start = r->start;
		b->pc = pc;
		b->frame = w->frame;
	}
	return -EBUSY;
}

static int klp_jump_walk(struct klp_jump_check *check,
			 struct task_struct *task)
{
	struct klp_jump_walk w = { .check = check, .task = task };
	struct klp_jump_blocker *b;
	int ret;

	/* A task whose stack is gone cannot return anywhere. */
	if (!try_get_task_stack(task))
		return 0;

	ret = klp_arch_walk_task(task, klp_jump_check_frame, &w);
	put_task_stack(task);

	if (ret == -EINVAL) {
		b = klp_jump_add_blocker(&w);
		if (b)
			b->unreliable = true;
	}
	return ret;
}

static unsigned long klp_jump_switches(struct task_struct *task)
{
	return READ_ONCE(task->nvcsw) + READ_ONCE(task->nivcsw);
}

/*
 * The tasks of check->seen[] by pointer: an open-addressing table of
 * 1 << seen_bits slots, at least twice as many as the entries of seen[],
 * each 0 (empty) or 1 + an index into seen[].  It lies in the allocation
 * of seen[], after its last entry.
 */
static void klp_jump_seen_insert(struct klp_jump_check *check,
				 unsigned int idx)
{
	unsigned int mask = (1U << check->seen_bits) - 1;
	unsigned int i = hash_ptr(check->seen[idx].task, check->seen_bits);

	while (check->seen_hash[i])
		i = (i + 1) & mask;
	check->seen_hash[i] = idx + 1;
}

static struct klp_jump_seen *klp_jump_seen_find(struct klp_jump_check *check,
						struct task_struct *task)
{
	unsigned int mask = (1U << check->seen_bits) - 1;
	unsigned int i = hash_ptr(task, check->seen_bits);
	u32 slot;

	for (; (slot = check->seen_hash[i]); i = (i + 1) & mask)
		if (check->seen[slot - 1].task == task)
			return &check->seen[slot - 1];
	return NULL;
}

/**
 * klp_jump_seen_record() - remember a task whose stack was found clean
 * @seen:	the entry to fill in
 * @task:	the task, off its CPU during the walk
 * @switches:	its context switch count, read before the walk
 */
void klp_jump_seen_record(struct klp_jump_seen *seen, struct task_struct *task,
			  unsigned long switches)
{
	seen->task = task;
	seen->start_time = task->start_time;
	seen->switches = switches;
}

/**
 * klp_jump_seen_unchanged() - whether a task is still the one found clean
 * @seen:	what klp_jump_seen_record() recorded
 * @task:	a task whose pointer may equal @seen->task
 *
 * The pointer alone does not identify a task: the recorded one may have
 * exited and been reaped since, and a new task may have got the same
 * task_struct, with a context switch count that happens to be the same.
 * The start time tells them apart: it is set once at fork, and the new
 * task was forked after the old one was freed.
 *
 * Return: true when @task is the task recorded in @seen and has not been
 * switched in since: its stack is still the one that was walked.
 */
bool klp_jump_seen_unchanged(const struct klp_jump_seen *seen,
			     struct task_struct *task)
{
	return seen->task == task && seen->start_time == task->start_time &&
	       seen->switches == klp_jump_switches(task);
}

/*
 * Called through task_call_func(): @task holds its pi_lock, and its
 * runqueue's lock when it is queued, so it cannot be woken nor switched
 * in during the walk.  A racing wakeup waits for the walk: no walk ever
 * reads a stack, or a tracer's return stack, that its task is changing,
 * so the unwinder never meets the inconsistent state it warns about.
 */
static int klp_jump_precheck_locked(struct task_struct *task, void *data)
{
	struct klp_jump_check *check = data;

	/* Running: logged when it is switched out, and looked at then. */
	if (task_curr(task))
		return -EBUSY;

	/*
	 * Busy or clean, the walk holds for as long as the task does not
	 * run: inside stop_machine it is not walked again, a clean task
	 * stays clean and a busy one is counted already.  The count read
	 * here is exact: the scheduler changes it only with the task's
	 * runqueue locked, on its way off the CPU.
	 */
	klp_jump_walk(check, task);
	klp_jump_seen_record(&check->seen[check->nr_seen], task,
			     klp_jump_switches(task));
	klp_jump_seen_insert(check, check->nr_seen++);
	return 0;
}

/*
 * Leave the RCU read-side section between two batches of the pre-check
 * and let the CPU reschedule.  The walk may go on from @g and @t only
 * when both are still on the task list; an unlinked task's list pointers
 * lead nowhere once a grace period passed.
 */
static bool klp_jump_precheck_break(struct task_struct *g,
				    struct task_struct *t)
{
	bool alive;

	get_task_struct(g);
	get_task_struct(t);
	rcu_read_unlock();
	cond_resched();
	rcu_read_lock();
	alive = pid_alive(g) && pid_alive(t);
	put_task_struct(t);
	put_task_struct(g);
	return alive;
}

/* Tasks walked by the pre-check between two resched points. */
#define KLP_JUMP_PRECHECK_BATCH	64

/**
 * klp_jump_precheck_tasks() - check sleeping tasks before stop_machine
 * @check:	ranges to check; busy tasks and clean ones are recorded here
 *
 * Walks the stack of every task that is off its CPU, holding it off its
 * CPU during the walk (task_call_func()).  A busy one is recorded as in
 * klp_jump_check_tasks() and means the switch cannot happen now.  Each
 * task walked is remembered with its context switch count, so that
 * klp_jump_check_tasks() does not walk it again if it has not run since:
 * a clean one is still clean, a busy one is counted already.  The pids
 * of the busy tasks are recorded too, room permitting: each task at most
 * twice, here and inside stop_machine.
 *
 * The walk leaves RCU and may reschedule every KLP_JUMP_PRECHECK_BATCH
 * tasks.  When it cannot go on from where it stopped (the task there
 * exited), or has no memory for its list, @check->seen_all stays false:
 * then every task is walked again inside stop_machine.
 */
void klp_jump_precheck_tasks(struct klp_jump_check *check)
{
	unsigned int max_seen = READ_ONCE(nr_threads) + 64;
	unsigned int bits = order_base_2(2 * max_seen);
	size_t seen_size = array_size(max_seen, sizeof(*check->seen));
	struct task_struct *g, *t;
	unsigned int n = 0;

	check->nr_seen = 0;
	check->seen_all = false;
	check->busy_pids = kvmalloc_array(2 * max_seen,
					  sizeof(*check->busy_pids),
					  GFP_KERNEL);
	if (check->busy_pids)
		check->max_busy_pids = 2 * max_seen;
	/* seen[], then its table by task pointer, zeroed (empty) */
	check->seen = kvmalloc(size_add(seen_size,
					array_size(1UL << bits,
						   sizeof(*check->seen_hash))),
			       GFP_KERNEL);
	if (!check->seen)
		return;
	check->seen_bits = bits;
	check->seen_hash = (u32 *)((char *)check->seen + seen_size);
	memset(check->seen_hash, 0, sizeof(*check->seen_hash) << bits);

	rcu_read_lock();
	for_each_process_thread(g, t) {
		if (check->nr_seen >= max_seen)
			goto out;
		task_call_func(t, klp_jump_precheck_locked, check);
		if (++n % KLP_JUMP_PRECHECK_BATCH == 0 &&
		    !klp_jump_precheck_break(g, t))
			goto out;
	}
	check->seen_all = true;
out:
	rcu_read_unlock();
}

static bool klp_jump_unchanged(struct klp_jump_check *check,
			       struct task_struct *task)
{
	struct klp_jump_seen *seen;

	if (!check->nr_seen)
		return false;
	seen = klp_jump_seen_find(check, task);
	return seen && klp_jump_seen_unchanged(seen, task);
}

static void klp_jump_check_task(struct klp_jump_check *check,
				struct task_struct *task)
{
	check->nr_looked++;
	/* Under stop_machine every running task is a stopper thread. */
	if (task_curr(task))
		return;
	if (klp_jump_unchanged(check, task))
		return;
	check->nr_walked++;
	klp_jump_walk(check, task);
}

static void klp_jump_check_ran(struct task_struct *task, void *data)
{
	klp_jump_check_task(data, task);
}

/**
 * klp_jump_check_tasks() - look for tasks inside the checked ranges
 * @check:	ranges to check; the busy tasks are recorded here
 *
 * Walks every thread that may have run since the pre-check (every thread
 * when that is not known) and the idle task of each online CPU.  A stack
 * that cannot be walked reliably counts as busy.  Must run under
 * stop_machine.
 */
void klp_jump_check_tasks(struct klp_jump_check *check)
{
	struct task_struct *g, *t;
	unsigned int cpu;

	if (!check->ran_logged ||
	    !klp_jump_ran_each(klp_jump_check_ran, check)) {
		/*
		 * Not tasklist_lock: it sleeps on PREEMPT_RT, and this runs
		 * with interrupts disabled.  A task that exits meanwhile is
		 * freed only after a grace period.
		 */
		rcu_read_lock();
		for_each_process_thread(g, t)
			klp_jump_check_task(check, t);
		rcu_read_unlock();
	}

	for_each_online_cpu(cpu)
		klp_jump_check_task(check, idle_task(cpu));
}
