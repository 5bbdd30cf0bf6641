// SPDX-License-Identifier: MIT
/*
 * The HYP timer shared by vigil's deadlines (include/htimer.h). Each pCPU
 * keeps its slots' deadlines in struct pcpu and the value its timer is
 * armed with; setting a slot re-arms the timer only when the earliest
 * deadline changes. Everything is per pCPU, touched with IRQs masked
 * (callers are in the hard-IRQ path or hold an irqsave lock) or from the
 * timer's own IRQ, so no lock.
 */
#include "arch.h"
#include "arch_vcpu.h"
#include "gic.h"
#include "htimer.h"
#include "irq.h"
#include "percpu.h"

static htimer_fn slot_fn[HTIMER_SLOTS];
static unsigned int timer_ppi;

static void rearm(struct pcpu *p)
{
	uint64_t first = 0;

	for (unsigned int s = 0; s < HTIMER_SLOTS; s++)
		if (p->htimer_at[s] && (!first || p->htimer_at[s] < first))
			first = p->htimer_at[s];
	if (first == p->htimer_armed)
		return;
	p->htimer_armed = first;
	if (first)
		arch_hyp_timer_set(first);
	else
		arch_hyp_timer_stop();
}

void htimer_set(enum htimer_slot s, uint64_t cval)
{
	struct pcpu *p = this_cpu();

	p->htimer_at[s] = cval;
	rearm(p);
}

/* Each expired slot once, cleared first so that its function may set it
 * again; a deadline set meanwhile for later stays. */
static enum irq_result htimer_irq(unsigned int irq, void *data,
				  struct vcpu *cur)
{
	struct pcpu *p = this_cpu();
	uint64_t now = arch_counter();

	p->irqs_htimer++;
	p->htimer_armed = 0; /* it went off: a timer condition met stays so */
	arch_hyp_timer_stop();
	for (unsigned int s = 0; s < HTIMER_SLOTS; s++) {
		if (!p->htimer_at[s] || p->htimer_at[s] > now)
			continue;
		p->htimer_at[s] = 0;
		if (slot_fn[s])
			slot_fn[s](cur);
	}
	rearm(p);
	return IRQ_DONE;
}

void htimer_register(enum htimer_slot s, htimer_fn fn)
{
	slot_fn[s] = fn;
}

bool htimer_available(void)
{
	return timer_ppi != 0;
}

int htimer_init(unsigned int ppi)
{
	timer_ppi = 0;
	if (!ppi)
		ppi = PPI_HTIMER;
	if (ppi < 16 || ppi >= 32 || !arch_has_hyp_timer())
		return -1;
	if (irq_set_handler(ppi, htimer_irq, NULL))
		return -1;
	timer_ppi = ppi;
	return 0;
}
