/* SPDX-License-Identifier: MIT */
/*
 * The guest's GICv2 (ARM IHI 0048B) and generic timers, for test guests.
 *
 * Under vigil the distributor is emulated (every access traps) and the CPU
 * interface is the GICV frame mapped at the guest's GICC address; natively
 * both are QEMU's GICv2. The guest uses interrupt group 0 only (the reset
 * state of GICD_IGROUPR) and, like Linux, enables it with GICD_CTLR = 1 and
 * GICC_CTLR = 1 (EnableGrp0), plus EOImode (bit 9) when asked.
 */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H

#include "gicv2_regs.h"
#include "guest.h"

/* QEMU virt: used when the DTB has no GICv2 node. */
#define GIC_DIST_DEFAULT 0x08000000UL
#define GIC_CPU_DEFAULT 0x08010000UL

/* Offsets and fields: gicv2_regs.h. Accessors of a few fields: */
#define GICD_TYPER_ITLINES(t) ((t)&GICD_TYPER_ITLINES_MASK)
#define GICD_TYPER_CPUS(t) \
	((((t)&GICD_TYPER_CPUS_MASK) >> GICD_TYPER_CPUS_SHIFT) + 1)
#define GICC_IAR_INTID(iar) ((iar)&GICC_IAR_INTID_MASK)
#define GICC_IAR_CPUID(iar) \
	(((iar)&GICC_IAR_CPUID_MASK) >> GICC_IAR_CPUID_SHIFT)
/* EOImode: bit 9 of GICV_CTLR under vigil, of QEMU's GICC_CTLR (EOImodeS,
 * no Security Extensions) natively. */
#define GICC_CTLR_EOIMODE GICV_CTLR_EOIMODE
_Static_assert(GICV_CTLR_EOIMODE == GICC_CTLR_EOIMODES, "EOImode bit");

/* PPIs (GICV2.md). */
#define PPI_VTIMER 27
#define PPI_PTIMER 30

extern uintptr_t gic_dist_base, gic_cpu_base;

/*
 * MMIO accessors. Each is one LDR/STR with a plain base register, written in
 * asm so the compiler cannot fold a loop's address increment into a
 * pre/post-indexed (writeback) form: a trapped access with writeback has no
 * instruction syndrome (ESR ISV = 0), and a hypervisor cannot emulate it.
 */
#ifdef __arm__
#define MMIO_W(insn) insn " %0, [%1]"
#define MMIO_ZERO "r"
#else
#define MMIO_W(insn) insn " %w0, [%1]"
#define MMIO_ZERO "rZ"
#endif
static inline uint32_t mmio_read32(uintptr_t addr)
{
	uint32_t v;

	__asm__ __volatile__(MMIO_W("ldr") : "=r"(v) : "r"(addr) : "memory");
	return v;
}
static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	__asm__ __volatile__(MMIO_W("str")
			     :
			     : MMIO_ZERO(v), "r"(addr)
			     : "memory");
}
static inline uint8_t mmio_read8(uintptr_t addr)
{
	uint32_t v;

	__asm__ __volatile__(MMIO_W("ldrb") : "=r"(v) : "r"(addr) : "memory");
	return (uint8_t)v;
}
static inline void mmio_write8(uintptr_t addr, uint8_t v)
{
	__asm__ __volatile__(MMIO_W("strb")
			     :
			     : MMIO_ZERO(v), "r"(addr)
			     : "memory");
}

static inline uint32_t gicd_read(uint32_t off)
{
	return mmio_read32(gic_dist_base + off);
}
static inline void gicd_write(uint32_t off, uint32_t v)
{
	mmio_write32(gic_dist_base + off, v);
	dsb_sy();
}
static inline uint8_t gicd_read8(uint32_t off)
{
	return mmio_read8(gic_dist_base + off);
}
static inline void gicd_write8(uint32_t off, uint8_t v)
{
	mmio_write8(gic_dist_base + off, v);
	dsb_sy();
}
static inline uint32_t gicc_read(uint32_t off)
{
	return mmio_read32(gic_cpu_base + off);
}
static inline void gicc_write(uint32_t off, uint32_t v)
{
	mmio_write32(gic_cpu_base + off, v);
	dsb_sy();
}

/* Bit @intid of the 1-bit-per-IRQ register block at @reg. */
static inline uint32_t gicd_bit_off(uint32_t reg, unsigned int intid)
{
	return GICD_WORD(reg, intid, 1);
}
static inline uint32_t gicd_bit(unsigned int intid)
{
	return 1U << (intid % 32);
}
static inline bool gicd_test(uint32_t reg, unsigned int intid)
{
	return gicd_read(gicd_bit_off(reg, intid)) & gicd_bit(intid);
}
static inline void gicd_set(uint32_t reg, unsigned int intid)
{
	gicd_write(gicd_bit_off(reg, intid), gicd_bit(intid));
}

/* Finds the distributor and CPU interface in the DTB ("arm,cortex-a15-gic"
 * or "arm,gic-400": reg[0], reg[1]); QEMU virt's addresses otherwise.
 * Returns true if the DTB named them. Call once on vCPU 0. */
bool gic_probe(uint64_t dtb);
/* IRQ lines the distributor implements (GICD_TYPER), at most 1020. */
unsigned int gic_nr_irqs(void);
/* GICD_CTLR = 1 (EnableGrp0). */
void gic_dist_enable(void);
/* This vCPU: PMR = 0xff, BPR = 0, GICC_CTLR = EnableGrp0 (| EOImode). */
void gic_cpu_init(bool eoimode);
void gic_cpu_set_eoimode(bool eoimode);
bool gic_cpu_eoimode(void);
/* The CPU-interface mask of this vCPU: byte 0 of its banked ITARGETSR0. */
uint8_t gic_cpu_mask(void);

void gic_irq_enable(unsigned int intid);
void gic_irq_disable(unsigned int intid);
void gic_irq_set_priority(unsigned int intid, uint8_t prio);
void gic_irq_set_targets(unsigned int intid, uint8_t mask);
void gic_irq_set_edge(unsigned int intid, bool edge);
void gic_send_sgi(unsigned int filter, uint8_t targets, unsigned int sgi);

/*
 * IRQ dispatch. guest_irq() (the vector's hook) reads GICC_IAR in a loop
 * until it returns a special INTID, like Linux's gic_handle_irq(); each
 * INTID's handler runs with IRQs masked, then the dispatcher writes
 * GICC_EOIR with the IAR value and, in EOImode 1, GICC_DIR. An IRQ
 * exception whose first IAR read is 1020-1023 counts as spurious.
 * @src is GICC_IAR.CPUID (the sending CPU interface of an SGI).
 */
typedef void (*irq_handler_t)(unsigned int intid, unsigned int src);
void irq_set_handler(unsigned int intid, irq_handler_t fn);

/* Per-vCPU counts, written only by that vCPU. */
struct irq_stats {
	volatile uint64_t exceptions; /* IRQ exceptions taken */
	volatile uint64_t acked;      /* IAR reads that returned an INTID */
	volatile uint64_t spurious;   /* exceptions with nothing to ack */
	volatile uint64_t unhandled;  /* INTIDs with no handler */
};
extern struct irq_stats irq_stats[GUEST_MAX_VCPUS];

/* ---- generic timers (ARM ARM D11) ---- */

enum gtimer {
	TIMER_VIRT,
	TIMER_PHYS
};

#define CNT_CTL_ENABLE (1U << 0)
#define CNT_CTL_IMASK (1U << 1)
#define CNT_CTL_ISTATUS (1U << 2)

static inline unsigned int timer_ppi(enum gtimer t)
{
	return t == TIMER_VIRT ? PPI_VTIMER : PPI_PTIMER;
}
static inline uint64_t timer_freq(void)
{
	uint64_t f = read_sysreg(cntfrq_el0);

	return f ? f : 62500000;
}
static inline uint64_t timer_count(enum gtimer t)
{
	isb();
	return t == TIMER_VIRT ? read_sysreg(cntvct_el0)
			       : read_sysreg(cntpct_el0);
}
static inline void timer_set_cval(enum gtimer t, uint64_t cval)
{
	if (t == TIMER_VIRT)
		write_sysreg(cval, cntv_cval_el0);
	else
		write_sysreg(cval, cntp_cval_el0);
	isb();
}
static inline uint64_t timer_cval(enum gtimer t)
{
	return t == TIMER_VIRT ? read_sysreg(cntv_cval_el0)
			       : read_sysreg(cntp_cval_el0);
}
static inline void timer_set_ctl(enum gtimer t, uint32_t ctl)
{
	if (t == TIMER_VIRT)
		write_sysreg(ctl, cntv_ctl_el0);
	else
		write_sysreg(ctl, cntp_ctl_el0);
	isb();
}
static inline uint32_t timer_ctl(enum gtimer t)
{
	isb();
	return (uint32_t)(t == TIMER_VIRT ? read_sysreg(cntv_ctl_el0)
					  : read_sysreg(cntp_ctl_el0));
}
/* Counter ticks in @us microseconds. */
static inline uint64_t timer_us(uint64_t us)
{
	return timer_freq() * us / 1000000;
}

#endif
