/* SPDX-License-Identifier: MIT */
/*
 * Distributor MMIO emulation, table-driven (GICv2 §4.3). Each register
 * group is one descriptor: offset range, bits per IRQ (0 for a plain
 * register), the access widths the spec allows, and read / write functions
 * of one field. The dispatcher splits an access into fields, bounds-checks
 * the INTID and leaves reserved space RAZ/WI.
 */
#include <errno.h>

#include "arch_vcpu.h"
#include "gic.h"
#include "gicv2_regs.h"
#include "internal.h"
#include "irq.h"
#include "vgic_timer.h"

/* ARM's JEP106 code; vigil's own product id 0x56 ('V'). */
#define VGIC_IIDR 0x5600043bU

/* Five priority bits, as the LR holds (GICH_LR priority[7:3]). */
#define VGIC_PRIO_MASK 0xf8U

#define W1 BIT(1) /* byte access allowed */
#define W4 BIT(4) /* word access allowed */

struct vgic_reg {
	uint16_t base, end; /* [base, end) */
	uint8_t bits;	    /* per IRQ (or per SGI for C/SPENDSGIR); 0: plain */
	uint8_t widths;
	/* bits == 1 and no read(): the field reads as this flag of the IRQ,
	 * without the lock, a whole access at once (vgic_flags_read()). */
	uint16_t flag;
	/* A read needs the LRs' state (pending, active), so the vCPU's LRs
	 * synced first: never while they are loaded (vgic_dist_access()). */
	bool reads_lrs;
	/* bits != 0: field of IRQ/SGI @n; bits == 0: register at @n (offset) */
	uint32_t (*read)(struct vcpu *v, unsigned int n);
	void (*write)(struct vcpu *v, unsigned int n, uint32_t val);
};

/* ---- per-IRQ fields: lock dest, act, unlock ----------------------------- */

struct vgic_field_ctx {
	struct vgic_irq *irq;
	struct vcpu *d;
	unsigned long flags;
	struct vgic_deferred def;
};

static void field_lock(struct vcpu *v, unsigned int intid,
		       struct vgic_field_ctx *c)
{
	c->irq = vgic_get_irq(v->vm, v, intid);
	c->d = vgic_irq_lock(v->vm, c->irq, &c->flags);
	c->def.n = 0;
}

static void field_unlock(struct vgic_field_ctx *c)
{
	vgic_irq_unlock(c->d, c->irq, c->flags);
	vgic_deferred_run(c->d->vm, &c->def);
}

static uint32_t flag_read(struct vcpu *v, unsigned int intid, uint16_t flag)
{
	struct vgic_irq *irq = vgic_get_irq(v->vm, v, intid);

	return (READ_ONCE(irq->flags) & flag) ? 1 : 0;
}

/* The word of struct vgic_bank_bits that mirrors @flag of @irq. */
static uint32_t *bank_word(struct vm *vm, struct vgic_irq *irq, uint16_t flag)
{
	struct vgic_bank_bits *b;

	if (irq->intid < VGIC_NR_PRIVATE)
		b = &vm->vcpus[irq->target].vgic.priv_bits;
	else
		b = &vm->vgic.spi_bits[(irq->intid - VGIC_NR_PRIVATE) / 32];
	return flag == VGIC_IRQ_ENABLED ? &b->enabled : &b->group1;
}

/* Set or clear ENABLED or GROUP1 of @irq and its bank bit. d's lock held. */
static void irq_flag_write(struct vcpu *d, struct vgic_irq *irq, uint16_t flag,
			   bool on)
{
	uint32_t *w = bank_word(d->vm, irq, flag);
	uint32_t bit = (uint32_t)BIT(irq->intid % 32);

	VGIC_ASSERT_LOCKED(d);
	if (on) {
		irq->flags |= flag;
		__atomic_fetch_or(w, bit, __ATOMIC_RELAXED);
	} else {
		irq->flags &= (uint16_t)~flag;
		__atomic_fetch_and(w, ~bit, __ATOMIC_RELAXED);
	}
}

static void igroupr_write(struct vcpu *v, unsigned int intid, uint32_t val)
{
	struct vgic_field_ctx c;

	field_lock(v, intid, &c);
	irq_flag_write(c.d, c.irq, VGIC_IRQ_GROUP1, val != 0);
	vgic_irq_update(c.d, c.irq);
	field_unlock(&c);
}

static void enable_write(struct vcpu *v, unsigned int intid, bool on)
{
	struct vgic_field_ctx c;

	if (intid < VGIC_NR_SGIS)
		return; /* SGIs are always enabled */
	field_lock(v, intid, &c);
	irq_flag_write(c.d, c.irq, VGIC_IRQ_ENABLED, on);
	/* An active IRQ's LR stays: its EOI still deactivates (HW = 1
	 * included), so disabling it cannot orphan it. */
	if (c.irq->flags & VGIC_IRQ_HW) {
		if (on)
			gic_irq_enable(c.irq->pirq);
		else
			gic_irq_disable(c.irq->pirq);
	}
	vgic_irq_update(c.d, c.irq);
	field_unlock(&c);
}

static void isenabler_write(struct vcpu *v, unsigned int intid, uint32_t val)
{
	if (val)
		enable_write(v, intid, true);
}

static void icenabler_write(struct vcpu *v, unsigned int intid, uint32_t val)
{
	if (val)
		enable_write(v, intid, false);
}

/*
 * GICv2 §3.2.1, §4.3.7: a level interrupt whose line is asserted is
 * pending, enabled or not. Nothing samples the lines of a disabled IRQ
 * into the vGIC (vigil disables the physical one with it), so read them:
 * a passthrough SPI's in the physical GICD_ISPENDR (latch or line, what
 * the guest would see on hardware), a timer PPI's in the timer of the
 * vCPU loaded here, which is @v: the access trapped on its pCPU.
 */
static bool pendr_line(struct vcpu *v, struct vgic_irq *irq)
{
	if (irq->intid == PPI_VTIMER || irq->intid == PPI_PTIMER)
		return this_cpu()->loaded == v && arch_timer_line(irq->intid);
	return vgic_is_spi(irq) && (irq->flags & VGIC_IRQ_HW) &&
	       gic_irq_is_pending(irq->pirq);
}

static uint32_t pendr_read(struct vcpu *v, unsigned int intid)
{
	struct vgic_field_ctx c;
	uint32_t ret;

	field_lock(v, intid, &c);
	ret = vgic_irq_is_pending(c.d, c.irq) || pendr_line(v, c.irq);
	field_unlock(&c);
	return ret;
}

static void ispendr_write(struct vcpu *v, unsigned int intid, uint32_t val)
{
	struct vgic_field_ctx c;

	if (!val || intid < VGIC_NR_SGIS)
		return; /* SGIs: use SPENDSGIR */
	/* Pends on the IRQ's target, whichever vCPU writes. */
	field_lock(v, intid, &c);
	vgic_irq_set_pending(c.d, c.irq);
	vgic_irq_update(c.d, c.irq);
	field_unlock(&c);
}

static void icpendr_write(struct vcpu *v, unsigned int intid, uint32_t val)
{
	struct vgic_field_ctx c;

	if (!val || intid < VGIC_NR_SGIS)
		return;
	field_lock(v, intid, &c);
	/* The physical latch too (pendr_line() reads it); a level line
	 * still asserted keeps the IRQ pending, as on hardware. */
	if (vgic_is_spi(c.irq) && (c.irq->flags & VGIC_IRQ_HW))
		gic_irq_clear_pending(c.irq->pirq);
	vgic_irq_clear_pending(c.d, c.irq, 0, &c.def);
	field_unlock(&c);
}

static uint32_t activer_read(struct vcpu *v, unsigned int intid)
{
	struct vgic_field_ctx c;
	uint32_t ret;

	field_lock(v, intid, &c);
	ret = vgic_irq_is_active(c.d, c.irq);
	field_unlock(&c);
	return ret;
}

static void isactiver_write(struct vcpu *v, unsigned int intid, uint32_t val)
{
	struct vgic_field_ctx c;

	if (!val)
		return;
	field_lock(v, intid, &c);
	vgic_irq_set_active(c.d, c.irq);
	field_unlock(&c);
}

static void icactiver_write(struct vcpu *v, unsigned int intid, uint32_t val)
{
	struct vgic_field_ctx c;

	if (!val)
		return;
	field_lock(v, intid, &c);
	vgic_irq_clear_active(c.d, c.irq, &c.def);
	field_unlock(&c);
}

static uint32_t ipriorityr_read(struct vcpu *v, unsigned int intid)
{
	return READ_ONCE(vgic_get_irq(v->vm, v, intid)->priority);
}

static void ipriorityr_write(struct vcpu *v, unsigned int intid, uint32_t val)
{
	struct vgic_field_ctx c;

	field_lock(v, intid, &c);
	c.irq->priority = (uint8_t)(val & VGIC_PRIO_MASK);
	vgic_irq_resort(c.d, c.irq);
	field_unlock(&c);
}

/*
 * GICv2 §4.3.12: a GIC with one CPU interface has every GICD_ITARGETSR
 * RAZ/WI and forwards every interrupt to that interface, so a 1-vCPU VM
 * gets its SPIs whatever it wrote there (vgic_irq_wants_lr()).
 */
static uint32_t itargetsr_read(struct vcpu *v, unsigned int intid)
{
	if (v->vm->nr_vcpus == 1)
		return 0;
	if (intid < VGIC_NR_PRIVATE)
		return (uint32_t)BIT(v->id); /* ITARGETSR0-7: RO, own CPU */
	return READ_ONCE(vgic_get_irq(v->vm, v, intid)->targets);
}

static void itargetsr_write(struct vcpu *v, unsigned int intid, uint32_t val)
{
	if (intid < VGIC_NR_PRIVATE || v->vm->nr_vcpus == 1)
		return;
	vgic_irq_set_targets(v->vm, vgic_get_irq(v->vm, v, intid),
			     (uint8_t)val);
}

static uint32_t icfgr_read(struct vcpu *v, unsigned int intid)
{
	return flag_read(v, intid, VGIC_IRQ_EDGE) ? GICD_ICFGR_EDGE : 0;
}

static void icfgr_write(struct vcpu *v, unsigned int intid, uint32_t val)
{
	struct vgic_field_ctx c;

	if (intid < VGIC_NR_PRIVATE)
		return; /* SGIs edge, PPIs fixed: read-only */
	field_lock(v, intid, &c);
	if (val & GICD_ICFGR_EDGE)
		c.irq->flags |= VGIC_IRQ_EDGE;
	else
		c.irq->flags &= (uint16_t)~VGIC_IRQ_EDGE;
	if (c.irq->flags & VGIC_IRQ_HW)
		gic_irq_set_config(c.irq->pirq, val & GICD_ICFGR_EDGE);
	vgic_irq_update(c.d, c.irq);
	field_unlock(&c);
}

/* C/SPENDSGIR: field n is SGI n of the accessing vCPU, a bit per source. */
static uint32_t pendsgir_read(struct vcpu *v, unsigned int sgi)
{
	unsigned long flags = spin_lock_irqsave(&v->vgic.lock);
	uint32_t ret = vgic_sgi_sources(v, &v->vgic.priv[sgi]);

	spin_unlock_irqrestore(&v->vgic.lock, flags);
	return ret;
}

static void spendsgir_write(struct vcpu *v, unsigned int sgi, uint32_t val)
{
	struct vgic_irq *irq = &v->vgic.priv[sgi];
	unsigned long flags;

	val &= vgic_vcpu_mask(v->vm);
	if (!val)
		return;
	flags = spin_lock_irqsave(&v->vgic.lock);
	irq->sgi_src_pending |= (uint8_t)val;
	vgic_irq_update(v, irq);
	vgic_irq_unlock(v, irq, flags);
}

static void cpendsgir_write(struct vcpu *v, unsigned int sgi, uint32_t val)
{
	struct vgic_irq *irq = &v->vgic.priv[sgi];
	struct vgic_deferred def;
	unsigned long flags;

	def.n = 0;
	val &= vgic_vcpu_mask(v->vm);
	if (!val)
		return;
	flags = spin_lock_irqsave(&v->vgic.lock);
	vgic_irq_clear_pending(v, irq, (uint8_t)val, &def);
	vgic_irq_unlock(v, irq, flags);
}

/* ---- plain registers ------------------------------------------------------ */

static void vgic_requeue_all(struct vm *vm)
{
	for (unsigned int c = 0; c < vm->nr_vcpus; c++)
		for (unsigned int i = 0; i < VGIC_NR_PRIVATE; i++)
			vgic_irq_queue(vm, &vm->vcpus[c].vgic.priv[i]);
	for (unsigned int i = VGIC_NR_PRIVATE; i < vm->vgic.nr_irqs; i++)
		vgic_irq_queue(vm, vgic_get_irq(vm, NULL, i));
}

static uint32_t ctlr_read(struct vcpu *v, unsigned int off)
{
	return READ_ONCE(v->vm->vgic.ctlr);
}

static void ctlr_write(struct vcpu *v, unsigned int off, uint32_t val)
{
	struct vm *vm = v->vm;
	unsigned long flags = spin_lock_irqsave(&vm->vgic.lock);

	WRITE_ONCE(vm->vgic.ctlr,
		   val & (GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1));
	spin_unlock_irqrestore(&vm->vgic.lock, flags);
	/* Forwarding changed for every IRQ: let each find its place. */
	vgic_requeue_all(vm);
}

static uint32_t typer_read(struct vcpu *v, unsigned int off)
{
	struct vm *vm = v->vm;

	return (vm->vgic.nr_irqs / 32 - 1) |
	       ((vm->nr_vcpus - 1) << GICD_TYPER_CPUS_SHIFT);
}

static uint32_t iidr_read(struct vcpu *v, unsigned int off)
{
	return VGIC_IIDR;
}

/* The vCPUs a GICD_SGIR value from @v sends to, as a mask of its VM's
 * vCPUs; 0 for the reserved filter (no SGI). */
static inline unsigned int sgir_targets(struct vcpu *v, uint32_t val)
{
	unsigned int targets;

	switch ((val & GICD_SGIR_FILTER_MASK) >> GICD_SGIR_FILTER_SHIFT) {
	case GICD_SGIR_FILTER_LIST:
		targets = (val & GICD_SGIR_TARGETS_MASK) >>
			  GICD_SGIR_TARGETS_SHIFT;
		break;
	case GICD_SGIR_FILTER_OTHERS:
		targets = ~BIT(v->id);
		break;
	case GICD_SGIR_FILTER_SELF:
		targets = BIT(v->id);
		break;
	default:
		return 0; /* reserved filter: no SGI */
	}
	return targets & vgic_vcpu_mask(v->vm);
}

static void sgir_write(struct vcpu *v, unsigned int off, uint32_t val)
{
	vgic_send_sgis(v, sgir_targets(v, val), val & GICD_SGIR_INTID_MASK);
}

/* PIDR4..7, PIDR0..3, CIDR0..3 of a GICv2 (PIDR2.ArchRev = 2), as GIC-400. */
static const uint8_t vgic_id_regs[12] = {
	0x04, 0x00, 0x00, 0x00, 0x90, 0xb4, 0x2b, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

static uint32_t idreg_read(struct vcpu *v, unsigned int off)
{
	return vgic_id_regs[(off - GICD_PIDR4) / 4];
}

/*
 * Rows of vgic_regs[]. A row covers @len bytes from @off. Per-IRQ groups
 * have @bpi bits per IRQ (per SGI for C/SPENDSGIR) and allow the access
 * widths @acc (W1, W4); plain registers are word-only. A NULL read or write
 * function makes the register RAZ or WI.
 */
#define REG_PLAIN(off, len, rd, wr)                                           \
	{                                                                     \
		.base = (off), .end = (off) + (len), .bits = 0, .widths = W4, \
		.read = (rd), .write = (wr)                                   \
	}
#define REG_PER_IRQ(off, len, bpi, acc, rd, wr)                     \
	{                                                           \
		.base = (off), .end = (off) + (len), .bits = (bpi), \
		.widths = (acc), .read = (rd), .write = (wr)        \
	}
/* One bit per IRQ that reads as IRQ flag @irq_flag (vgic_flags_read()). */
#define REG_FLAG_PER_IRQ(off, len, irq_flag, wr)                              \
	{                                                                     \
		.base = (off), .end = (off) + (len), .bits = 1, .widths = W4, \
		.flag = (irq_flag), .write = (wr)                             \
	}
/* Pending or active state: a read needs the vCPU's LRs synced first. */
#define REG_LR_STATE_PER_IRQ(off, len, bpi, acc, rd, wr)            \
	{                                                           \
		.base = (off), .end = (off) + (len), .bits = (bpi), \
		.widths = (acc), .reads_lrs = true, .read = (rd),   \
		.write = (wr)                                       \
	}

/* The rows, in offset order (vgic_reg_find() bisects what its block table
 * does not answer). */
enum {
	R_CTLR,
	R_TYPER,
	R_IIDR,
	R_IGROUPR,
	R_ISENABLER,
	R_ICENABLER,
	R_ISPENDR,
	R_ICPENDR,
	R_ISACTIVER,
	R_ICACTIVER,
	R_IPRIORITYR,
	R_ITARGETSR,
	R_ICFGR,
	R_SGIR,
	R_CPENDSGIR,
	R_SPENDSGIR,
	R_ID,
};

static const struct vgic_reg vgic_regs[] = {
	[R_CTLR] = REG_PLAIN(GICD_CTLR, 4, ctlr_read, ctlr_write),
	[R_TYPER] = REG_PLAIN(GICD_TYPER, 4, typer_read, NULL),
	[R_IIDR] = REG_PLAIN(GICD_IIDR, 4, iidr_read, NULL),
	[R_IGROUPR] = REG_FLAG_PER_IRQ(GICD_IGROUPR, GICD_SPAN(igroupr),
				       VGIC_IRQ_GROUP1, igroupr_write),
	[R_ISENABLER] = REG_FLAG_PER_IRQ(GICD_ISENABLER, GICD_SPAN(isenabler),
					 VGIC_IRQ_ENABLED, isenabler_write),
	[R_ICENABLER] = REG_FLAG_PER_IRQ(GICD_ICENABLER, GICD_SPAN(icenabler),
					 VGIC_IRQ_ENABLED, icenabler_write),
	[R_ISPENDR] = REG_LR_STATE_PER_IRQ(GICD_ISPENDR, GICD_SPAN(ispendr), 1,
					   W4, pendr_read, ispendr_write),
	[R_ICPENDR] = REG_LR_STATE_PER_IRQ(GICD_ICPENDR, GICD_SPAN(icpendr), 1,
					   W4, pendr_read, icpendr_write),
	[R_ISACTIVER] =
		REG_LR_STATE_PER_IRQ(GICD_ISACTIVER, GICD_SPAN(isactiver), 1,
				     W4, activer_read, isactiver_write),
	[R_ICACTIVER] =
		REG_LR_STATE_PER_IRQ(GICD_ICACTIVER, GICD_SPAN(icactiver), 1,
				     W4, activer_read, icactiver_write),
	[R_IPRIORITYR] =
		REG_PER_IRQ(GICD_IPRIORITYR, GICD_SPAN(ipriorityr), 8, W1 | W4,
			    ipriorityr_read, ipriorityr_write),
	[R_ITARGETSR] = REG_PER_IRQ(GICD_ITARGETSR, GICD_SPAN(itargetsr), 8,
				    W1 | W4, itargetsr_read, itargetsr_write),
	[R_ICFGR] = REG_PER_IRQ(GICD_ICFGR, GICD_SPAN(icfgr), 2, W4, icfgr_read,
				icfgr_write),
	[R_SGIR] = REG_PLAIN(GICD_SGIR, 4, NULL, sgir_write),
	[R_CPENDSGIR] =
		REG_LR_STATE_PER_IRQ(GICD_CPENDSGIR, GICD_SPAN(cpendsgir), 8,
				     W1 | W4, pendsgir_read, cpendsgir_write),
	[R_SPENDSGIR] =
		REG_LR_STATE_PER_IRQ(GICD_SPENDSGIR, GICD_SPAN(spendsgir), 8,
				     W1 | W4, pendsgir_read, spendsgir_write),
	[R_ID] =
		REG_PLAIN(GICD_PIDR4, GICD_SIZE - GICD_PIDR4, idreg_read, NULL),
};

/*
 * A read of a flag register (IGROUPR, I[SC]ENABLER): @count fields from
 * INTID @first, which is a multiple of 32 (word access only), so one word
 * of struct vgic_bank_bits.
 */
static uint32_t vgic_flags_read(struct vcpu *v, unsigned int first,
				unsigned int count, uint16_t flag)
{
	struct vgic_bank_bits *b =
		first < VGIC_NR_PRIVATE
			? &v->vgic.priv_bits
			: &v->vm->vgic.spi_bits[(first - VGIC_NR_PRIVATE) / 32];
	uint32_t w = __atomic_load_n(flag == VGIC_IRQ_ENABLED ? &b->enabled
							      : &b->group1,
				     __ATOMIC_RELAXED);

	return count < 32 ? w & (uint32_t)(BIT(count) - 1) : w;
}

/*
 * The row of each 128-byte block of the distributor that one register
 * group starts and fills alone (GICv2 §4.1.2, Table 4-1: IGROUPR to
 * ICACTIVER one block each, IPRIORITYR and ITARGETSR eight, ICFGR two),
 * plus one; 0 for the blocks shared by several rows (CTLR..IIDR, SGIR..
 * the ID registers), which are bisected. Every access but those decodes
 * with one load and one compare (the last block of IPRIORITYR and of
 * ITARGETSR ends with a reserved word).
 */
#define BLOCKS(first, last, row) [(first) >> 7 ...(last) >> 7] = (row) + 1
static const uint8_t vgic_reg_block[VGIC_DIST_SIZE >> 7] = {
	BLOCKS(GICD_IGROUPR, GICD_IGROUPR, R_IGROUPR),
	BLOCKS(GICD_ISENABLER, GICD_ISENABLER, R_ISENABLER),
	BLOCKS(GICD_ICENABLER, GICD_ICENABLER, R_ICENABLER),
	BLOCKS(GICD_ISPENDR, GICD_ISPENDR, R_ISPENDR),
	BLOCKS(GICD_ICPENDR, GICD_ICPENDR, R_ICPENDR),
	BLOCKS(GICD_ISACTIVER, GICD_ISACTIVER, R_ISACTIVER),
	BLOCKS(GICD_ICACTIVER, GICD_ICACTIVER, R_ICACTIVER),
	BLOCKS(GICD_IPRIORITYR, GICD_ITARGETSR - 1, R_IPRIORITYR),
	BLOCKS(GICD_ITARGETSR, GICD_ICFGR - 1, R_ITARGETSR),
	BLOCKS(GICD_ICFGR, GICD_ICFGR + GICD_SPAN(icfgr) - 1, R_ICFGR),
};

/* The row holding @off (< VGIC_DIST_SIZE), or NULL: reserved. */
static const struct vgic_reg *vgic_reg_find(unsigned int off)
{
	unsigned int lo = 0, hi = ARRAY_SIZE(vgic_regs);
	unsigned int b = vgic_reg_block[off >> 7];

	if (b) /* the block starts at the row's base */
		return off < vgic_regs[b - 1].end ? &vgic_regs[b - 1] : NULL;
	/* vgic_regs[] is sorted by offset and its ranges do not overlap:
	 * the first row that ends after @off is the only one that can hold
	 * it. */
	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (vgic_regs[mid].end <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ARRAY_SIZE(vgic_regs) && off >= vgic_regs[lo].base
		       ? &vgic_regs[lo]
		       : NULL;
}

/* Number of fields a per-IRQ register has for this VM (INTIDs, or SGIs). */
static unsigned int vgic_reg_nr_fields(const struct vgic_reg *r, struct vm *vm)
{
	if (r->base == GICD_CPENDSGIR || r->base == GICD_SPENDSGIR)
		return VGIC_NR_SGIS;
	return vm->vgic.nr_irqs;
}

/* A per-IRQ register: one read or write call per field, or one
 * vgic_flags_read() for the whole access. */
static uint32_t vgic_fields_access(struct vcpu *v, const struct vgic_reg *r,
				   unsigned int off, unsigned int size,
				   bool write, uint32_t in)
{
	unsigned int per = 8 / r->bits; /* fields per byte */
	unsigned int first = (off - r->base) * per;
	unsigned int limit = vgic_reg_nr_fields(r, v->vm);
	unsigned int n = size * per;
	uint32_t mask = (uint32_t)BIT(r->bits) - 1, out = 0;

	if (first >= limit)
		return 0;
	if (n > limit - first)
		n = limit - first;
	if (!write && r->flag)
		return vgic_flags_read(v, first, n, r->flag);
	for (unsigned int i = 0; i < n; i++) {
		unsigned int sh = i * r->bits;

		if (write)
			r->write(v, first + i, (in >> sh) & mask);
		else
			out |= (r->read(v, first + i) & mask) << sh;
	}
	return out;
}

/* The descriptor of an access at @offset (NULL: reserved, RAZ/WI), or
 * -EINVAL for one the spec forbids. */
static int vgic_reg_check(uint64_t offset, unsigned int size,
			  const struct vgic_reg **rp)
{
	unsigned int off = (unsigned int)offset;
	const struct vgic_reg *r;

	if ((size != 1 && size != 4) || offset >= VGIC_DIST_SIZE ||
	    (off & (size - 1)))
		return -EINVAL;
	r = vgic_reg_find(off);
	if (r && !(r->widths & BIT(size)))
		return -EINVAL;
	*rp = r;
	return 0;
}

static void vgic_reg_access(struct vcpu *v, const struct vgic_reg *r,
			    unsigned int off, unsigned int size, bool write,
			    uint64_t *val)
{
	uint32_t out = 0, in = write ? (uint32_t)*val : 0;

	if (!r) {
		/* reserved: RAZ/WI */
	} else if (!r->bits) {
		if (write && r->write)
			r->write(v, off, in);
		else if (!write && r->read)
			out = r->read(v, off);
	} else {
		out = vgic_fields_access(v, r, off, size, write, in);
	}
	if (!write)
		*val = out;
}

/* A GICD_SGIR value whose SGIs all go to other vCPUs than @v (or none:
 * the reserved filter). */
static bool sgir_spares_self(struct vcpu *v, uint32_t val)
{
	return !(sgir_targets(v, val) & BIT(v->id));
}

/*
 * Whether an access may be done while @v's LRs are loaded in this pCPU's
 * GICH, not synced: a read of anything but the pending and active
 * registers, or a GICD_SGIR write that targets other vCPUs only.
 */
static bool vgic_reg_spares_lrs(struct vcpu *v, const struct vgic_reg *r,
				unsigned int off, bool write, uint64_t val)
{
	if (write)
		return off == GICD_SGIR && sgir_spares_self(v, (uint32_t)val);
	return !r || !r->reads_lrs;
}

/* vgic_dist_mmio() but for its word reads of flag registers. */
static __noinline int vgic_dist_mmio_rest(struct vcpu *v, uint64_t offset,
					  unsigned int size, bool write,
					  uint64_t *val)
{
	unsigned int off = (unsigned int)offset;
	const struct vgic_reg *r;

	if (vgic_reg_check(offset, size, &r))
		return -EINVAL;
	if (vgic_lrs_loaded(v)) {
		if (!vgic_reg_spares_lrs(v, r, off, write, *val))
			return -EAGAIN;
	} else if (r && r->reads_lrs && r->bits == 1 &&
		   off - r->base < VGIC_NR_PRIVATE / 8) {
		/* The PPIs' pending and active state (word 0): a timer
		 * instance whose line went low is not pending any more. */
		vgic_timer_resample(v);
	}
	vgic_reg_access(v, r, off, size, write, val);
	return 0;
}

/*
 * The MMIO region's handler is the one body (the MMIO path is measured:
 * make bench, GICD_ISENABLER0 read, IPI round trip); vgic_dist_access()
 * calls it. Two accesses are answered here in a few branches, with no
 * stack frame: a GICD_SGIR write, and a word read of a flag register
 * (IGROUPR, I[SC]ENABLER: the block table's rows with a flag), one word
 * of the IRQs' mirrored flags, which spares the LRs (nr_irqs is a
 * multiple of 32, so the word is whole, or past the end and RAZ).
 */
int vgic_dist_mmio(void *vm, struct vcpu *v, uint64_t offset, unsigned int size,
		   bool write, uint64_t *val)
{
	unsigned int off = (unsigned int)offset;

	/* GICD_SGIR, the write of every IPI, as the general path would do
	 * it: word only, and with the LRs loaded only when it spares them;
	 * its targets decoded once, the send one call (issue 16). */
	if (write && size == 4 && offset == GICD_SGIR) {
		unsigned int targets = sgir_targets(v, (uint32_t)*val);

		if ((targets & BIT(v->id)) && vgic_lrs_loaded(v))
			return -EAGAIN;
		vgic_send_sgis(v, targets, *val & GICD_SGIR_INTID_MASK);
		return 0;
	}
	if (!write && size == 4 && offset < VGIC_DIST_SIZE && !(off & 3)) {
		unsigned int b = vgic_reg_block[off >> 7];

		if (b && vgic_regs[b - 1].flag) {
			unsigned int first = (off - vgic_regs[b - 1].base) * 8;

			*val = first < v->vm->vgic.nr_irqs
				       ? vgic_flags_read(v, first, 32,
							 vgic_regs[b - 1].flag)
				       : 0;
			return 0;
		}
	}
	return vgic_dist_mmio_rest(v, offset, size, write, val);
}

int vgic_dist_access(struct vcpu *v, uint64_t offset, unsigned int size,
		     bool write, uint64_t *val)
{
	return vgic_dist_mmio(v->vm, v, offset, size, write, val);
}
