// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sites of the direct-branch backend: every old function that some patch
 * replaces, with the stack of new functions that want it.  This file
 * implements the interface of kernel/livepatch/patch.h.
 *
 * Adding or removing a function never writes text by itself when the
 * function belongs to the patch in transition: the switch does that under
 * stop_machine after the stack check.  Otherwise (a module coming or going
 * while patches are enabled) the change of the slot is committed at once.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/memory.h>
#include <linux/slab.h>

#include "core.h"
#include "jump.h"
#include "patch.h"

static DEFINE_HASHTABLE(klp_jump_sites, 8);

/**
 * klp_jump_site_top() - the target that receives the calls of a site
 * @site:	the site
 * @live:	whether the functions of the patch in transition count as in
 *		effect
 *
 * Functions of the patch in transition are on their sites from the start
 * of the transition to its end, but take the calls only from the switch
 * on (enabling) or until it (disabling); @live says which side of the
 * switch to look at.  Other functions are always in effect.
 *
 * Return: the newest target in effect, or NULL for the original code.
 */
struct klp_jump_target *klp_jump_site_top(struct klp_jump_site *site,
					  bool live)
{
	struct klp_jump_target *t;

	list_for_each_entry(t, &site->targets, node)
		if (live || !t->func->transition)
			return t;
	return NULL;
}

/**
 * klp_jump_site_insn() - the instruction the slot of a site should hold
 * @site:	the site
 * @live:	as for klp_jump_site_top()
 *
 * Return: the branch to the top target, or the original instruction when
 * there is none or it is a nop.
 */
u32 klp_jump_site_insn(struct klp_jump_site *site, bool live)
{
	struct klp_jump_target *t = klp_jump_site_top(site, live);

	return (t && !t->func->nop) ? t->br.insn : site->arch.orig;
}

/**
 * klp_jump_find_site() - look up the site of an old function
 * @addr:	address of the old function
 *
 * Return: the site or NULL.
 */
struct klp_jump_site *klp_jump_find_site(unsigned long addr)
{
	struct klp_jump_site *site;

	hash_for_each_possible(klp_jump_sites, site, hnode, addr)
		if (site->addr == addr)
			return site;
	return NULL;
}

static struct klp_patch *klp_jump_func_patch(const struct klp_func *func)
{
	return container_of(func->kobj.parent->parent, struct klp_patch, kobj);
}

static struct klp_jump_site *klp_jump_get_site(struct klp_func *func)
{
	unsigned long addr = (unsigned long)func->old_func;
	struct klp_jump_site *site = klp_jump_find_site(addr);
	int ret;

	if (site)
		return site;

	ret = klp_jump_check_func(func);
	if (ret)
		return ERR_PTR(ret);

	site = kzalloc(sizeof(*site), GFP_KERNEL);
	if (!site)
		return ERR_PTR(-ENOMEM);

	ret = klp_arch_site_init(&site->arch, addr, func->old_size);
	if (ret) {
		pr_err("cannot redirect the entry of '%s' (%d)\n",
		       func->old_name, ret);
		goto err;
	}
	ret = klp_jump_check_slot(func, site->arch.slot, false);
	if (ret)
		goto err;

	site->addr = addr;
	site->size = func->old_size;
	site->cur = site->arch.orig;
	INIT_LIST_HEAD(&site->targets);
	INIT_LIST_HEAD(&site->batch);

	/* kprobes checks klp_wo_ftrace_owns() under text_mutex too. */
	mutex_lock(&text_mutex);
	ret = klp_jump_check_slot(func, site->arch.slot, true);
	if (!ret)
		hash_add(klp_jump_sites, &site->hnode, addr);
	mutex_unlock(&text_mutex);
	if (ret)
		goto err;
	return site;

err:
	kfree(site);
	return ERR_PTR(ret);
}

/**
 * klp_wo_ftrace_owns() - whether an instruction is the slot of a site
 * @addr:	the address of an instruction
 *
 * A slot is owned from the moment its site exists, whatever it holds
 * now, until the site goes away with its original instruction restored.
 * Called by kprobes, with text_mutex held, to refuse or leave alone a
 * probe on a slot.
 *
 * Return: true when some patch owns @addr.
 */
bool klp_wo_ftrace_owns(void *addr)
{
	struct klp_jump_site *site;
	unsigned int bkt;

	lockdep_assert_held(&text_mutex);
	hash_for_each(klp_jump_sites, bkt, site, hnode)
		if (site->arch.slot == addr)
			return true;
	return false;
}

static void klp_jump_put_site(struct klp_jump_site *site)
{
	if (!list_empty(&site->targets) || !list_empty(&site->batch))
		return;
	WARN_ON_ONCE(site->cur != site->arch.orig);
	mutex_lock(&text_mutex);
	hash_del(&site->hnode);
	mutex_unlock(&text_mutex);
	kfree(site);
}

static struct klp_jump_target *klp_jump_find_target(struct klp_func *func)
{
	struct klp_jump_site *site;
	struct klp_jump_target *t;

	site = klp_jump_find_site((unsigned long)func->old_func);
	if (!site)
		return NULL;
	list_for_each_entry(t, &site->targets, node)
		if (t->func == func)
			return t;
	return NULL;
}

static int klp_jump_patch_func(struct klp_func *func)
{
	struct klp_patch *patch = klp_jump_func_patch(func);
	struct klp_jump_target *t;
	struct klp_jump_site *site;
	int ret;

	site = klp_jump_get_site(func);
	if (IS_ERR(site))
		return PTR_ERR(site);

	list_for_each_entry(t, &site->targets, node) {
		if (klp_jump_func_patch(t->func) == patch) {
			pr_err("'%s' is replaced twice by patch '%s'\n",
			       func->old_name, patch->mod->name);
			klp_jump_put_site(site);
			return -EINVAL;
		}
	}

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t) {
		klp_jump_put_site(site);
		return -ENOMEM;
	}
	t->func = func;
	t->site = site;
	if (!func->nop) {
		ret = klp_arch_branch_prepare(&site->arch,
					      (unsigned long)func->new_func,
					      &t->br);
		if (ret) {
			pr_err("no branch from '%s' to its new function (%d)\n",
			       func->old_name, ret);
			kfree(t);
			klp_jump_put_site(site);
			return ret;
		}
	}

	list_add(&t->node, &site->targets);
	func->patched = true;
	return 0;
}

static void klp_jump_queue(struct list_head *batch, struct klp_jump_site *site)
{
	if (list_empty(&site->batch))
		list_add_tail(&site->batch, batch);
}

/*
 * Write the slots of the queued sites that no longer hold what their
 * stacks ask for, then release the queue.  No stack check: the callers
 * only change what a coming or going module runs, or what the switch
 * already made unreachable.
 */
static void klp_jump_sync(struct list_head *batch)
{
	struct klp_jump_site *site, *tmp;
	LIST_HEAD(dirty);

	list_for_each_entry_safe(site, tmp, batch, batch) {
		site->next = klp_jump_site_insn(site, klp_jump_patch_live);
		if (site->next != site->cur)
			list_move_tail(&site->batch, &dirty);
	}
	if (!list_empty(&dirty))
		WARN_ON(klp_jump_commit(&dirty, NULL));
	list_splice(&dirty, batch);
}

/*
 * Free the targets in @dead and release the queued sites.  A target of a
 * forced patch keeps its veneer: the switch that made the target
 * unreachable checked no stack, so a task may still be inside the veneer,
 * as it may be inside the patch's functions, whose module is kept for
 * that reason.
 */
static void klp_jump_release(struct list_head *batch, struct list_head *dead,
			     bool forced)
{
	struct klp_jump_target *t, *tt;
	struct klp_jump_site *site, *tmp;

	list_for_each_entry_safe(t, tt, dead, node) {
		if (!forced)
			klp_arch_branch_release(&t->br);
		t->func->patched = false;
		kfree(t);
	}
	list_for_each_entry_safe(site, tmp, batch, batch) {
		list_del_init(&site->batch);
		klp_jump_put_site(site);
	}
}

static void klp_jump_unpatch(struct klp_patch *patch, struct klp_object *only,
			     bool nops_only)
{
	struct klp_jump_target *t;
	struct klp_object *obj;
	struct klp_func *func;
	LIST_HEAD(batch);
	LIST_HEAD(dead);

	klp_for_each_object(patch, obj) {
		if (only && obj != only)
			continue;
		klp_for_each_func(obj, func) {
			if (!func->patched || (nops_only && !func->nop))
				continue;
			t = klp_jump_find_target(func);
			if (WARN_ON_ONCE(!t))
				continue;
			list_move(&t->node, &dead);
			klp_jump_queue(&batch, t->site);
		}
		if (obj->dynamic || !nops_only)
			obj->patched = false;
	}

	klp_jump_sync(&batch);
	klp_jump_release(&batch, &dead, patch->forced);
}

/**
 * klp_unpatch_object() - remove the functions of an object from their sites
 * @obj:	the object; may be partially patched
 */
void klp_unpatch_object(struct klp_object *obj)
{
	struct klp_patch *patch = container_of(obj->kobj.parent,
					       struct klp_patch, kobj);

	klp_jump_unpatch(patch, obj, false);
}

/**
 * klp_patch_object() - stack the functions of an object on their sites
 * @obj:	a loaded object
 *
 * Return: 0 or a negative errno, with nothing left stacked.
 */
int klp_patch_object(struct klp_object *obj)
{
	struct klp_func *func;
	LIST_HEAD(batch);
	LIST_HEAD(none);
	int ret;

	if (WARN_ON(obj->patched))
		return -EINVAL;

	klp_for_each_func(obj, func) {
		ret = klp_jump_patch_func(func);
		if (ret) {
			klp_unpatch_object(obj);
			return ret;
		}
	}
	obj->patched = true;

	klp_for_each_func(obj, func)
		klp_jump_queue(&batch, klp_jump_find_target(func)->site);
	klp_jump_sync(&batch);
	klp_jump_release(&batch, &none, false);
	return 0;
}

/**
 * klp_unpatch_objects() - remove all functions of a patch from their sites
 * @patch:	the patch
 */
void klp_unpatch_objects(struct klp_patch *patch)
{
	klp_jump_unpatch(patch, NULL, false);
}

/**
 * klp_unpatch_objects_dynamic() - remove the nop functions of a patch
 * @patch:	the patch
 */
void klp_unpatch_objects_dynamic(struct klp_patch *patch)
{
	klp_jump_unpatch(patch, NULL, true);
}
