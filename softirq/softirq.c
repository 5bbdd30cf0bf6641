/* SPDX-License-Identifier: MIT */
/* Per-CPU softirq bits and passthrough lists: see include/softirq.h. */
#include <errno.h>

#include "arch.h"
#include "softirq.h"

struct softirq_cpu {
	/* softirq_pt descriptors to run; only this pCPU touches it, with
	 * IRQs masked. */
	struct list_head pt_list;
	unsigned int pt_depth;	    /* descriptors on pt_list */
	unsigned int pt_high_water; /* largest pt_depth seen */
};

static struct softirq_cpu softirq_cpus[SOFTIRQ_MAX_CPUS];

/* The CPU id to this pCPU's lists (the pending bits are in struct pcpu). */
static struct softirq_cpu *softirq_this_cpu(void)
{
	struct softirq_cpu *c = &softirq_cpus[arch_cpu_id()];

	/* Lazily initialised: a zeroed list_head is not a valid empty list. */
	if (unlikely(!c->pt_list.next))
		list_init(&c->pt_list);
	return c;
}

void softirq_raise(enum softirq_nr nr)
{
	__atomic_fetch_or(&this_cpu()->softirq_pending, BIT(nr),
			  __ATOMIC_RELEASE);
}

void softirq_pt_bind(struct softirq_pt *pt, void (*fn)(struct softirq_pt *),
		     void *data, unsigned int arg)
{
	list_init(&pt->node);
	pt->fn = fn;
	pt->data = data;
	pt->arg = arg;
	__atomic_store_n(&pt->state, SOFTIRQ_PT_BOUND, __ATOMIC_RELEASE);
}

bool softirq_pt_raise(struct softirq_pt *pt)
{
	unsigned long old = __atomic_load_n(&pt->state, __ATOMIC_RELAXED);
	unsigned long flags;
	struct softirq_cpu *c;

	do {
		if (!(old & SOFTIRQ_PT_BOUND))
			return false;
		if (old & SOFTIRQ_PT_SCHEDULED)
			return true; /* coalesced into the queued run */
	} while (!__atomic_compare_exchange_n(
		&pt->state, &old, old | SOFTIRQ_PT_SCHEDULED, true,
		__ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	if (old & SOFTIRQ_PT_RUNNING)
		return true; /* the runner will see SCHEDULED and rerun */

	flags = arch_irq_save();
	c = softirq_this_cpu();
	list_add_tail(&pt->node, &c->pt_list);
	if (++c->pt_depth > c->pt_high_water)
		c->pt_high_water = c->pt_depth;
	softirq_raise(SOFTIRQ_PASSTHROUGH);
	arch_irq_restore(flags);
	return true;
}

int softirq_pt_unbind(struct softirq_pt *pt)
{
	unsigned long st = __atomic_and_fetch(&pt->state, ~SOFTIRQ_PT_BOUND,
					      __ATOMIC_ACQ_REL);

	if (st & (SOFTIRQ_PT_SCHEDULED | SOFTIRQ_PT_RUNNING))
		return -EAGAIN;
	return 0;
}

/* @pt is RUNNING, on this pCPU only: call its handler until no raise
 * came meanwhile, then clear RUNNING. */
static void softirq_pt_run_loop(struct softirq_pt *pt)
{
	unsigned long old, new;

	for (;;) {
		/* Runs unbound too: a raise owes its handler a call (the
		 * passthrough one deactivates the IRQ nobody will inject). */
		pt->fn(pt);
		old = __atomic_load_n(&pt->state, __ATOMIC_RELAXED);
		do {
			if (old & SOFTIRQ_PT_SCHEDULED)
				new = old & ~SOFTIRQ_PT_SCHEDULED;
			else
				new = old & ~SOFTIRQ_PT_RUNNING;
		} while (!__atomic_compare_exchange_n(&pt->state, &old, new,
						      true, __ATOMIC_ACQ_REL,
						      __ATOMIC_RELAXED));
		if (!(old & SOFTIRQ_PT_SCHEDULED))
			return;
		/* Raised while running: run again here, still RUNNING. */
	}
}

static void softirq_pt_run_one(struct softirq_pt *pt)
{
	unsigned long old = __atomic_load_n(&pt->state, __ATOMIC_RELAXED);
	unsigned long new;

	/* SCHEDULED -> RUNNING. Queued descriptors are never RUNNING. */
	do {
		new = (old & ~SOFTIRQ_PT_SCHEDULED) | SOFTIRQ_PT_RUNNING;
	} while (!__atomic_compare_exchange_n(&pt->state, &old, new, true,
					      __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	softirq_pt_run_loop(pt);
}

bool softirq_pt_run_here(struct softirq_pt *pt)
{
	unsigned long old = SOFTIRQ_PT_BOUND;

	/* Unbound, queued or running elsewhere: that path owns it. */
	if (!__atomic_compare_exchange_n(
		    &pt->state, &old, SOFTIRQ_PT_BOUND | SOFTIRQ_PT_RUNNING,
		    false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return false;
	softirq_pt_run_loop(pt);
	return true;
}

static void softirq_passthrough(struct softirq_cpu *c)
{
	struct list_head work;
	unsigned long flags;

	list_init(&work);
	flags = arch_irq_save();
	list_splice_tail_init(&c->pt_list, &work);
	c->pt_depth = 0;
	arch_irq_restore(flags);

	while (!list_empty(&work)) {
		struct softirq_pt *pt =
			list_first_entry(&work, struct softirq_pt, node);

		list_del(&pt->node);
		softirq_pt_run_one(pt);
	}
}

void softirq_run(void)
{
	struct softirq_cpu *c = softirq_this_cpu();
	unsigned long bits;

	while ((bits = __atomic_exchange_n(&this_cpu()->softirq_pending, 0,
					   __ATOMIC_ACQ_REL))) {
		if (bits & BIT(SOFTIRQ_PASSTHROUGH))
			softirq_passthrough(c);
	}
}

unsigned int softirq_pt_high_water(unsigned int cpu)
{
	return cpu < SOFTIRQ_MAX_CPUS ? softirq_cpus[cpu].pt_high_water : 0;
}
