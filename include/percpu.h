/* SPDX-License-Identifier: MIT */
/* Per-physical-CPU data, reached through this_cpu() only. */
#ifndef VIGIL_PERCPU_H
#define VIGIL_PERCPU_H

#define MAX_CPUS 8

#ifndef __ASSEMBLY__

#include "compiler.h"
#include "htimer.h"

struct vcpu;

struct pcpu {
	struct pcpu *self; /* first: the arch's entry code loads it */
	void *guest_regs;  /* running vCPU's registers (arm32's entry.S) */
	unsigned int id;   /* logical index, boot CPU = 0 */
	uint64_t mpidr;	   /* hardware affinity, for PSCI CPU_ON */
	uint32_t midr;	   /* MIDR as this CPU reads it (arch_cpu_set_percpu) */
	bool online;
	struct vcpu *vcpu;   /* vCPU pinned here (1:1 placement), or NULL */
	struct vcpu *loaded; /* vCPU whose EL1 state is in the registers */
	uint64_t hvc_calls, aborts_injected, undefs_injected;
	uint64_t irqs_timer, irqs_maint, irqs_kick, timer_retracts;
	/* vgic_hw_poke (QEMU's GIC model): HYP timer IRQs, GIC pokes. */
	uint64_t irqs_poke, hw_pokes;
	/* core/htimer.c: this pCPU's deadlines, what its HYP timer is set
	 * to (0: stopped), and its IRQs. */
	uint64_t htimer_at[HTIMER_SLOTS], htimer_armed, irqs_htimer;
	/* BIT(enum softirq_nr) pending here, atomic (softirq/softirq.c);
	 * here for softirq_pending(), asked on every guest exit. */
	unsigned long softirq_pending;
};

#ifdef VIGIL_HOST_TEST
struct pcpu *this_cpu(void);
#else
#include "asm/percpu.h"
#endif
struct pcpu *pcpu_get(unsigned int id);
extern unsigned int nr_pcpus;

#endif /* __ASSEMBLY__ */
#endif
