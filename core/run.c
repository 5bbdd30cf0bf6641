/* SPDX-License-Identifier: MIT */
/*
 * The run loop: one vCPU's entry and exit protocol, the same for every CPU
 * profile. The arch provides the world switch (arch_guest_enter()) and the
 * syndrome; everything between two guest runs is decided here:
 *
 *   resample the timer PPIs, flush the LRs into the GICH, enter;
 *   IRQ exit:  take the physical IRQs (LRs still loaded, so the
 *              maintenance handler sees them), then straight back in unless
 *              sched_run_vcpu()'s round has work;
 *   trap exit: handle it with the LRs loaded if it can be (a constant
 *              hypercall, a distributor access that spares the LRs) and go
 *              back in; otherwise sync the LRs and handle it in full.
 *
 * Returning to sched_run_vcpu() always leaves the LRs synced.
 */
#include "arch_vcpu.h"
#include "irq.h"
#include "percpu.h"
#include "printk.h"
#include "run.h"
#include "sched.h"
#include "trap.h"
#include "vgic.h"
#include "vgic_timer.h"
#include "vm.h"

/* What the IRQ handlers and the trap queued for @v goes in now; the flush
 * reads the LRs back first when they are loaded. */
static void vcpu_prepare_entry(struct vcpu *v)
{
	vgic_timer_resample(v);
	vgic_flush_lrs(v);
}

void vcpu_run(struct vcpu *v)
{
	enum exit_kind kind;

	vcpu_prepare_entry(v);
	for (;;) {
		kind = arch_guest_enter(&v->arch);
		this_cpu()->exits++;
		if (kind == EXIT_IRQ) {
			irq_handle_all(v);
			if (!sched_may_reenter(v))
				break;
			vcpu_prepare_entry(v);
			continue;
		}
		if (kind != EXIT_TRAP || !trap_handle(v, true))
			break;
		/* Handled with the LRs still loaded: straight back in,
		 * unless something needs sched_run_vcpu()'s round. The
		 * timer resample waits for that round too: it retracts only
		 * an instance outside the LRs, and nothing enters an LR but
		 * through vgic_flush_lrs(), which it always precedes. */
		if (!sched_may_reenter(v)) {
			vgic_sync_lrs(v);
			return;
		}
	}
	/* Read the LRs back: the vCPU leaves guest mode for the round. */
	vgic_sync_lrs(v);
	if (kind == EXIT_TRAP) {
		trap_handle(v, false);
	} else if (kind == EXIT_SERROR) {
		pr_warn("SError from VM '%s' vCPU %u", v->vm->name, v->id);
		arch_inject_serror(v);
	}
}
