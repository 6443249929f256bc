/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Static symbols used by the klp_convert selftest patch modules.  None is
 * exported: klp-convert turns the references into livepatch relocations
 * when the modules are linked.
 */
#ifndef KLPC_STATICS_H
#define KLPC_STATICS_H

#include <linux/types.h>

struct seq_file;

/* klpc_target (both files define klpc_counter and klpc_helper) */
extern int klpc_counter;
extern int klpc_unique;
int klpc_helper(int x);

/* vmlinux */
extern int dev_attr_modalias;		/* defined several times */
extern unsigned long tainted_mask;
void *c_start(struct seq_file *m, loff_t *pos);	/* defined twice */
int version_proc_show(struct seq_file *m, void *v);

#endif
