/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vmlinux functions the direct-branch backend refuses by name
 * (jump_refuse.c), as lists of string literals.  Plain C with no includes:
 * tools/klp-build reads the same lists, so that klp-build refuses a fix
 * that changes one of them instead of writing a module that cannot load.
 */
#ifndef _KLP_JUMP_REFUSE_NAMES_H
#define _KLP_JUMP_REFUSE_NAMES_H

/* The livepatch core and this backend: every name with these prefixes. */
#define KLP_JUMP_SWITCH_PREFIXES "klp_", "__klp_"

/*
 * Functions the switch runs while the CPUs are stopped, or that stopper
 * threads sit in: the stack check cannot vouch for them, since it skips
 * the running stopper threads.  Static functions inlined by the compiler
 * are simply not found.  Text poking and the stack walker are mostly
 * __kprobes or noinstr and refused as such; what is not is listed here.
 */
#define KLP_JUMP_SWITCH_CODE \
	/* stop_machine and the stopper threads */ \
	"stop_machine", "stop_machine_cpuslocked", "stop_cpus", \
	"__stop_cpus", "queue_stop_cpus_work", "cpu_stop_queue_work", \
	"cpu_stop_signal_done", "cpu_stopper_thread", "smpboot_thread_fn", \
	"multi_cpu_stop", "set_state", "ack_state", "stop_machine_yield", \
	"rcu_momentary_eqs", \
	/* the stack walker */ \
	"__kernel_text_address", "kernel_text_address", "core_kernel_text", \
	"is_module_text_address", "__module_text_address", \
	"__module_address", "is_kretprobe_trampoline", "bsearch", \
	/* text poking */ \
	"copy_to_kernel_nofault", "caches_clean_inval_pou", "__set_fixmap", \
	"__text_poke", "text_poke_memcpy", "text_poke_memset",

/*
 * Functions that run in NMI context on arm64: pseudo-NMIs (GICv3 priority
 * masking) and SDEI events interrupt a CPU even while stop_machine holds
 * it with interrupts disabled, so such a function may be executing while
 * its slot is written, on a CPU whose stack no check can see.  What the
 * entry code calls is mostly noinstr or __kprobes, refused as such; these
 * are the handlers after it, up to where the NMI fans out to callbacks.
 * Their callees cannot all be known: documented in wo-ftrace.rst.
 */
#define KLP_JUMP_NMI_CODE \
	/* pseudo-NMI: GICv3 and the generic NMI flow handlers */ \
	"gic_handle_irq", "__gic_handle_nmi", "generic_handle_domain_nmi", \
	"handle_fasteoi_nmi", "handle_percpu_devid_fasteoi_nmi", \
	/* IPIs that are NMIs: CPU stop, crash stop, backtrace, kgdb */ \
	"ipi_handler", "do_handle_IPI", "local_cpu_stop", \
	"ipi_cpu_crash_stop", "nmi_cpu_backtrace", "kgdb_nmicallback", \
	/* the PMU interrupt, an NMI with pseudo-NMIs */ \
	"armpmu_dispatch_irq", "armv8pmu_handle_irq", \
	/* SDEI events and the RAS notifications that use them or SEA */ \
	"sdei_event_handler", "do_sdei_event", "__sdei_handler", \
	"ghes_sdei_normal_callback", "ghes_sdei_critical_callback", \
	"__ghes_sdei_callback", "ghes_in_nmi_queue_one_entry", \
	"ghes_in_nmi_spool_from_list", "ghes_notify_sea", "apei_claim_sea",

#endif /* _KLP_JUMP_REFUSE_NAMES_H */
