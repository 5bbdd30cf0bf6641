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
#include <stdio.h>

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

/*
 * The per-exit profile (issue 16): an exit is counted when it happens and
 * its time, up to the vCPU's next entry, is charged at that entry. Two
 * counter reads and a few adds an exit: cheap enough to stay on.
 */
static inline void prof_exit(struct vcpu *v, unsigned int c)
{
	v->prof.cls[c].count++;
	v->prof_last = c; /* an index: fewer instructions than a pointer */
	v->prof_since = arch_counter();
}

static inline void prof_entry(struct vcpu *v)
{
	uint64_t since = v->prof_since;

	if (since)
		v->prof.cls[v->prof_last].ticks += arch_counter() - since;
}

void vcpu_run_stopped(struct vcpu *v)
{
	prof_entry(v);
	v->prof_since = 0;
}

static const char *const exit_class_name[NR_EXIT_CLASSES] = {
	[TRAP_UNKNOWN] = "undef",
	[TRAP_WFX] = "wfx",
	[TRAP_HVC] = "hvc",
	[TRAP_SMC] = "smc",
	[TRAP_SYSREG] = "sysreg",
	[TRAP_CP15] = "cp15",
	[TRAP_CP15_64] = "cp15_64",
	[TRAP_DABT] = "mmio",
	[TRAP_IABT] = "iabt",
	[EXIT_CLASS_IRQ] = "irq",
	[EXIT_CLASS_SERROR] = "serror",
};

uint64_t exit_profile_total(const struct vcpu *v)
{
	uint64_t n = 0;

	for (unsigned int c = 0; c < NR_EXIT_CLASSES; c++)
		n += v->prof.cls[c].count;
	return n;
}

void exit_profile_print(struct vcpu *v)
{
	uint64_t mhz = arch_counter_freq() / 1000000;
	char line[400];
	int n;

	if (!mhz)
		mhz = 1;
	n = snprintf(line, sizeof(line),
		     "exits %s vcpu%u (count/us):", v->vm->name, v->id);
	for (unsigned int c = 0; c < NR_EXIT_CLASSES; c++) {
		const struct exit_class_stats *e = &v->prof.cls[c];

		if (!e->count || n >= (int)sizeof(line))
			continue;
		n += snprintf(line + n, sizeof(line) - (size_t)n,
			      " %s %llu/%llu", exit_class_name[c],
			      (unsigned long long)e->count,
			      (unsigned long long)(e->ticks / mhz));
	}
	pr_info("%s", line);
}

void exit_profile_print_all(void)
{
	for (unsigned int i = 0; i < nr_vms; i++)
		for (unsigned int c = 0; c < vms[i].nr_vcpus; c++)
			exit_profile_print(&vms[i].vcpus[c]);
}

void vcpu_run(struct vcpu *v)
{
	enum exit_kind kind;
	enum trap_class cls = TRAP_UNKNOWN;

	vcpu_prepare_entry(v);
	for (;;) {
		prof_entry(v);
		kind = arch_guest_enter(&v->arch);
		if (kind == EXIT_IRQ) {
			prof_exit(v, EXIT_CLASS_IRQ);
			irq_handle_all(v);
			if (!sched_may_reenter(v))
				break;
			vcpu_prepare_entry(v);
			continue;
		}
		if (kind != EXIT_TRAP) {
			prof_exit(v, EXIT_CLASS_SERROR);
			break;
		}
		cls = arch_trap_class(v);
		prof_exit(v, cls);
		if (!trap_handle(v, cls, true))
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
		trap_handle(v, cls, false);
	} else if (kind == EXIT_SERROR) {
		pr_warn("SError from VM '%s' vCPU %u", v->vm->name, v->id);
		arch_inject_serror(v);
	}
}
