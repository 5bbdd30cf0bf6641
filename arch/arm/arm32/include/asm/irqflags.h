/* SPDX-License-Identifier: MIT */
/*
 * IRQ masking inline, on CPSR.I in HYP mode: every spinlock section saves
 * and restores it, and a guest exit passes through several.
 */
#ifndef VIGIL_ASM_IRQFLAGS_H
#define VIGIL_ASM_IRQFLAGS_H

static inline unsigned long arch_irq_save(void)
{
	unsigned long cpsr;

	__asm__ __volatile__("mrs %0, cpsr\n cpsid i"
			     : "=r"(cpsr)
			     :
			     : "memory");
	return cpsr;
}

/* Only the I bit goes back: the rest of CPSR is not ours to restore. */
static inline void arch_irq_restore(unsigned long flags)
{
	if (flags & (1UL << 7))
		__asm__ __volatile__("cpsid i" ::: "memory");
	else
		__asm__ __volatile__("cpsie i" ::: "memory");
}

static inline void arch_irq_enable(void)
{
	__asm__ __volatile__("cpsie i" ::: "memory");
}

static inline void arch_irq_disable(void)
{
	__asm__ __volatile__("cpsid i" ::: "memory");
}

/* Order this CPU's earlier stores before a later device write that
 * announces them (an SGI to another CPU): DSB ISHST. */
static inline void arch_wmb(void)
{
	__asm__ __volatile__("dsb ishst" ::: "memory");
}

/* The generic timer's physical count (CNTPCT, B4.1.34; readable in HYP
 * whatever CNTHCTL says) and its frequency (CNTFRQ). No ISB: the read may
 * run a few instructions early, which the boot phases and the exit
 * profile, its users, can take. */
static inline uint64_t arch_counter(void)
{
	uint64_t c;

	__asm__ __volatile__("mrrc p15, 0, %Q0, %R0, c14"
			     : "=r"(c)
			     :
			     : "memory");
	return c;
}

static inline uint64_t arch_counter_freq(void)
{
	uint32_t f;

	__asm__ __volatile__("mrc p15, 0, %0, c14, c0, 0" : "=r"(f));
	return f;
}

static inline void arch_cpu_relax(void)
{
	__asm__ __volatile__("yield" ::: "memory");
}

#endif
