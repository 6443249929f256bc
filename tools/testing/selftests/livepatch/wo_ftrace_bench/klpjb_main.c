// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpjb_bench - measurements for the benchmark of the direct-branch live
 * patching backend (harness/bench.sh, `make bench`).  Not a livepatch.
 *
 * /sys/kernel/debug/klpjb/:
 *   calls	calls per call-cost measurement (default 1000000)
 *   work	loop iterations of the measured function body per call
 *   measure	write "loop", "old", "new", "ftrace", "farold" or "farnew":
 *		call that function "calls" times (loop: no call; old/new:
 *		klpjb_call / the new function of klpjb_callpatch; ftrace:
 *		klpjb_call redirected by an ftrace_ops to that new function,
 *		set up on first use and kept until that function goes away;
 *		farold/farnew: the functions of klpjb_farpatch).  Read:
 *		"what=<w> calls=<n> insns=<n> ns=<n>" (totals)
 *   route	read: one line per registered pair, "pair=<call|far>
 *		old=<name> new=<name> distance=<bytes> slot=+<off>
 *		direct=<0|1> veneer=<0|1>" (the B goes to the new function
 *		or to a veneer), or "slot=none" when the old entry has no B
 *   floor	write N: N empty stop_machine() calls; read: "runs=<n>
 *		min=<ns> median=<ns> max=<ns>"
 *   sleepers	write N: that many sleeping kthreads; read: how many
 *   fcheck	read: "patched=<n> veneers=<n>", how many klpjb_f* are
 *		replaced, and how many of their entries branch to a veneer
 *   latency	write S: run the latency probe for S seconds (the write
 *		returns after them); read: "samples=<n> missed=<n>
 *		p50_ns=<ns> p99_ns=<ns> p999_ns=<ns> max_ns=<ns> cpus=<n>"
 *		of the last run (klpjb_latency.c)
 *   blocker	write 1: a kthread sleeps in klpjb_block(), which
 *		klpjb_blockpatch replaces, and sleeps over wake-ups; write 0:
 *		release it.  Read: "alive=<0|1> inside=<n> wakes=<n>"
 *   load	write N: that many kthreads sleeping one jiffy in a loop;
 *		read: how many
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "klpjb_bench.h"

#define KLPJB_DEFAULT_CALLS	1000000UL
#define KLPJB_CMD_LEN		16

static DEFINE_MUTEX(klpjb_lock);
static struct dentry *klpjb_dir;
static unsigned long klpjb_calls = KLPJB_DEFAULT_CALLS;
static unsigned long klpjb_work;

static char klpjb_last[128] = "none\n";
static char klpjb_floor_last[96] = "none\n";
static char klpjb_lat_last[192] = "none\n";

enum klpjb_what {
	KLPJB_LOOP,
	KLPJB_OLD,
	KLPJB_NEW,
	KLPJB_FTRACE,
	KLPJB_FAROLD,
	KLPJB_FARNEW,
};

static const char * const klpjb_whats[] = {
	[KLPJB_LOOP] = "loop",
	[KLPJB_OLD] = "old",
	[KLPJB_NEW] = "new",
	[KLPJB_FTRACE] = "ftrace",
	[KLPJB_FAROLD] = "farold",
	[KLPJB_FARNEW] = "farnew",
};

static int klpjb_run(enum klpjb_what what, struct klpjb_result *res)
{
	enum klpjb_pair pair = what >= KLPJB_FAROLD ? KLPJB_PAIR_FAR :
						      KLPJB_PAIR_CALL;
	unsigned long work = READ_ONCE(klpjb_work);
	unsigned long calls = READ_ONCE(klpjb_calls);
	klpjb_fn_t new_func;
	void *old_func;

	klpjb_pair_funcs(pair, &old_func, &new_func);
	switch (what) {
	case KLPJB_LOOP:
		klpjb_measure(NULL, work, calls, res);
		return 0;
	case KLPJB_OLD:
	case KLPJB_FAROLD:
		if (!old_func)
			return -ENOENT;
		klpjb_measure((klpjb_fn_t)old_func, work, calls, res);
		return 0;
	case KLPJB_NEW:
	case KLPJB_FARNEW:
		if (!new_func)
			return -ENOENT;
		klpjb_measure(new_func, work, calls, res);
		return 0;
	case KLPJB_FTRACE:
		if (!new_func)
			return -ENOENT;
		return klpjb_ftrace_measure(old_func, new_func, work, calls,
					    res);
	}
	return -EINVAL;
}

static ssize_t klpjb_measure_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct klpjb_result res;
	char cmd[KLPJB_CMD_LEN];
	int what, ret;

	if (count >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	what = sysfs_match_string(klpjb_whats, strim(cmd));
	if (what < 0)
		return what;

	mutex_lock(&klpjb_lock);
	ret = klpjb_run(what, &res);
	if (!ret)
		scnprintf(klpjb_last, sizeof(klpjb_last),
			  "what=%s calls=%llu insns=%llu ns=%llu\n",
			  klpjb_whats[what], res.calls, res.insns, res.ns);
	else
		scnprintf(klpjb_last, sizeof(klpjb_last),
			  "what=%s error=%d\n", klpjb_whats[what], ret);
	mutex_unlock(&klpjb_lock);
	return ret ? ret : count;
}

static int klpjb_measure_show(struct seq_file *m, void *v)
{
	mutex_lock(&klpjb_lock);
	seq_puts(m, klpjb_last);
	mutex_unlock(&klpjb_lock);
	return 0;
}

static int klpjb_measure_open(struct inode *inode, struct file *file)
{
	return single_open(file, klpjb_measure_show, NULL);
}

static const struct file_operations klpjb_measure_fops = {
	.owner = THIS_MODULE,
	.open = klpjb_measure_open,
	.read = seq_read,
	.write = klpjb_measure_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int klpjb_route_show(struct seq_file *m, void *v)
{
	static const char * const names[KLPJB_NR_PAIRS] = {
		[KLPJB_PAIR_CALL] = "call",
		[KLPJB_PAIR_FAR] = "far",
	};
	struct klpjb_route route;
	klpjb_fn_t new_func;
	unsigned long dist;
	void *old_func;
	int pair;

	for (pair = 0; pair < KLPJB_NR_PAIRS; pair++) {
		klpjb_pair_funcs(pair, &old_func, &new_func);
		if (!old_func || !new_func)
			continue;
		dist = abs_diff((unsigned long)new_func,
				(unsigned long)old_func);
		seq_printf(m, "pair=%s old=%ps new=%ps distance=%lu ",
			   names[pair], old_func, new_func, dist);
		if (klpjb_route(old_func, &route))
			seq_puts(m, "slot=none\n");
		else
			seq_printf(m, "slot=+%u direct=%d veneer=%d\n",
				   route.slot_off,
				   route.dest == (unsigned long)new_func ||
				   route.dest == (unsigned long)new_func + 4,
				   route.veneer);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klpjb_route);

static ssize_t klpjb_floor_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	u64 min, median, max;
	unsigned int runs;
	int ret;

	ret = kstrtouint_from_user(ubuf, count, 0, &runs);
	if (ret)
		return ret;
	mutex_lock(&klpjb_lock);
	ret = klpjb_floor(runs, &min, &median, &max);
	if (!ret)
		scnprintf(klpjb_floor_last, sizeof(klpjb_floor_last),
			  "runs=%u min=%llu median=%llu max=%llu\n",
			  runs, min, median, max);
	mutex_unlock(&klpjb_lock);
	return ret ? ret : count;
}

static int klpjb_floor_show(struct seq_file *m, void *v)
{
	mutex_lock(&klpjb_lock);
	seq_puts(m, klpjb_floor_last);
	mutex_unlock(&klpjb_lock);
	return 0;
}

static int klpjb_floor_open(struct inode *inode, struct file *file)
{
	return single_open(file, klpjb_floor_show, NULL);
}

static const struct file_operations klpjb_floor_fops = {
	.owner = THIS_MODULE,
	.open = klpjb_floor_open,
	.read = seq_read,
	.write = klpjb_floor_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int klpjb_sleepers_get(void *data, u64 *val)
{
	*val = klpjb_sleepers_count();
	return 0;
}

static int klpjb_sleepers_put(void *data, u64 val)
{
	if (val > UINT_MAX)
		return -EINVAL;
	return klpjb_sleepers_set(val);
}
DEFINE_DEBUGFS_ATTRIBUTE(klpjb_sleepers_fops, klpjb_sleepers_get,
			 klpjb_sleepers_put, "%llu\n");

static ssize_t klpjb_latency_write(struct file *file,
				   const char __user *ubuf, size_t count,
				   loff_t *ppos)
{
	char buf[sizeof(klpjb_lat_last)];
	unsigned int seconds;
	int ret;

	ret = kstrtouint_from_user(ubuf, count, 0, &seconds);
	if (ret)
		return ret;
	/* not under klpjb_lock: the probe runs while other files are used */
	ret = klpjb_latency(seconds, buf, sizeof(buf));
	if (ret)
		return ret;
	mutex_lock(&klpjb_lock);
	strscpy(klpjb_lat_last, buf);
	mutex_unlock(&klpjb_lock);
	return count;
}

static int klpjb_latency_show(struct seq_file *m, void *v)
{
	mutex_lock(&klpjb_lock);
	seq_puts(m, klpjb_lat_last);
	mutex_unlock(&klpjb_lock);
	return 0;
}

static int klpjb_latency_open(struct inode *inode, struct file *file)
{
	return single_open(file, klpjb_latency_show, NULL);
}

static const struct file_operations klpjb_latency_fops = {
	.owner = THIS_MODULE,
	.open = klpjb_latency_open,
	.read = seq_read,
	.write = klpjb_latency_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static ssize_t klpjb_blocker_write(struct file *file,
				   const char __user *ubuf, size_t count,
				   loff_t *ppos)
{
	bool on;
	int ret;

	ret = kstrtobool_from_user(ubuf, count, &on);
	if (ret)
		return ret;
	mutex_lock(&klpjb_lock);
	ret = klpjb_blocker_set(on);
	mutex_unlock(&klpjb_lock);
	return ret ? ret : count;
}

static int klpjb_blocker_show_file(struct seq_file *m, void *v)
{
	char buf[64];

	klpjb_blocker_show(buf, sizeof(buf));
	seq_puts(m, buf);
	return 0;
}

static int klpjb_blocker_open(struct inode *inode, struct file *file)
{
	return single_open(file, klpjb_blocker_show_file, NULL);
}

static const struct file_operations klpjb_blocker_fops = {
	.owner = THIS_MODULE,
	.open = klpjb_blocker_open,
	.read = seq_read,
	.write = klpjb_blocker_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int klpjb_load_get(void *data, u64 *val)
{
	*val = klpjb_load_count();
	return 0;
}

static int klpjb_load_put(void *data, u64 val)
{
	if (val > UINT_MAX)
		return -EINVAL;
	return klpjb_load_set(val);
}
DEFINE_DEBUGFS_ATTRIBUTE(klpjb_load_fops, klpjb_load_get, klpjb_load_put,
			 "%llu\n");

static int klpjb_fcheck_show(struct seq_file *m, void *v)
{
	unsigned int patched, veneers;

	klpjb_funcs_check(&patched, &veneers);
	seq_printf(m, "patched=%u veneers=%u\n", patched, veneers);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klpjb_fcheck);

static int __init klpjb_init(void)
{
	klpjb_dir = debugfs_create_dir("klpjb", NULL);
	debugfs_create_ulong("calls", 0600, klpjb_dir, &klpjb_calls);
	debugfs_create_ulong("work", 0600, klpjb_dir, &klpjb_work);
	debugfs_create_file("measure", 0600, klpjb_dir, NULL,
			    &klpjb_measure_fops);
	debugfs_create_file("route", 0400, klpjb_dir, NULL, &klpjb_route_fops);
	debugfs_create_file("floor", 0600, klpjb_dir, NULL, &klpjb_floor_fops);
	debugfs_create_file_unsafe("sleepers", 0600, klpjb_dir, NULL,
				   &klpjb_sleepers_fops);
	debugfs_create_file("fcheck", 0400, klpjb_dir, NULL,
			    &klpjb_fcheck_fops);
	debugfs_create_file("latency", 0600, klpjb_dir, NULL,
			    &klpjb_latency_fops);
	debugfs_create_file("blocker", 0600, klpjb_dir, NULL,
			    &klpjb_blocker_fops);
	debugfs_create_file_unsafe("load", 0600, klpjb_dir, NULL,
				   &klpjb_load_fops);
	return 0;
}

static void __exit klpjb_exit(void)
{
	debugfs_remove_recursive(klpjb_dir);
	klpjb_ftrace_stop();
	klpjb_sleepers_set(0);
	klpjb_load_set(0);
	klpjb_blocker_set(false);
}

module_init(klpjb_init);
module_exit(klpjb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wo_ftrace benchmark: call costs, stop_machine floor, sleeping threads, latency");
