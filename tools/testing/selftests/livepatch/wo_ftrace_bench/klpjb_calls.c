// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpjb_bench: the cost of calling a function, patched or not.
 *
 * A measurement calls one function through a pointer in a loop, in chunks
 * run with interrupts off on one CPU.  It counts both the instructions
 * this CPU retired at EL1 (PMU event INST_RETIRED; QEMU counts it only with
 * -icount) and the elapsed time of the monotonic clock (under QEMU -icount
 * the virtual time of all vCPUs together, proportional to instructions).
 */

#include <linux/bitfield.h>
#include <linux/bitops.h>
#include <linux/export.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include <asm/sysreg.h>

#include "klpjb.h"
#include "klpjb_bench.h"

#define KLPJB_CHUNK		65536
#define KLPJB_INST_RETIRED	0x08
/* PMEVTYPER<n>_EL0.U: do not count at EL0 */
#define KLPJB_PMU_EXCLUDE_EL0	BIT(30)
#define KLPJB_BR_X16		0xd61f0200U
#define KLPJB_PMCR_E		BIT(0)
#define KLPJB_DFR0_PMUVER	GENMASK_ULL(11, 8)
#define KLPJB_PMUVER_IMP_DEF	0xf
#define KLPJB_B_MASK		0xfc000000U
#define KLPJB_B_OPCODE		0x14000000U

/* The old function of KLPJB_PAIR_CALL, replaced by klpjb_callpatch. */
noinline __noipa int klpjb_call(void *m, void *v)
{
	return klpjb_body(m, v);
}

static struct {
	void *old_func;
	klpjb_fn_t new_func;
} klpjb_pairs[KLPJB_NR_PAIRS];
static DEFINE_MUTEX(klpjb_pairs_lock);

/**
 * klpjb_register_pair() - publish the functions of a patch module
 * @pair:	which pair
 * @old_func:	the old function as the livepatch core resolved it, or NULL
 * @new:	the new function, or NULL when the patch module goes away
 *
 * Return: 0 or -EINVAL.
 */
int klpjb_register_pair(enum klpjb_pair pair, void *old_func, klpjb_fn_t new)
{
	if (pair >= KLPJB_NR_PAIRS)
		return -EINVAL;
	/* ftrace may redirect to the new function that goes away */
	if (pair == KLPJB_PAIR_CALL)
		klpjb_ftrace_stop();
	mutex_lock(&klpjb_pairs_lock);
	klpjb_pairs[pair].old_func = old_func;
	klpjb_pairs[pair].new_func = new;
	mutex_unlock(&klpjb_pairs_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(klpjb_register_pair);

/**
 * klpjb_pair_funcs() - the functions of a pair
 * @pair:	which pair
 * @old_func:	set to the old function, or NULL if not known
 * @new_func:	set to the new function, or NULL if not registered
 */
void klpjb_pair_funcs(enum klpjb_pair pair, void **old_func,
		      klpjb_fn_t *new_func)
{
	mutex_lock(&klpjb_pairs_lock);
	*old_func = klpjb_pairs[pair].old_func;
	*new_func = klpjb_pairs[pair].new_func;
	mutex_unlock(&klpjb_pairs_lock);
	if (pair == KLPJB_PAIR_CALL && !*old_func)
		*old_func = klpjb_call;
}

static bool klpjb_have_pmu(void)
{
	unsigned int ver = FIELD_GET(KLPJB_DFR0_PMUVER,
				     read_sysreg(id_aa64dfr0_el1));

	return ver && ver != KLPJB_PMUVER_IMP_DEF;
}

/* Count retired EL1 instructions in PMU counter 0 of this CPU. */
static void klpjb_pmu_start(void)
{
	write_sysreg(KLPJB_PMU_EXCLUDE_EL0 | KLPJB_INST_RETIRED,
		     pmevtyper0_el0);
	write_sysreg(BIT(0), pmcntenset_el0);
	write_sysreg(read_sysreg(pmcr_el0) | KLPJB_PMCR_E, pmcr_el0);
	isb();
}

static u32 klpjb_pmu_read(void)
{
	isb();
	return read_sysreg(pmevcntr0_el0);
}

/* A loop that calls nothing, for the loop's own cost. */
static noinline void klpjb_loop_empty(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		barrier();
}

static noinline void klpjb_loop(klpjb_fn_t fn, void *m, void *v,
				unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		fn(m, v);
}

/**
 * klpjb_measure() - call a function many times, count instructions and time
 * @fn:		the function, or NULL for the empty loop
 * @work:	loop iterations of klpjb_body() per call
 * @calls:	number of calls
 * @res:	filled with the totals
 */
void klpjb_measure(klpjb_fn_t fn, unsigned long work, unsigned long calls,
		   struct klpjb_result *res)
{
	static char dummy[64];
	bool pmu = klpjb_have_pmu();
	unsigned long done, n, flags;
	u32 c0 = 0, c1 = 0;
	u64 t0, t1;

	res->calls = calls;
	res->insns = 0;
	res->ns = 0;
	for (done = 0; done < calls; done += n) {
		n = min_t(unsigned long, calls - done, KLPJB_CHUNK);
		local_irq_save(flags);
		if (pmu) {
			klpjb_pmu_start();
			c0 = klpjb_pmu_read();
		}
		t0 = ktime_get_mono_fast_ns();
		if (fn)
			klpjb_loop(fn, dummy, (void *)work, n);
		else
			klpjb_loop_empty(n);
		t1 = ktime_get_mono_fast_ns();
		if (pmu)
			c1 = klpjb_pmu_read();
		local_irq_restore(flags);
		res->insns += (u32)(c1 - c0);
		res->ns += t1 - t0;
	}
}

static bool klpjb_is_b(u32 insn)
{
	return (insn & KLPJB_B_MASK) == KLPJB_B_OPCODE;
}

/* The destination of the B at pc: imm26 words, sign-extended. */
static unsigned long klpjb_b_dest(unsigned long pc, u32 insn)
{
	long off = sign_extend64(insn & ~KLPJB_B_MASK, 25);

	return pc + off * 4;
}

/* A veneer: AUTIASP or NOP; LDR x16, <literal>; BR x16; ... */
static bool klpjb_is_veneer(unsigned long addr)
{
	__le32 insn;

	if (copy_from_kernel_nofault(&insn, (void *)addr + 8, sizeof(insn)))
		return false;
	return le32_to_cpu(insn) == KLPJB_BR_X16;
}

/**
 * klpjb_route() - find where the entry of an old function branches to
 * @old_func:	the old function
 * @route:	filled with the slot offset, the destination and whether it
 *		is a veneer
 *
 * The slot is the first B in the first four instructions.
 *
 * Return: 0, -ENOENT when none of them is a B, or -EFAULT.
 */
int klpjb_route(void *old_func, struct klpjb_route *route)
{
	unsigned long pc, old = (unsigned long)old_func;
	__le32 insn;
	int i;

	for (i = 0; i < 4; i++) {
		pc = old + 4 * i;
		if (copy_from_kernel_nofault(&insn, (void *)pc, sizeof(insn)))
			return -EFAULT;
		if (!klpjb_is_b(le32_to_cpu(insn)))
			continue;
		route->slot_off = 4 * i;
		route->dest = klpjb_b_dest(pc, le32_to_cpu(insn));
		route->veneer = klpjb_is_veneer(route->dest);
		return 0;
	}
	return -ENOENT;
}
