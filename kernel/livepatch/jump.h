/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal interface of the direct-branch live patching backend
 * (CONFIG_LIVEPATCH_WO_FTRACE).  See Documentation/livepatch/wo-ftrace.rst.
 */
#ifndef _LIVEPATCH_JUMP_H
#define _LIVEPATCH_JUMP_H

#include <linux/livepatch.h>
#include <linux/list.h>
#include <linux/types.h>

#include <asm/livepatch.h>

/**
 * struct klp_jump_target - one klp_func stacked on a site
 * @node:	in klp_jump_site.targets, newest first
 * @func:	the function that redirects the site
 * @site:	the site it is stacked on
 * @br:		how the site reaches @func->new_func; unused for a nop
 */
struct klp_jump_target {
	struct list_head node;
	struct klp_func *func;
	struct klp_jump_site *site;
	struct klp_arch_branch br;
};

/**
 * struct klp_jump_site - an old function whose entry may be redirected
 * @hnode:	in the table of sites, hashed by @addr
 * @batch:	in the list of sites written by one commit, else empty
 * @targets:	the klp_jump_target stack, newest first
 * @arch:	the slot and its original instruction
 * @addr:	address of the old function
 * @size:	size of the old function
 * @cur:	the instruction now in the slot
 * @next:	the instruction the slot gets at the next commit
 */
struct klp_jump_site {
	struct hlist_node hnode;
	struct list_head batch;
	struct list_head targets;
	struct klp_arch_site arch;
	unsigned long addr;
	unsigned long size;
	u32 cur;
	u32 next;
};

/**
 * enum klp_jump_code - what code a checked range holds
 * @KLP_JUMP_CODE_OLD:		the old function
 * @KLP_JUMP_CODE_NEW:		a new function that redirects the old one
 * @KLP_JUMP_CODE_VENEER:	the veneer that leads to such a new function
 */
enum klp_jump_code {
	KLP_JUMP_CODE_OLD,
	KLP_JUMP_CODE_NEW,
	KLP_JUMP_CODE_VENEER,
};

/**
 * struct klp_jump_range - a text range that no task may be inside
 * @start:	first byte
 * @end:	one past the last byte
 * @func:	the function being switched, whose old function the range
 *		belongs to, for diagnostics
 * @code:	what the range holds
 * @new_func:	for a new function or a veneer, the new function
 */
struct klp_jump_range {
	unsigned long start;
	unsigned long end;
	const struct klp_func *func;
	enum klp_jump_code code;
	const void *new_func;
};

/**
 * struct klp_jump_blocker - a task found inside a checked range
 * @pid:	its pid
 * @func:	the function whose range it was found in
 * @code:	what that range holds
 * @new_func:	for a new function or a veneer, the new function
 * @start:	the start of that range
 * @pc:		the PC or return address found
 * @frame:	the index of that frame in the walk, 0 is the innermost
 * @unreliable:	the stack could not be walked at all
 */
struct klp_jump_blocker {
	pid_t pid;
	const struct klp_func *func;
	enum klp_jump_code code;
	const void *new_func;
	unsigned long start;
	unsigned long pc;
	int frame;
	bool unreliable;
};

#define KLP_JUMP_MAX_BLOCKERS	8

/**
 * struct klp_jump_seen - a task whose stack passed the check before
 *			  stop_machine
 * @task:	the task; its task_struct may be freed and reused meanwhile
 * @start_time:	its start time, which tells it from a later task that
 *		reuses the same task_struct
 * @switches:	its context switch count when its stack was walked
 */
struct klp_jump_seen {
	struct task_struct *task;
	u64 start_time;
	unsigned long switches;
};

/**
 * struct klp_jump_check - the stack check of one switch
 * @ranges:	sorted by start
 * @nr_ranges:	number of @ranges
 * @blockers:	first tasks found busy
 * @nr_blockers: number of valid @blockers
 * @nr_busy:	number of busy tasks, which may exceed @nr_blockers
 * @busy_pids:	pids of the busy tasks, a task found busy twice (before and
 *		inside stop_machine) twice, for klp_jump_signal_busy()
 * @nr_busy_pids: number of valid @busy_pids
 * @max_busy_pids: size of @busy_pids
 * @seen:	tasks walked by klp_jump_precheck_tasks()
 * @nr_seen:	number of @seen
 * @seen_hash:	@seen by task pointer (jump_check.c), in @seen's allocation
 * @seen_bits:	log2 of the number of slots of @seen_hash
 * @seen_all:	the pre-check looked at every task: each one that it did not
 *		find clean was running, or ran during its walk
 * @ran_logged:	@seen_all, and the tasks that ran since the pre-check began
 *		are logged (klp_jump_ran_start()): only those are looked at
 *		inside stop_machine
 * @nr_looked:	tasks looked at inside stop_machine, for diagnostics
 * @nr_walked:	stacks walked inside stop_machine, for diagnostics
 */
struct klp_jump_check {
	struct klp_jump_range *ranges;
	unsigned int nr_ranges;
	struct klp_jump_seen *seen;
	unsigned int nr_seen;
	u32 *seen_hash;
	unsigned int seen_bits;
	bool seen_all;
	bool ran_logged;
	unsigned int nr_looked;
	unsigned int nr_walked;
	struct klp_jump_blocker blockers[KLP_JUMP_MAX_BLOCKERS];
	unsigned int nr_blockers;
	unsigned int nr_busy;
	pid_t *busy_pids;
	unsigned int nr_busy_pids;
	unsigned int max_busy_pids;
};

/* jump_site.c */
struct klp_jump_target *klp_jump_site_top(struct klp_jump_site *site,
					  bool live);
u32 klp_jump_site_insn(struct klp_jump_site *site, bool live);
struct klp_jump_site *klp_jump_find_site(unsigned long addr);

/* jump_refuse.c */
int klp_jump_classify(unsigned long addr, const char **why);
int klp_jump_check_func(const struct klp_func *func);
const char *klp_jump_slot_manager(u32 *slot, bool kprobes);
int klp_jump_check_slot(const struct klp_func *func, u32 *slot, bool kprobes);

/* jump_kprobes.c */
struct module;
#ifdef CONFIG_KPROBES
bool klp_jump_module_kprobes_text(const struct module *mod,
				  unsigned long addr);
#else
static inline bool klp_jump_module_kprobes_text(const struct module *mod,
						unsigned long addr)
{
	return false;
}
#endif

/* jump_check.c */
void klp_jump_sort_ranges(struct klp_jump_range *ranges, unsigned int nr);
const struct klp_jump_range *
klp_jump_find_range(const struct klp_jump_range *ranges, unsigned int nr,
		    unsigned long pc);
void klp_jump_seen_record(struct klp_jump_seen *seen, struct task_struct *task,
			  unsigned long switches);
bool klp_jump_seen_unchanged(const struct klp_jump_seen *seen,
			     struct task_struct *task);
void klp_jump_precheck_tasks(struct klp_jump_check *check);
void klp_jump_check_tasks(struct klp_jump_check *check);

/* jump_ran.c */
int klp_jump_ran_start(void);
void klp_jump_ran_stop(void);
bool klp_jump_ran_each(void (*fn)(struct task_struct *task, void *data),
		       void *data);

/* jump_switch.c */
int klp_jump_commit(struct list_head *sites, struct klp_jump_check *check);
unsigned int klp_jump_commit_arrived(void);
int klp_jump_switch_patch(struct klp_patch *patch, bool to_live, bool force,
			  bool report);
void klp_jump_set_gap_hook(void (*hook)(void));

/* jump_report.c */
void klp_jump_report(const struct klp_jump_check *check);
void klp_jump_report_switch(const struct klp_jump_check *check);

/* jump_stats.c: timings for benchmarks; nothing without debugfs */
enum klp_jump_stat {
	KLP_JUMP_STAT_PRECHECK,
	KLP_JUMP_STAT_WINDOW,
	KLP_JUMP_STAT_CHECK,
	KLP_JUMP_STAT_WRITE,
	KLP_JUMP_NR_STATS,
};

#ifdef CONFIG_DEBUG_FS
u64 klp_jump_stats_start(void);
void klp_jump_stats_end(enum klp_jump_stat stat, u64 start);
void klp_jump_stats_check(const struct klp_jump_check *check);
#else
static inline u64 klp_jump_stats_start(void) { return 0; }
static inline void klp_jump_stats_end(enum klp_jump_stat stat, u64 start) { }
static inline void klp_jump_stats_check(const struct klp_jump_check *check) { }
#endif

/* jump_signal.c */
void klp_jump_signal_arm(void);
void klp_jump_signal_release(void);
void klp_jump_signal_busy(struct klp_jump_check *check);
bool klp_jump_signal_sent(void);

/* jump_transition.c */
extern bool klp_jump_patch_live;

/* jump_blockers.c: /sys/kernel/livepatch/<patch>/blockers */
void klp_jump_blockers_record(struct klp_patch *patch,
			      const struct klp_jump_check *check);

#endif /* _LIVEPATCH_JUMP_H */
