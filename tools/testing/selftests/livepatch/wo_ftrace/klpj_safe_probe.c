// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_safe_probe - not a live patch: kprobes and instruction words on
 * demand, for test-wo-ftrace-safety.sh.
 *
 * /sys/kernel/debug/klpj_safe_probe/
 *   probe	write "<n> <address>" (n < 4, address in hex): register kprobe
 *		n there; write "<n> -": unregister it.  Read one line per
 *		probe: "<n> ret=<errno of the last registration> hits=<count>"
 *   words	write an address (hex); read the 8 instruction words from it
 *		as 8 hex digits each, separated by spaces
 */

#include <linux/debugfs.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#define KLPJ_PROBES	4
#define KLPJ_WORDS	8

struct klpj_probe {
	struct kprobe kp;
	atomic_t hits;
	int ret;
	bool registered;
};

static struct klpj_probe klpj_probes[KLPJ_PROBES];
static DEFINE_MUTEX(klpj_probe_lock);
static struct dentry *klpj_dir;
static unsigned long klpj_words_addr;

static int klpj_pre(struct kprobe *kp, struct pt_regs *regs)
{
	atomic_inc(&container_of(kp, struct klpj_probe, kp)->hits);
	return 0;
}

static void klpj_probe_off(struct klpj_probe *p)
{
	if (p->registered)
		unregister_kprobe(&p->kp);
	p->registered = false;
}

static int klpj_probe_on(struct klpj_probe *p, unsigned long addr)
{
	klpj_probe_off(p);
	memset(&p->kp, 0, sizeof(p->kp));
	p->kp.addr = (kprobe_opcode_t *)addr;
	p->kp.pre_handler = klpj_pre;
	atomic_set(&p->hits, 0);
	p->ret = register_kprobe(&p->kp);
	p->registered = !p->ret;
	return p->ret;
}

static ssize_t klpj_probe_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	char buf[64], what[24];
	unsigned long addr;
	unsigned int n;
	int ret = 0;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%u %23s", &n, what) != 2 || n >= KLPJ_PROBES)
		return -EINVAL;

	mutex_lock(&klpj_probe_lock);
	if (!strcmp(what, "-"))
		klpj_probe_off(&klpj_probes[n]);
	else if (kstrtoul(what, 16, &addr))
		ret = -EINVAL;
	else
		klpj_probe_on(&klpj_probes[n], addr);
	mutex_unlock(&klpj_probe_lock);
	return ret ? ret : count;
}

static int klpj_probe_show(struct seq_file *m, void *v)
{
	unsigned int n;

	mutex_lock(&klpj_probe_lock);
	for (n = 0; n < KLPJ_PROBES; n++)
		seq_printf(m, "%u ret=%d hits=%d\n", n, klpj_probes[n].ret,
			   atomic_read(&klpj_probes[n].hits));
	mutex_unlock(&klpj_probe_lock);
	return 0;
}

static int klpj_probe_open(struct inode *inode, struct file *file)
{
	return single_open(file, klpj_probe_show, NULL);
}

static const struct file_operations klpj_probe_fops = {
	.owner = THIS_MODULE,
	.open = klpj_probe_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = klpj_probe_write,
};

static int klpj_words_show(struct seq_file *m, void *v)
{
	u32 words[KLPJ_WORDS];
	unsigned int i;

	if (copy_from_kernel_nofault(words, (void *)READ_ONCE(klpj_words_addr),
				     sizeof(words)))
		return -EFAULT;
	for (i = 0; i < KLPJ_WORDS; i++)
		seq_printf(m, "%08x%c", le32_to_cpu((__force __le32)words[i]),
			   i + 1 < KLPJ_WORDS ? ' ' : '\n');
	return 0;
}

static int klpj_words_open(struct inode *inode, struct file *file)
{
	return single_open(file, klpj_words_show, NULL);
}

static ssize_t klpj_words_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	unsigned long addr;
	int ret = kstrtoul_from_user(ubuf, count, 16, &addr);

	if (ret)
		return ret;
	WRITE_ONCE(klpj_words_addr, addr);
	return count;
}

static const struct file_operations klpj_words_fops = {
	.owner = THIS_MODULE,
	.open = klpj_words_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = klpj_words_write,
};

static int __init klpj_safe_probe_init(void)
{
	klpj_dir = debugfs_create_dir("klpj_safe_probe", NULL);
	if (IS_ERR(klpj_dir))
		return PTR_ERR(klpj_dir);
	debugfs_create_file("probe", 0600, klpj_dir, NULL, &klpj_probe_fops);
	debugfs_create_file("words", 0600, klpj_dir, NULL, &klpj_words_fops);
	return 0;
}

static void __exit klpj_safe_probe_exit(void)
{
	unsigned int n;

	debugfs_remove_recursive(klpj_dir);
	for (n = 0; n < KLPJ_PROBES; n++)
		klpj_probe_off(&klpj_probes[n]);
}

module_init(klpj_safe_probe_init);
module_exit(klpj_safe_probe_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kprobes for the wo_ftrace selftests");
