// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpj_bad_late - not a live patch: a module with an __init function,
 * klpj_bad_late_setup(), that klpj_bad_modinit aims at.  Loaded after
 * that patch, it is refused: its init text is freed once it has run.
 */

#include <linux/init.h>
#include <linux/module.h>

static noinline __noipa int __init klpj_bad_late_setup(int x)
{
	return x + 1;
}

static int __init klpj_bad_late_init(void)
{
	return klpj_bad_late_setup(-1);
}

static void __exit klpj_bad_late_exit(void)
{
}

module_init(klpj_bad_late_init);
module_exit(klpj_bad_late_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A module with an __init function for the wo_ftrace selftests");
