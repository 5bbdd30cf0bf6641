/* SPDX-License-Identifier: MIT */
/*
 * this_cpu() and arch_cpu_id() inline: every lock, softirq and vGIC step
 * asks, a dozen times per guest exit. TPIDR_EL2 is written once per CPU at
 * boot (arch_cpu_set_percpu()) and vigil never moves between CPUs, so the
 * read is not volatile and the compiler may reuse it within a function.
 */
#ifndef VIGIL_ASM_PERCPU_H
#define VIGIL_ASM_PERCPU_H

static inline struct pcpu *this_cpu(void)
{
	struct pcpu *p;

	__asm__("mrs %0, tpidr_el2" : "=r"(p));
	return p;
}

static inline unsigned int arch_cpu_id(void)
{
	struct pcpu *p = this_cpu();

	/* Before per-CPU set-up (very early printk) TPIDR_EL2 is 0: head.S
	 * clears it on every CPU's entry (its reset value is UNKNOWN), so no
	 * p->self check is needed (three instructions fewer in every lock). */
	return p ? p->id : 0;
}

#endif
