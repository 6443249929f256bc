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
 *   prologue, or a leaf, has its caller only there.  When a tracer of that
 *   function replaced x30 with its trampoline, the real return address is
 *   recovered from the tracer's state as the unwinder does for a saved
 *   frame record, matched by the frame pointer the tracer recorded at the
 *   function's entry: the interrupted x29, since the function saved no
 *   frame record of its own;
 * - an exception boundary inside ftrace's entry trampoline (ftrace_caller)
 *   makes the stack unreliable: there the traced function's return
 *   address is only in x9, or only in the ftrace_regs being filled in or
 *   read back, depending on the instruction;
 * - a return address inside a trampoline's own code means the real one is
 *   held in registers or in the tracer's state, where no walk can see it:
 *   the stack is unreliable;
 * - anything else unexpected, or a walk that does not reach the end of the
 *   stack, makes the stack unreliable; the check counts that as busy.
 */

#include <linux/ftrace.h>
#include <linux/init.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/sched/task_stack.h>
#include <linux/string.h>

#include <asm/livepatch.h>
#include <asm/sections.h>
#include <asm/stacktrace.h>

#define KLP_MAX_FRAMES		512

/* The code of the trampolines that replace return addresses. */
struct klp_tramp {
	unsigned long start;
	unsigned long end;
};

enum {
	KLP_TRAMP_GRAPH,	/* return_to_handler */
	KLP_TRAMP_KRETPROBE,	/* __kretprobe_trampoline */
	KLP_NR_TRAMPS,
};

static struct klp_tramp klp_tramps[KLP_NR_TRAMPS] __ro_after_init;

/*
 * ftrace's entry trampoline, with the labels inside it that kallsyms
 * lists as symbols of their own (arch/arm64/kernel/entry-ftrace.S).
 */
static struct klp_tramp klp_ftrace_entry __ro_after_init;
static const char * const klp_ftrace_entry_labels[] __initconst = {
	"ftrace_caller", "ftrace_call", "ftrace_caller_direct_late",
	"ftrace_caller_direct",
};

/*
 * By name: the trampolines exist only with the function graph tracer,
 * kretprobes and ftrace, and are declared only then.  @labels are the
 * symbols that may follow @name within the same code; the range ends at
 * the first symbol not among them.
 */
static void __init klp_tramp_init(struct klp_tramp *t, const char *name,
				  const char * const *labels,
				  unsigned int nr_labels)
{
	unsigned long addr = kallsyms_lookup_name(name), size, off;
	char sym[KSYM_NAME_LEN];
	unsigned int i;

	if (!addr || !kallsyms_lookup_size_offset(addr, &size, &off) || off)
		return;
	t->start = addr;
	t->end = addr + size;
	while (kallsyms_lookup_size_offset(t->end, &size, &off) && !off &&
	       size && !lookup_symbol_name(t->end, sym)) {
		for (i = 0; i < nr_labels; i++)
			if (!strcmp(sym, labels[i]))
				break;
		if (i == nr_labels)
			break;
		t->end += size;
	}
}

static int __init klp_tramps_init(void)
{
	klp_tramp_init(&klp_tramps[KLP_TRAMP_GRAPH], "return_to_handler",
		       NULL, 0);
	klp_tramp_init(&klp_tramps[KLP_TRAMP_KRETPROBE],
		       "__kretprobe_trampoline", NULL, 0);
	klp_tramp_init(&klp_ftrace_entry, "ftrace_caller",
		       klp_ftrace_entry_labels,
		       ARRAY_SIZE(klp_ftrace_entry_labels));
	return 0;
}
core_initcall(klp_tramps_init);

/*
 * The unwinder recovers a return address equal to a trampoline's start; an
 * address further inside is one of the trampoline's own calls, made while
 * the real return address was already taken off the tracer's list.
 */
static __always_inline bool klp_in_tramp(unsigned long pc)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(klp_tramps); i++)
		if (pc >= klp_tramps[i].start && pc < klp_tramps[i].end)
			return true;
	return false;
}

/* Whether the graph tracer's shadow stack of @task can be searched. */
static bool klp_has_ret_stack(struct task_struct *task)
{
#ifdef CONFIG_FUNCTION_GRAPH_TRACER
	return READ_ONCE(task->ret_stack);
#else
	return false;
#endif
}

/*
 * The interrupted x30 of a function that saved no frame record, with the
 * real return address when a tracer replaced it with its trampoline.
 * @fp is the interrupted x29: the frame pointer the tracer recorded when
 * it hooked the function, which identifies its entry in the tracer's
 * per-task state.  Where none matches, the trampoline's address stays,
 * and the caller counts the stack as unreliable.
 */
static unsigned long klp_recover_lr(struct task_struct *task,
				    unsigned long lr, unsigned long fp)
{
	struct llist_node *kr_cur = NULL;
	unsigned long ret;
	int graph_idx = 0;

	if (!lr)
		return lr;
	/* Index 0: search the whole shadow stack, from its top. */
	if (lr == klp_tramps[KLP_TRAMP_GRAPH].start)
		return !klp_has_ret_stack(task) ? lr :
		       ftrace_graph_ret_addr(task, &graph_idx, lr,
					     (unsigned long *)fp);
	if (lr == klp_tramps[KLP_TRAMP_KRETPROBE].start &&
	    is_kretprobe_trampoline(lr)) {
		ret = kretprobe_find_ret_addr(task, (void *)fp, &kr_cur);
		return ret ? ptrauth_strip_kernel_insn_pac(ret) : lr;
	}
	return lr;
}

static bool klp_in_entry_text(unsigned long pc)
{
	return pc >= (unsigned long)__entry_text_start &&
	       pc < (unsigned long)__entry_text_end;
}

/*
 * @text and @text_size: the text region of the module of an earlier frame
 * of this walk.  The walk runs with preemption off (the task is held off
 * its CPU, or the CPUs are stopped): no module is freed meanwhile.
 */
struct klp_walk {
	struct task_struct *task;
	klp_arch_frame_fn fn;
	void *data;
	unsigned int frames;
	int ret;
	unsigned long text;
	unsigned long text_size;
};

/*
 * Whether @pc is kernel text, as __kernel_text_address() says.  A stack
 * returns into the same module many times, and a module's text costs a
 * search of the module tree: the region found is remembered for the rest
 * of the walk.
 */
static bool klp_walk_text(struct klp_walk *w, unsigned long pc)
{
	struct module *mod;
	enum mod_mem_type type = MOD_TEXT;

	if (pc - w->text < w->text_size || is_kernel_text(pc))
		return true;
	if (!__kernel_text_address(pc))
		return false;
	if (core_kernel_text(pc))
		return true;

	preempt_disable();
	mod = __module_text_address(pc);
	if (mod) {
		if (!within_module_mem_type(pc, mod, type))
			type = MOD_INIT_TEXT;
		w->text = (unsigned long)mod->mem[type].base;
		w->text_size = mod->mem[type].size;
	}
	preempt_enable();
	return true;
}

static bool klp_walk_frame(void *cookie, unsigned long pc, unsigned long fp)
{
	struct klp_walk *w = cookie;
	struct pt_regs *regs;
	unsigned long lr, ipc;

	if (++w->frames > KLP_MAX_FRAMES || !klp_walk_text(w, pc) ||
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
	ipc = READ_ONCE_NOCHECK(regs->pc);
	if (ipc >= klp_ftrace_entry.start && ipc < klp_ftrace_entry.end) {
		w->ret = -EINVAL;
		return false;
	}
	lr = ptrauth_strip_kernel_insn_pac(READ_ONCE_NOCHECK(regs->regs[30]));
	lr = klp_recover_lr(w->task, lr, READ_ONCE_NOCHECK(regs->regs[29]));
	if (klp_in_tramp(lr)) {
		w->ret = -EINVAL;
		return false;
	}
	w->ret = w->fn(w->data, lr);
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
