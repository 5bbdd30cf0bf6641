/* SPDX-License-Identifier: MIT */
/* The scheduler as the rest of vigil sees it (DESIGN §5). */
#ifndef VIGIL_SCHED_H
#define VIGIL_SCHED_H

#include "compiler.h"
#include "softirq.h"
#include "vm.h"

/* A vCPU got work (an injected IRQ, CPU_ON): if it is BLOCKED make it
 * RUNNABLE, and kick its pCPU if that is not the calling one. */
void sched_wake(struct vcpu *v);

/* The running vCPU @v waits for an interrupt: BLOCKED unless one is
 * already pending; sched_wake() makes it RUNNABLE again. */
void sched_block(struct vcpu *v);

/*
 * After an exit that vcpu_run() handled without touching the vGIC or the
 * scheduler: whether @v may go straight back into its guest, its LRs still
 * loaded (loaded_on, running_on unchanged), with no sched_run_vcpu()
 * round. IRQs masked. Inline: asked on every exit (sched/sched.c says why
 * the round may be skipped).
 */
static inline bool sched_may_reenter(struct vcpu *v)
{
	return READ_ONCE(v->state) == VCPU_RUNNING && !softirq_pending();
}

/* This pCPU's scheduling loop: run the vCPUs placed here, idle in
 * between. Never returns. */
void sched_run(void) __attribute__((noreturn));

#endif
