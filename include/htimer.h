/* SPDX-License-Identifier: MIT */
/*
 * The HYP timer (the EL2 / PL2 physical timer, CNTHP), vigil's one timer
 * of its own, one per pCPU and shared by its deadlines: each owner has a
 * slot on each pCPU, and the timer goes off at the earliest set one.
 * core/htimer.c owns the timer's PPI; the arch only arms and stops it
 * (arch_hyp_timer_set(), arch_hyp_timer_stop()).
 */
#ifndef VIGIL_HTIMER_H
#define VIGIL_HTIMER_H

#include "compiler.h"

struct vcpu;

enum htimer_slot {
	HTIMER_GIC_POKE, /* vgic/lr.c: QEMU's model with HW = 1 LRs */
	HTIMER_VUART,	 /* core/vuart.c: a guest that stopped reading */
	HTIMER_SLOTS
};

/* Runs in the hard-IRQ path of the pCPU whose slot expired, the slot
 * already cleared (set it again to go on). */
typedef void (*htimer_fn)(struct vcpu *cur);

/* Boot CPU, before the secondaries start: the timer's PPI (the DTB's, 0
 * for the architecture's recommended 26); -1 if there is none to use. */
int htimer_init(unsigned int ppi);
bool htimer_available(void);
/* The function that slot runs on every pCPU; before it is first set. */
void htimer_register(enum htimer_slot s, htimer_fn fn);
/* This pCPU's slot: go off once the counter reaches cval; 0 cancels. */
void htimer_set(enum htimer_slot s, uint64_t cval);

static inline void htimer_cancel(enum htimer_slot s)
{
	htimer_set(s, 0);
}

#endif
