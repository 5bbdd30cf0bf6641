/* SPDX-License-Identifier: MIT */
/*
 * What the portable core (core, sched, softirq, vgic) may ask of the CPU.
 * arch/arm/<profile>/ implements these on the target; tests/unit/ implements
 * them on the host with simulated CPUs (threads).
 */
#ifndef VIGIL_ARCH_H
#define VIGIL_ARCH_H

#include "compiler.h"

/* Index of the calling physical CPU (0 .. nr_cpus-1, boot CPU is 0). On
 * the target it is inline (asm/percpu.h). */
#ifdef VIGIL_HOST_TEST
unsigned int arch_cpu_id(void);
#else
#include "percpu.h"
#endif

/* Mask IRQs at the current level; return the previous mask state. Inline
 * on the target (asm/irqflags.h), like arch_cpu_relax(). */
#ifdef VIGIL_HOST_TEST
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);
void arch_irq_enable(void);
void arch_irq_disable(void);
#else
#include "asm/irqflags.h"
#endif

/* Make physical CPU @cpu leave guest mode / its idle wait and look at its
 * pending work (an SGI on the target). */
void arch_kick_cpu(unsigned int cpu);

/* Relax inside a spin loop. */
#ifdef VIGIL_HOST_TEST
void arch_cpu_relax(void);
#endif

/* Stage-2 TLB invalidation for a VMID after its tables changed. */
void arch_tlb_flush_vmid(uint16_t vmid);

/* Monotonic counter (the generic timer's physical count) and its rate. */
uint64_t arch_counter(void);
uint64_t arch_counter_freq(void);

#endif
