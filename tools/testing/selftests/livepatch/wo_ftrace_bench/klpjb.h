/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the klpjb_* benchmark modules of the direct-branch live
 * patching backend (see README).
 */
#ifndef _KLPJB_H
#define _KLPJB_H

#include <linux/compiler.h>

/* The number of generated functions klpjb_f0000 .. klpjb_f0999. */
#define KLPJB_NR_FUNCS		1000

/**
 * enum klpjb_pair - the old/new function pairs whose calls are measured
 * @KLPJB_PAIR_CALL:	klpjb_call (module) replaced by klpjb_callpatch
 * @KLPJB_PAIR_FAR:	cmdline_proc_show (vmlinux) replaced by klpjb_farpatch
 * @KLPJB_NR_PAIRS:	their number
 */
enum klpjb_pair {
	KLPJB_PAIR_CALL,
	KLPJB_PAIR_FAR,
	KLPJB_NR_PAIRS,
};

/* The signature of the measured functions: that of a seq_file show(). */
typedef int (*klpjb_fn_t)(void *m, void *v);

int klpjb_register_pair(enum klpjb_pair pair, void *old_func, klpjb_fn_t new);

/* Sink of the measured bodies, so that their work is not optimised out. */
static unsigned long klpjb_sink __maybe_unused;

/**
 * klpjb_body() - the body of every measured function, old or new
 * @m:	unused (a seq_file for cmdline_proc_show)
 * @v:	the number of loop iterations, as a pointer
 *
 * The same instructions in every module, so that the old function, the
 * new one called directly and the new one reached through the patched
 * entry differ only by the way they are reached.  The kernel's own calls
 * of cmdline_proc_show() (v = SEQ_START_TOKEN) do one iteration and print
 * nothing.
 *
 * Return: 0.
 */
static __always_inline int klpjb_body(void *m, void *v)
{
	unsigned long n = (unsigned long)v, acc = n, i;

	for (i = 0; i < n; i++)
		acc = acc * 33 + i;
	WRITE_ONCE(klpjb_sink, acc);
	return 0;
}

#endif /* _KLPJB_H */
