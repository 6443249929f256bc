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
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/slab.h>
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
 * @func:	the only entry
 * @old_func:	the old function
 */
struct klpjb_redirect {
	struct ftrace_ops ops;
	struct list_head stack;
	struct klpjb_redirect_func func;
	void *old_func;
};

/* The redirection in place, or NULL; klpjb_redirect_lock serialises. */
static struct klpjb_redirect *klpjb_redir;
static DEFINE_MUTEX(klpjb_redirect_lock);

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

/* Take the redirection out of ftrace and free it. */
static void klpjb_redirect_free(struct klpjb_redirect *r, bool registered)
{
	if (registered)
		WARN_ON(unregister_ftrace_function(&r->ops));
	ftrace_free_filter(&r->ops);
	kfree(r);
}

static int klpjb_redirect_start(void *old_func, klpjb_fn_t new_func)
{
	unsigned long ip = (unsigned long)old_func;
	struct klpjb_redirect *r;
	int ret;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->ops.func = klpjb_ftrace_handler;
	r->ops.flags = FTRACE_OPS_FL_IPMODIFY;
	r->func.new_func = (unsigned long)new_func;
	INIT_LIST_HEAD(&r->stack);
	list_add_rcu(&r->func.node, &r->stack);

	ret = ftrace_set_filter_ip(&r->ops, ip, 0, 0);
	if (ret) {
		pr_err("klpjb: ftrace_set_filter_ip(%ps) failed (%d)\n",
		       old_func, ret);
		klpjb_redirect_free(r, false);
		return ret;
	}
	ret = register_ftrace_function(&r->ops);
	if (ret) {
		pr_err("klpjb: register_ftrace_function(%ps) failed (%d)\n",
		       old_func, ret);
		klpjb_redirect_free(r, false);
		return ret;
	}
	r->old_func = old_func;
	klpjb_redir = r;
	return 0;
}

/**
 * klpjb_ftrace_stop() - remove the ftrace redirection, if any
 *
 * Called before the new function can go away.
 */
void klpjb_ftrace_stop(void)
{
	mutex_lock(&klpjb_redirect_lock);
	if (klpjb_redir)
		klpjb_redirect_free(klpjb_redir, true);
	klpjb_redir = NULL;
	mutex_unlock(&klpjb_redirect_lock);
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
 * The redirection is set up on first use and stays until
 * klpjb_ftrace_stop(): an ftrace_ops is not registered twice.
 *
 * Return: 0, -EBUSY when another redirection is in place, -ENOMEM, or the
 * error of ftrace_set_filter_ip() or register_ftrace_function().
 */
int klpjb_ftrace_measure(void *old_func, klpjb_fn_t new_func,
			 unsigned long work, unsigned long calls,
			 struct klpjb_result *res)
{
	int ret = 0;

	mutex_lock(&klpjb_redirect_lock);
	if (!klpjb_redir)
		ret = klpjb_redirect_start(old_func, new_func);
	else if (klpjb_redir->old_func != old_func ||
		 klpjb_redir->func.new_func != (unsigned long)new_func)
		ret = -EBUSY;
	if (!ret)
		klpjb_measure((klpjb_fn_t)old_func, work, calls, res);
	mutex_unlock(&klpjb_redirect_lock);
	return ret;
}
