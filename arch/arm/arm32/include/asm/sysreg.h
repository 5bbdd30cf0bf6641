/* SPDX-License-Identifier: MIT */
/*
 * ARMv7-A coprocessor-register accessors and the HYP-mode bits vigil sets.
 * Register encodings: ARM ARM (DDI 0406C) B4.1 and its summary tables in
 * B3.17 (VMSA CP15 registers by coprocessor register number).
 */
#ifndef VIGIL_ASM_SYSREG_H
#define VIGIL_ASM_SYSREG_H

#include "compiler.h"

/* MRC/MCR p15, @op1, Rt, @crn, @crm, @op2 (32 bits). */
#define read_cp32(op1, crn, crm, op2)                                         \
	({                                                                    \
		uint32_t __v;                                                 \
		__asm__ __volatile__("mrc p15, " #op1 ", %0, " #crn ", " #crm \
				     ", " #op2                                \
				     : "=r"(__v));                            \
		__v;                                                          \
	})
#define write_cp32(op1, crn, crm, op2, v)                             \
	__asm__ __volatile__("mcr p15, " #op1 ", %0, " #crn ", " #crm \
			     ", " #op2                                \
			     :                                        \
			     : "r"((uint32_t)(v)))
/* MRRC/MCRR p15, @op1, Rt, Rt2, @crm (64 bits; %Q low, %R high word). */
#define read_cp64(op1, crm)                                                \
	({                                                                 \
		uint64_t __v;                                              \
		__asm__ __volatile__("mrrc p15, " #op1 ", %Q0, %R0, " #crm \
				     : "=r"(__v));                         \
		__v;                                                       \
	})
#define write_cp64(op1, crm, v)                                    \
	__asm__ __volatile__("mcrr p15, " #op1 ", %Q0, %R0, " #crm \
			     :                                     \
			     : "r"((uint64_t)(v)))

/* The registers vigil names, as (op1, CRn, CRm, op2) or (op1, CRm). */
#define MIDR 0, c0, c0, 0
#define MPIDR 0, c0, c0, 5
#define SCTLR 0, c1, c0, 0
#define CPACR 0, c1, c0, 2
#define TTBR0 0, c2
#define TTBR1 1, c2
#define TTBCR 0, c2, c0, 2
#define DACR 0, c3, c0, 0
#define DFSR 0, c5, c0, 0
#define IFSR 0, c5, c0, 1
#define ADFSR 0, c5, c1, 0
#define AIFSR 0, c5, c1, 1
#define DFAR 0, c6, c0, 0
#define IFAR 0, c6, c0, 2
#define PAR 0, c7
#define PMCR 0, c9, c12, 0
#define PRRR 0, c10, c2, 0 /* MAIR0 when TTBCR.EAE */
#define NMRR 0, c10, c2, 1 /* MAIR1 */
#define AMAIR0 0, c10, c3, 0
#define AMAIR1 0, c10, c3, 1
#define VBAR 0, c12, c0, 0
#define CONTEXTIDR 0, c13, c0, 1
#define TPIDRURW 0, c13, c0, 2
#define TPIDRURO 0, c13, c0, 3
#define TPIDRPRW 0, c13, c0, 4
#define CSSELR 2, c0, c0, 0
#define CNTKCTL 0, c14, c1, 0
#define CNTP_CTL 0, c14, c2, 1
#define CNTV_CTL 0, c14, c3, 1
#define CNTV_CVAL 3, c14
/* HYP's own physical timer (B4.1.26, B4.1.27): vigil's, PPI_HTIMER. */
#define CNTHP_CTL 4, c14, c2, 1
#define CNTHP_CVAL 6, c14
#define VPIDR 4, c0, c0, 0
#define VMPIDR 4, c0, c0, 5
#define HSCTLR 4, c1, c0, 0
#define HCR 4, c1, c1, 0
#define HDCR 4, c1, c1, 1
#define HCPTR 4, c1, c1, 2
#define HSTR 4, c1, c1, 3
#define HTCR 4, c2, c0, 2
#define VTCR 4, c2, c1, 2
#define HTTBR 4, c2
#define VTTBR 6, c2
#define HSR 4, c5, c2, 0
#define HDFAR 4, c6, c0, 0
#define HIFAR 4, c6, c0, 2
#define HPFAR 4, c6, c0, 4
#define HMAIR0 4, c10, c2, 0
#define HMAIR1 4, c10, c2, 1
#define HVBAR 4, c12, c0, 0
#define HTPIDR 4, c13, c0, 2
#define CNTHCTL 4, c14, c1, 0
#define CNTVOFF 4, c14

/* Expand the names above into the accessors' arguments (variadic: a name
 * passed through another macro arrives already expanded). */
#define __rd32(...) read_cp32(__VA_ARGS__)
#define __wr32(...) write_cp32(__VA_ARGS__)
#define __rd64(...) read_cp64(__VA_ARGS__)
#define __wr64(...) write_cp64(__VA_ARGS__)
#define read_sysreg(...) __rd32(__VA_ARGS__)
#define write_sysreg(...) __wr32(__VA_ARGS__)
#define read_sysreg64(...) __rd64(__VA_ARGS__)
#define write_sysreg64(...) __wr64(__VA_ARGS__)

#define isb() __asm__ __volatile__("isb" ::: "memory")
#define dsb(opt) __asm__ __volatile__("dsb " #opt ::: "memory")
#define dmb(opt) __asm__ __volatile__("dmb " #opt ::: "memory")
#define sev() __asm__ __volatile__("sev" ::: "memory")
#define wfe() __asm__ __volatile__("wfe" ::: "memory")
#define wfi() __asm__ __volatile__("wfi" ::: "memory")

/* HCR (B4.1.65): the same low bits as AArch64's HCR_EL2; no RW. */
#define HCR_VM BIT(0)
#define HCR_SWIO BIT(1)
#define HCR_FMO BIT(3)
#define HCR_IMO BIT(4)
#define HCR_AMO BIT(5)
#define HCR_VA BIT(8) /* virtual asynchronous abort */
#define HCR_FB BIT(9)
#define HCR_BSU_IS (1UL << 10)
#define HCR_TSC BIT(19)
#define HCR_TIDCP BIT(20)
#define HCR_TAC BIT(21)

/* HSCTLR (B4.1.66) */
#define HSCTLR_M BIT(0)
#define HSCTLR_A BIT(1)
#define HSCTLR_C BIT(2)
#define HSCTLR_I BIT(12)
#define HSCTLR_WXN BIT(19)
#define HSCTLR_FI BIT(21)
#define HSCTLR_EE BIT(25)
#define HSCTLR_TE BIT(30)

/* HTCR (B4.1.76): T0SZ = 0 (all 4 GiB), walks inner/outer write-back
 * write-allocate, inner shareable; bits 31 and 23 are RES1. */
#define HTCR_VALUE (BIT(31) | BIT(23) | (3UL << 12) | (1UL << 10) | (1UL << 8))

/* VTCR (B4.1.159): T0SZ [3:0] is signed with S [4] its sign, SL0 [7:6]
 * (0 starts at level 2, 1 at level 1), IRGN0/ORGN0/SH0 as in HTCR. */
#define VTCR_RES1 BIT(31)
#define VTCR_SL0_SHIFT 6
#define VTCR_WALK ((3UL << 12) | (1UL << 10) | (1UL << 8))
#define VTTBR_VMID_SHIFT 48

/* HCPTR (B4.1.67): RES1 [13:12] and [9:0]; TCP10/11 (bits 10, 11) clear,
 * so a guest's VFP/Advanced SIMD use does not trap. */
#define HCPTR_RES1 0x33ffUL

/* HDCR (B4.1.68) */
#define HDCR_HPMN_MASK 0x1fUL
#define HDCR_TPMCR BIT(5)
#define HDCR_TPM BIT(6)
#define PMCR_N_SHIFT 11

/* CNTHCTL (B4.1.26): PL1 may read the physical counter and use its timer. */
#define CNTHCTL_PL1PCTEN BIT(0)
#define CNTHCTL_PL1PCEN BIT(1)

/* CPSR / SPSR (B1.3.3) */
#define PSR_MODE_MASK 0x1fUL
#define PSR_MODE_USR 0x10
#define PSR_MODE_FIQ 0x11
#define PSR_MODE_IRQ 0x12
#define PSR_MODE_SVC 0x13
#define PSR_MODE_MON 0x16
#define PSR_MODE_ABT 0x17
#define PSR_MODE_HYP 0x1a
#define PSR_MODE_UND 0x1b
#define PSR_MODE_SYS 0x1f
#define PSR_T BIT(5)
#define PSR_F BIT(6)
#define PSR_I BIT(7)
#define PSR_A BIT(8)
#define PSR_E BIT(9)
#define PSR_IT_LOW_MASK (0x3fUL << 10) /* IT[7:2] */
#define PSR_IT_HIGH_MASK (0x3UL << 25) /* IT[1:0] */
#define PSR_J BIT(24)

/* SCTLR (B4.1.130) */
#define SCTLR_V BIT(13)	 /* high vectors at 0xffff0000 */
#define SCTLR_TE BIT(30) /* exceptions taken in Thumb state */
#define SCTLR_EE BIT(25)
/* TTBCR.EAE: the long-descriptor format (and so the fault status). */
#define TTBCR_EAE BIT(31)

#define MPIDR_AFF_MASK 0xffffffUL

#endif
