// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpjb_bench: an old function redirected to its new function by ftrace,
 * the way the ftrace backend of livepatch (CONFIG_LIVEPATCH_FTRACE) does
 * it: an ftrace_ops with FTRACE_OPS_FL_IPMODIFY filtered on the old
 * function, whose handler guards against recursion, takes the newest
 * function from an RCU list, honours its transition state and sets the
 * PC to the new function with ftrace_regs_set_instruction_pointer().
 * The handler does what that backend's handler does on its fast path
 * (no transition, no nop), so its cost is comparable.
 */

#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/rculist.h>
#include <linux/trace_recursion.h>

#include "klpjb_bench.h"

/**
 * struct klpjb_redirect_func - one entry of the redirection stack
 * @node:	in klpjb_redirect.stack, newest first
 * @new_func:	where calls go
 * @transition:	the entry is in transition (never, here)
 * @nop:	the entry means "run the old function" (never, here)
 */
struct klpjb_redirect_func {
	struct list_head node;
	unsigned long new_func;
	bool transition;
	bool nop;
};

/**
 * struct klpjb_redirect - the ftrace_ops of one old function
 * @ops:	registered with ftrace
 * @stack:	its klpjb_redirect_func entries
 */
struct klpjb_redirect {
	struct ftrace_ops ops;
	struct list_head stack;
};

static void notrace klpjb_ftrace_handler(unsigned long ip,
					 unsigned long parent_ip,
					 struct ftrace_ops *ops,
					 struct ftrace_regs *fregs);

/* One redirection at a time: the callers are serialised. */
static struct klpjb_redirect_func klpjb_func;
static struct klpjb_redirect klpjb_redir = {
	.ops = {
		.func = klpjb_ftrace_handler,
		.flags = FTRACE_OPS_FL_IPMODIFY,
	},
};

static void notrace klpjb_ftrace_handler(unsigned long ip,
					 unsigned long parent_ip,
					 struct ftrace_ops *ops,
					 struct ftrace_regs *fregs)
{
	struct klpjb_redirect *r = container_of(ops, struct klpjb_redirect,
						 ops);
	struct klpjb_redirect_func *f;
	int bit;

	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (WARN_ON_ONCE(bit < 0))
		return;

	f = list_first_or_null_rcu(&r->stack, struct klpjb_redirect_func,
				   node);
	if (WARN_ON_ONCE(!f))
		goto out;
	/* Read the transition state only after the entry (as livepatch). */
	smp_rmb();
	if (unlikely(READ_ONCE(f->transition)))
		goto out;
	if (f->nop)
		goto out;
	ftrace_regs_set_instruction_pointer(fregs, f->new_func);
out:
	ftrace_test_recursion_unlock(bit);
}

/**
 * klpjb_ftrace_measure() - measure calls of an old function that ftrace
 *			    redirects to its new function
 * @old_func:	the old function
 * @new_func:	the new function
 * @work:	loop iterations of the body per call
 * @calls:	number of calls
 * @res:	the totals, as klpjb_measure()
 *
 * The redirection exists only during the measurement.  The callers are
 * serialised.
 *
 * Return: 0, or the error of ftrace_set_filter_ip() or
 * register_ftrace_function().
 */
int klpjb_ftrace_measure(void *old_func, klpjb_fn_t new_func,
			 unsigned long work, unsigned long calls,
			 struct klpjb_result *res)
{
	unsigned long ip = (unsigned long)old_func;
	int ret;

	klpjb_func.new_func = (unsigned long)new_func;
	INIT_LIST_HEAD(&klpjb_redir.stack);
	list_add_rcu(&klpjb_func.node, &klpjb_redir.stack);

	ret = ftrace_set_filter_ip(&klpjb_redir.ops, ip, 0, 0);
	if (ret) {
		pr_err("klpjb: ftrace_set_filter_ip(%ps) failed (%d)\n",
		       old_func, ret);
		return ret;
	}
	ret = register_ftrace_function(&klpjb_redir.ops);
	if (ret) {
		pr_err("klpjb: register_ftrace_function(%ps) failed (%d)\n",
		       old_func, ret);
		goto out;
	}

	klpjb_measure((klpjb_fn_t)old_func, work, calls, res);

	WARN_ON(unregister_ftrace_function(&klpjb_redir.ops));
out:
	ftrace_free_filter(&klpjb_redir.ops);
	return ret;
}
