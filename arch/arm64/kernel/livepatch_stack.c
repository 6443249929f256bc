// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stack walk of the direct-branch live patching backend: every
 * address that a blocked task will execute again, for the check that no
 * task is inside code that a switch makes unreachable.
 *
 * The kernel's unwinder does the walk (arch_stack_walk_klp()): it follows
 * the frame records within the task's stack and recovers the return
 * addresses that the function graph tracer and kretprobes replaced with
 * their trampolines.  What this file adds is what the live patch check
 * needs beyond a backtrace:
 *
 * - an exception boundary (a task preempted by an interrupt) reports the
 *   interrupted PC, and also the saved x30: a function interrupted in its
 *   prologue, or a leaf, has its caller only there;
 * - a return address inside a trampoline's own code means the real one is
 *   held in registers or in the tracer's state, where no walk can see it:
 *   the stack is unreliable;
 * - anything else unexpected, or a walk that does not reach the end of the
 *   stack, makes the stack unreliable; the check counts that as busy.
 */

#include <linux/init.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/sched/task_stack.h>

#include <asm/livepatch.h>
#include <asm/sections.h>
#include <asm/stacktrace.h>

#define KLP_MAX_FRAMES		512

/* The code of the trampolines that replace return addresses. */
struct klp_tramp {
	unsigned long start;
	unsigned long end;
};

static struct klp_tramp klp_tramps[2] __ro_after_init;

/*
 * By name: the trampolines exist only with the function graph tracer and
 * kretprobes, and are declared only then.
 */
static void __init klp_tramp_init(struct klp_tramp *t, const char *name)
{
	unsigned long addr = kallsyms_lookup_name(name), size, off;

	if (addr && kallsyms_lookup_size_offset(addr, &size, &off) && !off) {
		t->start = addr;
		t->end = addr + size;
	}
}

static int __init klp_tramps_init(void)
{
	klp_tramp_init(&klp_tramps[0], "return_to_handler");
	klp_tramp_init(&klp_tramps[1], "__kretprobe_trampoline");
	return 0;
}
core_initcall(klp_tramps_init);

/*
 * The unwinder recovers a return address equal to a trampoline's start; an
 * address further inside is one of the trampoline's own calls, made while
 * the real return address was already taken off the tracer's list.
 */
static bool klp_in_tramp(unsigned long pc)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(klp_tramps); i++)
		if (pc >= klp_tramps[i].start && pc < klp_tramps[i].end)
			return true;
	return false;
}

static bool klp_in_entry_text(unsigned long pc)
{
	return pc >= (unsigned long)__entry_text_start &&
	       pc < (unsigned long)__entry_text_end;
}

struct klp_walk {
	struct task_struct *task;
	klp_arch_frame_fn fn;
	void *data;
	unsigned int frames;
	int ret;
};

static bool klp_walk_frame(void *cookie, unsigned long pc, unsigned long fp)
{
	struct klp_walk *w = cookie;
	struct pt_regs *regs;
	unsigned long lr;

	if (++w->frames > KLP_MAX_FRAMES || !__kernel_text_address(pc) ||
	    klp_in_tramp(pc)) {
		w->ret = -EINVAL;
		return false;
	}
	w->ret = w->fn(w->data, pc);
	if (w->ret)
		return false;
	if (!klp_in_entry_text(pc))
		return true;

	/*
	 * A return address into the entry text: the frame record at fp is
	 * the one in the pt_regs of an exception taken from the kernel, and
	 * the next return address is the interrupted PC.
	 */
	regs = container_of((u64 *)fp, struct pt_regs, stackframe[0]);
	if (!on_task_stack(w->task, (unsigned long)regs, sizeof(*regs))) {
		w->ret = -EINVAL;
		return false;
	}
	lr = READ_ONCE_NOCHECK(regs->regs[30]);
	w->ret = w->fn(w->data, ptrauth_strip_kernel_insn_pac(lr));
	return !w->ret;
}

/**
 * klp_arch_walk_task() - report every return address of a blocked task
 * @task:	a task that is not running, nor can run during the walk
 * @fn:		called for each PC
 * @data:	passed to @fn
 *
 * Return: 0 after a complete walk, -EINVAL when the stack cannot be walked
 * reliably, or the first non-zero value returned by @fn.
 */
int klp_arch_walk_task(struct task_struct *task, klp_arch_frame_fn fn,
		       void *data)
{
	struct klp_walk w = { .task = task, .fn = fn, .data = data };
	int ret;

	ret = arch_stack_walk_klp(klp_walk_frame, &w, task);
	if (w.ret)
		return w.ret;
	return ret ? -EINVAL : 0;
}
