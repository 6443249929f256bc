// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_gap - hold every live patch switch between its pre-check and
 * stop_machine, for test-wo-ftrace-gap.sh.
 *
 * Not a livepatch.  While it is loaded, the direct-branch backend
 * (CONFIG_LIVEPATCH_WO_FTRACE) runs its hook after a pre-check that found
 * no busy task; the hook sleeps for gap_ms (0: returns at once), so that
 * the test can move a task into the checked code before stop_machine.
 *
 * Parameter (/sys/module/klpj_gap/parameters/, writable):
 *   gap_ms	how long to hold each switch, in ms
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/module.h>

static unsigned int gap_ms;
module_param(gap_ms, uint, 0644);
MODULE_PARM_DESC(gap_ms, "how long to hold each switch, in ms");

/*
 * klp_jump_set_gap_hook() of kernel/livepatch/jump_switch.c, exported for
 * test modules and declared in no public header: looked up by name, so
 * that loading fails with -ENOENT on a kernel without it.
 */
typedef void (*klpj_set_hook_t)(void (*hook)(void));
static klpj_set_hook_t klpj_set_hook;

static void klpj_gap_hold(void)
{
	unsigned int ms = READ_ONCE(gap_ms);

	if (ms)
		msleep(ms);
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
