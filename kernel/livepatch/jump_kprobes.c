// SPDX-License-Identifier: GPL-2.0-only
/*
 * The __kprobes text of modules, refused by the direct-branch backend as
 * the __kprobes text of vmlinux is.  Built only with CONFIG_KPROBES:
 * without it __kprobes puts nothing into a section of its own.
 */

#include <linux/module.h>

#include "jump.h"

/**
 * klp_jump_module_kprobes_text() - whether an address is __kprobes text
 * @mod:	the module that holds @addr
 * @addr:	an address in the text of @mod
 *
 * Return: true when @addr lies in the module's .kprobes.text.
 */
bool klp_jump_module_kprobes_text(const struct module *mod,
				  unsigned long addr)
{
	return addr - (unsigned long)mod->kprobes_text_start <
	       mod->kprobes_text_size;
}
