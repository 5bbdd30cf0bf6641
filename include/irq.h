/* SPDX-License-Identifier: MIT */
/*
 * The IRQ layer (core/irq.c): one table that names the owner of every
 * physical interrupt, above the GIC driver (compare Linux's irq_desc).
 * irq_handle_all() acknowledges, drops priority and calls the owner's
 * handler; the handler says whether the interrupt is finished (the layer
 * deactivates it) or stays active for its owner to deactivate later (a
 * timer PPI or a passthrough SPI handed to a guest with its HW bit).
 *
 * Owners: the kick SGI (this layer), the maintenance PPI and the timer
 * PPIs (vgic/), and each bound passthrough SPI (vgic/passthrough.c); with
 * a vUART, the console UART's SPI and the HYP timer PPI (core/vuart.c).
 */
#ifndef VIGIL_IRQ_H
#define VIGIL_IRQ_H

#include "compiler.h"

struct vcpu;

/* INTID of the SGI vigil uses to kick another pCPU. */
#define SGI_KICK 0
/* The generic timer's PPIs: EL1 virtual and EL1 physical timer. */
#define PPI_VTIMER 27
#define PPI_PTIMER 30
/* The EL2 / HYP physical timer, vigil's own (core/vuart.c's input stall). */
#define PPI_HTIMER 26

enum irq_result {
	IRQ_DONE, /* handled: deactivate it now */
	IRQ_KEPT, /* left active: its owner deactivates it later */
};

/*
 * A handler runs in hard-IRQ context on the pCPU that took @irq, IRQs
 * masked, after the priority drop. @cur is the vCPU whose LRs are loaded
 * on this pCPU (a guest exit), or NULL (the idle loop).
 */
typedef enum irq_result (*irq_handler_fn)(unsigned int irq, void *data,
					  struct vcpu *cur);

/*
 * Make @fn(@data) the owner of @irq. Call it before the IRQ is enabled,
 * or with a handler that copes with a call for an instance taken before
 * (passthrough: a stale instance finds its descriptor unbound). -EINVAL
 * for an INTID past the GIC's.
 */
int irq_set_handler(unsigned int irq, irq_handler_fn fn, void *data);

/* Boot CPU: bring up the GIC driver on the frames the DTB gave and
 * register vigil's own interrupts (kick, maintenance, timers); 0, or -1
 * with the reason printed. */
struct gic_frames;
int irq_init(const struct gic_frames *f);
/* Every CPU (the boot CPU too, from irq_init()): its GIC CPU interface and
 * its banked interrupts enabled. */
void irq_init_cpu(void);

/* Take every pending physical IRQ on this CPU, IRQs masked (a guest's IRQ
 * exit with @cur's LRs loaded, or the idle loop with @cur NULL). */
void irq_handle_all(struct vcpu *cur);

/* Make physical CPU @cpu leave guest mode or its idle wait and look at
 * its pending work (SGI_KICK). */
void pcpu_kick(unsigned int cpu);

#endif
