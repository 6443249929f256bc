// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/livepatch/<patch>/blockers: the tasks that held back the last
 * switch attempt of the patch in transition, for tools such as klpctl.
 *
 * Empty unless <patch> is the patch in transition and its last attempt found
 * busy tasks; then one line per task recorded by the stack check (at most
 * KLP_JUMP_MAX_BLOCKERS):
 *
 *	<pid> <function> <where>
 *
 * <function> is the klp_func's old_name; <where> is "old", "new" or
 * "veneer": the code of that function the task was found in.  A task whose
 * stack could not be walked reads "<pid> - unreliable".  When more tasks
 * were busy than listed, a last line "+<N> more" follows.
 *
 * The file is added to the patch's kobject the first time an attempt of
 * the patch finds a busy task, and goes away with that kobject; the core's
 * own files are unchanged.  Until then it does not exist, which reads as
 * empty: a patch that switches at once allocates nothing for it, and no
 * allocation that the enable path tolerates to fail comes before those
 * whose failure fails the enable.  Nothing here prints to the kernel log.
 *
 * Invariant: klp_jump_blockers_patch is NULL or the patch in transition;
 * the text is rendered from a klp_jump_check when an attempt ends, under
 * klp_jump_blockers_lock, so a reader copies one attempt's result whole.
 */

#include <linux/kallsyms.h>
#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>

#include "jump.h"

/* One line per blocker at most: pid, name, where; then "+N more". */
#define KLP_JUMP_BLOCKERS_LINE	(KSYM_NAME_LEN + 24)
#define KLP_JUMP_BLOCKERS_SIZE	\
	(KLP_JUMP_MAX_BLOCKERS * KLP_JUMP_BLOCKERS_LINE + 24)

static DEFINE_SPINLOCK(klp_jump_blockers_lock);
/* The patch whose attempt the text describes; under the lock. */
static const struct klp_patch *klp_jump_blockers_patch;
static char klp_jump_blockers_text[KLP_JUMP_BLOCKERS_SIZE];

static const char * const klp_jump_where_name[] = {
	[KLP_JUMP_CODE_OLD]	= "old",
	[KLP_JUMP_CODE_NEW]	= "new",
	[KLP_JUMP_CODE_VENEER]	= "veneer",
};

static ssize_t blockers_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	struct klp_patch *patch = container_of(kobj, struct klp_patch, kobj);
	ssize_t len = 0;

	spin_lock(&klp_jump_blockers_lock);
	if (patch == klp_jump_blockers_patch)
		len = sysfs_emit(buf, "%s", klp_jump_blockers_text);
	spin_unlock(&klp_jump_blockers_lock);
	return len;
}

static struct kobj_attribute klp_jump_blockers_attr = __ATTR_RO(blockers);

/*
 * Give @patch its blockers file unless it has one: a patch may find busy
 * tasks in its enable and again in its disable, and sysfs must never see
 * a duplicate.  On failure the patch has no file, and nothing else changes.
 */
static int klp_jump_blockers_add_file(struct klp_patch *patch)
{
	struct kernfs_node *kn;

	if (!patch->kobj.state_in_sysfs)
		return 0;
	kn = kernfs_find_and_get(patch->kobj.sd,
				 klp_jump_blockers_attr.attr.name);
	if (kn) {
		kernfs_put(kn);
		return 0;
	}
	return sysfs_create_file(&patch->kobj, &klp_jump_blockers_attr.attr);
}

/**
 * klp_jump_blockers_record() - publish the outcome of a switch attempt
 * @patch:	the patch in transition, or NULL to empty every file
 * @check:	the stack check of the attempt; NULL or without busy tasks
 *		empties the file
 *
 * Called with klp_mutex held, at the end of every attempt (a switch that
 * happens records an empty result) and when the transition starts or is
 * reversed.  The first attempt of @patch that finds busy tasks adds the
 * file.
 */
void klp_jump_blockers_record(struct klp_patch *patch,
			      const struct klp_jump_check *check)
{
	char *text = klp_jump_blockers_text;
	const struct klp_jump_blocker *b;
	size_t size = sizeof(klp_jump_blockers_text);
	size_t len = 0;
	unsigned int i;

	if (patch && check && check->nr_blockers)
		klp_jump_blockers_add_file(patch);

	spin_lock(&klp_jump_blockers_lock);
	klp_jump_blockers_patch = patch;
	text[0] = '\0';
	for (i = 0; check && i < check->nr_blockers; i++) {
		b = &check->blockers[i];
		if (b->unreliable || !b->func)
			len += scnprintf(text + len, size - len,
					 "%d - unreliable\n", b->pid);
		else
			len += scnprintf(text + len, size - len, "%d %s %s\n",
					 b->pid, b->func->old_name,
					 klp_jump_where_name[b->code]);
	}
	if (check && check->nr_busy > check->nr_blockers)
		scnprintf(text + len, size - len, "+%u more\n",
			  check->nr_busy - check->nr_blockers);
	spin_unlock(&klp_jump_blockers_lock);
}
