// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpjb_bench: the floor of a stop_machine window, an empty
 * stop_machine() on all online CPUs, timed like the backend's switch
 * (kernel/livepatch/jump_stats.c): the monotonic clock around the call.
 */

#include <linux/cpumask.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/stop_machine.h>
#include <linux/timekeeping.h>

#include "klpjb_bench.h"

#define KLPJB_MAX_FLOOR_RUNS	1000

static int klpjb_nothing(void *data)
{
	return 0;
}

static int klpjb_u64_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/**
 * klpjb_floor() - time empty stop_machine() calls
 * @runs:	how many, 1 .. KLPJB_MAX_FLOOR_RUNS
 * @min:	the shortest, in ns
 * @median:	the median, in ns
 * @max:	the longest, in ns
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int klpjb_floor(unsigned int runs, u64 *min, u64 *median, u64 *max)
{
	unsigned int i;
	u64 *t, t0;

	if (!runs || runs > KLPJB_MAX_FLOOR_RUNS)
		return -EINVAL;
	t = kcalloc(runs, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	for (i = 0; i < runs; i++) {
		t0 = ktime_get_mono_fast_ns();
		stop_machine(klpjb_nothing, NULL, cpu_online_mask);
		t[i] = ktime_get_mono_fast_ns() - t0;
	}
	sort(t, runs, sizeof(*t), klpjb_u64_cmp, NULL);
	*min = t[0];
	*median = t[runs / 2];
	*max = t[runs - 1];
	kfree(t);
	return 0;
}
