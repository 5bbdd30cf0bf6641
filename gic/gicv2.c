/* SPDX-License-Identifier: MIT */
/*
 * The physical GICv2 (ARM IHI 0048B): distributor, this CPU's interface
 * with EOImode=1 (EOIR drops priority, DIR deactivates), and the virtual
 * interface control block GICH. Addresses come from the DTB
 * (core/platform_dt.c), quirks from the model found. A leaf: it calls
 * nothing above it.
 */
#include <errno.h>
#include <string.h>

#include "arch.h"
#include "gic.h"
#include "gich.h"
#include "gicv2_regs.h"
#include "percpu.h"
#include "spinlock.h"

/* Without the Security Extensions: both groups, AckCtl, EOImode = 1 for
 * both (§4.4.1). */
#define GICC_CTLR_VALUE                                                     \
	(GICC_CTLR_ENABLE_GRP0 | GICC_CTLR_ENABLE_GRP1 | GICC_CTLR_ACKCTL | \
	 GICC_CTLR_EOIMODES | GICC_CTLR_EOIMODENS)

#define GIC_PRIO_DEFAULT 0xa0
#define GIC_PRIO_HYP 0x80

static struct gic_info info;
static unsigned int nr_lrs;
static uint8_t cpu_if[MAX_CPUS]; /* CPU-interface number of each pCPU */
/* SPIs configured edge-triggered (gic_irq_set_config()), for the re-latch
 * after a retarget. */
static uint32_t edge_spis[GIC_MAX_IRQS / 32 + 1];

/* Guards read-modify-write of shared distributor registers (GICD_ICFGR)
 * and edge_spis. */
static struct spinlock gicd_lock = SPINLOCK_INIT;

static inline uint32_t rd(uint64_t base, uint32_t off)
{
	return *(volatile uint32_t *)(uintptr_t)(base + off);
}

static inline void wr(uint64_t base, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(base + off) = v;
}

static inline void wr8(uint64_t base, uint32_t off, uint8_t v)
{
	*(volatile uint8_t *)(uintptr_t)(base + off) = v;
}

static inline uint8_t rd8(uint64_t base, uint32_t off)
{
	return *(volatile uint8_t *)(uintptr_t)(base + off);
}

/* GICD_IIDR (§4.3.3): ProductID [31:24], Implementer [11:0]. QEMU's model
 * answers ARM's JEP106 code and nothing else (hw/intc/arm_gic.c); a GIC-400
 * has ProductID 0x02 (GIC-400 TRM, GICD_IIDR). */
#define IIDR_PRODUCT(iidr) ((iidr) >> 24)
#define IIDR_ARM 0x43bU
#define IIDR_QEMU IIDR_ARM
#define PRODUCT_GIC400 0x02

static void gic_dist_init(void);

/*
 * Whether a deactivation through GICC_DIR leaves an SPI active that
 * GICD_ISACTIVER made active: QEMU before 9.1 kept an SPI's active state
 * per CPU and cleared only the writer's bit (fixed by its commit
 * 7175a562). Tried on the last SPI, which nothing owns yet (all are
 * disabled), with the CPU interface off; only on QEMU's model, never on
 * silicon. The same release fixed the lost pend of an edge SPI retargeted
 * while pending (d9aff83a), which cannot be seen without a device to
 * raise one: this result stands for both.
 */
static bool probe_spi_active_per_cpu(void)
{
	unsigned int irq = info.nr_irqs - 1;
	uint32_t ctlr = rd(info.gicc, GICC_CTLR), bit = BIT(irq % 32);
	bool stuck;

	wr(info.gicc, GICC_CTLR, GICC_CTLR_EOIMODES | GICC_CTLR_EOIMODENS);
	wr(info.gicd, GICD_WORD(GICD_ISACTIVER, irq, 1), bit);
	wr(info.gicc, GICC_DIR, irq);
	stuck = rd(info.gicd, GICD_WORD(GICD_ISACTIVER, irq, 1)) & bit;
	wr(info.gicd, GICD_WORD(GICD_ICACTIVER, irq, 1), bit);
	wr(info.gicc, GICC_CTLR, ctlr);
	return stuck;
}

/* The model, and from what it does the quirks (docs/design.md). */
static void gic_identify(void)
{
	bool qemu;

	info.iidr = rd(info.gicd, GICD_IIDR);
	qemu = info.iidr == IIDR_QEMU;
	info.qemu = qemu;
	if (qemu)
		info.model = "QEMU";
	else if ((info.iidr & GICD_IIDR_IMPLEMENTER_MASK) == IIDR_ARM &&
		 IIDR_PRODUCT(info.iidr) == PRODUCT_GIC400)
		info.model = "GIC-400";
	else
		info.model = "GICv2";
	info.spi_active_per_cpu = qemu && probe_spi_active_per_cpu();
	info.relatch_on_retarget = info.spi_active_per_cpu;
	/*
	 * No QEMU up to 10.0 re-evaluates the distributor when a guest's
	 * deactivation through an HW = 1 LR deactivates the physical IRQ:
	 * gic_complete_irq() and gic_deactivate_irq() of a vCPU interface
	 * end in gic_update_virt(), not gic_update() (hw/intc/arm_gic.c),
	 * and gic_update() never signals an active IRQ, so an instance that
	 * arrived while it was active stays pending, unsignalled, until the
	 * next write to the physical GIC or change of one of its input
	 * lines. (The storm guest on QEMU 10.0.2 stalled so after its first
	 * interrupt, every vCPU idle.) Before 9.1 QEMU also kept an SPI's
	 * active state per CPU: there passthrough IRQs go through HW = 0
	 * LRs and vigil deactivates them through GICD_ICACTIVER
	 * (vgic/lr.c). From 9.1 on they go through HW = 1 LRs, and the vGIC
	 * pokes the GIC after each such deactivation (vgic/lr.c,
	 * vgic_hw_poke). Never on a GIC-400, which signals at once.
	 */
	info.hw_lrs = !qemu || !info.spi_active_per_cpu;
	info.hw_deact_needs_poke = qemu && info.hw_lrs;
	/* Every QEMU finds a virtual INTID's LR by INTID alone. */
	info.one_lr_per_sgi = qemu;
}

/* QEMU's gic_cpu_write() ends in gic_update() for every register;
 * writing GICC_PMR its own value changes nothing else (GICv2 §4.4.2). */
void gic_poke(void)
{
	wr(info.gicc, GICC_PMR, rd(info.gicc, GICC_PMR));
}

static uint32_t rd_phys(uint64_t pa, void *ctx)
{
	(void)ctx;
	return rd(pa, 0);
}

int gic_init(const struct gic_frames *f)
{
	info.gicd = f->gicd;
	info.gich = f->gich;
	info.maint_irq = f->maint_irq;
	info.hyp_timer_irq = f->hyp_timer_irq;
	if (!f->gich || !f->gicv)
		return -ENODEV;
	/* The 8 KiB windows, GICC_DIR at 0x1000 in each (gic/cpuif.c). */
	if (gic_cpuif_locate(f->gicc, f->gicc_size, rd_phys, NULL,
			     &info.gicc) ||
	    gic_cpuif_locate(f->gicv, f->gicv_size, rd_phys, NULL, &info.gicv))
		return -ENODEV;
	info.nr_irqs =
		32 *
		((rd(info.gicd, GICD_TYPER) & GICD_TYPER_ITLINES_MASK) + 1);
	if (info.nr_irqs > GIC_MAX_IRQS)
		info.nr_irqs = GIC_MAX_IRQS;
	gic_dist_init();
	gic_identify();
	return 0;
}

const struct gic_info *gic_info(void)
{
	return &info;
}

/* Boot CPU: every SPI disabled, inactive, Group 1, default priority. */
static void gic_dist_init(void)
{
	wr(info.gicd, GICD_CTLR, 0);
	for (unsigned int i = GIC_NR_PRIVATE; i < info.nr_irqs; i += 32) {
		wr(info.gicd, GICD_WORD(GICD_ICENABLER, i, 1), ~0U);
		wr(info.gicd, GICD_WORD(GICD_ICPENDR, i, 1), ~0U);
		wr(info.gicd, GICD_WORD(GICD_ICACTIVER, i, 1), ~0U);
		wr(info.gicd, GICD_WORD(GICD_IGROUPR, i, 1), ~0U);
	}
	for (unsigned int i = GIC_NR_PRIVATE; i < info.nr_irqs; i++) {
		wr8(info.gicd, GICD_IPRIORITYR + i, GIC_PRIO_DEFAULT);
		wr8(info.gicd, GICD_ITARGETSR + i, 1);
	}
	wr(info.gicd, GICD_CTLR, GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1);
}

/* Every CPU: banked SGI/PPI state, the CPU interface, GICH off. */
void gic_init_cpu(void)
{
	/* The banked ITARGETSR0..7 read as this CPU's own interface bit
	 * (§4.3.12); on Juno that is not the MPIDR index. */
	uint8_t mask = rd8(info.gicd, GICD_ITARGETSR);

	cpu_if[arch_cpu_id()] = mask ? (uint8_t)__builtin_ctz(mask) : 0;
	wr(info.gicd, GICD_ICENABLER, ~0U);
	wr(info.gicd, GICD_ICPENDR, ~0U);
	wr(info.gicd, GICD_ICACTIVER, ~0U);
	wr(info.gicd, GICD_IGROUPR, ~0U);
	for (unsigned int i = 0; i < GIC_NR_PRIVATE; i++)
		wr8(info.gicd, GICD_IPRIORITYR + i, GIC_PRIO_HYP);
	wr(info.gicc, GICC_PMR, 0xff);
	wr(info.gicc, GICC_BPR, 0);
	wr(info.gicc, GICC_CTLR, GICC_CTLR_VALUE);
	wr(info.gich, GICH_HCR, 0);
	nr_lrs = (rd(info.gich, GICH_VTR) & GICH_VTR_LISTREGS_MASK) + 1;
}

void gic_irq_enable(unsigned int irq)
{
	wr(info.gicd, GICD_WORD(GICD_ISENABLER, irq, 1), BIT(irq % 32));
}

void gic_irq_disable(unsigned int irq)
{
	wr(info.gicd, GICD_WORD(GICD_ICENABLER, irq, 1), BIT(irq % 32));
}

bool gic_irq_is_pending(unsigned int irq)
{
	return rd(info.gicd, GICD_WORD(GICD_ISPENDR, irq, 1)) & BIT(irq % 32);
}

static void gic_irq_set_pending(unsigned int irq)
{
	wr(info.gicd, GICD_WORD(GICD_ISPENDR, irq, 1), BIT(irq % 32));
}

void gic_irq_clear_pending(unsigned int irq)
{
	wr(info.gicd, GICD_WORD(GICD_ICPENDR, irq, 1), BIT(irq % 32));
}

void gic_irq_clear_active(unsigned int irq)
{
	wr(info.gicd, GICD_WORD(GICD_ICACTIVER, irq, 1), BIT(irq % 32));
}

void gic_irq_set_priority(unsigned int irq, uint8_t prio)
{
	wr8(info.gicd, GICD_IPRIORITYR + irq, prio);
}

void gic_irq_set_config(unsigned int irq, bool edge)
{
	unsigned long flags;
	uint32_t off = GICD_WORD(GICD_ICFGR, irq, 2), v;
	uint32_t bit = GICD_ICFGR_EDGE << ((irq % 16) * 2);

	if (irq < GIC_NR_SGIS)
		return; /* SGIs are always edge */
	flags = spin_lock_irqsave(&gicd_lock);
	v = rd(info.gicd, off);
	v &= ~bit;
	if (edge)
		v |= bit;
	wr(info.gicd, off, v);
	if (edge)
		edge_spis[irq / 32] |= (uint32_t)BIT(irq % 32);
	else
		edge_spis[irq / 32] &= ~(uint32_t)BIT(irq % 32);
	spin_unlock_irqrestore(&gicd_lock, flags);
}

/*
 * Route SPI @irq to @pcpu. QEMU's GICv2 keeps an edge SPI's pending state
 * latched to the CPUs it targeted when the edge arrived, so after the write
 * a pending instance is invisible to the new target: pend it again. Only
 * there, and only for edge SPIs: on a GIC-400 an ISPENDR write to a level
 * SPI stays latched after the device drops its line (DESIGN §3).
 */
void gic_irq_set_target(unsigned int irq, unsigned int pcpu)
{
	if (irq < GIC_NR_PRIVATE || irq >= info.nr_irqs || pcpu >= MAX_CPUS)
		return;
	wr8(info.gicd, GICD_ITARGETSR + irq, (uint8_t)BIT(cpu_if[pcpu]));
	if (info.relatch_on_retarget &&
	    (READ_ONCE(edge_spis[irq / 32]) & BIT(irq % 32)) &&
	    gic_irq_is_pending(irq)) {
		gic_irq_clear_pending(irq);
		gic_irq_set_pending(irq);
	}
}

void gic_send_sgi(unsigned int pcpu, unsigned int sgi)
{
	arch_wmb(); /* the SGI after what it announces */
	wr(info.gicd, GICD_SGIR,
	   (uint32_t)(BIT(GICD_SGIR_TARGETS_SHIFT + cpu_if[pcpu]) |
		      (sgi & GICD_SGIR_INTID_MASK)));
}

uint32_t gic_ack(void)
{
	return rd(info.gicc, GICC_IAR);
}

void gic_eoi(uint32_t iar)
{
	wr(info.gicc, GICC_EOIR, iar);
}

void gic_deactivate(uint32_t irq)
{
	/* See gic_identify(): on QEMU before 9.1 an SPI is deactivated
	 * through the distributor, which works from any CPU. */
	if (info.spi_active_per_cpu &&
	    (irq & GICC_IAR_INTID_MASK) >= GIC_NR_PRIVATE)
		gic_irq_clear_active(irq & GICC_IAR_INTID_MASK);
	else
		wr(info.gicc, GICC_DIR, irq);
}

/* ---- GICH: this CPU's virtual interface ---- */

unsigned int gich_nr_lrs(void)
{
	return nr_lrs;
}

uint32_t gich_read_lr(unsigned int n)
{
	return rd(info.gich, GICH_LR0 + 4 * n);
}

void gich_write_lr(unsigned int n, uint32_t val)
{
	wr(info.gich, GICH_LR0 + 4 * n, val);
}

/* The second word only where LRs 32..63 exist (GICH_VTR): one device read
 * fewer on each exit on a GIC with 4 LRs (GIC-400, QEMU). */
uint64_t gich_elrsr(void)
{
	uint64_t r = rd(info.gich, GICH_ELRSR0);

	if (nr_lrs > 32)
		r |= (uint64_t)rd(info.gich, GICH_ELRSR1) << 32;
	return r;
}

uint64_t gich_eisr(void)
{
	uint64_t r = rd(info.gich, GICH_EISR0);

	if (nr_lrs > 32)
		r |= (uint64_t)rd(info.gich, GICH_EISR1) << 32;
	return r;
}

uint32_t gich_misr(void)
{
	return rd(info.gich, GICH_MISR);
}

uint32_t gich_read_hcr(void)
{
	return rd(info.gich, GICH_HCR);
}

void gich_write_hcr(uint32_t val)
{
	wr(info.gich, GICH_HCR, val);
}

uint32_t gich_read_vmcr(void)
{
	return rd(info.gich, GICH_VMCR);
}

void gich_write_vmcr(uint32_t val)
{
	wr(info.gich, GICH_VMCR, val);
}

uint32_t gich_read_apr(void)
{
	return rd(info.gich, GICH_APR);
}

void gich_write_apr(uint32_t val)
{
	wr(info.gich, GICH_APR, val);
}
