/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal interface between the files of the klpjb_bench module.
 */
#ifndef _KLPJB_BENCH_H
#define _KLPJB_BENCH_H

#include <linux/errno.h>
#include <linux/types.h>

#include "klpjb.h"

/**
 * struct klpjb_result - totals of one call-cost measurement
 * @calls:	calls made
 * @insns:	EL1 instructions retired on the measuring CPU (0 without a
 *		PMU that counts them)
 * @ns:		monotonic clock time
 */
struct klpjb_result {
	u64 calls;
	u64 insns;
	u64 ns;
};

/**
 * struct klpjb_route - where the entry of an old function branches to
 * @slot_off:	offset of the B in the old function
 * @dest:	its destination
 * @veneer:	the destination is a veneer (BR x16 at +8), not a function
 */
struct klpjb_route {
	unsigned int slot_off;
	unsigned long dest;
	bool veneer;
};

/* klpjb_calls.c */
int klpjb_call(void *m, void *v);
void klpjb_pair_funcs(enum klpjb_pair pair, void **old_func,
		      klpjb_fn_t *new_func);
void klpjb_measure(klpjb_fn_t fn, unsigned long work, unsigned long calls,
		   struct klpjb_result *res);
int klpjb_route(void *old_func, struct klpjb_route *route);

/* klpjb_ftrace.c: the redirection the ftrace backend of livepatch does */
#ifdef CONFIG_DYNAMIC_FTRACE_WITH_ARGS
int klpjb_ftrace_measure(void *old_func, klpjb_fn_t new_func,
			 unsigned long work, unsigned long calls,
			 struct klpjb_result *res);
void klpjb_ftrace_stop(void);
#else
static inline int klpjb_ftrace_measure(void *old_func, klpjb_fn_t new_func,
				       unsigned long work, unsigned long calls,
				       struct klpjb_result *res)
{
	return -EOPNOTSUPP;
}

static inline void klpjb_ftrace_stop(void) { }
#endif

/* klpjb_funcs.c */
void klpjb_funcs_check(unsigned int *patched, unsigned int *veneers);

/* klpjb_sleepers.c */
int klpjb_sleepers_set(unsigned int nr);
unsigned int klpjb_sleepers_count(void);

/* klpjb_latency.c */
int klpjb_latency(unsigned int seconds, char *buf, size_t size);
int klpjb_block(void);
int klpjb_blocker_set(bool on);
void klpjb_blocker_show(char *buf, size_t size);
int klpjb_load_set(unsigned int nr);
unsigned int klpjb_load_count(void);

/* klpjb_floor.c */
int klpjb_floor(unsigned int runs, u64 *min, u64 *median, u64 *max);

#endif /* _KLPJB_BENCH_H */
