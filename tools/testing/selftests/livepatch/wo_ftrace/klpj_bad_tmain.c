// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_bad_target - not a live patch: the functions that the malformed
 * patches of test-wo-ftrace-badinput.sh aim at, and a way to read kernel
 * text so that the test can prove that a refused patch wrote nothing.
 *
 * This file and klpj_bad_tdup.c each define a static klpj_bad_dup(): the
 * name is ambiguous in this module without old_sympos.
 *
 * /sys/kernel/debug/klpj_bad_target/
 *   peek	write up to 32 addresses (hex, separated by spaces); read one
 *		line per address: "<address> <symbol+0x0/size> <hash>", the
 *		jhash of all the bytes of the symbol at that address, or
 *		"<address> unreadable" when they cannot be read (freed init
 *		text)
 *   call	read "plain=<v> dup=<v> dup2=<v> jl=<v> labelled=<v> kp=<v>", one
 *		call of each function with argument 1
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/jhash.h>
#include <linux/jump_label.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "klpj_bad_target.h"

#define KLPJ_PEEK_MAX	SZ_64K
#define KLPJ_PEEK_ADDRS	32

/* Read by klpj_bad_data patches: a data symbol, not a function. */
int klpj_bad_data = 42;

static DEFINE_STATIC_KEY_FALSE(klpj_bad_key);
static struct dentry *klpj_bad_dir;
static DEFINE_MUTEX(klpj_peek_lock);
static unsigned long klpj_peek_addrs[KLPJ_PEEK_ADDRS];
static unsigned int klpj_peek_nr;

/* A function that any patch may replace. */
static noinline __noipa int klpj_bad_plain(int x)
{
	return x + 100;
}

static noinline __noipa int klpj_bad_dup(int x)
{
	return x + 200;
}

/*
 * The static branch is the first instruction after the entry that the
 * backend keeps (landing pad, ftrace's NOPs): the slot is a jump label.
 */
static noinline __noipa int klpj_bad_jl(int x)
{
	if (static_branch_unlikely(&klpj_bad_key))
		return x + 7;
	return x + 300;
}

/* klpj_bad_inner: a global label (no ELF function) inside a function. */
static noinline __noipa int klpj_bad_labelled(int x)
{
	asm volatile("add %w0, %w0, #1\n"
		     ".globl klpj_bad_inner\n"
		     "klpj_bad_inner:\n"
		     "add %w0, %w0, #3\n" : "+r" (x));
	return x + 400;
}

/* In the module's .kprobes.text, which kprobes blacklists. */
static noinline __noipa __kprobes int klpj_bad_kp(int x)
{
	return x + 500;
}

static int klpj_call_show(struct seq_file *m, void *v)
{
	seq_printf(m, "plain=%d dup=%d dup2=%d jl=%d labelled=%d kp=%d\n",
		   klpj_bad_plain(1), klpj_bad_dup(1), klpj_bad_dup2_call(1),
		   klpj_bad_jl(1), klpj_bad_labelled(1), klpj_bad_kp(1));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klpj_call);

static unsigned long klpj_symbol_size(unsigned long addr, char *sym)
{
	unsigned long size;
	char *slash, *end;

	sprint_symbol(sym, addr);
	slash = strchr(sym, '/');
	if (!slash)
		return 0;
	end = strchrnul(slash, ' ');
	*end = '\0';
	if (kstrtoul(slash + 1, 16, &size))
		return 0;
	return min_t(unsigned long, size, KLPJ_PEEK_MAX);
}

static void klpj_peek_one(struct seq_file *m, unsigned long addr, u8 *buf)
{
	char sym[KSYM_SYMBOL_LEN];
	unsigned long size;

	size = klpj_symbol_size(addr, sym);
	if (!size)
		seq_printf(m, "%lx unknown\n", addr);
	else if (copy_from_kernel_nofault(buf, (void *)addr, size))
		seq_printf(m, "%lx unreadable\n", addr);
	else
		seq_printf(m, "%lx %s %08x\n", addr, sym, jhash(buf, size, 0));
}

static int klpj_peek_show(struct seq_file *m, void *v)
{
	unsigned int i;
	u8 *buf;

	buf = kvmalloc(KLPJ_PEEK_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&klpj_peek_lock);
	for (i = 0; i < klpj_peek_nr; i++)
		klpj_peek_one(m, klpj_peek_addrs[i], buf);
	mutex_unlock(&klpj_peek_lock);
	kvfree(buf);
	return 0;
}

static int klpj_peek_open(struct inode *inode, struct file *file)
{
	return single_open(file, klpj_peek_show, NULL);
}

static ssize_t klpj_peek_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	unsigned long addrs[KLPJ_PEEK_ADDRS];
	unsigned int nr = 0;
	char *kbuf, *p, *tok;
	int ret = 0;

	kbuf = memdup_user_nul(ubuf, min_t(size_t, count, PAGE_SIZE));
	if (IS_ERR(kbuf))
		return PTR_ERR(kbuf);
	p = strim(kbuf);
	while ((tok = strsep(&p, " \t\n")) && !ret) {
		if (!*tok)
			continue;
		if (nr == KLPJ_PEEK_ADDRS)
			ret = -E2BIG;
		else
			ret = kstrtoul(tok, 16, &addrs[nr++]);
	}
	kfree(kbuf);
	if (ret)
		return ret;

	mutex_lock(&klpj_peek_lock);
	memcpy(klpj_peek_addrs, addrs, nr * sizeof(*addrs));
	klpj_peek_nr = nr;
	mutex_unlock(&klpj_peek_lock);
	return count;
}

static const struct file_operations klpj_peek_wfops = {
	.owner = THIS_MODULE,
	.open = klpj_peek_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = klpj_peek_write,
};

static int __init klpj_bad_target_init(void)
{
	klpj_bad_dir = debugfs_create_dir("klpj_bad_target", NULL);
	if (IS_ERR(klpj_bad_dir))
		return PTR_ERR(klpj_bad_dir);
	debugfs_create_file("peek", 0600, klpj_bad_dir, NULL, &klpj_peek_wfops);
	debugfs_create_file("call", 0444, klpj_bad_dir, NULL, &klpj_call_fops);
	return 0;
}

static void __exit klpj_bad_target_exit(void)
{
	debugfs_remove_recursive(klpj_bad_dir);
}

module_init(klpj_bad_target_init);
module_exit(klpj_bad_target_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Targets of the malformed patches of the wo_ftrace selftests");
