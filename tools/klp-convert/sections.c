// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sections of a livepatch module the kernel interprets, shared by
 * klp-convert (which relocations may be written late) and klp-diff (which
 * section entries follow the function they describe).  Sizes are those of
 * arm64 in Linux 6.12.
 */
#include <string.h>

#include "klp-convert.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/*
 * Every section here is read by the kernel while the module loads, before
 * the livepatch core writes the klp relocations of a module object (only
 * those of vmlinux are written at load time): klp-convert refuses the
 * others there.  Those with an entry size describe places in the text,
 * one entry each: klp-diff keeps the entries of the functions it includes
 * (KLP_ENTSIZE_VARIES: a bug_entry, 8 or 12 bytes).
 */
static const struct klp_special specials[] = {
	{ "__bug_table",		false, KLP_ENTSIZE_VARIES },
	{ "__ex_table",			false, 12 },
	{ "__jump_table",		false, 16 },
	{ ".altinstructions",		false, 12 },
	{ "__patchable_function_entries", false, 8 },
	{ ".static_call_sites",		false, 8 },
	{ ".altinstr_replacement",	false, 0 },
	{ "__mcount_loc",		false, 0 },
	{ ".kcfi_traps",		false, 0 },
	{ "__tracepoints",		false, 0 },
	{ "__tracepoints_ptrs",		false, 0 },
	{ "__tracepoint_str",		false, 0 },
	{ "__param",			false, 0 },
	{ "__modver",			false, 0 },
	{ ".gnu.linkonce.this_module",	false, 0 },
	{ ".init_array",		false, 0 },
	{ ".ctors",			false, 0 },
	{ "_ftrace_events",		false, 0 },
	{ "_ftrace_eval_map",		false, 0 },
	{ "__bpf_raw_tp_map",		false, 0 },
	{ "_kprobe_blacklist",		false, 0 },
	{ "_error_injection_whitelist",	false, 0 },
	{ "__trace_printk_fmt",		false, 0 },
	{ ".smp_locks",			false, 0 },
	{ ".parainstructions",		false, 0 },
	{ ".retpoline_sites",		false, 0 },
	{ ".return_sites",		false, 0 },
	{ ".call_sites",		false, 0 },
	{ ".ibt_endbr_seal",		false, 0 },
	{ ".static_call.text",		false, 0 },
	{ ".data..ro_after_init",	false, 0 },
	{ ".init",			true,  0 },
	{ "__ksymtab",			true,  0 },
	{ "__kcrctab",			true,  0 },
	{ "__dyndbg",			true,  0 },
	{ ".orc_unwind",		true,  0 },
	{ ".discard",			true,  0 },
};

const struct klp_special *klp_special_lookup(const char *name)
{
	const struct klp_special *s;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(specials); i++) {
		s = &specials[i];
		if (s->prefix ? !strncmp(name, s->name, strlen(s->name)) :
				!strcmp(name, s->name))
			return s;
	}
	return NULL;
}

const struct klp_special *klp_special_at(size_t i)
{
	return i < ARRAY_SIZE(specials) ? &specials[i] : NULL;
}

bool klp_special_section(const char *name)
{
	return klp_special_lookup(name);
}
