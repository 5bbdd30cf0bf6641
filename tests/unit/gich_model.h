/* SPDX-License-Identifier: MIT */
/*
 * A model of the GICv2 virtual interface (GICH + what the guest does through
 * GICV) per simulated pCPU, and of the physical distributor, implementing
 * include/gich.h and include/gic.h for host tests. It behaves as IHI 0048B
 * says: an LR in the pending state goes active on the guest's acknowledge,
 * invalid (or pending, from pending+active) on its EOI; an EOI of a HW = 1
 * LR deactivates the physical IRQ; ELRSR, EISR and MISR are computed from
 * the LRs and HCR. All state is global; tests call gm_reset() first.
 */
#ifndef VIGIL_GICH_MODEL_H
#define VIGIL_GICH_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "gic.h"
#include "gicv2_regs.h"

#define GM_MAX_CPUS 8
#define GM_MAX_LRS 64
#define GM_NR_PIRQS 1024

/* A GICD_SGIR value: SGI @intid to @targets (a CPU-interface mask) through
 * TargetListFilter @filter (GICD_SGIR_FILTER_*). */
#define GM_SGIR(filter, targets, intid)                 \
	((uint32_t)(filter) << GICD_SGIR_FILTER_SHIFT | \
	 (uint32_t)(targets) << GICD_SGIR_TARGETS_SHIFT | (intid))

struct gm_cpu {
	unsigned int nr_lrs;
	uint32_t lr[GM_MAX_LRS];
	uint32_t hcr, vmcr, apr;
	unsigned int eoicount;
	/* vigil's GICH_LR<n> writes and GICH_ELRSR reads: which flush ran. */
	unsigned int lr_writes, elrsr_reads;
};

struct gm_pirq {
	bool enabled, pending, active, edge;
	bool line; /* level input (gm_phys_set_line()) */
	uint8_t prio;
	unsigned int target;	    /* pCPU */
	unsigned int latched_to;    /* pCPU the pending state is visible to */
	unsigned int deactivations; /* by DIR or by an HW = 1 LR */
	unsigned int dirs;	    /* GICC_DIR writes */
	unsigned int eois;	    /* GICC_EOIR writes */
	unsigned int bad_dirs;	    /* DIR of an inactive IRQ */
};

extern struct gm_cpu gm_cpus[GM_MAX_CPUS];
/* Behave as QEMU 7.2's virtual CPU interface instead of the spec: the
 * guest's acknowledge and EOI act on the first valid LR holding the INTID
 * (hw/intc/arm_gic.c, gic_get_lr_entry()), whichever LR was delivered,
 * and the running priority comes from GICH_APR (set on acknowledge, lowest
 * bit cleared on EOI). gm_reset() turns it off. */
extern bool gm_qemu_lr_lookup;
/* The guest's acknowledge honours GICV_CTLR's group enables (vmcr): an LR
 * of a disabled group is not signalled. Off after gm_reset(), where the
 * tests leave vmcr 0. */
extern bool gm_vmcr_groups;
/* gic_poke() calls since gm_reset(). */
extern unsigned int gm_pokes;
extern struct gm_pirq gm_pirqs[GM_NR_PIRQS];

/* Reset every model; each pCPU gets @nr_lrs list registers. */
void gm_reset(unsigned int nr_lrs);

/* The guest running on pCPU @cpu acknowledges its highest-priority pending
 * LR (GICV_IAR): returns INTID | CPUID << 10, or 1023 if none may be taken
 * (nothing pending, or an active LR of equal or higher priority). */
uint32_t gm_guest_ack(unsigned int cpu);
/* The guest writes GICV_EOIR with @iar (priority drop + deactivate). */
void gm_guest_eoi(unsigned int cpu, uint32_t iar);
/* GICH_MISR != 0 with HCR.En: the maintenance IRQ is asserted. */
bool gm_maint_asserted(unsigned int cpu);
/* Number of valid LRs on @cpu, and LR @n's state bits. */
unsigned int gm_valid_lrs(unsigned int cpu);

/* Physical side: a device asserts SPI @pirq (edge: latch pending). */
void gm_phys_assert(unsigned int pirq);
/* A device drives the line of level SPI @pirq: high latches it pending
 * (to the target of the time), low drops a level IRQ's pending state. */
void gm_phys_set_line(unsigned int pirq, bool high);
/* The hypervisor's IRQ handler on pCPU @cpu takes @pirq: IAR (pending ->
 * active), EOIR (drop). Returns false if @pirq is not deliverable there
 * (disabled, active, not pending, or latched to another pCPU). */
bool gm_phys_ack(unsigned int cpu, unsigned int pirq);

#endif

/* ---- the frames in the physical address space ---------------------------
 * Where a CPU finds the GIC's frames, for code that takes addresses from a
 * DTB (gic/cpuif.c). Plain: each frame's pages one after the other.
 * Aliased (the GIC-400 on Arm's Juno, GIC-400 TRM §3.1): the CPU interface,
 * GICH and GICV each span 128 KiB, each 4 KiB page repeated over 64 KiB,
 * page 0 over the first 64 KiB and page 1 over the second. Reads give
 * GICC_IIDR / GICV_IIDR (a GIC-400's, 0x0202143b) at 0xfc of a CPU
 * interface's page 0, GICH_VTR (gm_cpus[0]'s LRs) at 0x4 of GICH's, 0
 * elsewhere and outside the frames. */
enum gm_frame {
	GM_FRAME_NONE,
	GM_FRAME_GICD,
	GM_FRAME_GICC,
	GM_FRAME_GICH,
	GM_FRAME_GICV,
};

struct gm_layout {
	uint64_t gicd, gicc, gich, gicv; /* the frames' first byte */
	bool alias64k;
};

extern struct gm_layout gm_layout;
/* What the model's gic_info() answers (QEMU virt's frames); a test may
 * move them, and puts them back. */
extern struct gic_info gm_info;

#define GM_GIC400_IIDR 0x0202143bU

/* Juno's: GICD 0x2c010000, GICC 0x2c020000, GICH 0x2c040000, GICV
 * 0x2c060000, aliased. */
void gm_layout_juno(void);
/* Which frame @pa hits, and which page of it and offset in the page. */
enum gm_frame gm_decode(uint64_t pa, unsigned int *page, unsigned int *off);
/* A 32-bit read of @pa (a gic_read32_fn); counts into gm_mmio_reads. */
uint32_t gm_mmio_read32(uint64_t pa, void *ctx);
extern unsigned int gm_mmio_reads;

/* ---- helpers for vGIC tests ---------------------------------------------- */
struct vm;
struct vcpu;

/* Zero @vm, give it @nr_vcpus vCPUs (vCPU i on pCPU i) and @nr_irqs IRQs,
 * reset the models (@nr_lrs LRs per pCPU), kicks and wakes; CPU 0 calls. */
void gm_vm_setup(struct vm *vm, unsigned int nr_vcpus, unsigned int nr_irqs,
		 unsigned int nr_lrs);
/* A distributor access by @v that must succeed. */
uint32_t gm_rd(struct vcpu *v, unsigned int off, unsigned int size);
void gm_wr(struct vcpu *v, unsigned int off, unsigned int size, uint32_t val);
/* Guest entry / exit of @v on its pCPU (the caller becomes that pCPU). */
void gm_enter(struct vcpu *v);
void gm_exit(struct vcpu *v);
/* An IRQ exit of @v that goes straight back in (vcpu_run()): the flush
 * alone, the LRs staying loaded; the caller becomes @v's pCPU. */
void gm_irq_exit(struct vcpu *v);
/* If the maintenance IRQ is asserted on @v's pCPU, run the handler. */
bool gm_maint(struct vcpu *v);
/* For randomised runs: each of the first @n vCPUs of @vm whose pCPU was
 * kicked since @kicks_seen[i] and is in guest mode (@in_guest[i]) takes
 * an IRQ exit (gm_irq_exit(), odd kick counts) or exits and enters again
 * (even); then every vCPU in guest mode takes its maintenance IRQ if
 * asserted. */
void gm_service_kicks_and_maint(struct vm *vm, unsigned int n,
				const bool *in_guest, unsigned int *kicks_seen);
/* Enable SPI/PPI @intid with @prio targeting vCPU mask @targets (SPIs),
 * as edge (true) or level, and GICD_CTLR = 1 if not yet. */
void gm_irq_setup(struct vcpu *v, unsigned int intid, uint8_t prio,
		  uint8_t targets, bool edge);
