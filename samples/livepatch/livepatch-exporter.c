// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * livepatch-exporter.c - a module whose exports another module uses
 *
 * Exports two functions.  livepatch-export-user.c calls the first; a fix
 * of livepatch-export-user that calls the second as well is the target
 * of klp-build's module export case
 * (tools/testing/selftests/livepatch/klp_build/c5_module_export.patch):
 * the patch module names the export with a livepatch relocation, so it
 * loads while this module is absent, and the relocation is resolved when
 * livepatch-export-user (which depends on this module) loads.
 */

#include <linux/export.h>
#include <linux/module.h>

#include "livepatch-exporter.h"

/**
 * klp_exporter_base() - the value livepatch-export-user shows
 *
 * Return: 40.
 */
noinline int klp_exporter_base(void)
{
	return 40;
}
EXPORT_SYMBOL_GPL(klp_exporter_base);

/**
 * klp_exporter_bonus() - the value only the fix of livepatch-export-user
 * adds
 *
 * Return: 2.
 */
noinline int klp_exporter_bonus(void)
{
	return 2;
}
EXPORT_SYMBOL_GPL(klp_exporter_bonus);

MODULE_DESCRIPTION("Module exporting functions to livepatch-export-user");
MODULE_LICENSE("GPL");
