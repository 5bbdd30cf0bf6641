/* SPDX-License-Identifier: MIT */
/* AArch64 system-register accessors and the EL2 bits vigil sets. */
#ifndef VIGIL_ASM_SYSREG_H
#define VIGIL_ASM_SYSREG_H

#include "compiler.h"

#define read_sysreg(r)                                           \
	({                                                       \
		uint64_t __v;                                    \
		__asm__ __volatile__("mrs %0, " #r : "=r"(__v)); \
		__v;                                             \
	})

#define write_sysreg(r, v)                                             \
	do {                                                           \
		uint64_t __v = (uint64_t)(v);                          \
		__asm__ __volatile__("msr " #r ", %x0" : : "rZ"(__v)); \
	} while (0)

#define isb() __asm__ __volatile__("isb" ::: "memory")
#define dsb(opt) __asm__ __volatile__("dsb " #opt ::: "memory")
#define dmb(opt) __asm__ __volatile__("dmb " #opt ::: "memory")
#define sev() __asm__ __volatile__("sev" ::: "memory")
#define wfe() __asm__ __volatile__("wfe" ::: "memory")
#define wfi() __asm__ __volatile__("wfi" ::: "memory")

/* HCR_EL2 (ARM ARM D13.2.46) */
#define HCR_VM BIT(0)
#define HCR_SWIO BIT(1)
#define HCR_PTW BIT(2)
#define HCR_FMO BIT(3)
#define HCR_IMO BIT(4)
#define HCR_AMO BIT(5)
#define HCR_VF BIT(6)
#define HCR_VI BIT(7)
#define HCR_VSE BIT(8)
#define HCR_FB BIT(9)
#define HCR_BSU_IS (1UL << 10)
#define HCR_DC BIT(12)
#define HCR_TWI BIT(13)
#define HCR_TWE BIT(14)
#define HCR_TID3 BIT(18)
#define HCR_TSC BIT(19)
#define HCR_TIDCP BIT(20)
#define HCR_TACR BIT(21)
#define HCR_TSW BIT(22)
#define HCR_TVM BIT(26)
#define HCR_RW BIT(31)

/* SCTLR_EL2 */
#define SCTLR_M BIT(0)
#define SCTLR_A BIT(1)
#define SCTLR_C BIT(2)
#define SCTLR_SA BIT(3)
#define SCTLR_I BIT(12)
#define SCTLR_WXN BIT(19)
#define SCTLR_EE BIT(25)
/* RES1 bits of SCTLR_EL2 when HCR_EL2.E2H == 0 */
#define SCTLR_EL2_RES1                                                       \
	(BIT(4) | BIT(5) | BIT(11) | BIT(16) | BIT(18) | BIT(22) | BIT(23) | \
	 BIT(28) | BIT(29))

/* SPSR / PSTATE */
#define PSR_MODE_EL0t 0x0
#define PSR_MODE_EL1t 0x4
#define PSR_MODE_EL1h 0x5
#define PSR_MODE_EL2h 0x9
#define PSR_MODE_MASK 0xf
#define PSR_MODE32 BIT(4)
#define PSR_F BIT(6)
#define PSR_I BIT(7)
#define PSR_A BIT(8)
#define PSR_D BIT(9)
#define PSR_DAIF (PSR_D | PSR_A | PSR_I | PSR_F)

/* CPTR_EL2: leave FP/SIMD and trace untrapped (TFP=0). RES1 bits 13:12, 9:0 */
#define CPTR_EL2_RES1 (0x33ffUL)

/* CNTHCTL_EL2: EL1 may read the physical counter and use its timer. */
#define CNTHCTL_EL1PCTEN BIT(0)
#define CNTHCTL_EL1PCEN BIT(1)

/* MDCR_EL2 (ARM ARM, its register description). */
#define MDCR_HPMN_MASK 0x1fUL
#define MDCR_TPMCR BIT(5) /* trap EL0/EL1 PMCR_EL0 accesses */
#define MDCR_TPM BIT(6)	  /* trap EL0/EL1 accesses to every PMU register */

#define MPIDR_AFF_MASK 0xff00ffffffUL

#endif
