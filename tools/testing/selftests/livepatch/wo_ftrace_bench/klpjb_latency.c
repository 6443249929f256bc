// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpjb_bench: what a pending transition costs the rest of the system.
 *
 * - A latency probe: one hard-irq hrtimer per online CPU records how late
 *   it fires.  With high-resolution timers it fires every 1 ms and its
 *   lateness is now - expiry.  Without them (the benchmark's kernels:
 *   periodic tick, no CONFIG_HIGH_RES_TIMERS) hrtimers run from the tick,
 *   so the probe fires at every tick (its expiry is set half a tick ahead)
 *   and its lateness is how much more than one tick period passed since
 *   it last fired.  stop_machine() and other code with interrupts off
 *   delay it; so does anything that keeps a CPU from taking the timer
 *   interrupt.
 * - A blocker: a kthread that sleeps in klpjb_block(), the function
 *   klpjb_blockpatch replaces, and goes back to sleep when woken, so that
 *   the backend's nudges (jump_signal.c) do not get it out: the patch
 *   stays pending until the blocker is released.
 * - Load: kthreads that sleep one jiffy and wake, over and over, so that
 *   many tasks are switched out on every CPU (the backend's per-CPU log
 *   of tasks that ran overflows).
 *
 * None of this code is in a range that klpjb_fpatch checks; only
 * klpjb_block() is in the range of klpjb_blockpatch.
 */

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>

#include "klpjb_bench.h"

#define KLPJB_LAT_PERIOD_NS	NSEC_PER_MSEC
#define KLPJB_LAT_MAX_S		600
#define KLPJB_MAX_LOAD		4096

/*
 * struct klpjb_lat_cpu - the probe of one CPU
 * @timer:	pinned to the CPU; only its callback writes the fields below
 * @samples:	lateness of each expiry in ns, saturated at U32_MAX
 * @nr:		samples taken; never more than @max
 * @max:	room in @samples
 * @missed:	periods skipped because the timer fired more than a period
 *		late
 * @prev:	when it last fired (tick mode), 0 before the first time
 * @tick:	it runs from the periodic tick (no high-resolution timers)
 */
struct klpjb_lat_cpu {
	struct hrtimer timer;
	u32 *samples;
	unsigned int nr;
	unsigned int max;
	u64 missed;
	ktime_t prev;
	bool tick;
};

static struct klpjb_lat_cpu __percpu *klpjb_lat;
static DEFINE_MUTEX(klpjb_lat_lock);

static enum hrtimer_restart klpjb_lat_fn(struct hrtimer *timer)
{
	struct klpjb_lat_cpu *c = container_of(timer, typeof(*c), timer);
	ktime_t now = ktime_get();
	s64 late, gap;
	u64 fwd;

	if (!hrtimer_is_hres_active(timer)) {
		c->tick = true;
		gap = ktime_to_ns(ktime_sub(now, c->prev));
		if (c->prev && c->nr < c->max)
			c->samples[c->nr++] = clamp_t(s64, gap - TICK_NSEC,
						      0, U32_MAX);
		if (c->prev && gap >= 2 * TICK_NSEC)
			c->missed += div_u64(gap, TICK_NSEC) - 1;
		c->prev = now;
		/* due at the next tick, whatever its phase */
		hrtimer_set_expires(timer, ktime_add_ns(now, TICK_NSEC / 2));
		return HRTIMER_RESTART;
	}
	late = ktime_to_ns(ktime_sub(now, hrtimer_get_expires(timer)));
	if (c->nr < c->max)
		c->samples[c->nr++] = clamp_t(s64, late, 0, U32_MAX);
	fwd = hrtimer_forward(timer, now, ns_to_ktime(KLPJB_LAT_PERIOD_NS));
	if (fwd > 1)
		c->missed += fwd - 1;
	return HRTIMER_RESTART;
}

static void klpjb_lat_start_here(void *unused)
{
	struct klpjb_lat_cpu *c = this_cpu_ptr(klpjb_lat);

	hrtimer_start(&c->timer,
		      ktime_add_ns(ktime_get(), KLPJB_LAT_PERIOD_NS),
		      HRTIMER_MODE_ABS_PINNED_HARD);
}

static int klpjb_u32_cmp(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/**
 * klpjb_latency() - run the latency probe on every online CPU
 * @seconds:	how long, 1..KLPJB_LAT_MAX_S; the caller sleeps meanwhile
 * @buf:	the result, "samples=N missed=N p50_ns=N p99_ns=N p999_ns=N
 *		max_ns=N cpus=N timer=tick|hres period_ns=N"
 * @size:	size of @buf
 *
 * CPUs going on or off line meanwhile are not followed.
 *
 * Return: 0, -EINVAL for a bad @seconds, -ENOMEM, -EINTR when a signal
 * ended the sleep (the probe is stopped and nothing is reported).
 */
int klpjb_latency(unsigned int seconds, char *buf, size_t size)
{
	unsigned int cpu, cpus = 0, n = 0, per_cpu;
	bool tick = false;
	u64 missed = 0;
	u32 *all = NULL;
	int ret = 0;

	if (!seconds || seconds > KLPJB_LAT_MAX_S)
		return -EINVAL;
	/* twice the expected count: a late clock may catch up in bursts */
	per_cpu = seconds * (NSEC_PER_SEC / KLPJB_LAT_PERIOD_NS) * 2;

	mutex_lock(&klpjb_lat_lock);
	klpjb_lat = alloc_percpu(struct klpjb_lat_cpu);
	if (!klpjb_lat) {
		ret = -ENOMEM;
		goto out;
	}
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct klpjb_lat_cpu *c = per_cpu_ptr(klpjb_lat, cpu);

		hrtimer_init(&c->timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_ABS_PINNED_HARD);
		c->timer.function = klpjb_lat_fn;
		c->samples = vmalloc_array(per_cpu, sizeof(u32));
		if (!c->samples) {
			ret = -ENOMEM;
			break;
		}
		c->max = per_cpu;
		cpus++;
	}
	if (!ret) {
		on_each_cpu(klpjb_lat_start_here, NULL, 1);
		if (msleep_interruptible(seconds * MSEC_PER_SEC))
			ret = -EINTR;
		for_each_online_cpu(cpu)
			hrtimer_cancel(&per_cpu_ptr(klpjb_lat, cpu)->timer);
	}
	cpus_read_unlock();

	if (!ret) {
		all = vmalloc_array(per_cpu * cpus, sizeof(u32));
		if (!all)
			ret = -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		struct klpjb_lat_cpu *c = per_cpu_ptr(klpjb_lat, cpu);

		if (all && c->nr) {
			memcpy(all + n, c->samples, c->nr * sizeof(u32));
			n += c->nr;
		}
		missed += c->missed;
		tick |= c->tick;
		vfree(c->samples);
	}
	if (all && n) {
		sort(all, n, sizeof(u32), klpjb_u32_cmp, NULL);
		scnprintf(buf, size,
			  "samples=%u missed=%llu p50_ns=%u p99_ns=%u p999_ns=%u max_ns=%u cpus=%u timer=%s period_ns=%lu\n",
			  n, missed, all[n / 2], all[(u64)n * 99 / 100],
			  all[(u64)n * 999 / 1000], all[n - 1], cpus,
			  tick ? "tick" : "hres",
			  (unsigned long)(tick ? TICK_NSEC : KLPJB_LAT_PERIOD_NS));
	} else if (!ret) {
		ret = -ENODATA;
	}
	vfree(all);
	free_percpu(klpjb_lat);
	klpjb_lat = NULL;
out:
	mutex_unlock(&klpjb_lat_lock);
	return ret;
}

/* ---- the blocker ------------------------------------------------------- */

static bool klpjb_blocking;
static atomic_t klpjb_block_inside;
static atomic_t klpjb_block_wakes;
static struct task_struct *klpjb_blocker;

/**
 * klpjb_block() - sleep until klpjb_blocker_set(false); the function that
 *		   klpjb_blockpatch replaces
 *
 * A wake-up that does not come from the release (the backend's nudge of a
 * kthread that holds a transition back) is counted and slept over.
 *
 * Return: the wake-ups slept over.
 */
noinline __noipa int klpjb_block(void)
{
	int wakes = 0;

	atomic_inc(&klpjb_block_inside);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!READ_ONCE(klpjb_blocking))
			break;
		schedule();
		if (READ_ONCE(klpjb_blocking)) {
			wakes++;
			atomic_inc(&klpjb_block_wakes);
		}
	}
	__set_current_state(TASK_RUNNING);
	atomic_dec(&klpjb_block_inside);
	return wakes;
}
EXPORT_SYMBOL_GPL(klpjb_block);

static int klpjb_blocker_fn(void *data)
{
	klpjb_block();
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/**
 * klpjb_blocker_set() - start the blocker in klpjb_block(), or release it
 * @on:	start (and wait up to 5 s until it is inside) or release and stop
 *
 * Caller holds the debugfs file's lock (klpjb_main.c serializes writes).
 *
 * Return: 0, -EBUSY when already started, -ETIMEDOUT, or the error of
 * kthread_run().
 */
int klpjb_blocker_set(bool on)
{
	struct task_struct *t;
	int ms;

	if (!on) {
		WRITE_ONCE(klpjb_blocking, false);
		if (klpjb_blocker) {
			wake_up_process(klpjb_blocker);
			kthread_stop(klpjb_blocker);
		}
		klpjb_blocker = NULL;
		return 0;
	}
	if (klpjb_blocker)
		return -EBUSY;
	WRITE_ONCE(klpjb_blocking, true);
	atomic_set(&klpjb_block_wakes, 0);
	t = kthread_run(klpjb_blocker_fn, NULL, "klpjb_blocker");
	if (IS_ERR(t)) {
		WRITE_ONCE(klpjb_blocking, false);
		return PTR_ERR(t);
	}
	klpjb_blocker = t;
	for (ms = 0; ms < 5000; ms++) {
		if (atomic_read(&klpjb_block_inside))
			return 0;
		usleep_range(1000, 2000);
	}
	klpjb_blocker_set(false);
	return -ETIMEDOUT;
}

/**
 * klpjb_blocker_show() - the blocker's state
 * @buf:	"alive=0|1 inside=N wakes=N"
 * @size:	size of @buf
 */
void klpjb_blocker_show(char *buf, size_t size)
{
	scnprintf(buf, size, "alive=%d inside=%d wakes=%d\n",
		  !!READ_ONCE(klpjb_blocker), atomic_read(&klpjb_block_inside),
		  atomic_read(&klpjb_block_wakes));
}

/* ---- load -------------------------------------------------------------- */

static struct task_struct **klpjb_load;
static unsigned int klpjb_nr_load;
static DEFINE_MUTEX(klpjb_load_lock);

static int klpjb_load_fn(void *data)
{
	while (!kthread_should_stop())
		schedule_timeout_idle(1);
	return 0;
}

/**
 * klpjb_load_set() - start or stop load kthreads
 * @nr:	how many should run, at most KLPJB_MAX_LOAD
 *
 * Return: 0, -EINVAL, -ENOMEM, or the error of kthread_run() (those
 * started so far stay).
 */
int klpjb_load_set(unsigned int nr)
{
	struct task_struct *t;
	int ret = 0;

	if (nr > KLPJB_MAX_LOAD)
		return -EINVAL;
	mutex_lock(&klpjb_load_lock);
	if (!klpjb_load) {
		klpjb_load = kvcalloc(KLPJB_MAX_LOAD, sizeof(*klpjb_load),
				      GFP_KERNEL);
		if (!klpjb_load) {
			ret = -ENOMEM;
			goto out;
		}
	}
	while (klpjb_nr_load < nr) {
		t = kthread_run(klpjb_load_fn, NULL, "klpjb_l%u",
				klpjb_nr_load);
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			pr_err("klpjb: cannot start load thread %u (%d)\n",
			       klpjb_nr_load, ret);
			goto out;
		}
		klpjb_load[klpjb_nr_load++] = t;
	}
	while (klpjb_nr_load > nr)
		kthread_stop(klpjb_load[--klpjb_nr_load]);
	if (!nr) {
		kvfree(klpjb_load);
		klpjb_load = NULL;
	}
out:
	mutex_unlock(&klpjb_load_lock);
	return ret;
}

/**
 * klpjb_load_count() - the number of load kthreads running
 *
 * Return: that number.
 */
unsigned int klpjb_load_count(void)
{
	return READ_ONCE(klpjb_nr_load);
}
