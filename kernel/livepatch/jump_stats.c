// SPDX-License-Identifier: GPL-2.0-only
/*
 * Timings and sizes of the direct-branch backend, for benchmarks, in
 * /sys/kernel/debug/klp_jump/ (read-only):
 *
 *   last_precheck_ns	the walk of sleeping tasks before stop_machine
 *   last_window_ns	the stop_machine() call that switched the slots:
 *			the time during which CPUs were held
 *   last_check_ns	the stack check inside that window
 *   last_write_ns	the slot writes inside that window
 *   last_looked	tasks looked at inside the window: those logged as
 *			having run since the pre-check, or all of them
 *   last_walked	stacks walked inside the window
 *   last_seen		stacks found clean by the pre-check and not walked
 *			again when their task did not run since
 *   last_ranges	text ranges checked
 *   commits		stop_machine() calls made by the backend so far
 *   site_bytes		memory of one site (per old function)
 *   target_bytes	memory of one target (per new function on a site)
 *   veneer_bytes	text of one veneer (only for far targets)
 *
 * The "last" values are those of the most recent switch; the window is
 * also recorded for commits without a stack check (module load and
 * unload).  Times come from the monotonic clock, which is usable with the
 * CPUs stopped.
 */

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "jump.h"

static u64 klp_jump_stat_ns[KLP_JUMP_NR_STATS];
static u32 klp_jump_last_looked;
static u32 klp_jump_last_walked;
static u32 klp_jump_last_seen;
static u32 klp_jump_last_ranges;
static u64 klp_jump_commits;
static u32 klp_jump_site_bytes;
static u32 klp_jump_target_bytes;
static u32 klp_jump_veneer_bytes = KLP_ARCH_VENEER_SIZE;

/**
 * klp_jump_stats_start() - start timing one phase of a switch
 *
 * Return: the current time, to pass to klp_jump_stats_end().
 */
u64 klp_jump_stats_start(void)
{
	return ktime_get_mono_fast_ns();
}

/**
 * klp_jump_stats_end() - record how long one phase of a switch took
 * @stat:	the phase
 * @start:	what klp_jump_stats_start() returned when it began
 */
void klp_jump_stats_end(enum klp_jump_stat stat, u64 start)
{
	WRITE_ONCE(klp_jump_stat_ns[stat], ktime_get_mono_fast_ns() - start);
	if (stat == KLP_JUMP_STAT_WINDOW)
		WRITE_ONCE(klp_jump_commits, klp_jump_commits + 1);
}

/**
 * klp_jump_stats_check() - record the size of the stack check of a switch
 * @check:	the check, after the switch was attempted
 */
void klp_jump_stats_check(const struct klp_jump_check *check)
{
	WRITE_ONCE(klp_jump_last_looked, check->nr_looked);
	WRITE_ONCE(klp_jump_last_walked, check->nr_walked);
	WRITE_ONCE(klp_jump_last_seen, check->nr_seen);
	WRITE_ONCE(klp_jump_last_ranges, check->nr_ranges);
}

static int __init klp_jump_stats_init(void)
{
	static const char * const names[KLP_JUMP_NR_STATS] = {
		[KLP_JUMP_STAT_PRECHECK] = "last_precheck_ns",
		[KLP_JUMP_STAT_WINDOW] = "last_window_ns",
		[KLP_JUMP_STAT_CHECK] = "last_check_ns",
		[KLP_JUMP_STAT_WRITE] = "last_write_ns",
	};
	struct dentry *dir;
	int i;

	klp_jump_site_bytes = kmalloc_size_roundup(sizeof(struct klp_jump_site));
	klp_jump_target_bytes =
		kmalloc_size_roundup(sizeof(struct klp_jump_target));

	dir = debugfs_create_dir("klp_jump", NULL);
	for (i = 0; i < KLP_JUMP_NR_STATS; i++)
		debugfs_create_u64(names[i], 0444, dir, &klp_jump_stat_ns[i]);
	debugfs_create_u32("last_looked", 0444, dir, &klp_jump_last_looked);
	debugfs_create_u32("last_walked", 0444, dir, &klp_jump_last_walked);
	debugfs_create_u32("last_seen", 0444, dir, &klp_jump_last_seen);
	debugfs_create_u32("last_ranges", 0444, dir, &klp_jump_last_ranges);
	debugfs_create_u64("commits", 0444, dir, &klp_jump_commits);
	debugfs_create_u32("site_bytes", 0444, dir, &klp_jump_site_bytes);
	debugfs_create_u32("target_bytes", 0444, dir, &klp_jump_target_bytes);
	debugfs_create_u32("veneer_bytes", 0444, dir, &klp_jump_veneer_bytes);
	return 0;
}
late_initcall(klp_jump_stats_init);
