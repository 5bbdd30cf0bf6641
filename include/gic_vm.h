/* SPDX-License-Identifier: MIT */
/* Joining a VM to the interrupt controller (gic/vgic_glue.c). */
#ifndef VIGIL_GIC_VM_H
#define VIGIL_GIC_VM_H

#include "compiler.h"

struct vm;
struct vcpu;

/*
 * Give @vm its emulated GICv2: vGIC state for as many IRQ lines as the
 * physical GIC has, the distributor trapped and emulated at the physical
 * distributor's address, and the GICV frame mapped by stage 2 where the
 * guest expects its CPU interface (the physical GICC address).
 */
int gic_vm_attach(struct vm *vm, char *err, size_t errlen);

/* Guest-physical addresses of the guest's GIC, for its DTB. */
uint64_t gic_vm_dist_ipa(void);
uint64_t gic_vm_cpu_ipa(void);

/* Set up the physical GIC on the boot CPU (after the DTB is known) and on
 * every CPU; 0 or -1 with the reason printed. */
int gic_boot_init(const void *fdt);
void gic_secondary_init(void);

/* Take every pending physical IRQ on this CPU (from a guest exit or from
 * the idle loop); @cur is the vCPU whose LRs are loaded here, or NULL. */
void gic_handle_irqs(struct vcpu *cur);

/* Reset @vm's vGIC for SYSTEM_RESET, keeping its passthrough IRQs. */
void vgic_vm_reset(struct vm *vm);
/* The vCPU of this pCPU went offline: drop its timer PPIs' active state. */
void gic_vcpu_offline(void);

/* Just before @v enters the guest on this pCPU (IRQs masked). */
void gic_vcpu_before_entry(struct vcpu *v);
/* Whether the generic timer behind PPI @ppi (27 virtual, 30 physical)
 * asserts its interrupt on this pCPU now (arch code). */
bool arch_timer_line(unsigned int ppi);

/* INTID of the SGI vigil uses to kick another pCPU. */
#define SGI_KICK 0

#endif
