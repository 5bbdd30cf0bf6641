/* SPDX-License-Identifier: MIT */
/*
 * Randomised interleavings of injection (virtual and physical), guest
 * acknowledge / EOI, entries and exits, maintenance IRQs, kicks and
 * ITARGETSR writes on several vCPUs, checking the DESIGN §3.1 invariants
 * after every step and, at the end, that every interrupt was delivered
 * exactly once.
 */
#include "gich.h"
#include "gich_model.h"
#include "host_arch.h"
#include "softirq.h"
#include "test.h"
#include "vgic.h"
#include "vm.h"

#define NR_VCPUS 4
#define FIRST_SPI 32
#define NR_SPIS 16
#define FIRST_HW 40 /* SPIs 40..43 are passthrough of pIRQs 72..75 */
#define NR_HW 4
#define PIRQ(virq) ((virq)-FIRST_HW + 200)

static struct vm vm;

struct ledger {
	bool pend[64];	/* an instance was injected and not yet acked */
	int active[64]; /* vCPU that acked it and did not EOI, or -1 */
	/* Deliveries allowed beyond pend: an edge injected while a pending
	 * instance sat in the LR of a running vCPU (vigil cannot tell it
	 * from a new one, and delivers again). */
	unsigned int extra[64];
	uint32_t stack[NR_VCPUS][16];
	unsigned int depth[NR_VCPUS];
	bool in_guest[NR_VCPUS];
	unsigned int kicks_seen[NR_VCPUS];
	unsigned int delivered, failures;
};

static struct ledger L;
static unsigned int seed;

static unsigned int rnd(unsigned int n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) % n;
}

static bool is_hw(unsigned int virq)
{
	return virq >= FIRST_HW && virq < FIRST_HW + NR_HW;
}

static void fail(const char *what, unsigned int a)
{
	char m[128];

	snprintf(m, sizeof(m), "seed-run: %s (%u)", what, a);
	test_fail(__FILE__, __LINE__, m);
	L.failures++;
}

static void ack(unsigned int c)
{
	uint32_t iar;
	unsigned int id;

	if (!L.in_guest[c] || L.depth[c] >= 16)
		return;
	iar = gm_guest_ack(c);
	if (iar == 1023)
		return;
	id = iar & GICC_IAR_INTID_MASK;
	if (id < 64 && !L.pend[id] && L.extra[id]) {
		L.extra[id]--;
		L.pend[id] = true;
	}
	if (id >= 64 || !L.pend[id])
		fail("delivered twice / never injected", id);
	else if (L.active[id] >= 0)
		fail("acked while active elsewhere", id);
	else if (vgic_get_irq(&vm, NULL, id)->target != c &&
		 !(vgic_get_irq(&vm, NULL, id)->flags & VGIC_IRQ_MIGRATING))
		fail("acked on a vCPU that is not its target", id);
	if (id < 64) {
		L.pend[id] = false;
		L.active[id] = (int)c;
	}
	L.stack[c][L.depth[c]++] = iar;
	L.delivered++;
}

static void eoi(unsigned int c)
{
	uint32_t iar;

	if (!L.in_guest[c] || !L.depth[c])
		return;
	iar = L.stack[c][--L.depth[c]];
	host_set_cpu(c);
	gm_guest_eoi(c, iar);
	L.active[iar & GICC_IAR_INTID_MASK] = -1;
}

static void enter(unsigned int c)
{
	if (L.in_guest[c])
		return;
	gm_enter(&vm.vcpus[c]);
	L.in_guest[c] = true;
}

static void leave(unsigned int c)
{
	if (!L.in_guest[c])
		return;
	gm_exit(&vm.vcpus[c]);
	L.in_guest[c] = false;
}

/* A physical edge on @virq's pIRQ; the hypervisor on the pCPU it is routed
 * to takes it if it can (it stays pending in the model otherwise). */
static void phys_deliver(unsigned int virq)
{
	unsigned int p = PIRQ(virq), cpu = gm_pirqs[p].target;
	unsigned long f;

	host_set_cpu(cpu);
	if (!gm_phys_ack(cpu, p))
		return;
	f = arch_irq_save();
	if (!vgic_pt_take(p))
		fail("bound pirq refused", p);
	arch_irq_restore(f);
	L.pend[virq] = true;
	softirq_run();
}

/* A virtual edge on @virq is about to be injected: account for it. */
static void note_virtual_edge(unsigned int virq)
{
	struct vgic_irq *irq = vgic_get_irq(&vm, NULL, virq);
	struct vcpu *o = irq->owner;

	if (irq->nr_lrs && o && L.in_guest[o->id] &&
	    (gm_cpus[o->pcpu].lr[irq->lr] & GICH_LR_PENDING))
		L.extra[virq]++;
	L.pend[virq] = true;
}

static void handle_kicks_and_maint(void)
{
	gm_service_kicks_and_maint(&vm, NR_VCPUS, L.in_guest, L.kicks_seen);
}

static void step(void)
{
	unsigned int c = rnd(NR_VCPUS);
	unsigned int virq = FIRST_SPI + rnd(NR_SPIS);

	host_set_cpu(c);
	switch (rnd(13)) {
	case 0:
		if (is_hw(virq)) {
			gm_phys_assert(PIRQ(virq));
			phys_deliver(virq);
		} else {
			note_virtual_edge(virq);
			vgic_inject(&vm.vcpus[c], virq);
		}
		break;
	case 1:
		if (!is_hw(virq)) {
			note_virtual_edge(virq);
			gm_wr(&vm.vcpus[c], GICD_ISPENDR + virq / 32 * 4, 4,
			      1u << (virq % 32));
		}
		break;
	case 2:
		enter(c);
		break;
	case 3:
		leave(c);
		break;
	case 4:
	case 5:
		ack(c);
		break;
	case 6:
	case 7:
		eoi(c);
		break;
	case 8:
		if (!L.in_guest[c])
			gm_wr(&vm.vcpus[c], GICD_ITARGETSR + virq, 1,
			      1u << rnd(NR_VCPUS));
		break;
	case 9:
		handle_kicks_and_maint();
		break;
	case 10:
		if (is_hw(virq))
			phys_deliver(virq);
		break;
	case 11:
		if (!L.in_guest[c])
			gm_wr(&vm.vcpus[c], GICD_IPRIORITYR + virq, 1,
			      0x40 + 0x20 * rnd(4));
		break;
	case 12:
		/* An IRQ exit: the flush alone, the LRs staying loaded
		 * (vcpu_run()'s re-entry; mostly the light flush). */
		if (L.in_guest[c])
			vgic_flush_lrs(&vm.vcpus[c]);
		break;
	}
}

static void drain(void)
{
	for (unsigned int round = 0; round < 200; round++) {
		for (unsigned int c = 0; c < NR_VCPUS; c++) {
			enter(c);
			for (unsigned int k = 0; k < 8; k++)
				ack(c);
			while (L.depth[c])
				eoi(c);
			handle_kicks_and_maint();
			leave(c);
		}
		for (unsigned int v = FIRST_HW; v < FIRST_HW + NR_HW; v++)
			phys_deliver(v);
	}
}

static void run_seed(unsigned int s, unsigned int nr_lrs, unsigned int steps)
{
	gm_vm_setup(&vm, NR_VCPUS, 64, nr_lrs);
	memset(&L, 0, sizeof(L));
	for (unsigned int i = 0; i < 64; i++)
		L.active[i] = -1;
	seed = s;
	gm_wr(&vm.vcpus[0], GICD_CTLR, 4, 1);
	for (unsigned int v = FIRST_SPI; v < FIRST_SPI + NR_SPIS; v++)
		gm_irq_setup(&vm.vcpus[0], v, (uint8_t)(0x40 + 0x20 * rnd(4)),
			     (uint8_t)(1u << rnd(NR_VCPUS)), true);
	for (unsigned int v = FIRST_HW; v < FIRST_HW + NR_HW; v++)
		if (vgic_pt_bind(&vm, v, PIRQ(v)))
			fail("bind", v);

	for (unsigned int i = 0; i < steps && L.failures < 5; i++) {
		step();
		if (vgic_check_invariants(&vm)) {
			fail("invariants broken at step", i);
			fail(host_last_log(), 0);
			return;
		}
		for (unsigned int p = 200; p < 200 + NR_HW; p++)
			if (gm_pirqs[p].bad_dirs)
				fail("physical IRQ deactivated twice", p);
	}
	drain();
	for (unsigned int v = 0; v < 64; v++) {
		if (L.pend[v])
			fail("lost: injected, never delivered", v);
	}
	for (unsigned int p = 200; p < 200 + NR_HW; p++) {
		if (gm_pirqs[p].active || gm_pirqs[p].pending) {
			struct vgic_irq *irq =
				vgic_get_irq(&vm, NULL, p - 200 + FIRST_HW);

			printf("    pirq %u act %d pend %d en %d target %u "
			       "latched %u; virq flags %#x target %u lrs %u\n",
			       p, gm_pirqs[p].active, gm_pirqs[p].pending,
			       gm_pirqs[p].enabled, gm_pirqs[p].target,
			       gm_pirqs[p].latched_to, irq->flags, irq->target,
			       irq->nr_lrs);
			fail("physical IRQ left active or pending", p);
		}
	}
	for (unsigned int c = 0; c < NR_VCPUS; c++)
		if (!list_empty(&vm.vcpus[c].vgic.inflight))
			fail("inflight not empty after drain", c);
	if (vm.vgic.stats.moves_stranded)
		fail("moves lost", (unsigned int)vm.vgic.stats.moves_stranded);
	if (vm.vgic.stats.moves_requested != vm.vgic.stats.moves_lr_pending +
						     vm.vgic.stats.moves_maint +
						     vm.vgic.stats.moves_exit)
		fail("moves requested != completed", s);
}

TEST(vgic_random_interleavings_keep_invariants_with_four_lrs)
{
	unsigned long moves = 0, maint = 0, direct = 0;

	for (unsigned int s = 1; s <= 30; s++) {
		run_seed(s, 4, 3000);
		for (unsigned int c = 0; c < NR_VCPUS; c++)
			direct += vm.vcpus[c].vgic.lr_direct;
		moves += vm.vgic.stats.moves_requested;
		maint += vm.vgic.stats.moves_maint;
		if (L.failures) {
			printf("    (seed %u)\n", s);
			break;
		}
	}
	/* The run exercised both migration paths, and the direct
	 * injection into a loaded vCPU's free LR. */
	EXPECT_TRUE(moves > 100);
	EXPECT_TRUE(maint > 10);
	EXPECT_TRUE(direct > 100);
}

TEST(vgic_random_interleavings_keep_invariants_with_two_lrs)
{
	unsigned long evictions = 0;

	for (unsigned int s = 100; s < 130; s++) {
		run_seed(s, 2, 3000);
		evictions += vm.vgic.stats.lr_evictions;
		if (L.failures) {
			printf("    (seed %u)\n", s);
			break;
		}
	}
	EXPECT_TRUE(evictions > 10);
}
