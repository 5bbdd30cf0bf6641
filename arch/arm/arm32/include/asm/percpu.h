/* SPDX-License-Identifier: MIT */
/*
 * this_cpu() and arch_cpu_id() inline, from HTPIDR (the HYP software
 * thread ID register, B4.1.73): written once per CPU at boot, and vigil
 * never moves between CPUs, so the read is not volatile.
 */
#ifndef VIGIL_ASM_PERCPU_H
#define VIGIL_ASM_PERCPU_H

static inline struct pcpu *this_cpu(void)
{
	struct pcpu *p;

	__asm__("mrc p15, 4, %0, c13, c0, 2" : "=r"(p));
	return p;
}

static inline unsigned int arch_cpu_id(void)
{
	struct pcpu *p = this_cpu();

	/* Before per-CPU set-up (very early printk) HTPIDR is unknown. */
	return p && p->self == p ? p->id : 0;
}

#endif
