/* SPDX-License-Identifier: MIT */
/*
 * vCPU scheduling (DESIGN §5). Placement is static, one vCPU per pCPU
 * (pcpu->vcpu); a pCPU runs its vCPU while it is RUNNING and idles
 * otherwise. State changes happen under the vCPU's power_lock; the pCPU
 * that owns a vCPU is the only one that moves it to RUNNING.
 */
#include "arch.h"
#include "arch_vcpu.h"
#include "irq.h"
#include "percpu.h"
#include "run.h"
#include "sched.h"
#include "softirq.h"
#include "vgic.h"
#include "vgic_timer.h"
#include "vm.h"

/*
 * power_lock is taken in hard-IRQ context too (a timer PPI injected into a
 * vCPU that is not loaded wakes it) and in softirqs, which run with IRQs
 * open: every holder masks IRQs, or an IRQ taken while this pCPU holds the
 * lock spins on it forever (seen as three pCPUs stuck in sched_wake()
 * under tests/system/test_linux_storm.py).
 */
void sched_wake(struct vcpu *v)
{
	unsigned long flags;

	/*
	 * v lives here and is not BLOCKED: nothing to wake, no one to kick
	 * (a passthrough softirq injecting into the vCPU it runs beside).
	 * Only sched_block() sets BLOCKED, only on v's own pCPU, and not
	 * while this runs there; when it does run, it finds under power_lock
	 * whatever was queued before this call.
	 */
	if (v->pcpu == arch_cpu_id() && READ_ONCE(v->state) != VCPU_BLOCKED)
		return;
	flags = spin_lock_irqsave(&v->power_lock);
	if (v->state == VCPU_BLOCKED)
		v->state = VCPU_RUNNABLE;
	spin_unlock_irqrestore(&v->power_lock, flags);
	if (v->pcpu != arch_cpu_id())
		pcpu_kick(v->pcpu);
}

void sched_block(struct vcpu *v)
{
	unsigned long flags;

	/* Checked under power_lock: an injection that makes v pending before
	 * sched_wake() takes the lock is seen here, one after it finds v
	 * BLOCKED and wakes it. */
	flags = spin_lock_irqsave(&v->power_lock);
	if (v->state == VCPU_RUNNING && !vgic_vcpu_has_pending(v))
		v->state = VCPU_BLOCKED;
	spin_unlock_irqrestore(&v->power_lock, flags);
}

/*
 * The round skipped here looks for work that always comes with a kick:
 * another pCPU that queues an IRQ for v, asks for an LR rewrite
 * (MIGRATING) or stops v reads loaded_on or running_on == this pCPU under
 * the lock it changed things under, and sends SGI_KICK after. The SGI
 * stays pending while IRQs are masked here and makes the next entry exit
 * at once, through the full path. What this pCPU could queue itself comes
 * from its IRQ handlers (masked since the exit) or its softirqs, checked
 * by sched_may_reenter() (include/sched.h).
 */

/* This pCPU's softirqs, with IRQs open while they run (DESIGN §4); called
 * and returning with IRQs masked. */
static void sched_softirqs(void)
{
	arch_irq_enable();
	softirq_run();
	arch_irq_disable();
}

/* Take @v from RUNNABLE to RUNNING, applying a pending CPU_ON. */
static bool sched_pick(struct pcpu *p, struct vcpu *v)
{
	bool run = false;
	unsigned long flags;

	flags = spin_lock_irqsave(&v->power_lock);
	if (v->state == VCPU_RUNNABLE) {
		if (v->on_pending) {
			/* A vCPU (re)starting has no interrupt in flight: a
			 * timer PPI its last incarnation left active on this
			 * pCPU (SYSTEM_RESET, CPU_OFF) would silence its
			 * timer for good. */
			vgic_timer_offline();
			arch_vcpu_reset(v, v->on_entry, v->on_context);
			v->on_pending = false;
			if (p->loaded == v)
				p->loaded = NULL; /* reload the reset state */
		}
		v->state = VCPU_RUNNING;
		run = true;
	}
	spin_unlock_irqrestore(&v->power_lock, flags);
	return run;
}

static void sched_run_vcpu(struct pcpu *p, struct vcpu *v)
{
	unsigned long flags;

	if (p->loaded != v) {
		if (p->loaded)
			arch_vcpu_put(p->loaded);
		arch_vcpu_load(v);
		p->loaded = v;
	}
	while (READ_ONCE(v->state) == VCPU_RUNNING) {
		/* Injections queued by the hard-IRQ path go in before the
		 * entry, with IRQs open (DESIGN §4). An IRQ taken after
		 * softirq_run() looked for the last time may queue more:
		 * check again with IRQs masked, or that work would wait for
		 * the guest's next exit. */
		do
			sched_softirqs();
		while (softirq_pending());
		/*
		 * The state may have changed since the loop looked (softirqs
		 * ran meanwhile): check it and publish running_on in one
		 * power_lock section. vm_stop_vcpus() sets OFFLINE and reads
		 * running_on in one too, so either it sees this pCPU (kicks
		 * it and waits for running_on = -1) or this pCPU sees OFFLINE
		 * here. Publishing after an unlocked check let a reset miss a
		 * vCPU that was about to enter (tests/model/vigil.pml,
		 * BREAK_STOP_RACE).
		 */
		flags = spin_lock_irqsave(&v->power_lock);
		if (v->state != VCPU_RUNNING) {
			spin_unlock_irqrestore(&v->power_lock, flags);
			break;
		}
		WRITE_ONCE(v->running_on, (int)p->id);
		spin_unlock_irqrestore(&v->power_lock, flags);
		vcpu_run(v);
		WRITE_ONCE(v->running_on, -1);
	}
	vcpu_run_stopped(v);
	if (READ_ONCE(v->state) == VCPU_OFFLINE) {
		/* Save and stop its EL1 state (the virtual timer above all);
		 * CPU_ON loads a fresh one. */
		arch_vcpu_put(v);
		p->loaded = NULL;
		vgic_timer_offline();
	}
}

void sched_run(void)
{
	struct pcpu *p = this_cpu();

	for (;;) {
		struct vcpu *v = p->vcpu;

		if (v && sched_pick(p, v))
			sched_run_vcpu(p, v);
		else if (softirq_pending())
			sched_softirqs();
		else
			arch_idle();
	}
}
