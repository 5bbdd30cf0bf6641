/* SPDX-License-Identifier: MIT */
/*
 * The emulated GICv2 (DESIGN §3): per-IRQ state, per-vCPU list-register
 * management, distributor MMIO emulation, SGIs, ITARGETSR migration and
 * passthrough of physical SPIs. docs/vgic.md describes it as built.
 */
#ifndef VIGIL_VGIC_H
#define VIGIL_VGIC_H

#include "compiler.h"
#include "gicv2_regs.h"
#include "list.h"
#include "spinlock.h"

struct vcpu;
struct vm;

#define VGIC_NR_SGIS GIC_NR_SGIS
#define VGIC_NR_PRIVATE GIC_NR_PRIVATE /* SGIs and PPIs, banked per vCPU */
#define VGIC_MAX_IRQS 512 /* a VM's IRQ count is a multiple of 32 up to this */
#define VGIC_MAX_SPIS (VGIC_MAX_IRQS - VGIC_NR_PRIVATE)
#define VGIC_MAX_LRS 64	 /* GICH_VTR.ListRegs is 6 bits */
#define VGIC_MAX_VCPUS 8 /* GICv2: CPU masks are 8 bits */

/* vgic_irq.flags: see the comment on struct vgic_irq. */
#define VGIC_IRQ_ENABLED BIT(0)
#define VGIC_IRQ_PENDING BIT(1)
#define VGIC_IRQ_ACTIVE BIT(2)
#define VGIC_IRQ_EDGE BIT(3)
#define VGIC_IRQ_GROUP1 BIT(4)
#define VGIC_IRQ_LINE BIT(5)
#define VGIC_IRQ_HW BIT(6)
#define VGIC_IRQ_HW_ACTIVE BIT(7)
#define VGIC_IRQ_MIGRATING BIT(8)

/*
 * One interrupt as one guest sees it: SGIs and PPIs exist once per vCPU,
 * SPIs once per VM.
 *
 * Who guards it. Every field that can change is guarded by the vgic lock of
 * the vCPU that vgic_irq_dest() names: `owner` when the IRQ sits on a vCPU's
 * lists, otherwise vcpus[`target`]. Both fields are written only with that
 * lock held, so whoever locks vCPU d and then sees dest(irq) == d owns the
 * IRQ (vgic_irq_lock() retries otherwise). For SGIs/PPIs dest is always
 * their own vCPU. The invariant `owner != NULL => target == owner->id`
 * holds outside a single critical section: a move first sets `target`, then
 * clears `owner`.
 *
 * flags:
 *  ENABLED    GICD_ISENABLER. SGIs are always enabled (RAO/WI, as GIC-400).
 *  PENDING    a pending instance NOT held in a list register (the latch of
 *             an edge IRQ, or an ISPENDR write). Filling an LR moves it
 *             into the LR; eviction and retire move it back.
 *  ACTIVE     set through ISACTIVER while the IRQ is in no LR; folded into
 *             the next LR (HW = 0, pending+active).
 *  EDGE       GICD_ICFGR: edge-triggered (SGIs always), else level.
 *  GROUP1     GICD_IGROUPR.
 *  LINE       level IRQs: the input line (vgic_set_level()); a level IRQ
 *             is pending while its line is high, even when disabled.
 *  HW         backed by physical IRQ `pirq` (passthrough).
 *  HW_ACTIVE  the physical IRQ is active (taken by the hard-IRQ path) and
 *             not yet handed to an LR. Filling an LR hands the duty to
 *             deactivate it to the LR: HW = 1 (the guest's EOI does it) or
 *             HW = 0 with the vCPU's lr_owes_dir bit (vigil's GICC_DIR on
 *             retire). Eviction hands it back.
 *  MIGRATING  ITARGETSR moved the IRQ while it sat in an LR of `owner`;
 *             `migrate_to` is the new vCPU (the last write wins). The LR
 *             carries the EOI bit (HW rewritten to 0); its retire completes
 *             the move (DESIGN §3.1). A MIGRATING IRQ never enters
 *             lr_pending: a re-pend only sets PENDING.
 *
 * Derived state (the design's QUEUED / INFLIGHT): the IRQ is on its owner's
 * `lr_pending` list iff it wants an LR, and on `inflight` iff it wants one
 * or is in one (vgic_irq_update() decides, in one place).
 */
struct vgic_irq {
	struct list_head inflight;   /* owner's inflight, by priority */
	struct list_head lr_pending; /* owner's lr_pending, by priority */
	struct vcpu *owner;	     /* whose lists hold it, or NULL */
	uint16_t intid;
	uint16_t pirq;	/* physical INTID when HW */
	uint16_t flags; /* VGIC_IRQ_* */
	uint8_t priority;
	uint8_t targets;    /* SPIs: GICD_ITARGETSR byte (valid vCPUs only) */
	uint8_t target;	    /* vCPU id delivered to (lowest bit of targets) */
	uint8_t migrate_to; /* new target while MIGRATING */
	uint8_t sgi_src_pending; /* SGIs: sources pending outside an LR */
	uint8_t sgi_src_in_lr;	 /* SGIs: sources held in an LR (one LR each) */
	uint8_t nr_lrs;		 /* LRs holding it (<= 1 unless an SGI) */
	uint8_t lr;		 /* the LR index when nr_lrs and not an SGI */
};

/*
 * Per vCPU. `lock` guards both lists, the LR shadow, loaded_on and the
 * vgic_irqs whose dest is this vCPU; its place in the lock order is in
 * include/spinlock.h.
 */
/*
 * The ENABLED and GROUP1 flags of 32 IRQs (one GICD_ISENABLER and
 * GICD_IGROUPR word), kept by vgic/dist.c beside the flags so that a read
 * of those registers is one load. Written with atomics under the IRQ's
 * own lock: the IRQs of one word may be guarded by different vCPUs.
 */
struct vgic_bank_bits {
	uint32_t enabled, group1;
};

struct vgic_vcpu {
	struct spinlock lock;
	struct list_head inflight;   /* pending or active IRQs it owns */
	struct list_head lr_pending; /* the subset waiting for a free LR */
	/* pCPU whose GICH holds this vCPU's LRs (vgic_flush_lrs() ..
	 * vgic_sync_lrs()), -1 when the shadow below is authoritative. */
	int loaded_on;
	/* Read back by the maintenance IRQ in this exit: the flush or sync
	 * that ends it need not read the GICH again. */
	bool read_back;
	/* While loaded on this pCPU: the next vgic_flush_lrs() has work
	 * that an empty lr_pending does not show (an IRQ waiting for its
	 * LR to retire, a migration's LR rewrite). Set under the lock by
	 * whoever creates it, cleared by the flush that does it. */
	bool flush_work;
	/* IRQs written straight into a free LR (vgic_irq_inject_here()),
	 * SGIs put back into the LR they retired from (lr_sgi_refill()). */
	unsigned long lr_direct, lr_sgi_refills;
	/* BIT(intid) of the timer PPIs injected in this exit: their line
	 * was high and the guest has not run since, so the resample before
	 * the flush can skip them. */
	uint32_t ppi_fresh;
	unsigned int nr_lrs;
	uint64_t lr_used;     /* bit n: lr[n] holds lr_irq[n] */
	uint64_t lr_owes_dir; /* bit n: HW = 0 LR whose retire needs DIR */
	uint32_t lr[VGIC_MAX_LRS];
	struct vgic_irq *lr_irq[VGIC_MAX_LRS];
	uint32_t hcr, vmcr, apr;
	struct vgic_irq priv[VGIC_NR_PRIVATE];
	struct vgic_bank_bits priv_bits; /* of priv[] */
};

/* Rare-path counters (DESIGN §3.1), printed at power-off. */
struct vgic_stats {
	unsigned long moves_requested;	/* in-flight SPI retargeted */
	unsigned long moves_lr_pending; /* completed at once (no LR yet) */
	unsigned long moves_maint;	/* completed by the EOI maintenance */
	unsigned long moves_exit;	/* completed at exit (HW EOI first) */
	unsigned long moves_stranded;	/* pending IRQ with nowhere to go */
	unsigned long moves_superseded; /* extra writes while MIGRATING */
	unsigned long lr_overflows;	/* entries with lr_pending left */
	unsigned long lr_evictions;	/* pending LR pushed back */
	unsigned long pt_taken;		/* passthrough instances acked */
	unsigned long pt_deactivated;	/* ... deactivated (guest or vigil) */
	unsigned long pt_hw_eoi; /* ... by the guest, through HW = 1 LRs */
};

/* Per VM. `lock` guards ctlr writes only (reads are lock-free). */
struct vgic_dist {
	struct spinlock lock;
	unsigned int nr_irqs; /* multiple of 32, <= VGIC_MAX_IRQS */
	uint32_t ctlr;	      /* GICD_CTLR: EnableGrp0 [0], EnableGrp1 [1] */
	/* Where the guest finds the distributor, once vgic_vm_attach()
	 * registered it: trap_emulate_mmio() decodes it before the bus. */
	bool attached;
	uint64_t ipa;
	struct vgic_stats stats;
	struct vgic_irq spis[VGIC_MAX_SPIS];
	struct vgic_bank_bits spi_bits[VGIC_MAX_SPIS / 32]; /* of spis[] */
};

/* Passthrough IRQs use HW = 1 LRs (default) or HW = 0 with an EOI
 * maintenance IRQ and a deactivation by vigil (platform quirk). */
extern bool vgic_hw_lrs;
/* vgic/lr.c: the QEMU quirk's pokes, chosen at vgic_init(). */
extern bool vgic_hw_poke;
void vgic_hw_poke_init(bool needed);
/* At most one LR per SGI INTID, whatever its sources (platform quirk):
 * a second source waits in sgi_src_pending for the first LR to retire. */
extern bool vgic_one_lr_per_sgi;

/* ---- setup ---------------------------------------------------------- */

/* Boot: take the physical GIC's facts (gic_info()) and register the
 * vGIC's interrupts with the IRQ layer (maintenance, timers, SPIs). */
void vgic_init(void);
/*
 * Give @vm its emulated GICv2: vGIC state for as many IRQ lines as the
 * physical GIC has (at most VGIC_MAX_IRQS) and the distributor trapped and
 * emulated at the physical distributor's address. The caller maps the
 * GICV frame where the guest expects its CPU interface (vgic_cpu_ipa()).
 */
int vgic_vm_attach(struct vm *vm);
/* Guest-physical addresses of a guest's GIC, for its DTB and stage 2. */
uint64_t vgic_dist_ipa(void);
uint64_t vgic_cpu_ipa(void);
/* Reset @vm's vGIC for SYSTEM_RESET, keeping its passthrough IRQs. */
void vgic_vm_reset(struct vm *vm);

/* Initialise the VM's distributor and every vCPU's interface. vm->nr_vcpus
 * and vcpus[i].id / .vm / .pcpu must be set. @nr_irqs: multiple of 32 in
 * 32..VGIC_MAX_IRQS. Returns 0 or -EINVAL. */
int vgic_vm_init(struct vm *vm, unsigned int nr_irqs);

/* ---- guest entry / exit (on the vCPU's pCPU, IRQs masked) ------------ */

/* Just before entering the guest: restore the LRs, fill free ones from
 * lr_pending (evicting lower-priority pending LRs), arm UIE on overflow. */
void vgic_flush_lrs(struct vcpu *v);
/* On every exit: read the LRs back, retire the ones that went invalid,
 * complete migrations, disable the virtual interface (HCR = 0). */
void vgic_sync_lrs(struct vcpu *v);
/* The maintenance IRQ (PPI 9) on this pCPU; @cur is the vCPU whose LRs are
 * loaded here, or NULL. Reads the LRs back (retires, deactivates, completes
 * migrations) and lowers it (HCR = 0); the flush before the next entry
 * refills. */
void vgic_maintenance(struct vcpu *cur);
/* True when @v has an interrupt to take (for WFI: do not block). */
bool vgic_vcpu_has_pending(struct vcpu *v);

/* ---- injection -------------------------------------------------------- */

/* Make PPI or SPI @intid pending (edge semantics; SPIs go to their
 * target, @v names the VM). -EINVAL for an SGI or an INTID out of range. */
int vgic_inject(struct vcpu *v, unsigned int intid);
/* Set the input line of a level-sensitive PPI or SPI. */
int vgic_set_level(struct vcpu *v, unsigned int intid, bool level);
/* SGI @sgi from vCPU @src to vCPU @dst (the guest's GICD_SGIR). */
int vgic_send_sgi(struct vcpu *src, struct vcpu *dst, unsigned int sgi);

/* ---- distributor MMIO ------------------------------------------------- */

#define VGIC_DIST_SIZE 0x1000
/*
 * One guest access to the distributor at @offset, @size 1, 2 or 4 bytes.
 * Returns 0, or -EINVAL for an access the spec forbids (the caller injects
 * a data abort). Reserved offsets are RAZ/WI. While @v's LRs are loaded
 * in this pCPU's GICH (the run loop's fast re-entry) only the accesses that
 * neither read nor change them are done: -EAGAIN for the others (pending
 * and active registers, a GICD_SGIR write that targets @v itself).
 */
int vgic_dist_access(struct vcpu *v, uint64_t offset, unsigned int size,
		     bool write, uint64_t *val);
/* vgic_dist_access() as the VM's MMIO region handler (@vm: its VM). */
int vgic_dist_mmio(void *vm, struct vcpu *v, uint64_t offset, unsigned int size,
		   bool write, uint64_t *val);

/* ---- passthrough ------------------------------------------------------ */

/* Make the passthrough handler the IRQ layer's owner of SPIs 32 ..
 * @nr_irqs - 1 (boot; vgic_init()). */
void vgic_pt_init(unsigned int nr_irqs);
/* Back SPI @virq of @vm by physical SPI @pirq: routed to the pCPU of the
 * virq's target vCPU, enabled when the guest enables the virq. -EBUSY if
 * @pirq is bound already, -EINVAL for a bad number. */
int vgic_pt_bind(struct vm *vm, unsigned int virq, unsigned int pirq);
/* Undo it; -EAGAIN while its softirq is scheduled or running (run pending
 * softirqs and retry; never spin under a lock). */
int vgic_pt_unbind(struct vm *vm, unsigned int virq);
/* Hard-IRQ path (the IRQ layer's SPI handler, after IAR and EOIR): hand
 * @pirq to the per-CPU passthrough softirq. Returns false if @pirq is bound
 * to no VM: the caller must deactivate it. Takes no lock. */
bool vgic_pt_take(unsigned int pirq);
/* Softirq path: the physical IRQ backing @virq fired (it is active and
 * priority-dropped); inject it with an HW = 1 LR. */
int vgic_inject_hw(struct vm *vm, unsigned int virq);

/* ---- introspection ---------------------------------------------------- */

/* The IRQ @intid as seen by vCPU @v (banked for < 32); NULL if none. */
struct vgic_irq *vgic_get_irq(struct vm *vm, struct vcpu *v,
			      unsigned int intid);
/* Check the DESIGN §3.1 invariants over the whole VM (no IRQ on two
 * vCPUs' lists, lists sorted, inflight ⊇ lr_pending, LR bookkeeping).
 * Call when quiescent. Returns 0 or -EINVAL after printing the problem. */
int vgic_check_invariants(struct vm *vm);
void vgic_print_stats(struct vm *vm);
/* Print @v's vGIC state (VIGIL_HC_DEBUG_DUMP). */
void vgic_debug_dump(struct vcpu *v);
/* Of the passthrough instances taken from the GIC and not deactivated,
 * how many the VM still holds (queued, in a softirq, in an LR the guest has
 * not EOId) and how many are lost (held nowhere). Call with the VM's vCPUs
 * out of guest mode. */
void vgic_pt_account(struct vm *vm, unsigned long *held, unsigned long *lost);

#endif
