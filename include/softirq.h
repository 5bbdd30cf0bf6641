/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU softirqs and per-CPU passthrough work lists (DESIGN §4).
 *
 * The hard-IRQ handler of a passthrough IRQ calls softirq_pt_raise() with
 * IRQs masked: if the descriptor is SCHEDULED already it returns (one
 * injection in flight is enough: it re-reads state when it runs), else it
 * sets SCHEDULED, appends the descriptor to this pCPU's list and raises
 * SOFTIRQ_PASSTHROUGH. No lock is taken: the list is touched only by its own
 * pCPU with IRQs masked; the descriptor state is one atomic word.
 *
 * softirq_run() runs with IRQs enabled before returning to a guest and in
 * the idle loop. It splices the list with IRQs masked, then for each
 * descriptor: SCHEDULED -> RUNNING, call its handler, clear RUNNING. A raise
 * that finds it RUNNING (on any pCPU) only sets SCHEDULED; the runner sees
 * that when it finishes and runs the handler again, so one descriptor never
 * runs on two pCPUs at once and no raise is lost.
 */
#ifndef VIGIL_SOFTIRQ_H
#define VIGIL_SOFTIRQ_H

#include "compiler.h"
#include "list.h"
#include "percpu.h"

#define SOFTIRQ_MAX_CPUS 8

/* The softirqs; each has its handler built into softirq_run(). */
enum softirq_nr {
	SOFTIRQ_PASSTHROUGH, /* this pCPU's list of softirq_pt descriptors */
	NR_SOFTIRQS,
};

/* Mark @nr pending on the calling pCPU. Safe from hard-IRQ context. */
void softirq_raise(enum softirq_nr nr);
/* Whether the calling pCPU has a softirq pending. Inline, on the pending
 * bits in struct pcpu: vcpu_run() asks it on every exit. */
static inline bool softirq_pending(void)
{
	return __atomic_load_n(&this_cpu()->softirq_pending,
			       __ATOMIC_ACQUIRE) != 0;
}
/* Run the calling pCPU's pending softirqs until none is left. */
void softirq_run(void);

/* softirq_pt.state bits */
#define SOFTIRQ_PT_BOUND BIT(0)
#define SOFTIRQ_PT_SCHEDULED BIT(1)
#define SOFTIRQ_PT_RUNNING BIT(2)

struct softirq_pt {
	struct list_head node; /* on one pCPU's list while queued */
	unsigned long state;   /* SOFTIRQ_PT_*, atomic */
	void (*fn)(struct softirq_pt *pt);
	void *data;
	unsigned int arg;
};

/* Whether @pt is bound; a handler called after unbind sees false. */
static inline bool softirq_pt_bound(struct softirq_pt *pt)
{
	return __atomic_load_n(&pt->state, __ATOMIC_ACQUIRE) & SOFTIRQ_PT_BOUND;
}

/* Bind: set the handler and mark the descriptor BOUND. */
void softirq_pt_bind(struct softirq_pt *pt, void (*fn)(struct softirq_pt *),
		     void *data, unsigned int arg);
/* Hard-IRQ path, IRQs masked. Returns false if @pt is not bound. */
bool softirq_pt_raise(struct softirq_pt *pt);
/*
 * Hard-IRQ path of a guest exit, IRQs masked, where the handler may take
 * the locks the run loop takes (vcpu_run()): run @pt's handler here and
 * now, as softirq_run() would, instead of queueing it. Only from BOUND with
 * nothing SCHEDULED or RUNNING (BOUND -> RUNNING, then as
 * softirq_pt_run_one(): a raise meanwhile reruns it here); otherwise false,
 * and the caller raises it as usual.
 */
bool softirq_pt_run_here(struct softirq_pt *pt);
/* Clear BOUND (no raise succeeds afterwards); 0 once the descriptor is
 * neither SCHEDULED nor RUNNING, else -EAGAIN: run softirqs and retry.
 * A descriptor raised before the unbind still gets its handler call, with
 * softirq_pt_bound() false, so the raise is never silently dropped. */
int softirq_pt_unbind(struct softirq_pt *pt);

/* Most passthrough descriptors ever queued at once on pCPU @cpu. */
unsigned int softirq_pt_high_water(unsigned int cpu);

#endif
