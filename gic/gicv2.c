/* SPDX-License-Identifier: MIT */
/*
 * The physical GICv2 (ARM IHI 0048B): distributor, this CPU's interface
 * with EOImode=1 (EOIR drops priority, DIR deactivates), and the virtual
 * interface control block GICH. Addresses come from the DTB, the platform
 * table is the fallback.
 */
#include <libfdt.h>
#include <string.h>

#include "arch.h"
#include "gic.h"
#include "gic_hw.h"
#include "gich.h"
#include "gicv2_regs.h"
#include "percpu.h"
#include "platform.h"
#include "printk.h"
#include "spinlock.h"

/* Without the Security Extensions: both groups, AckCtl, EOImode = 1 for
 * both (§4.4.1). */
#define GICC_CTLR_VALUE                                                     \
	(GICC_CTLR_ENABLE_GRP0 | GICC_CTLR_ENABLE_GRP1 | GICC_CTLR_ACKCTL | \
	 GICC_CTLR_EOIMODES | GICC_CTLR_EOIMODENS)

#define GIC_PRIO_DEFAULT 0xa0
#define GIC_PRIO_HYP 0x80

struct gic_hw gic;

/* Guards read-modify-write of shared distributor registers. */
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

static uint64_t reg_addr(const void *fdt, int node, int idx)
{
	int len, ac = 2;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	const fdt32_t *acp = fdt_getprop(fdt, fdt_parent_offset(fdt, node),
					 "#address-cells", NULL);
	int sc = 2;
	const fdt32_t *scp = fdt_getprop(fdt, fdt_parent_offset(fdt, node),
					 "#size-cells", NULL);
	uint64_t a = 0;

	if (acp)
		ac = (int)fdt32_to_cpu(*acp);
	if (scp)
		sc = (int)fdt32_to_cpu(*scp);
	if (!reg || len < (idx + 1) * (ac + sc) * 4)
		return 0;
	for (int i = 0; i < ac; i++)
		a = (a << 32) | fdt32_to_cpu(reg[idx * (ac + sc) + i]);
	return a;
}

static const char *const gic_compat[] = {"arm,cortex-a15-gic", "arm,gic-400",
					 "arm,cortex-a7-gic",
					 "arm,arm11mp-gic"};

int gic_probe(const void *fdt)
{
	int node = -1;

	gic.gicd = platform.gicd;
	gic.gicc = platform.gicc;
	gic.gich = platform.gich;
	gic.gicv = platform.gicv;
	gic.maint_irq = platform.maint_irq;
	for (unsigned int i = 0; i < ARRAY_SIZE(gic_compat) && node < 0; i++)
		node = fdt_node_offset_by_compatible(fdt, -1, gic_compat[i]);
	if (node >= 0) {
		const fdt32_t *irq;
		int len;

		gic.gicd = reg_addr(fdt, node, 0) ?: gic.gicd;
		gic.gicc = reg_addr(fdt, node, 1) ?: gic.gicc;
		gic.gich = reg_addr(fdt, node, 2) ?: gic.gich;
		gic.gicv = reg_addr(fdt, node, 3) ?: gic.gicv;
		irq = fdt_getprop(fdt, node, "interrupts", &len);
		/* <type num flags>, type 1 = PPI: INTID = num + 16 */
		if (irq && len >= 12 && fdt32_to_cpu(irq[0]) == 1)
			gic.maint_irq = fdt32_to_cpu(irq[1]) + 16;
	} else {
		pr_warn("no GICv2 node in the DTB: using %s's addresses",
			platform.name);
	}
	if (!gic.gich || !gic.gicv) {
		pr_err("the GIC has no virtualization extensions (GICH/GICV)");
		return -1;
	}
	gic.nr_irqs =
		32 * ((rd(gic.gicd, GICD_TYPER) & GICD_TYPER_ITLINES_MASK) + 1);
	if (gic.nr_irqs > GIC_MAX_IRQS)
		gic.nr_irqs = GIC_MAX_IRQS;
	pr_info("GICv2: GICD 0x%lx GICC 0x%lx GICH 0x%lx GICV 0x%lx, %u IRQs, "
		"maintenance IRQ %u",
		(unsigned long)gic.gicd, (unsigned long)gic.gicc,
		(unsigned long)gic.gich, (unsigned long)gic.gicv, gic.nr_irqs,
		gic.maint_irq);
	return 0;
}

/* Boot CPU: every SPI disabled, inactive, Group 1, default priority. */
void gic_dist_init(void)
{
	wr(gic.gicd, GICD_CTLR, 0);
	for (unsigned int i = GIC_NR_PRIVATE; i < gic.nr_irqs; i += 32) {
		wr(gic.gicd, GICD_WORD(GICD_ICENABLER, i, 1), ~0U);
		wr(gic.gicd, GICD_WORD(GICD_ICPENDR, i, 1), ~0U);
		wr(gic.gicd, GICD_WORD(GICD_ICACTIVER, i, 1), ~0U);
		wr(gic.gicd, GICD_WORD(GICD_IGROUPR, i, 1), ~0U);
	}
	for (unsigned int i = GIC_NR_PRIVATE; i < gic.nr_irqs; i++) {
		wr8(gic.gicd, GICD_IPRIORITYR + i, GIC_PRIO_DEFAULT);
		wr8(gic.gicd, GICD_ITARGETSR + i, 1);
	}
	wr(gic.gicd, GICD_CTLR, GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1);
}

/* Every CPU: banked SGI/PPI state, the CPU interface, GICH off. */
void gic_cpu_init(void)
{
	struct pcpu *p = this_cpu();

	/* The banked ITARGETSR0..7 read as this CPU's own interface bit
	 * (§4.3.12); on Juno that is not the MPIDR index. */
	uint8_t mask = rd8(gic.gicd, GICD_ITARGETSR);

	gic.cpu_if[p->id] = mask ? (uint8_t)__builtin_ctz(mask) : 0;
	wr(gic.gicd, GICD_ICENABLER, ~0U);
	wr(gic.gicd, GICD_ICPENDR, ~0U);
	wr(gic.gicd, GICD_ICACTIVER, ~0U);
	wr(gic.gicd, GICD_IGROUPR, ~0U);
	for (unsigned int i = 0; i < GIC_NR_PRIVATE; i++)
		wr8(gic.gicd, GICD_IPRIORITYR + i, GIC_PRIO_HYP);
	wr(gic.gicc, GICC_PMR, 0xff);
	wr(gic.gicc, GICC_BPR, 0);
	wr(gic.gicc, GICC_CTLR, GICC_CTLR_VALUE);
	wr(gic.gich, GICH_HCR, 0);
	gic.nr_lrs = (rd(gic.gich, GICH_VTR) & GICH_VTR_LISTREGS_MASK) + 1;
}

void gic_irq_enable(unsigned int irq)
{
	wr(gic.gicd, GICD_WORD(GICD_ISENABLER, irq, 1), BIT(irq % 32));
}

void gic_irq_disable(unsigned int irq)
{
	wr(gic.gicd, GICD_WORD(GICD_ICENABLER, irq, 1), BIT(irq % 32));
}

bool gic_irq_is_pending(unsigned int irq)
{
	return rd(gic.gicd, GICD_WORD(GICD_ISPENDR, irq, 1)) & BIT(irq % 32);
}

void gic_irq_set_pending(unsigned int irq)
{
	wr(gic.gicd, GICD_WORD(GICD_ISPENDR, irq, 1), BIT(irq % 32));
}

void gic_irq_clear_pending(unsigned int irq)
{
	wr(gic.gicd, GICD_WORD(GICD_ICPENDR, irq, 1), BIT(irq % 32));
}

void gic_irq_clear_active(unsigned int irq)
{
	wr(gic.gicd, GICD_WORD(GICD_ICACTIVER, irq, 1), BIT(irq % 32));
}

bool gic_irq_is_active(unsigned int irq)
{
	return rd(gic.gicd, GICD_WORD(GICD_ISACTIVER, irq, 1)) & BIT(irq % 32);
}

void gic_irq_set_priority(unsigned int irq, uint8_t prio)
{
	wr8(gic.gicd, GICD_IPRIORITYR + irq, prio);
}

void gic_irq_set_config(unsigned int irq, bool edge)
{
	unsigned long flags;
	uint32_t off = GICD_WORD(GICD_ICFGR, irq, 2), v;
	uint32_t bit = GICD_ICFGR_EDGE << ((irq % 16) * 2);

	if (irq < GIC_NR_SGIS)
		return; /* SGIs are always edge */
	flags = spin_lock_irqsave(&gicd_lock);
	v = rd(gic.gicd, off);
	v &= ~bit;
	if (edge)
		v |= bit;
	wr(gic.gicd, off, v);
	spin_unlock_irqrestore(&gicd_lock, flags);
}

/*
 * Route SPI @irq to @pcpu. QEMU's GICv2 keeps an edge SPI's pending state
 * latched to the CPUs it targeted when the edge arrived, so after the write
 * a pending instance is invisible to the new target: pend it again
 * (harmless on a GIC-400, where pending is per SPI). DESIGN §3.
 */
void gic_irq_set_target(unsigned int irq, unsigned int pcpu)
{
	if (irq < GIC_NR_PRIVATE || irq >= gic.nr_irqs || pcpu >= MAX_CPUS)
		return;
	wr8(gic.gicd, GICD_ITARGETSR + irq, (uint8_t)BIT(gic.cpu_if[pcpu]));
	if (platform.gic_relatch_on_retarget && gic_irq_is_pending(irq)) {
		gic_irq_clear_pending(irq);
		gic_irq_set_pending(irq);
		gic.relatches++;
	}
}

void gic_send_sgi(unsigned int pcpu, unsigned int sgi)
{
	dsb_ishst();
	wr(gic.gicd, GICD_SGIR,
	   (uint32_t)(BIT(GICD_SGIR_TARGETS_SHIFT + gic.cpu_if[pcpu]) |
		      (sgi & GICD_SGIR_INTID_MASK)));
}

uint32_t gic_ack(void)
{
	return rd(gic.gicc, GICC_IAR);
}

void gic_eoi(unsigned int irq)
{
	wr(gic.gicc, GICC_EOIR, irq);
}

void gic_deactivate(unsigned int irq)
{
	/* See platform.gic_no_hw_lrs: on QEMU an SPI is deactivated through
	 * the distributor, which works from any CPU and re-evaluates it. */
	if (platform.gic_no_hw_lrs &&
	    (irq & GICC_IAR_INTID_MASK) >= GIC_NR_PRIVATE)
		gic_irq_clear_active(irq & GICC_IAR_INTID_MASK);
	else
		wr(gic.gicc, GICC_DIR, irq);
}

/* ---- GICH: this CPU's virtual interface ---- */

unsigned int gich_nr_lrs(void)
{
	return gic.nr_lrs;
}

uint32_t gich_read_lr(unsigned int n)
{
	return rd(gic.gich, GICH_LR0 + 4 * n);
}

void gich_write_lr(unsigned int n, uint32_t val)
{
	wr(gic.gich, GICH_LR0 + 4 * n, val);
}

uint64_t gich_elrsr(void)
{
	return rd(gic.gich, GICH_ELRSR0) |
	       ((uint64_t)rd(gic.gich, GICH_ELRSR1) << 32);
}

uint64_t gich_eisr(void)
{
	return rd(gic.gich, GICH_EISR0) |
	       ((uint64_t)rd(gic.gich, GICH_EISR1) << 32);
}

uint32_t gich_misr(void)
{
	return rd(gic.gich, GICH_MISR);
}

uint32_t gich_read_hcr(void)
{
	return rd(gic.gich, GICH_HCR);
}

void gich_write_hcr(uint32_t val)
{
	wr(gic.gich, GICH_HCR, val);
}

uint32_t gich_read_vmcr(void)
{
	return rd(gic.gich, GICH_VMCR);
}

void gich_write_vmcr(uint32_t val)
{
	wr(gic.gich, GICH_VMCR, val);
}

uint32_t gich_read_apr(void)
{
	return rd(gic.gich, GICH_APR);
}

void gich_write_apr(uint32_t val)
{
	wr(gic.gich, GICH_APR, val);
}
