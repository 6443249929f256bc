// SPDX-License-Identifier: GPL-2.0-only
/*
 * Diagnostics of the direct-branch backend when a switch finds busy tasks.
 *
 * These lines use their own prefix and carry no module names and no task
 * names (comm), only text the kernel chooses: while a transition is pending
 * they must stay out of the upstream selftests' dmesg comparison, which
 * reads every line containing "livepatch:" or "test_klp" (the name of
 * upstream's test-syscall program starts with "test_klp").  That holds for
 * the debug lines too: upstream's selftests turn on every pr_debug() in
 * kernel/livepatch/ while they run.  A task is named by its pid only.
 */

#define pr_fmt(fmt) "klp-jump: " fmt

#include <linux/kallsyms.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/stacktrace.h>
#include <linux/string.h>

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

	pr_debug("  pid %d stack:\n", pid);

	for (i = 0; i < n; i++) {
		if (kallsyms_lookup(entries[i], &size, &off, &mod, name))
			pr_debug("  pid %d #%u %s+%#lx\n", pid, i, name, off);
		else
			pr_debug("  pid %d #%u %#lx\n", pid, i, entries[i]);
	}
}

/*
 * Where in the checked code a task is, when not in the old function: the
 * new function, or its veneer, named without its module (module names must
 * stay out of these lines).  Empty for the old function.
 */
static void klp_jump_where(const struct klp_jump_blocker *b, char *buf,
			   size_t len)
{
	unsigned long size, off;
	ssize_t n;
	char *mod;

	buf[0] = '\0';
	if (b->code == KLP_JUMP_CODE_OLD)
		return;
	/* @buf holds the opening text and KSYM_NAME_LEN more. */
	n = strscpy(buf, b->code == KLP_JUMP_CODE_NEW ? " (new, in " :
			 " (veneer to ", len);
	if (!kallsyms_lookup((unsigned long)b->new_func, &size, &off, &mod,
			     buf + n))
		strscpy(buf + n, "?", len - n);
	strlcat(buf, ")", len);
}

/**
 * klp_jump_report() - print why a switch did not happen
 * @check:	the failed check
 *
 * One rate-limited line per busy task: its pid, the patched function whose
 * code it is in, and the frame where it was found.  When that code
 * is not the old function but a new function or its veneer, the line says
 * so and names the new function.  With dynamic debug, the task's whole
 * stack follows.
 */
void klp_jump_report(const struct klp_jump_check *check)
{
	char where[KSYM_NAME_LEN + 16];
	const struct klp_jump_blocker *b;
	unsigned int i;

	for (i = 0; i < check->nr_blockers; i++) {
		b = &check->blockers[i];
		klp_jump_where(b, where, sizeof(where));
		if (b->unreliable)
			pr_info_ratelimited("pid %d: stack not reliable, switch deferred\n",
					    b->pid);
		else
			pr_info_ratelimited("pid %d is in '%s'%s (frame #%d at +%#lx), switch deferred\n",
					    b->pid, b->func->old_name, where,
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
