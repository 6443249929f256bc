// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_sympos - a patch of klpj_bad_target that names its functions by
 * position: klpj_bad_dup at sympos 1 and at sympos 2 (klpj_bad_tmain.c and
 * klpj_bad_tdup.c each define one), klpj_bad_plain at sympos 1 (a unique
 * name).  With KLPJ_SYMPOS_REPLACE (klpj_sympos_r.c): an atomic replace
 * that patches only klpj_bad_dup at sympos 2, so that the other two become
 * nops.
 *
 * /sys/module/<module>/parameters/funcs (root only): one line per function
 * of the patch, nops included, with what the livepatch core resolved and
 * what kallsyms says of the same addresses:
 *
 *   <object> <old_name>,<sympos> loaded=1 nop=<0|1> old=<address hex>
 *   old_size=0x<n> new_size=0x<n> ksym_old=<name+0xoff/0xsize>
 *   ksym_new=<name+0xoff/0xsize>
 *
 * or "<object> <old_name>,<sympos> loaded=0" while the object is not
 * loaded.  at_pre_patch: the same, as it read at the last pre_patch
 * callback (the nops of an atomic replace are gone once it completes).
 * test-wo-ftrace-sympos.sh checks the sizes against kallsyms and the
 * addresses against /proc/kallsyms.
 */

#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#ifdef KLPJ_SYMPOS_REPLACE
static noinline __noipa int klpj_sympos_dup2(int x)
{
	return x + 2250;
}

static struct klp_func klpj_sympos_funcs[] = {
	{ .old_name = "klpj_bad_dup", .new_func = klpj_sympos_dup2,
	  .old_sympos = 2, },
	{ }
};
#else
static noinline __noipa int klpj_sympos_plain(int x)
{
	return x + 1100;
}

static noinline __noipa int klpj_sympos_dup1(int x)
{
	return x + 1200;
}

static noinline __noipa int klpj_sympos_dup2(int x)
{
	return x + 1250;
}

static struct klp_func klpj_sympos_funcs[] = {
	{ .old_name = "klpj_bad_dup", .new_func = klpj_sympos_dup2,
	  .old_sympos = 2, },
	{ .old_name = "klpj_bad_plain", .new_func = klpj_sympos_plain,
	  .old_sympos = 1, },
	{ .old_name = "klpj_bad_dup", .new_func = klpj_sympos_dup1,
	  .old_sympos = 1, },
	{ }
};
#endif

static int klpj_sympos_pre_patch(struct klp_object *obj);

static struct klp_object klpj_sympos_objs[] = {
	{
		.name = "klpj_bad_target",
		.funcs = klpj_sympos_funcs,
		.callbacks = { .pre_patch = klpj_sympos_pre_patch, },
	},
	{ }
};

static struct klp_patch klpj_sympos_patch = {
	.mod = THIS_MODULE,
	.objs = klpj_sympos_objs,
#ifdef KLPJ_SYMPOS_REPLACE
	.replace = true,
#endif
};

/* "name+0xoff/0xsize" of @addr, as kallsyms has it, into @buf. */
static void klpj_sympos_ksym(char *buf, unsigned long addr)
{
	sprint_symbol(buf, addr);
	*strchrnul(buf, ' ') = '\0';
}

static int klpj_sympos_funcs_get(char *buf, const struct kernel_param *kp)
{
	char ksym_old[KSYM_SYMBOL_LEN], ksym_new[KSYM_SYMBOL_LEN];
	struct klp_patch *patch = &klpj_sympos_patch;
	struct klp_object *obj;
	struct klp_func *func;
	int len = 0;

	klp_for_each_object(patch, obj) {
		klp_for_each_func(obj, func) {
			len += scnprintf(buf + len, PAGE_SIZE - len, "%s %s,%lu",
					 obj->name, func->old_name,
					 func->old_sympos);
			if (!obj->mod) {
				len += scnprintf(buf + len, PAGE_SIZE - len,
						 " loaded=0\n");
				continue;
			}
			klpj_sympos_ksym(ksym_old, (unsigned long)func->old_func);
			klpj_sympos_ksym(ksym_new, (unsigned long)func->new_func);
			len += scnprintf(buf + len, PAGE_SIZE - len,
					 " loaded=1 nop=%d old=%lx",
					 func->nop,
					 (unsigned long)func->old_func);
			len += scnprintf(buf + len, PAGE_SIZE - len,
					 " old_size=0x%lx new_size=0x%lx ksym_old=%s ksym_new=%s\n",
					 func->old_size, func->new_size,
					 ksym_old, ksym_new);
		}
	}
	return len;
}

static const struct kernel_param_ops klpj_sympos_funcs_ops = {
	.get = klpj_sympos_funcs_get,
};
module_param_cb(funcs, &klpj_sympos_funcs_ops, NULL, 0400);
MODULE_PARM_DESC(funcs, "the functions as resolved, and kallsyms' view of them");

/* funcs as it read at the last pre_patch callback, when nops exist. */
static char klpj_sympos_snap[PAGE_SIZE];
module_param_string(at_pre_patch, klpj_sympos_snap, sizeof(klpj_sympos_snap),
		    0400);
MODULE_PARM_DESC(at_pre_patch, "funcs, as it read at the last pre_patch callback");

static int klpj_sympos_pre_patch(struct klp_object *obj)
{
	klpj_sympos_funcs_get(klpj_sympos_snap, NULL);
	return 0;
}

static int __init klpj_sympos_init(void)
{
	return klp_enable_patch(&klpj_sympos_patch);
}

static void __exit klpj_sympos_exit(void)
{
}

module_init(klpj_sympos_init);
module_exit(klpj_sympos_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wo_ftrace selftest: functions named by sympos, their sizes");
MODULE_INFO(livepatch, "Y");
