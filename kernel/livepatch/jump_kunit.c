// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the range lookup used by the stack check of the
 * direct-branch backend, of the identity of the tasks it skips, of the
 * rendezvous of its switch, and of its refusal of unsafe targets.
 */

#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/kstrtox.h>
#include <linux/list.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/stop_machine.h>

#include <asm/sections.h>

#include "jump.h"

static const struct klp_jump_range *find(const struct klp_jump_range *r,
					 unsigned int nr, unsigned long pc)
{
	return klp_jump_find_range(r, nr, pc);
}

static void klp_jump_range_bounds(struct kunit *test)
{
	struct klp_jump_range r[] = {
		{ .start = 0x3000, .end = 0x3100 },
		{ .start = 0x1000, .end = 0x1010 },
		{ .start = 0x2000, .end = 0x2004 },
	};

	klp_jump_sort_ranges(r, ARRAY_SIZE(r));
	KUNIT_EXPECT_EQ(test, r[0].start, 0x1000UL);
	KUNIT_EXPECT_EQ(test, r[2].start, 0x3000UL);

	KUNIT_EXPECT_NULL(test, find(r, 3, 0));
	KUNIT_EXPECT_NULL(test, find(r, 3, 0xfff));
	KUNIT_EXPECT_PTR_EQ(test, find(r, 3, 0x1000), &r[0]);
	KUNIT_EXPECT_PTR_EQ(test, find(r, 3, 0x100f), &r[0]);
	KUNIT_EXPECT_NULL(test, find(r, 3, 0x1010));
	KUNIT_EXPECT_PTR_EQ(test, find(r, 3, 0x2003), &r[1]);
	KUNIT_EXPECT_NULL(test, find(r, 3, 0x2004));
	KUNIT_EXPECT_PTR_EQ(test, find(r, 3, 0x30ff), &r[2]);
	KUNIT_EXPECT_NULL(test, find(r, 3, 0x3100));
	KUNIT_EXPECT_NULL(test, find(r, 3, ~0UL));
}

static void klp_jump_range_empty(struct kunit *test)
{
	struct klp_jump_range r = { .start = 0x1000, .end = 0x2000 };

	KUNIT_EXPECT_NULL(test, find(&r, 0, 0x1000));
	KUNIT_EXPECT_PTR_EQ(test, find(&r, 1, 0x1fff), &r);
}

static void klp_jump_range_identical(struct kunit *test)
{
	struct klp_jump_range r[] = {
		{ .start = 0x1000, .end = 0x1040 },
		{ .start = 0x1000, .end = 0x1040 },
	};
	const struct klp_jump_range *hit;

	klp_jump_sort_ranges(r, ARRAY_SIZE(r));
	hit = find(r, 2, 0x1020);
	KUNIT_EXPECT_NOT_NULL(test, hit);
	KUNIT_EXPECT_NULL(test, find(r, 2, 0x1040));
}

/* Compare the binary search with a linear scan on random layouts. */
static void klp_jump_range_random(struct kunit *test)
{
	const unsigned int nr = 1000;
	struct klp_jump_range *r;
	unsigned long base = 0x10000, pc;
	unsigned int i, j, n;

	r = kunit_kcalloc(test, nr, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);

	for (i = 0; i < nr; i++) {
		base += 4 * (1 + get_random_u32_below(64));
		r[i].start = base;
		base += 4 * (1 + get_random_u32_below(64));
		r[i].end = base;
	}
	/* Shuffle, then sort again. */
	for (i = nr - 1; i > 0; i--)
		swap(r[i], r[get_random_u32_below(i + 1)]);
	klp_jump_sort_ranges(r, nr);

	for (j = 0; j < 20000; j++) {
		const struct klp_jump_range *want = NULL;

		pc = 0x10000 + get_random_u32_below(base - 0x10000 + 8);
		for (n = 0; n < nr; n++)
			if (pc >= r[n].start && pc < r[n].end)
				want = &r[n];
		KUNIT_ASSERT_PTR_EQ(test, find(r, nr, pc), want);
	}
}

/*
 * A task found clean before stop_machine is skipped inside it when it is
 * the same task and has not run since.  A task that exits and is freed may
 * leave its task_struct to a new task, which can have the same context
 * switch count: that new task must be walked.
 */
static void klp_jump_seen_identity(struct kunit *test)
{
	struct klp_jump_seen seen;
	struct task_struct *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->nvcsw = 5;
	t->nivcsw = 2;
	t->start_time = 1000;
	klp_jump_seen_record(&seen, t, t->nvcsw + t->nivcsw);
	KUNIT_EXPECT_TRUE(test, klp_jump_seen_unchanged(&seen, t));

	/* It ran since. */
	t->nivcsw++;
	KUNIT_EXPECT_FALSE(test, klp_jump_seen_unchanged(&seen, t));
	t->nivcsw--;

	/* Reaped, and its task_struct reused by a task forked later. */
	t->start_time = 2000;
	KUNIT_EXPECT_FALSE(test, klp_jump_seen_unchanged(&seen, t));
}

/*
 * The writer of a switch checks and writes only once every online CPU is
 * in the stop_machine callback: none is still in the code of
 * multi_cpu_stop()'s loop or in what it calls.  An empty batch without
 * stack check goes through the same rendezvous.
 */
static void klp_jump_commit_all_arrived(struct kunit *test)
{
	LIST_HEAD(none);
	unsigned int online;

	cpus_read_lock();
	online = num_online_cpus();
	cpus_read_unlock();
	KUNIT_ASSERT_EQ(test, klp_jump_commit(&none, NULL), 0);
	KUNIT_EXPECT_EQ(test, klp_jump_commit_arrived(), online);
}

static int classify(const void *addr)
{
	const char *why = NULL;
	int ret = klp_jump_classify((unsigned long)addr, &why);

	/* Every refusal has a reason for its message, success none. */
	if (ret)
		return why ? ret : -ENOMSG;
	return why ? -ENOMSG : 0;
}

static void klp_jump_refuse_text(struct kunit *test)
{
	/* An ordinary function of vmlinux. */
	KUNIT_EXPECT_EQ(test, classify(kstrtobool), 0);

	/* Not a live function. */
	KUNIT_EXPECT_EQ(test, classify((const void *)&jiffies), -EINVAL);
	KUNIT_EXPECT_EQ(test, classify((void *)kstrtobool + 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, classify(_sinittext), -EINVAL);

	/* Code that must never run a redirected entry. */
	KUNIT_EXPECT_EQ(test, classify(__entry_text_start), -EOPNOTSUPP);
	if ((unsigned long)__noinstr_text_end > (unsigned long)__noinstr_text_start)
		KUNIT_EXPECT_EQ(test, classify(__noinstr_text_start),
				-EOPNOTSUPP);
	if ((unsigned long)__kprobes_text_end > (unsigned long)__kprobes_text_start)
		KUNIT_EXPECT_EQ(test, classify(__kprobes_text_start),
				-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, classify(schedule), -EOPNOTSUPP);
	if (IS_ENABLED(CONFIG_SMP))
		KUNIT_EXPECT_EQ(test, classify(_raw_spin_lock), -EOPNOTSUPP);
}

static void klp_jump_refuse_switch_code(struct kunit *test)
{
	/* This backend, the core, and what the switch runs. */
	KUNIT_EXPECT_EQ(test, classify(klp_jump_find_range), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, classify(klp_jump_check_tasks), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, classify(klp_enable_patch), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, classify(stop_machine), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, classify(__kernel_text_address), -EOPNOTSUPP);
}

static struct kunit_case klp_jump_range_cases[] = {
	KUNIT_CASE(klp_jump_range_bounds),
	KUNIT_CASE(klp_jump_range_empty),
	KUNIT_CASE(klp_jump_range_identical),
	KUNIT_CASE(klp_jump_range_random),
	KUNIT_CASE(klp_jump_seen_identity),
	KUNIT_CASE(klp_jump_commit_all_arrived),
	KUNIT_CASE(klp_jump_refuse_text),
	KUNIT_CASE(klp_jump_refuse_switch_code),
	{}
};

static struct kunit_suite klp_jump_range_suite = {
	.name = "livepatch_wo_ftrace_ranges",
	.test_cases = klp_jump_range_cases,
};

kunit_test_suite(klp_jump_range_suite);
