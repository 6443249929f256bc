// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_gap - hold every live patch switch between its pre-check and
 * stop_machine, for test-wo-ftrace-gap.sh.
 *
 * Not a livepatch.  While it is loaded, the direct-branch backend
 * (CONFIG_LIVEPATCH_WO_FTRACE) runs its hook after a pre-check that found
 * no busy task; the hook holds the switch there until gap_ms is set to 0
 * or for gap_ms at most, so that the test can move a task into the
 * checked code before stop_machine.
 *
 * Parameters (/sys/module/klpj_gap/parameters/):
 *   gap_ms	the longest hold of a switch, in ms; 0 (the default) lets
 *		held and later switches go on (writable)
 *   in_gap	1 while a switch is held
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/module.h>

static unsigned int gap_ms;
module_param(gap_ms, uint, 0644);
MODULE_PARM_DESC(gap_ms, "longest hold of a switch in ms, 0: no hold");

static int in_gap;
module_param(in_gap, int, 0444);
MODULE_PARM_DESC(in_gap, "1 while a switch is held");

/*
 * klp_jump_set_gap_hook() of kernel/livepatch/jump_switch.c, exported for
 * test modules and declared in no public header: looked up by name, so
 * that loading fails with -ENOENT on a kernel without it.
 */
typedef void (*klpj_set_hook_t)(void (*hook)(void));
static klpj_set_hook_t klpj_set_hook;

/* Polls gap_ms, which the test writes through sysfs to end the hold. */
static void klpj_gap_hold(void)
{
	unsigned long end = jiffies + msecs_to_jiffies(READ_ONCE(gap_ms));

	WRITE_ONCE(in_gap, 1);
	while (READ_ONCE(gap_ms) && time_before(jiffies, end))
		msleep(20);
	WRITE_ONCE(in_gap, 0);
}

static int __init klpj_gap_init(void)
{
	klpj_set_hook = (klpj_set_hook_t)__symbol_get("klp_jump_set_gap_hook");
	if (!klpj_set_hook) {
		pr_err("the kernel has no klp_jump_set_gap_hook()\n");
		return -ENOENT;
	}
	klpj_set_hook(klpj_gap_hold);
	return 0;
}

/* No switch runs the hook once it is removed: the module can go. */
static void __exit klpj_gap_exit(void)
{
	klpj_set_hook(NULL);
	__symbol_put("klp_jump_set_gap_hook");
}

module_init(klpj_gap_init);
module_exit(klpj_gap_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hold live patch switches between pre-check and stop_machine");
