// SPDX-License-Identifier: GPL-2.0-only
/*
 * The switch of the direct-branch backend: under stop_machine, check that
 * no task is inside the code the switch makes unreachable, then rewrite
 * every affected slot at once.  All allocations and the instructions to
 * write are prepared before; only the check and the writes run while the
 * CPUs are stopped.
 */

#define pr_fmt(fmt) "klp-jump: " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/stop_machine.h>

#include "core.h"
#include "jump.h"

struct klp_jump_commit_ctx {
	struct list_head *sites;
	struct klp_jump_check *check;
	struct klp_arch_writer writer;
	struct klp_jump_site *failed;
	atomic_t cpus;
	int done;
	int ret;
};

/* The CPUs the writer knew to be in the callback when it began to write. */
static unsigned int klp_jump_arrived;

/*
 * Write the next instruction of every site, or of none: when a write
 * fails, the slots written before it are put back and @failed_site is
 * set.  Each site's cur is what its slot holds afterwards.
 */
static int klp_jump_write_sites(struct list_head *sites,
				struct klp_jump_site **failed_site)
{
	struct klp_jump_site *site, *failed;
	int ret = 0;

	list_for_each_entry(site, sites, batch) {
		if (site->next == site->cur)
			continue;
		ret = klp_arch_write_site(&site->arch, site->next);
		if (ret)
			break;
	}
	failed = site;
	list_for_each_entry(site, sites, batch) {
		if (site == failed)
			break;
		if (site->next == site->cur)
			continue;
		if (!ret)
			site->cur = site->next;
		else if (WARN_ON_ONCE(klp_arch_undo_site(&site->arch, site->cur)))
			site->cur = site->next;
	}
	if (ret)
		*failed_site = failed;
	return ret;
}

/*
 * Runs on every online CPU.  multi_cpu_stop() moves the CPUs into this
 * callback one by one: until the last one is here, others may still run
 * the code of its loop (touch_nmi_watchdog() and what it calls), which
 * the stack check cannot see, since it skips the running stopper
 * threads.  So the last CPU to arrive is the writer: when it checks and
 * writes, every other CPU spins below, in code that cannot be patched.
 */
static int klp_jump_commit_cpu(void *data)
{
	struct klp_jump_commit_ctx *ctx = data;
	unsigned int arrived;
	int ret = 0;
	u64 t;

	/* The online CPUs cannot change under stop_machine. */
	arrived = atomic_inc_return(&ctx->cpus);
	if (arrived != num_online_cpus()) {
		/* Wait for the writer (pairs with its store-release). */
		while (!smp_load_acquire(&ctx->done))
			cpu_relax();
		klp_arch_sync_core();
		return 0;
	}

	WRITE_ONCE(klp_jump_arrived, arrived);
	if (ctx->check) {
		t = klp_jump_stats_start();
		klp_jump_check_tasks(ctx->check);
		klp_jump_stats_end(KLP_JUMP_STAT_CHECK, t);
		if (ctx->check->nr_busy)
			ret = -EBUSY;
	}

	t = klp_jump_stats_start();
	if (!ret)
		ret = klp_jump_write_sites(ctx->sites, &ctx->failed);
	klp_arch_write_sync(&ctx->writer);
	klp_jump_stats_end(KLP_JUMP_STAT_WRITE, t);

	ctx->ret = ret;
	/* Publish the writes and ret to the CPUs waiting above. */
	smp_store_release(&ctx->done, 1);
	klp_arch_sync_core();
	return ret;
}

/**
 * klp_jump_commit() - write the slots of sites under stop_machine
 * @sites:	sites linked by their batch member; each slot gets @next
 * @check:	the stack check to pass first, or NULL to skip it
 *
 * Either every slot is written or, when the check finds a busy task or a
 * write fails, none.
 * The writable alias of the slots is mapped before the CPUs are stopped and
 * unmapped after; without memory for it, the slots are written one by one
 * through text-poke instead.
 *
 * Return: 0, -EBUSY when the check failed, or a text-poke error.
 */
int klp_jump_commit(struct list_head *sites, struct klp_jump_check *check)
{
	struct klp_jump_commit_ctx ctx = {
		.sites = sites,
		.check = check,
		.cpus = ATOMIC_INIT(0),
	};
	struct klp_arch_site **arch;
	struct klp_jump_site *site;
	unsigned int nr = 0;
	u64 t;

	list_for_each_entry(site, sites, batch)
		nr++;
	arch = kvmalloc_array(nr, sizeof(*arch), GFP_KERNEL);
	nr = 0;
	if (arch)
		list_for_each_entry(site, sites, batch)
			arch[nr++] = &site->arch;
	klp_arch_writer_map(&ctx.writer, arch, nr);

	t = klp_jump_stats_start();
	stop_machine(klp_jump_commit_cpu, &ctx, cpu_online_mask);
	klp_jump_stats_end(KLP_JUMP_STAT_WINDOW, t);

	klp_arch_writer_unmap(&ctx.writer, arch, nr);
	kvfree(arch);
	if (ctx.failed)
		pr_warn_ratelimited("writing the entry of %pS failed (%d), no entry changed\n",
				    (void *)ctx.failed->addr, ctx.ret);
	return ctx.ret;
}

/**
 * klp_jump_commit_arrived() - how many CPUs the last commit waited for
 *
 * Return: the number of CPUs that the writer of the most recent
 * klp_jump_commit() knew to be inside the stop_machine callback, itself
 * included, when it began to check and write.
 */
unsigned int klp_jump_commit_arrived(void)
{
	return READ_ONCE(klp_jump_arrived);
}

static void klp_jump_add_range(struct klp_jump_check *check,
			       unsigned long start, unsigned long size,
			       const struct klp_func *func,
			       enum klp_jump_code code, const void *new_func)
{
	struct klp_jump_range *r = &check->ranges[check->nr_ranges++];

	r->start = start;
	r->end = start + size;
	r->func = func;
	r->code = code;
	r->new_func = new_func;
}

static void klp_jump_add_target_ranges(struct klp_jump_check *check,
				       const struct klp_jump_target *t,
				       const struct klp_func *func)
{
	void *new_func;

	if (!t || t->func->nop)
		return;
	new_func = t->func->new_func;
	klp_jump_add_range(check, (unsigned long)new_func, t->func->new_size,
			   func, KLP_JUMP_CODE_NEW, new_func);
	if (t->br.veneer)
		klp_jump_add_range(check, (unsigned long)t->br.veneer,
				   KLP_ARCH_VENEER_SIZE, func,
				   KLP_JUMP_CODE_VENEER, new_func);
}

/*
 * Record the code that tasks must have left before @func is switched:
 * when it takes effect, the code the site reaches now (the old function
 * and whatever new function is on top); when it goes out of effect, the
 * code it brought (for a nop, the old function).
 */
static void klp_jump_add_func_ranges(struct klp_jump_check *check,
				     struct klp_jump_site *site,
				     struct klp_func *func, bool to_live)
{
	struct klp_jump_target *t;

	if (to_live || func->nop)
		klp_jump_add_range(check, site->addr, site->size, func,
				   KLP_JUMP_CODE_OLD, NULL);
	if (to_live) {
		klp_jump_add_target_ranges(check, klp_jump_site_top(site, false),
					   func);
		return;
	}
	list_for_each_entry(t, &site->targets, node)
		if (t->func == func)
			klp_jump_add_target_ranges(check, t, func);
}

/*
 * Whether the switch leaves @func's slot as it is, so that no code becomes
 * unreachable through it: the case of reversing a pending transition,
 * which wrote nothing.  Disabling a function stacked under another one
 * leaves the slot as it is too, but tasks may still be inside its code
 * (the other one's enable may have been forced): only a function that is
 * the top of its site while the patch is live qualifies.  The next
 * instructions of the sites must be computed already.
 */
/*
 * A test hook, NULL except while a test module has one installed: it runs
 * between a pre-check that found no busy task and stop_machine, so that a
 * test can move a task into the checked code meanwhile.  Written under
 * klp_mutex, which every switch holds, so that once its module has
 * removed it, the hook is not running.
 */
static void (*klp_jump_gap_hook)(void);

/**
 * klp_jump_set_gap_hook() - install or remove the test hook of the switch
 * @hook:	run between the pre-check and stop_machine of each switch
 *		whose pre-check found no busy task; NULL to remove it
 *
 * For test modules only: the hook may sleep, and no switch runs it once
 * the call that removes it has returned.
 */
void klp_jump_set_gap_hook(void (*hook)(void))
{
	mutex_lock(&klp_mutex);
	klp_jump_gap_hook = hook;
	mutex_unlock(&klp_mutex);
}
EXPORT_SYMBOL_GPL(klp_jump_set_gap_hook);

static bool klp_jump_slot_kept(struct klp_jump_site *site,
			       const struct klp_func *func, bool to_live)
{
	struct klp_jump_target *t;

	if (site->next != site->cur)
		return false;
	if (to_live)
		return true;
	t = klp_jump_site_top(site, true);
	return t && t->func == func;
}

/**
 * klp_jump_switch_patch() - switch a patch in or out under the stack check
 * @patch:	the patch in transition, its functions on their sites
 * @to_live:	true to make the patch's functions take effect, false to
 *		take them out of effect
 * @force:	skip the stack check
 * @report:	print the busy tasks when the check fails
 *
 * Sleeping tasks are checked first with the CPUs running; a busy one ends
 * the attempt without stopping them, unless @report: then the running
 * tasks are checked under stop_machine as well (nothing is written), so
 * that every task holding the switch back is named at once.  From the
 * pre-check on, the tasks that run are logged, so that the check inside
 * stop_machine looks only at those.  A function whose slot the switch
 * leaves as it is (a reversed transition) adds nothing to check.
 *
 * Called with klp_mutex held, the functions of @patch on their sites.
 * Afterwards each of their slots holds klp_jump_site_insn(site, @to_live)
 * and klp_jump_patch_live is @to_live when 0 is returned; after -EBUSY or
 * -ENOMEM no slot was written.
 *
 * Return: 0 when switched, -EBUSY when some task is inside the code that
 * would become unreachable (reported if @report), -ENOMEM.
 */
int klp_jump_switch_patch(struct klp_patch *patch, bool to_live, bool force,
			  bool report)
{
	struct klp_jump_check *check;
	struct klp_jump_site *site, *tmp;
	unsigned int nr = 0;
	struct klp_object *obj;
	struct klp_func *func;
	bool logging = false;
	LIST_HEAD(sites);
	int ret;

	klp_for_each_object(patch, obj)
		klp_for_each_func(obj, func)
			nr += func->patched;

	check = kzalloc(sizeof(*check), GFP_KERNEL);
	if (!check)
		return -ENOMEM;
	check->ranges = kvmalloc_array(3 * nr + 1, sizeof(*check->ranges),
				       GFP_KERNEL);
	if (!check->ranges) {
		kfree(check);
		return -ENOMEM;
	}

	klp_for_each_object(patch, obj) {
		klp_for_each_func(obj, func) {
			if (!func->patched)
				continue;
			site = klp_jump_find_site((unsigned long)func->old_func);
			if (WARN_ON_ONCE(!site))
				continue;
			if (list_empty(&site->batch))
				list_add_tail(&site->batch, &sites);
		}
	}

	/* What each slot holds once the patch is (or is no longer) live. */
	list_for_each_entry(site, &sites, batch)
		site->next = klp_jump_site_insn(site, to_live);

	klp_for_each_object(patch, obj) {
		klp_for_each_func(obj, func) {
			if (!func->patched)
				continue;
			site = klp_jump_find_site((unsigned long)func->old_func);
			if (!site || klp_jump_slot_kept(site, func, to_live))
				continue;
			klp_jump_add_func_ranges(check, site, func, to_live);
		}
	}
	klp_jump_sort_ranges(check->ranges, check->nr_ranges);

	ret = 0;
	if (!force) {
		u64 t = klp_jump_stats_start();

		logging = !klp_jump_ran_start();
		klp_jump_precheck_tasks(check);
		klp_jump_stats_end(KLP_JUMP_STAT_PRECHECK, t);
		check->ran_logged = logging && check->seen_all;
		/*
		 * A sleeping task holds the switch back.  When the blockers
		 * are to be reported, the running tasks are checked too,
		 * inside stop_machine, so that the report names them all;
		 * that check finds the switch busy and writes nothing.
		 */
		if (check->nr_busy && !report)
			ret = -EBUSY;
		else if (!check->nr_busy && klp_jump_gap_hook)
			klp_jump_gap_hook();
	}
	if (!ret)
		ret = klp_jump_commit(&sites, force ? NULL : check);
	if (logging)
		klp_jump_ran_stop();
	if (!force)
		klp_jump_stats_check(check);
	if (!ret) {
		klp_jump_patch_live = to_live;
		klp_jump_report_switch(force ? NULL : check);
	} else if (ret == -EBUSY && report) {
		klp_jump_report(check);
		klp_jump_signal_busy(check);
	}

	klp_jump_blockers_record(patch, check);

	list_for_each_entry_safe(site, tmp, &sites, batch)
		list_del_init(&site->batch);
	kvfree(check->busy_pids);
	kvfree(check->seen);
	kvfree(check->ranges);
	kfree(check);
	return ret;
}
