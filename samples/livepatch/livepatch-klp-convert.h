/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Static symbols of vmlinux used by livepatch-klp-convert.c.  They are
 * not exported; klp-convert turns the references into livepatch
 * relocations when the module is linked.
 */
#ifndef LIVEPATCH_KLP_CONVERT_H
#define LIVEPATCH_KLP_CONVERT_H

struct seq_file;

/* kernel/panic.c: the taint flags (/proc/sys/kernel/tainted) */
extern unsigned long tainted_mask;

/* fs/proc/version.c: prints /proc/version */
int version_proc_show(struct seq_file *m, void *v);

#endif
