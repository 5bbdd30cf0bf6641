/* SPDX-License-Identifier: MIT */
/*
 * VFP/Advanced SIMD at vCPU entry (arch/arm/arm32/vfp.S): CPACR gives no
 * access, FPEXC.EN is clear, and once the guest enables the unit d0-d31
 * and FPSCR read zero, after a first boot, after CPU_OFF and CPU_ON of
 * the same vCPU and after each reset of the VM, though the guest left a
 * pattern in every register before each (vfp_dirty()).
 */
#include "hostile32.h"

#define CPACR_CP10_CP11 (0xfUL << 20)
#define FPEXC_EN (1UL << 30)

static inline unsigned long cpacr_read(void)
{
	unsigned long v;

	__asm__ __volatile__("mrc p15, 0, %0, c1, c0, 2" : "=r"(v));
	return v;
}

static inline void cpacr_write(unsigned long v)
{
	__asm__ __volatile__("mcr p15, 0, %0, c1, c0, 2\n\tisb" ::"r"(v)
			     : "memory");
}

static unsigned long fpexc_read(void)
{
	unsigned long v;

	__asm__ __volatile__(".fpu vfpv3\n\tvmrs %0, fpexc" : "=r"(v));
	return v;
}

static void fpexc_write(unsigned long v)
{
	__asm__ __volatile__(".fpu vfpv3\n\tvmsr fpexc, %0\n\tisb" ::"r"(v)
			     : "memory");
}

/* Enables the unit (CPACR cp10/cp11, FPEXC.EN); returns CPACR and FPEXC
 * as they were. */
static void vfp_enable(unsigned long *cpacr, unsigned long *fpexc)
{
	*cpacr = cpacr_read();
	cpacr_write(*cpacr | CPACR_CP10_CP11);
	*fpexc = fpexc_read();
	fpexc_write(*fpexc | FPEXC_EN);
}

#define D(n, lo, hi)                                           \
	__asm__ __volatile__(".fpu vfpv3\n\tvmov %0, %1, d" #n \
			     : "=r"(lo), "=r"(hi))
#define SET_D(n, lo, hi)                                                     \
	__asm__ __volatile__(".fpu vfpv3\n\tvmov d" #n ", %0, %1" ::"r"(lo), \
			     "r"(hi))

/* Ors every word of d0-d31 together; @nonzero counts registers not 0. */
static unsigned long vfp_or_all(unsigned int *nonzero)
{
	unsigned long acc = 0, lo, hi;

#define ONE(n)                        \
	do {                          \
		D(n, lo, hi);         \
		acc |= lo | hi;       \
		if (lo | hi)          \
			(*nonzero)++; \
	} while (0)
	ONE(0);
	ONE(1);
	ONE(2);
	ONE(3);
	ONE(4);
	ONE(5);
	ONE(6);
	ONE(7);
	ONE(8);
	ONE(9);
	ONE(10);
	ONE(11);
	ONE(12);
	ONE(13);
	ONE(14);
	ONE(15);
	ONE(16);
	ONE(17);
	ONE(18);
	ONE(19);
	ONE(20);
	ONE(21);
	ONE(22);
	ONE(23);
	ONE(24);
	ONE(25);
	ONE(26);
	ONE(27);
	ONE(28);
	ONE(29);
	ONE(30);
	ONE(31);
#undef ONE
	return acc;
}

void cases_vfp_entry(const char *who)
{
	unsigned long cpacr, fpexc, fpscr, acc;
	unsigned int nonzero = 0;
	char name[64];

	vfp_enable(&cpacr, &fpexc);
	acc = vfp_or_all(&nonzero);
	__asm__ __volatile__(".fpu vfpv3\n\tvmrs %0, fpscr" : "=r"(fpscr));
	snprintf(name, sizeof(name), "vfp.clean_at_entry_%s", who);
	result(name,
	       (cpacr & CPACR_CP10_CP11) == 0 && fpexc == 0 && acc == 0 &&
		       fpscr == 0,
	       "cpacr=0x%lx fpexc=0x%lx d-regs-nonzero=%u (or 0x%lx) "
	       "fpscr=0x%lx",
	       cpacr, fpexc, nonzero, acc, fpscr);
}

/* A pattern in every register, FPSCR's rounding and flush-to-zero bits,
 * the unit left enabled: what a reset must not pass on. */
void vfp_dirty(uint32_t seed)
{
	unsigned long cpacr, fpexc, lo = 0xf00dface, hi = seed;

	vfp_enable(&cpacr, &fpexc);
#define ONE(n) SET_D(n, lo + n, hi)
	ONE(0);
	ONE(1);
	ONE(2);
	ONE(3);
	ONE(4);
	ONE(5);
	ONE(6);
	ONE(7);
	ONE(8);
	ONE(9);
	ONE(10);
	ONE(11);
	ONE(12);
	ONE(13);
	ONE(14);
	ONE(15);
	ONE(16);
	ONE(17);
	ONE(18);
	ONE(19);
	ONE(20);
	ONE(21);
	ONE(22);
	ONE(23);
	ONE(24);
	ONE(25);
	ONE(26);
	ONE(27);
	ONE(28);
	ONE(29);
	ONE(30);
	ONE(31);
#undef ONE
	/* RMode towards zero, FZ, DN. */
	__asm__ __volatile__(".fpu vfpv3\n\tvmsr fpscr, %0" ::"r"(0x03c00000UL)
			     : "memory");
}
