/* SPDX-License-Identifier: MIT */
/*
 * IRQ masking inline: every spinlock section saves and restores DAIF, and
 * a guest exit passes through several. Each is one or two instructions.
 */
#ifndef VIGIL_ASM_IRQFLAGS_H
#define VIGIL_ASM_IRQFLAGS_H

static inline unsigned long arch_irq_save(void)
{
	unsigned long daif;

	__asm__ __volatile__("mrs %0, daif\n msr daifset, #2"
			     : "=r"(daif)
			     :
			     : "memory");
	return daif;
}

static inline void arch_irq_restore(unsigned long flags)
{
	__asm__ __volatile__("msr daif, %0" : : "r"(flags) : "memory");
}

static inline void arch_irq_enable(void)
{
	__asm__ __volatile__("msr daifclr, #2" ::: "memory");
}

static inline void arch_irq_disable(void)
{
	__asm__ __volatile__("msr daifset, #2" ::: "memory");
}

/* Order this CPU's earlier stores before a later device write that
 * announces them (an SGI to another CPU): DSB ISHST. */
static inline void arch_wmb(void)
{
	__asm__ __volatile__("dsb ishst" ::: "memory");
}

/* The generic timer's physical count (CNTPCT_EL0) and its frequency. No
 * ISB: the read may run a few instructions early, which the boot phases
 * and the exit profile, its users, can take. */
static inline uint64_t arch_counter(void)
{
	uint64_t c;

	__asm__ __volatile__("mrs %0, cntpct_el0" : "=r"(c) : : "memory");
	return c;
}

static inline uint64_t arch_counter_freq(void)
{
	uint64_t f;

	__asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(f));
	return f;
}

static inline void arch_cpu_relax(void)
{
	__asm__ __volatile__("yield" ::: "memory");
}

#endif
