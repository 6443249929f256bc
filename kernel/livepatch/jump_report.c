// SPDX-License-Identifier: GPL-2.0-only
/*
 * Diagnostics of the direct-branch backend when a switch finds busy tasks.
 *
 * These lines use their own prefix and never print module names: while a
 * transition is pending they must not be mistaken for the "livepatch:"
 * lines that the upstream selftests compare exactly.
 */

#define pr_fmt(fmt) "klp-jump: " fmt

#include <linux/kallsyms.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/stacktrace.h>

#include "jump.h"

#define KLP_JUMP_DEBUG_FRAMES	32

static void klp_jump_debug_stack(pid_t pid)
{
	unsigned long entries[KLP_JUMP_DEBUG_FRAMES];
	char name[KSYM_NAME_LEN];
	struct task_struct *task;
	unsigned long size, off;
	unsigned int n, i;
	char *mod;

	task = find_get_task_by_vpid(pid);
	if (!task)
		return;
	n = stack_trace_save_tsk(task, entries, ARRAY_SIZE(entries), 0);
	put_task_struct(task);

	for (i = 0; i < n; i++) {
		if (kallsyms_lookup(entries[i], &size, &off, &mod, name))
			pr_debug("  pid %d #%u %s+%#lx\n", pid, i, name, off);
		else
			pr_debug("  pid %d #%u %#lx\n", pid, i, entries[i]);
	}
}

/**
 * klp_jump_report() - print why a switch did not happen
 * @check:	the failed check
 *
 * One rate-limited line per busy task: pid, name, the patched function
 * whose code it is in, and the frame where it was found.  With dynamic
 * debug, the task's whole stack follows.
 */
void klp_jump_report(const struct klp_jump_check *check)
{
	const struct klp_jump_blocker *b;
	unsigned int i;

	for (i = 0; i < check->nr_blockers; i++) {
		b = &check->blockers[i];
		if (b->unreliable)
			pr_info_ratelimited("pid %d (%s): stack not reliable, switch deferred\n",
					    b->pid, b->comm);
		else
			pr_info_ratelimited("pid %d (%s) is in '%s' (frame #%d at +%#lx), switch deferred\n",
					    b->pid, b->comm, b->func->old_name,
					    b->frame, b->pc - b->start);
		klp_jump_debug_stack(b->pid);
	}
	if (check->nr_busy > check->nr_blockers)
		pr_info_ratelimited("%u more busy tasks\n",
				    check->nr_busy - check->nr_blockers);
}

/**
 * klp_jump_report_switch() - debug line for a switch that happened
 * @check:	its stack check, or NULL when forced
 */
void klp_jump_report_switch(const struct klp_jump_check *check)
{
	if (check)
		pr_debug("switched: %u stacks clean before stop_machine, %u walked inside\n",
			 check->nr_seen, check->nr_walked);
	else
		pr_debug("switched without stack check (forced)\n");
}
