/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arm64 part of the direct-branch live patching backend
 * (CONFIG_LIVEPATCH_WO_FTRACE): build the branch, write it, walk a stack.
 */
#ifndef __ASM_LIVEPATCH_H
#define __ASM_LIVEPATCH_H

/* Bytes reserved for one veneer; a veneer never spans two slots. */
#define KLP_ARCH_VENEER_SIZE	32
/* The pool of veneers in the kernel image (livepatch_veneers.S). */
#define KLP_VENEER_POOL_SIZE	0x10000

#ifndef __ASSEMBLY__

#include <linux/types.h>

struct task_struct;

extern u32 klp_veneer_pool[];

/**
 * struct klp_arch_site - how the entry of one old function is redirected
 * @slot:	the single instruction that is replaced
 * @orig:	the original encoding of @slot, restored byte-exact
 * @signs_lr:	the entry executes PACIASP before reaching @slot, so LR is
 *		signed when the branch in @slot is taken
 * @alias:	a writable, non-executable view of @slot while a batch that
 *		writes it is mapped (klp_arch_writer_map()), else NULL
 */
struct klp_arch_site {
	u32 *slot;
	u32 orig;
	bool signs_lr;
	void *alias;
};

/**
 * struct klp_arch_writer - the writable alias of the slots of one batch
 * @area:	vmap() of the text pages holding the slots, or NULL when the
 *		slots are written through text-poke
 * @nr_pages:	number of pages in @area
 */
struct klp_arch_writer {
	void *area;
	unsigned int nr_pages;
};

/**
 * struct klp_arch_branch - the way from one site to one new function
 * @insn:	the instruction to place in the site's slot
 * @veneer:	the veneer that @insn branches to, or NULL for a direct B
 */
struct klp_arch_branch {
	u32 insn;
	void *veneer;
};

/**
 * enum klp_arch_route - how a slot reaches a new function
 * @KLP_ROUTE_DIRECT:		one B to the destination
 * @KLP_ROUTE_VENEER:		B to a veneer that branches through x16
 * @KLP_ROUTE_VENEER_AUT:	as @KLP_ROUTE_VENEER, authenticating LR first
 */
enum klp_arch_route {
	KLP_ROUTE_DIRECT,
	KLP_ROUTE_VENEER,
	KLP_ROUTE_VENEER_AUT,
};

int klp_arch_decode_entry(const u32 *insns, unsigned long size,
			  unsigned int ftrace_end, unsigned int *slot_off,
			  bool *signs_lr);
enum klp_arch_route klp_arch_route(unsigned long slot, bool signs_lr,
				   unsigned long new_func, u32 new_insn0,
				   unsigned long *dest);
void klp_arch_veneer_fill(u32 *buf, unsigned long pc, unsigned long dest,
			  bool authenticate);

int klp_arch_site_init(struct klp_arch_site *site, unsigned long addr,
		       unsigned long size);
int klp_arch_branch_prepare(const struct klp_arch_site *site,
			    unsigned long new_func, struct klp_arch_branch *br);
void klp_arch_branch_release(struct klp_arch_branch *br);
void klp_arch_writer_map(struct klp_arch_writer *w, struct klp_arch_site **sites,
			 unsigned int nr);
void klp_arch_writer_unmap(struct klp_arch_writer *w,
			   struct klp_arch_site **sites, unsigned int nr);
int klp_arch_write_site(const struct klp_arch_site *site, u32 insn);
int klp_arch_undo_site(const struct klp_arch_site *site, u32 insn);
void klp_arch_write_sync(const struct klp_arch_writer *w);
void klp_arch_sync_core(void);

/**
 * typedef klp_arch_frame_fn - called for every return address of a stack
 * @data:	cookie passed to klp_arch_walk_task()
 * @pc:		a PC or return address found on the stack
 *
 * Return: 0 to go on walking, anything else to stop the walk and have
 * klp_arch_walk_task() return that value.
 */
typedef int (*klp_arch_frame_fn)(void *data, unsigned long pc);

int klp_arch_walk_task(struct task_struct *task, klp_arch_frame_fn fn,
		       void *data);

const char *klp_arch_forbidden_text(unsigned long addr);
const char *klp_arch_slot_manager(u32 *slot);

#ifdef CONFIG_LIVEPATCH_WO_FTRACE
bool klp_wo_ftrace_owns(void *addr);
#else
static inline bool klp_wo_ftrace_owns(void *addr)
{
	return false;
}
#endif

#endif /* !__ASSEMBLY__ */

#endif /* __ASM_LIVEPATCH_H */
