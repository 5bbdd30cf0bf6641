/* SPDX-License-Identifier: MIT */
/*
 * The GICv2 register map (GIC Architecture Specification v2, ARM IHI 0048B):
 * distributor GICD (§4.3), CPU interface GICC (§4.4), virtual interface
 * control GICH (§5.3) and virtual CPU interface GICV (§5.4). The one list of
 * offsets and fields for the driver (gic/), the vGIC (vgic/), the host unit
 * tests and fuzzers, and the bare-metal test guests, so it needs nothing but
 * the C compiler: no vigil header, no libc beyond <stddef.h>/<stdint.h>.
 *
 * Offsets are byte offsets from the frame's base. A register group of one
 * field per INTID (GICD_ISENABLERn, GICD_IPRIORITYRn...) is named by its
 * first register; the word that holds INTID n lies at
 * GICD_WORD(reg, n, bits per INTID), its byte (8-bit fields) at reg + n.
 * Each frame's layout is also written as a struct, spec reserved space
 * included, and the two descriptions are checked against each other below.
 */
#ifndef VIGIL_GICV2_REGS_H
#define VIGIL_GICV2_REGS_H

#include <stddef.h>
#include <stdint.h>

/* INTID ranges (§2.2.1) and the special INTIDs an acknowledge returns. */
#define GIC_NR_SGIS 16
#define GIC_NR_PRIVATE 32  /* SGIs and PPIs, banked per CPU interface */
#define GIC_MAX_INTID 1020 /* INTIDs 0..1019 */
#define GIC_INTID_SPURIOUS 1023

/* The word of a group of @bits bits per INTID that holds INTID @n. */
#define GICD_WORD(reg, n, bits) ((reg) + 4 * ((n) / (32 / (bits))))

/* ---- Distributor, GICD (§4.3, Table 4-1) ------------------------------- */

#define GICD_CTLR 0x000
#define GICD_CTLR_ENABLE_GRP0 (1U << 0)
#define GICD_CTLR_ENABLE_GRP1 (1U << 1) /* without the Security Extensions */

#define GICD_TYPER 0x004	      /* §4.3.2 */
#define GICD_TYPER_ITLINES_MASK 0x1fU /* 32 * (ITLinesNumber + 1) lines */
#define GICD_TYPER_CPUS_SHIFT 5	      /* CPUNumber: CPU interfaces - 1 */
#define GICD_TYPER_CPUS_MASK (0x7U << GICD_TYPER_CPUS_SHIFT)
#define GICD_TYPER_SECEXT (1U << 10)

#define GICD_IIDR 0x008			  /* §4.3.3 */
#define GICD_IIDR_IMPLEMENTER_MASK 0xfffU /* JEP106 code of the implementer */
#define GICD_IGROUPR 0x080		  /* 1 bit per INTID: Group 1 */
#define GICD_ISENABLER 0x100		  /* 1 bit per INTID, write 1 to set */
#define GICD_ICENABLER 0x180		  /* ... write 1 to clear */
#define GICD_ISPENDR 0x200		  /* 1 bit per INTID */
#define GICD_ICPENDR 0x280		  /* 1 bit per INTID */
#define GICD_ISACTIVER 0x300		  /* 1 bit per INTID */
#define GICD_ICACTIVER 0x380		  /* 1 bit per INTID */
#define GICD_IPRIORITYR 0x400 /* 8 bits per INTID, byte accessible */
#define GICD_ITARGETSR 0x800  /* 8 bits per INTID, byte accessible */
#define GICD_ICFGR 0xc00      /* 2 bits per INTID */
/* Int_config[1] of INTID n's field: 1 edge, 0 level (§4.3.13). */
#define GICD_ICFGR_EDGE 0x2U
#define GICD_NSACR 0xe00

/*
 * GICD_SGIR (§4.3.15): write-only. TargetListFilter 0 sends to the
 * CPUTargetList, 1 to every CPU interface but the writer's, 2 to the
 * writer's only; 3 is reserved.
 */
#define GICD_SGIR 0xf00
#define GICD_SGIR_INTID_MASK 0xfU
#define GICD_SGIR_NSATT (1U << 15)
#define GICD_SGIR_TARGETS_SHIFT 16
#define GICD_SGIR_TARGETS_MASK (0xffU << GICD_SGIR_TARGETS_SHIFT)
#define GICD_SGIR_FILTER_SHIFT 24
#define GICD_SGIR_FILTER_MASK (0x3U << GICD_SGIR_FILTER_SHIFT)
#define GICD_SGIR_FILTER_LIST 0
#define GICD_SGIR_FILTER_OTHERS 1
#define GICD_SGIR_FILTER_SELF 2

/* 8 bits per SGI, a bit per source CPU interface (§4.3.16, §4.3.17). */
#define GICD_CPENDSGIR 0xf10
#define GICD_SPENDSGIR 0xf20

/* Identification registers (§4.3.18, Table 4-1 and 4-23). */
#define GICD_PIDR4 0xfd0
#define GICD_PIDR0 0xfe0
#define GICD_PIDR2 0xfe8
#define GICD_PIDR2_ARCHREV_SHIFT 4 /* 2 for GICv2 */
#define GICD_PIDR2_ARCHREV_MASK (0xfU << GICD_PIDR2_ARCHREV_SHIFT)
#define GICD_CIDR0 0xff0
#define GICD_CIDR3 0xffc

#define GICD_SIZE 0x1000

/* The distributor's frame, reserved and IMPLEMENTATION DEFINED space too. */
struct gicd_regs {
	uint32_t ctlr;
	uint32_t typer;
	uint32_t iidr;
	uint32_t res_00c[29];
	uint32_t igroupr[32];
	uint32_t isenabler[32];
	uint32_t icenabler[32];
	uint32_t ispendr[32];
	uint32_t icpendr[32];
	uint32_t isactiver[32];
	uint32_t icactiver[32];
	uint32_t ipriorityr[255]; /* 0x400-0x7f8 */
	uint32_t res_7fc;
	uint32_t itargetsr[255]; /* 0x800-0xbf8; 0-7 read-only, banked */
	uint32_t res_bfc;
	uint32_t icfgr[64];
	uint32_t impdef_d00[64];
	uint32_t nsacr[64];
	uint32_t sgir;
	uint32_t res_f04[3];
	uint32_t cpendsgir[4];
	uint32_t spendsgir[4];
	uint32_t res_f30[40];
	uint32_t pidr4_7[4];
	uint32_t pidr0_3[4];
	uint32_t cidr[4];
};

/* Bytes the group @field of struct gicd_regs spans. */
#define GICD_SPAN(field) sizeof(((struct gicd_regs *)0)->field)

/* ---- CPU interface, GICC (§4.4, Table 4-2) ----------------------------- */

/*
 * GICC_CTLR (§4.4.1) of a GIC without the Security Extensions (or its
 * Secure copy): bit 9 EOImodeS applies to Group 0, bit 10 EOImodeNS to
 * Group 1. EOImode = 1 splits completion: a GICC_EOIR write only drops the
 * running priority, a GICC_DIR write deactivates.
 */
#define GICC_CTLR 0x0000
#define GICC_CTLR_ENABLE_GRP0 (1U << 0)
#define GICC_CTLR_ENABLE_GRP1 (1U << 1)
#define GICC_CTLR_ACKCTL (1U << 2)
#define GICC_CTLR_FIQEN (1U << 3)
#define GICC_CTLR_CBPR (1U << 4)
#define GICC_CTLR_EOIMODES (1U << 9)
#define GICC_CTLR_EOIMODENS (1U << 10)

#define GICC_PMR 0x0004
#define GICC_BPR 0x0008
/* GICC_IAR, and the value written back to GICC_EOIR/GICC_DIR (§4.4.4). */
#define GICC_IAR 0x000c
#define GICC_IAR_INTID_MASK 0x3ffU
#define GICC_IAR_CPUID_SHIFT 10 /* SGIs: the requesting CPU interface */
#define GICC_IAR_CPUID_MASK (0x7U << GICC_IAR_CPUID_SHIFT)
#define GICC_EOIR 0x0010
#define GICC_RPR 0x0014
#define GICC_HPPIR 0x0018
#define GICC_ABPR 0x001c
#define GICC_AIAR 0x0020
#define GICC_AEOIR 0x0024
#define GICC_AHPPIR 0x0028
#define GICC_APR0 0x00d0
#define GICC_NSAPR0 0x00e0
#define GICC_IIDR 0x00fc
/* In the second 4 KiB page: a GICC frame is 8 KiB. */
#define GICC_DIR 0x1000

#define GICC_SIZE 0x2000

struct gicc_regs {
	uint32_t ctlr;
	uint32_t pmr;
	uint32_t bpr;
	uint32_t iar;
	uint32_t eoir;
	uint32_t rpr;
	uint32_t hppir;
	uint32_t abpr;
	uint32_t aiar;
	uint32_t aeoir;
	uint32_t ahppir;
	uint32_t res_02c[41];
	uint32_t apr[4];
	uint32_t nsapr[4];
	uint32_t res_0f0[3];
	uint32_t iidr;
	uint32_t res_100[960];
	uint32_t dir;
	uint32_t res_1004[1023];
};

/* ---- Virtual CPU interface, GICV (§5.4, Table 5-8) --------------------- */

/*
 * The guest's view of a CPU interface: the GICC layout, mapped at the
 * guest's GICC address. GICV_CTLR has one EOImode, bit 9 (§5.4.1).
 */
#define GICV_CTLR GICC_CTLR
#define GICV_CTLR_EOIMODE (1U << 9)
#define GICV_PMR GICC_PMR
#define GICV_BPR GICC_BPR
#define GICV_IAR GICC_IAR
#define GICV_EOIR GICC_EOIR
#define GICV_RPR GICC_RPR
#define GICV_HPPIR GICC_HPPIR
#define GICV_ABPR GICC_ABPR
#define GICV_AIAR GICC_AIAR
#define GICV_AEOIR GICC_AEOIR
#define GICV_AHPPIR GICC_AHPPIR
#define GICV_APR0 GICC_APR0
#define GICV_IIDR GICC_IIDR
#define GICV_DIR GICC_DIR
#define GICV_SIZE GICC_SIZE

/* ---- Virtual interface control, GICH (§5.3, Table 5-1) ----------------- */

/* GICH_HCR (§5.3.1) */
#define GICH_HCR 0x000
#define GICH_HCR_EN (1U << 0)
#define GICH_HCR_UIE \
	(1U << 1) /* maintenance IRQ on underflow (<= 1 valid LR) */
#define GICH_HCR_LRENPIE (1U << 2) /* ... while EOICount != 0 */
#define GICH_HCR_NPIE (1U << 3)	   /* ... while no LR is in the pending state */
#define GICH_HCR_VGRP0EIE (1U << 4) /* ... while GICV_CTLR.EnableGrp0 is 1 */
#define GICH_HCR_VGRP0DIE (1U << 5) /* ... while it is 0 */
#define GICH_HCR_VGRP1EIE (1U << 6) /* the same for EnableGrp1 */
#define GICH_HCR_VGRP1DIE (1U << 7)
#define GICH_HCR_EOICOUNT_SHIFT 27
#define GICH_HCR_EOICOUNT_MASK (0x1fU << GICH_HCR_EOICOUNT_SHIFT)

/* GICH_VTR (§5.3.2) */
#define GICH_VTR 0x004
#define GICH_VTR_LISTREGS_MASK 0x3fU /* number of LRs - 1 */

/* GICH_VMCR (§5.3.3): the guest's GICV_CTLR, PMR and BPRs, as saved. */
#define GICH_VMCR 0x008
#define GICH_VMCR_GRP0EN (1U << 0) /* GICV_CTLR.EnableGrp0 */
#define GICH_VMCR_GRP1EN (1U << 1) /* GICV_CTLR.EnableGrp1 */

/* GICH_MISR (§5.3.4) */
#define GICH_MISR 0x010
#define GICH_MISR_EOI (1U << 0)
#define GICH_MISR_U (1U << 1)
#define GICH_MISR_LRENP (1U << 2)
#define GICH_MISR_NP (1U << 3)
#define GICH_MISR_VGRP0E (1U << 4)
#define GICH_MISR_VGRP0D (1U << 5)
#define GICH_MISR_VGRP1E (1U << 6)
#define GICH_MISR_VGRP1D (1U << 7)

/* Bit n: LR n (EISR1, ELRSR1: LR 32 + n) (§5.3.7, §5.3.8). */
#define GICH_EISR0 0x020
#define GICH_EISR1 0x024
#define GICH_ELRSR0 0x030
#define GICH_ELRSR1 0x034
#define GICH_APR 0x0f0

/*
 * GICH_LRn (§5.3.9), at GICH_LR0 + 4n. With HW = 1, bits [19:10] are the
 * physical INTID that the guest's deactivation deactivates in the
 * distributor; the EOI bit (19) then lies inside PhysicalID, so a HW LR
 * cannot request an EOI maintenance interrupt. With HW = 0, bits [12:10]
 * are the CPUID of an SGI's source and bit 19 requests an EOI maintenance
 * interrupt. State 3 (pending and active) is not allowed with HW = 1.
 */
#define GICH_LR0 0x100
#define GICH_LR_VIRTUALID_MASK 0x3ffU
#define GICH_LR_PHYSID_SHIFT 10
#define GICH_LR_PHYSID_MASK (0x3ffU << GICH_LR_PHYSID_SHIFT)
#define GICH_LR_CPUID_SHIFT 10
#define GICH_LR_CPUID_MASK (0x7U << GICH_LR_CPUID_SHIFT)
#define GICH_LR_EOI (1U << 19)
#define GICH_LR_PRIORITY_SHIFT 23 /* holds priority[7:3] */
#define GICH_LR_PRIORITY_MASK (0x1fU << GICH_LR_PRIORITY_SHIFT)
#define GICH_LR_STATE_SHIFT 28
#define GICH_LR_STATE_MASK (0x3U << GICH_LR_STATE_SHIFT)
#define GICH_LR_PENDING (0x1U << GICH_LR_STATE_SHIFT)
#define GICH_LR_ACTIVE (0x2U << GICH_LR_STATE_SHIFT)
#define GICH_LR_GRP1 (1U << 30)
#define GICH_LR_HW (1U << 31)

#define GICH_SIZE 0x200

struct gich_regs {
	uint32_t hcr;
	uint32_t vtr;
	uint32_t vmcr;
	uint32_t res_00c;
	uint32_t misr;
	uint32_t res_014[3];
	uint32_t eisr[2];
	uint32_t res_028[2];
	uint32_t elrsr[2];
	uint32_t res_038[46];
	uint32_t apr;
	uint32_t res_0f4[3];
	uint32_t lr[64];
};

/* ---- The offsets above against the frames' layout --------------------- */

#define GICV2_CHECK(blk, field, off) \
	_Static_assert(offsetof(struct blk, field) == (off), #off)

GICV2_CHECK(gicd_regs, ctlr, GICD_CTLR);
GICV2_CHECK(gicd_regs, typer, GICD_TYPER);
GICV2_CHECK(gicd_regs, iidr, GICD_IIDR);
GICV2_CHECK(gicd_regs, igroupr, GICD_IGROUPR);
GICV2_CHECK(gicd_regs, isenabler, GICD_ISENABLER);
GICV2_CHECK(gicd_regs, icenabler, GICD_ICENABLER);
GICV2_CHECK(gicd_regs, ispendr, GICD_ISPENDR);
GICV2_CHECK(gicd_regs, icpendr, GICD_ICPENDR);
GICV2_CHECK(gicd_regs, isactiver, GICD_ISACTIVER);
GICV2_CHECK(gicd_regs, icactiver, GICD_ICACTIVER);
GICV2_CHECK(gicd_regs, ipriorityr, GICD_IPRIORITYR);
GICV2_CHECK(gicd_regs, itargetsr, GICD_ITARGETSR);
GICV2_CHECK(gicd_regs, icfgr, GICD_ICFGR);
GICV2_CHECK(gicd_regs, nsacr, GICD_NSACR);
GICV2_CHECK(gicd_regs, sgir, GICD_SGIR);
GICV2_CHECK(gicd_regs, cpendsgir, GICD_CPENDSGIR);
GICV2_CHECK(gicd_regs, spendsgir, GICD_SPENDSGIR);
GICV2_CHECK(gicd_regs, pidr4_7, GICD_PIDR4);
GICV2_CHECK(gicd_regs, pidr0_3[2], GICD_PIDR2);
GICV2_CHECK(gicd_regs, cidr, GICD_CIDR0);
GICV2_CHECK(gicd_regs, cidr[3], GICD_CIDR3);
_Static_assert(sizeof(struct gicd_regs) == GICD_SIZE, "GICD frame");

GICV2_CHECK(gicc_regs, ctlr, GICC_CTLR);
GICV2_CHECK(gicc_regs, pmr, GICC_PMR);
GICV2_CHECK(gicc_regs, bpr, GICC_BPR);
GICV2_CHECK(gicc_regs, iar, GICC_IAR);
GICV2_CHECK(gicc_regs, eoir, GICC_EOIR);
GICV2_CHECK(gicc_regs, rpr, GICC_RPR);
GICV2_CHECK(gicc_regs, hppir, GICC_HPPIR);
GICV2_CHECK(gicc_regs, abpr, GICC_ABPR);
GICV2_CHECK(gicc_regs, aiar, GICC_AIAR);
GICV2_CHECK(gicc_regs, aeoir, GICC_AEOIR);
GICV2_CHECK(gicc_regs, ahppir, GICC_AHPPIR);
GICV2_CHECK(gicc_regs, apr, GICC_APR0);
GICV2_CHECK(gicc_regs, nsapr, GICC_NSAPR0);
GICV2_CHECK(gicc_regs, iidr, GICC_IIDR);
GICV2_CHECK(gicc_regs, dir, GICC_DIR);
_Static_assert(sizeof(struct gicc_regs) == GICC_SIZE, "GICC frame");

GICV2_CHECK(gich_regs, hcr, GICH_HCR);
GICV2_CHECK(gich_regs, vtr, GICH_VTR);
GICV2_CHECK(gich_regs, vmcr, GICH_VMCR);
GICV2_CHECK(gich_regs, misr, GICH_MISR);
GICV2_CHECK(gich_regs, eisr, GICH_EISR0);
GICV2_CHECK(gich_regs, eisr[1], GICH_EISR1);
GICV2_CHECK(gich_regs, elrsr, GICH_ELRSR0);
GICV2_CHECK(gich_regs, elrsr[1], GICH_ELRSR1);
GICV2_CHECK(gich_regs, apr, GICH_APR);
GICV2_CHECK(gich_regs, lr, GICH_LR0);
_Static_assert(sizeof(struct gich_regs) == GICH_SIZE, "GICH frame");

/* Field layouts that code builds values from. */
_Static_assert((GICH_LR_EOI & GICH_LR_PHYSID_MASK) == GICH_LR_EOI,
	       "GICH_LR.EOI lies in PhysicalID (§5.3.9)");
_Static_assert(GICH_LR_CPUID_SHIFT == GICC_IAR_CPUID_SHIFT,
	       "an SGI's LR CPUID reads back as GICV_IAR.CPUID");
_Static_assert(GICD_WORD(GICD_ISPENDR, 33, 1) == 0x204 &&
		       GICD_WORD(GICD_ICFGR, 33, 2) == 0xc08 &&
		       GICD_WORD(GICD_ITARGETSR, 33, 8) == 0x820,
	       "GICD_WORD");

#undef GICV2_CHECK

#endif
