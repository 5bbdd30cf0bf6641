/* SPDX-License-Identifier: MIT */
/* List-register management against the GICH model: injection, fill on
 * entry, retire on exit, overflow and eviction, HW = 1 passthrough, SGI
 * sources, and the DESIGN §3.1 regressions. */
#include <errno.h>

#include "gich.h"
#include "gich_model.h"
#include "host_arch.h"
#include "host_sched.h"
#include "htimer.h"
#include "softirq.h"
#include "test.h"
#include "vgic.h"
#include "vgic_timer.h"
#include "vm.h"

static struct vm vm;

static struct vgic_irq *irq_of(struct vcpu *v, unsigned int intid)
{
	return vgic_get_irq(v->vm, v, intid);
}

static bool queued_on(struct vcpu *v, unsigned int intid)
{
	struct vgic_irq *irq = irq_of(v, intid);

	return irq->owner == v && !list_unlinked(&irq->lr_pending);
}

static bool inflight_on(struct vcpu *v, unsigned int intid)
{
	struct vgic_irq *irq = irq_of(v, intid);

	return irq->owner == v && !list_unlinked(&irq->inflight);
}

TEST(vgic_inject_spi_queues_on_target_and_wakes_it)
{
	gm_vm_setup(&vm, 2, 64, 4);
	gm_irq_setup(&vm.vcpus[0], 40, 0x80, 2, true);
	ASSERT_EQ(vgic_inject(&vm.vcpus[0], 40), 0);
	EXPECT_TRUE(queued_on(&vm.vcpus[1], 40));
	EXPECT_TRUE(inflight_on(&vm.vcpus[1], 40));
	EXPECT_EQ(host_wakes(&vm.vcpus[1]), 1);
	EXPECT_EQ(host_wakes(&vm.vcpus[0]), 0);
	EXPECT_EQ(host_kicks(1), 0);
}

TEST(vgic_inject_into_vcpu_running_elsewhere_kicks_its_pcpu)
{
	gm_vm_setup(&vm, 2, 64, 4);
	gm_irq_setup(&vm.vcpus[0], 40, 0x80, 2, true);
	gm_enter(&vm.vcpus[1]);
	host_set_cpu(0);
	ASSERT_EQ(vgic_inject(&vm.vcpus[0], 40), 0);
	EXPECT_EQ(host_kicks(1), 1);
	EXPECT_EQ(host_wakes(&vm.vcpus[1]), 0);
	/* The kick makes it exit; the next entry delivers. */
	gm_exit(&vm.vcpus[1]);
	gm_enter(&vm.vcpus[1]);
	EXPECT_EQ(gm_guest_ack(1), 40);
}

TEST(vgic_inject_rejects_sgis_and_out_of_range_intids)
{
	gm_vm_setup(&vm, 1, 64, 4);
	EXPECT_EQ(vgic_inject(&vm.vcpus[0], 3), -EINVAL);
	EXPECT_EQ(vgic_inject(&vm.vcpus[0], 64), -EINVAL);
	EXPECT_EQ(vgic_inject(&vm.vcpus[0], 1023), -EINVAL);
	EXPECT_EQ(vgic_set_level(&vm.vcpus[0], 64, true), -EINVAL);
}

TEST(vgic_disabled_pending_irq_waits_outside_the_lists)
{
	gm_vm_setup(&vm, 1, 64, 4);
	gm_wr(&vm.vcpus[0], GICD_CTLR, 4, 1);
	gm_wr(&vm.vcpus[0], GICD_ITARGETSR + 40, 1, 1);
	ASSERT_EQ(vgic_inject(&vm.vcpus[0], 40), 0);
	EXPECT_FALSE(inflight_on(&vm.vcpus[0], 40));
	gm_wr(&vm.vcpus[0], GICD_ISENABLER + 4, 4, 1u << 8);
	EXPECT_TRUE(queued_on(&vm.vcpus[0], 40));
}

TEST(vgic_flush_writes_lr_with_id_priority_and_pending_state)
{
	gm_vm_setup(&vm, 1, 64, 4);
	gm_irq_setup(&vm.vcpus[0], 45, 0xa8, 1, true);
	ASSERT_EQ(vgic_inject(&vm.vcpus[0], 45), 0);
	gm_enter(&vm.vcpus[0]);
	EXPECT_EQ(gm_cpus[0].lr[0],
		  GICH_LR_PENDING | (0x15u << GICH_LR_PRIORITY_SHIFT) | 45);
	EXPECT_EQ(gm_cpus[0].hcr, GICH_HCR_EN);
	EXPECT_FALSE(queued_on(&vm.vcpus[0], 45));
	EXPECT_TRUE(inflight_on(&vm.vcpus[0], 45));
}

TEST(vgic_ack_then_eoi_retires_lr_on_exit)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_irq_setup(v, 40, 0x80, 1, true);
	ASSERT_EQ(vgic_inject(v, 40), 0);
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 40);
	gm_guest_eoi(0, 40);
	gm_exit(v);
	EXPECT_EQ(v->vgic.lr_used, 0);
	EXPECT_FALSE(inflight_on(v, 40));
	EXPECT_EQ(gm_cpus[0].hcr, 0);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

TEST(vgic_sync_saves_vmcr_and_apr_and_flush_restores_them)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_enter(v);
	gm_cpus[0].vmcr = 0xf0000001;
	gm_cpus[0].apr = 0x10;
	gm_exit(v);
	gm_cpus[0].vmcr = 0;
	gm_cpus[0].apr = 0;
	gm_enter(v);
	EXPECT_EQ(gm_cpus[0].vmcr, 0xf0000001);
	EXPECT_EQ(gm_cpus[0].apr, 0x10);
}

TEST(vgic_repend_while_active_is_delivered_again_after_eoi)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_irq_setup(v, 40, 0x80, 1, true);
	ASSERT_EQ(vgic_inject(v, 40), 0);
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 40);
	gm_exit(v);
	ASSERT_EQ(vgic_inject(v, 40), 0);
	EXPECT_FALSE(queued_on(v, 40)); /* waits for the LR to retire */
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 1023);
	gm_guest_eoi(0, 40);
	gm_exit(v);
	EXPECT_TRUE(queued_on(v, 40));
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 40);
	gm_guest_eoi(0, 40);
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 40));
}

TEST(vgic_edge_injections_before_ack_coalesce_into_one)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_irq_setup(v, 40, 0x80, 1, true);
	ASSERT_EQ(vgic_inject(v, 40), 0);
	ASSERT_EQ(vgic_inject(v, 40), 0);
	gm_enter(v);
	ASSERT_EQ(vgic_inject(v, 40), 0);
	EXPECT_EQ(gm_guest_ack(0), 40);
	gm_guest_eoi(0, 40);
	gm_exit(v);
	/* The third came after the LR was filled: one more delivery. */
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 40);
	gm_guest_eoi(0, 40);
	EXPECT_EQ(gm_guest_ack(0), 1023);
}

/* Pend @n SPIs from 32 with priorities given by prio(i); deliver them all
 * through a vCPU with 4 LRs, acking and EOIing one at a time, and record
 * the order. */
static unsigned int drain(struct vcpu *v, unsigned int *order, unsigned int max)
{
	unsigned int got = 0;

	for (unsigned int round = 0; round < 100 && got < max; round++) {
		uint32_t iar;

		gm_enter(v);
		iar = gm_guest_ack(v->pcpu);
		if (iar != 1023) {
			order[got++] = iar;
			gm_guest_eoi(v->pcpu, iar);
		}
		/* Maintenance, then an exit now and then. */
		gm_maint(v);
		if (round % 3 == 0)
			gm_exit(v);
	}
	gm_exit(v);
	return got;
}

TEST(vgic_lr_overflow_delivers_every_irq_in_priority_order)
{
	static const uint8_t prio[10] = {0x90, 0x10, 0x50, 0xf0, 0x30,
					 0x70, 0x20, 0xe0, 0x40, 0x60};
	unsigned int order[16], got;
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	for (unsigned int i = 0; i < 10; i++)
		gm_irq_setup(v, 32 + i, prio[i], 1, true);
	for (unsigned int i = 0; i < 10; i++)
		ASSERT_EQ(vgic_inject(v, 32 + i), 0);
	gm_enter(v);
	/* GICV_CTLR 0 here: a group enable would refill (VGrp*EIE). */
	EXPECT_EQ(gm_cpus[0].hcr, GICH_HCR_EN | GICH_HCR_UIE |
					  GICH_HCR_VGRP0EIE |
					  GICH_HCR_VGRP1EIE);
	EXPECT_EQ(gm_valid_lrs(0), 4);
	gm_exit(v);
	got = drain(v, order, 16);
	ASSERT_EQ(got, 10);
	for (unsigned int i = 1; i < got; i++)
		EXPECT_TRUE(prio[order[i - 1] - 32] < prio[order[i] - 32]);
	EXPECT_TRUE(list_empty(&v->vgic.inflight));
	EXPECT_TRUE(vm.vgic.stats.lr_overflows > 0);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

TEST(vgic_lr_overflow_evicts_lowest_priority_pending_lr)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	for (unsigned int i = 0; i < 5; i++)
		gm_irq_setup(v, 32 + i, (uint8_t)(0x80 + 8 * i), 1, true);
	for (unsigned int i = 0; i < 4; i++)
		ASSERT_EQ(vgic_inject(v, 32 + i), 0);
	gm_enter(v);
	gm_exit(v);
	ASSERT_EQ(vgic_inject(v, 36), 0);
	gm_wr(v, GICD_IPRIORITYR + 36, 1, 0x10); /* 36 outranks all */
	gm_enter(v);
	EXPECT_EQ(vm.vgic.stats.lr_evictions, 1);
	EXPECT_TRUE(queued_on(v, 35));
	EXPECT_EQ(irq_of(v, 35)->nr_lrs, 0);
	EXPECT_EQ(irq_of(v, 36)->nr_lrs, 1);
	EXPECT_EQ(gm_guest_ack(0), 36);
	/* GICV_CTLR 0 here: a group enable would refill (VGrp*EIE). */
	EXPECT_EQ(gm_cpus[0].hcr, GICH_HCR_EN | GICH_HCR_UIE |
					  GICH_HCR_VGRP0EIE |
					  GICH_HCR_VGRP1EIE);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

TEST(vgic_lr_overflow_never_evicts_an_active_lr)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 2);
	gm_irq_setup(v, 32, 0xc0, 1, true);
	gm_irq_setup(v, 33, 0xc0, 1, true);
	gm_irq_setup(v, 34, 0x10, 1, true);
	ASSERT_EQ(vgic_inject(v, 32), 0);
	ASSERT_EQ(vgic_inject(v, 33), 0);
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 32);
	gm_exit(v);
	ASSERT_EQ(vgic_inject(v, 34), 0);
	gm_enter(v);
	EXPECT_EQ(irq_of(v, 32)->nr_lrs, 1); /* active: kept */
	EXPECT_EQ(irq_of(v, 33)->nr_lrs, 0); /* pending: evicted */
	EXPECT_EQ(gm_guest_ack(0), 34);
}

TEST(vgic_underflow_maintenance_refills_free_lrs)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	for (unsigned int i = 0; i < 6; i++) {
		gm_irq_setup(v, 32 + i, (uint8_t)(0x40 + 8 * i), 1, true);
		ASSERT_EQ(vgic_inject(v, 32 + i), 0);
	}
	gm_enter(v);
	for (unsigned int i = 0; i < 2; i++) {
		EXPECT_EQ(gm_guest_ack(0), 32 + i);
		gm_guest_eoi(0, 32 + i);
		EXPECT_FALSE(gm_maint_asserted(0));
	}
	EXPECT_EQ(gm_guest_ack(0), 34);
	gm_guest_eoi(0, 34);
	EXPECT_TRUE(gm_maint_asserted(0)); /* one valid LR left */
	EXPECT_TRUE(gm_maint(v));
	EXPECT_EQ(gm_valid_lrs(0), 3);
	EXPECT_EQ(gm_cpus[0].hcr, GICH_HCR_EN);
	EXPECT_FALSE(gm_maint_asserted(0));
	EXPECT_EQ(gm_guest_ack(0), 35);
}

TEST(vgic_level_irq_is_delivered_again_while_line_stays_high)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_irq_setup(v, 27, 0x80, 0, false);
	ASSERT_EQ(vgic_set_level(v, 27, true), 0);
	gm_enter(v);
	EXPECT_TRUE(gm_cpus[0].lr[0] & GICH_LR_EOI); /* resample on EOI */
	EXPECT_EQ(gm_guest_ack(0), 27);
	gm_guest_eoi(0, 27);
	EXPECT_TRUE(gm_maint_asserted(0));
	EXPECT_TRUE(gm_maint(v));
	EXPECT_EQ(gm_guest_ack(0), 27);
	ASSERT_EQ(vgic_set_level(v, 27, false), 0);
	gm_guest_eoi(0, 27);
	gm_maint(v);
	EXPECT_EQ(gm_guest_ack(0), 1023);
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 27));
}

TEST(vgic_blocked_vcpu_is_woken_by_its_timer_ppi)
{
	struct vcpu *v = &vm.vcpus[1];

	gm_vm_setup(&vm, 2, 64, 4);
	gm_irq_setup(v, 27, 0x80, 0, false);
	EXPECT_FALSE(vgic_vcpu_has_pending(v));
	ASSERT_EQ(vgic_set_level(v, 27, true), 0);
	EXPECT_EQ(host_wakes(v), 1);
	EXPECT_TRUE(vgic_vcpu_has_pending(v));
	EXPECT_EQ(host_wakes(&vm.vcpus[0]), 0);
}

TEST(vgic_sgi_from_several_sources_keeps_every_source)
{
	struct vcpu *v = &vm.vcpus[0];
	uint32_t seen = 0;

	gm_vm_setup(&vm, 4, 64, 4);
	gm_wr(v, GICD_CTLR, 4, 1);
	for (unsigned int s = 1; s < 4; s++)
		gm_wr(&vm.vcpus[s], GICD_SGIR, 4,
		      GM_SGIR(GICD_SGIR_FILTER_LIST, 1, 7));
	EXPECT_EQ(gm_rd(v, GICD_SPENDSGIR + 7, 1), 0x0e);
	gm_enter(v);
	EXPECT_EQ(gm_valid_lrs(0), 3); /* one LR per source */
	for (unsigned int i = 0; i < 3; i++) {
		uint32_t iar = gm_guest_ack(0);

		EXPECT_EQ(iar & GICC_IAR_INTID_MASK, 7);
		seen |= 1u << (iar >> 10);
		gm_guest_eoi(0, iar);
	}
	EXPECT_EQ(seen, 0x0e);
	EXPECT_EQ(gm_guest_ack(0), 1023);
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 7));
}

TEST(vgic_sgi_resent_by_source_while_active_is_delivered_after_eoi)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 2, 64, 4);
	gm_wr(v, GICD_CTLR, 4, 1);
	gm_wr(&vm.vcpus[1], GICD_SGIR, 4, GM_SGIR(GICD_SGIR_FILTER_LIST, 1, 1));
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), (1u << 10) | 1);
	gm_exit(v);
	gm_wr(&vm.vcpus[1], GICD_SGIR, 4, GM_SGIR(GICD_SGIR_FILTER_LIST, 1, 1));
	gm_enter(v);
	EXPECT_EQ(gm_valid_lrs(0), 1);
	gm_guest_eoi(0, (1u << 10) | 1);
	gm_exit(v);
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), (1u << 10) | 1);
}

/*
 * The guest EOIs an LR without an exit, so vigil's shadow still shows the
 * SGI in it. A resend from the same source must not wait for the target's
 * next exit for another reason (a vCPU idling in WFI has none): vigil kicks
 * the target's pCPU, whose exit retires the LR and delivers the resend.
 */
TEST(vgic_sgi_resent_after_an_eoi_without_exit_kicks_the_target)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 2, 64, 4);
	gm_wr(v, GICD_CTLR, 4, 1);
	gm_wr(&vm.vcpus[1], GICD_SGIR, 4, GM_SGIR(GICD_SGIR_FILTER_LIST, 1, 1));
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), (1u << 10) | 1);
	gm_guest_eoi(0, (1u << 10) | 1);
	host_reset_kicks();
	gm_wr(&vm.vcpus[1], GICD_SGIR, 4, GM_SGIR(GICD_SGIR_FILTER_LIST, 1, 1));
	EXPECT_EQ(host_kicks(0), 1);
	gm_exit(v); /* the kick */
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), (1u << 10) | 1);
	gm_guest_eoi(0, (1u << 10) | 1);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

/*
 * The same while the guest still handles the first SGI: the kick's exit
 * finds the LR active, so vigil asks for an EOI maintenance IRQ on it; the
 * guest's EOI then delivers the resend with no other exit.
 */
TEST(vgic_sgi_resent_while_active_is_delivered_by_the_eoi_maintenance)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 2, 64, 4);
	gm_wr(v, GICD_CTLR, 4, 1);
	gm_wr(&vm.vcpus[1], GICD_SGIR, 4, GM_SGIR(GICD_SGIR_FILTER_LIST, 1, 1));
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), (1u << 10) | 1);
	host_reset_kicks();
	gm_wr(&vm.vcpus[1], GICD_SGIR, 4, GM_SGIR(GICD_SGIR_FILTER_LIST, 1, 1));
	EXPECT_EQ(host_kicks(0), 1);
	gm_exit(v); /* the kick */
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 1023); /* still active */
	gm_guest_eoi(0, (1u << 10) | 1);
	EXPECT_TRUE(gm_maint(v));
	EXPECT_EQ(gm_guest_ack(0), (1u << 10) | 1);
	gm_guest_eoi(0, (1u << 10) | 1);
	EXPECT_FALSE(gm_maint_asserted(0));
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 1));
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

/* A virtual edge SPI re-pended (ISPENDR) from another vCPU while the target
 * handles the first instance, with no exit in between. */
TEST(vgic_spi_repended_while_active_is_delivered_by_the_eoi_maintenance)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 2, 64, 4);
	gm_irq_setup(v, 40, 0x80, 1, true);
	gm_wr(&vm.vcpus[1], GICD_ISPENDR + 4, 4, 1u << 8);
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 40);
	host_reset_kicks();
	gm_wr(&vm.vcpus[1], GICD_ISPENDR + 4, 4, 1u << 8);
	EXPECT_EQ(host_kicks(0), 1);
	gm_exit(v); /* the kick */
	gm_enter(v);
	gm_guest_eoi(0, 40);
	EXPECT_TRUE(gm_maint(v));
	EXPECT_EQ(gm_guest_ack(0), 40);
	gm_guest_eoi(0, 40);
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 40));
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

TEST(vgic_sgis_overflowing_lrs_lose_no_source)
{
	struct vcpu *v = &vm.vcpus[0];
	unsigned int n = 0;

	gm_vm_setup(&vm, 8, 64, 2);
	gm_wr(v, GICD_CTLR, 4, 1);
	for (unsigned int s = 0; s < 8; s++)
		gm_wr(&vm.vcpus[s], GICD_SGIR, 4,
		      GM_SGIR(GICD_SGIR_FILTER_LIST, 1, 4));
	for (unsigned int round = 0; round < 20; round++) {
		uint32_t iar;

		gm_enter(v);
		while ((iar = gm_guest_ack(0)) != 1023) {
			n++;
			gm_guest_eoi(0, iar);
		}
		gm_exit(v);
	}
	EXPECT_EQ(n, 8);
}

/*
 * SGI 1 from three sources and SGI 2 meet in the LRs of vCPU 0 on a virtual
 * interface that acknowledges and EOIs the first LR holding an INTID
 * (QEMU 7.2). Each instance the guest takes is counted by source.
 */
static uint32_t sgi_recv[8][16];

static void sgi_send(unsigned int src, unsigned int sgi)
{
	gm_wr(&vm.vcpus[src], GICD_SGIR, 4,
	      GM_SGIR(GICD_SGIR_FILTER_LIST, 1, sgi));
}

static uint32_t sgi_take(void)
{
	uint32_t iar = gm_guest_ack(0);

	if (iar != 1023)
		sgi_recv[iar >> 10][iar & 0xf]++;
	return iar;
}

static void sgi_done(struct vcpu *v, uint32_t iar)
{
	gm_guest_eoi(0, iar);
	gm_maint(v);
}

static void sgi_lr_sharing_script(bool one_lr_per_sgi)
{
	struct vcpu *v = &vm.vcpus[0];
	uint32_t a, b, c;

	memset(sgi_recv, 0, sizeof(sgi_recv));
	gm_vm_setup(&vm, 4, 64, 4);
	gm_qemu_lr_lookup = true;
	vgic_one_lr_per_sgi = one_lr_per_sgi;
	gm_wr(v, GICD_CTLR, 4, 1);
	sgi_send(1, 1);
	gm_enter(v);
	a = sgi_take();
	gm_exit(v);
	sgi_send(2, 1); /* while source 1's is active */
	gm_enter(v);
	sgi_done(v, a);
	b = sgi_take();
	gm_exit(v);
	sgi_send(1, 1); /* while source 2's is active */
	gm_enter(v);
	sgi_done(v, b);
	c = sgi_take();
	sgi_done(v, c);
	gm_exit(v);
	sgi_send(1, 2);
	sgi_send(3, 1);
	for (unsigned int round = 0; round < 4; round++) {
		uint32_t iar;

		gm_enter(v);
		while ((iar = sgi_take()) != 1023)
			sgi_done(v, iar);
		gm_exit(v);
	}
}

/* Without the quirk, the model shows what QEMU does: source 2's LR stays
 * active under the guest's EOI (it went to source 1's LR), and the next
 * acknowledge of SGI 1 returns it a second time. This is the failure the
 * hostile guest's storm.burst saw; the test keeps the model honest. */
TEST(vgic_qemu_lr_lookup_duplicates_an_sgi_with_two_lrs)
{
	sgi_lr_sharing_script(false);
	EXPECT_EQ(sgi_recv[1][1], 2);
	EXPECT_EQ(sgi_recv[2][1], 2);
	EXPECT_EQ(sgi_recv[3][1], 1);
	EXPECT_EQ(sgi_recv[1][2], 1);
}

TEST(vgic_one_lr_per_sgi_delivers_each_source_exactly_on_qemu)
{
	struct vcpu *v = &vm.vcpus[0];

	sgi_lr_sharing_script(true);
	EXPECT_EQ(sgi_recv[1][1], 2);
	EXPECT_EQ(sgi_recv[2][1], 1);
	EXPECT_EQ(sgi_recv[3][1], 1);
	EXPECT_EQ(sgi_recv[1][2], 1);
	EXPECT_EQ(gm_valid_lrs(0), 0);
	EXPECT_FALSE(inflight_on(v, 1));
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

TEST(vgic_one_lr_per_sgi_keeps_every_source_with_one_lr_at_a_time)
{
	struct vcpu *v = &vm.vcpus[0];
	uint32_t seen = 0;

	gm_vm_setup(&vm, 4, 64, 4);
	vgic_one_lr_per_sgi = true;
	gm_wr(v, GICD_CTLR, 4, 1);
	for (unsigned int s = 1; s < 4; s++)
		sgi_send(s, 7);
	gm_enter(v);
	EXPECT_EQ(gm_valid_lrs(0), 1);
	for (unsigned int i = 0; i < 3; i++) {
		uint32_t iar = gm_guest_ack(0);

		EXPECT_EQ(iar & GICC_IAR_INTID_MASK, 7);
		seen |= 1u << (iar >> 10);
		gm_guest_eoi(0, iar);
		/* the next source comes in through the EOI maintenance */
		EXPECT_EQ(gm_maint(v), i < 2);
		EXPECT_EQ(gm_valid_lrs(0), i < 2 ? 1 : 0);
	}
	EXPECT_EQ(seen, 0x0e);
	EXPECT_EQ(gm_guest_ack(0), 1023);
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 7));
}

/* ---- passthrough ----------------------------------------------------- */

static void phys_fire(unsigned int cpu, unsigned int pirq)
{
	host_set_cpu(cpu);
	gm_phys_assert(pirq);
	if (gm_phys_ack(cpu, pirq)) {
		unsigned long f = arch_irq_save();

		vgic_pt_take(pirq);
		arch_irq_restore(f);
		softirq_run();
	}
}

TEST(vgic_pt_take_uses_hw_lr_and_guest_eoi_deactivates_it)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_irq_setup(v, 48, 0x80, 1, true);
	ASSERT_EQ(vgic_pt_bind(&vm, 48, 79), 0);
	EXPECT_TRUE(gm_pirqs[79].enabled);
	phys_fire(0, 79);
	EXPECT_TRUE(gm_pirqs[79].active);
	EXPECT_EQ(gm_pirqs[79].eois, 1);
	gm_enter(v);
	EXPECT_EQ(gm_cpus[0].lr[0] & (GICH_LR_HW | GICH_LR_PHYSID_MASK |
				      GICH_LR_VIRTUALID_MASK),
		  GICH_LR_HW | (79u << GICH_LR_PHYSID_SHIFT) | 48);
	EXPECT_EQ(gm_guest_ack(0), 48);
	gm_guest_eoi(0, 48);
	EXPECT_FALSE(gm_pirqs[79].active);
	EXPECT_EQ(gm_pirqs[79].dirs, 0); /* no trap, no DIR */
	EXPECT_FALSE(gm_maint_asserted(0));
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 48));
	EXPECT_EQ(vgic_pt_unbind(&vm, 48), 0);
}

/*
 * QEMU's model (vgic_hw_poke): the HYP timer runs while an HW = 1 LR is
 * loaded, and the exit that finds the guest's EOI pokes the GIC; the
 * instance counts as deactivated through the HW path.
 */
TEST(vgic_hw_poke_arms_the_timer_and_pokes_after_the_guests_eoi)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_irq_setup(v, 48, 0x80, 1, true);
	ASSERT_EQ(vgic_pt_bind(&vm, 48, 79), 0);
	vgic_hw_poke = true;
	htimer_cancel(HTIMER_GIC_POKE);
	gm_enter(v);
	EXPECT_EQ(host_hyp_timer(), 0); /* no HW = 1 LR yet */
	gm_exit(v);
	phys_fire(0, 79);
	gm_enter(v);
	EXPECT_TRUE(gm_cpus[0].lr[0] & GICH_LR_HW);
	EXPECT_TRUE(host_hyp_timer() != 0);
	EXPECT_EQ(gm_guest_ack(0), 48);
	gm_guest_eoi(0, 48);
	EXPECT_FALSE(gm_pirqs[79].active);
	EXPECT_EQ(gm_pokes, 0); /* vigil has not seen it yet */
	gm_exit(v);
	EXPECT_EQ(gm_pokes, 1);
	EXPECT_EQ(host_hyp_timer(), 0);
	EXPECT_EQ(vm.vgic.stats.pt_hw_eoi, 1);
	EXPECT_EQ(vm.vgic.stats.pt_deactivated, 1);
	vgic_hw_poke = false;
	EXPECT_EQ(vgic_pt_unbind(&vm, 48), 0);
}

TEST(vgic_passthrough_repended_behind_its_hw_lr_is_delivered_by_maintenance)
{
	struct vcpu *v = &vm.vcpus[0];

	/* Found by tests/model/vigil.pml: a GICD_ISPENDR write for a
	 * passthrough SPI whose HW = 1 LR the running guest holds kicked the
	 * owner, but a HW LR cannot ask for an EOI maintenance IRQ, so the
	 * re-pend waited for the vCPU's next exit for another reason. */
	gm_vm_setup(&vm, 2, 64, 4);
	gm_irq_setup(v, 48, 0x80, 1, true);
	ASSERT_EQ(vgic_pt_bind(&vm, 48, 79), 0);
	phys_fire(0, 79);
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 48);
	host_reset_kicks();
	gm_wr(&vm.vcpus[1], GICD_ISPENDR + 4, 4,
	      1u << 16); /* ISPENDR, INTID 48 */
	EXPECT_EQ(host_kicks(0), 1);
	gm_exit(v); /* the kick */
	gm_enter(v);
	/* The LR went virtual with the EOI bit; vigil owes the DIR. */
	EXPECT_EQ(gm_cpus[0].lr[0] & (GICH_LR_HW | GICH_LR_EOI), GICH_LR_EOI);
	gm_guest_eoi(0, 48);
	EXPECT_TRUE(gm_maint(v));
	EXPECT_FALSE(gm_pirqs[79].active);
	EXPECT_EQ(gm_pirqs[79].dirs, 1);
	EXPECT_EQ(gm_pirqs[79].bad_dirs, 0);
	EXPECT_EQ(gm_guest_ack(0), 48); /* the re-pend */
	gm_guest_eoi(0, 48);
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 48));
	EXPECT_EQ(gm_pirqs[79].bad_dirs, 0);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
	EXPECT_EQ(vgic_pt_unbind(&vm, 48), 0);
}

TEST(vgic_passthrough_icpendr_before_an_lr_deactivates_the_physical_irq)
{
	struct vcpu *v = &vm.vcpus[0];

	/* Found by the distributor fuzzer: the instance waited in lr_pending
	 * with HW_ACTIVE; ICPENDR unqueued it and nothing ever deactivated
	 * the physical SPI, which then never fired again. */
	gm_vm_setup(&vm, 1, 96, 4);
	gm_irq_setup(v, 64, 0x80, 1, true);
	ASSERT_EQ(vgic_pt_bind(&vm, 64, 300), 0);
	phys_fire(0, 300);
	EXPECT_TRUE(gm_pirqs[300].active);
	gm_wr(v, GICD_ICPENDR + 8, 4, 1u << 0); /* ICPENDR2, INTID 64 */
	EXPECT_FALSE(gm_pirqs[300].active);
	EXPECT_EQ(gm_pirqs[300].bad_dirs, 0);
	EXPECT_FALSE(inflight_on(v, 64));
	phys_fire(0, 300); /* the device is heard again */
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 64);
	gm_guest_eoi(0, 64);
	gm_exit(v);
	EXPECT_FALSE(gm_pirqs[300].active);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
	EXPECT_EQ(vgic_pt_unbind(&vm, 64), 0);
}

TEST(vgic_passthrough_routes_physical_irq_to_target_vcpu_pcpu)
{
	gm_vm_setup(&vm, 4, 64, 4);
	gm_irq_setup(&vm.vcpus[0], 50, 0x80, 4, true);
	ASSERT_EQ(vgic_pt_bind(&vm, 50, 90), 0);
	EXPECT_EQ(gm_pirqs[90].target, 2);
	EXPECT_EQ(vgic_pt_bind(&vm, 51, 90), -EBUSY);
	EXPECT_EQ(vgic_pt_bind(&vm, 50, 91), -EBUSY);
	EXPECT_EQ(vgic_pt_bind(&vm, 64, 91), -EINVAL);
	EXPECT_EQ(vgic_pt_unbind(&vm, 50), 0);
	EXPECT_FALSE(vgic_pt_take(90));
}

TEST(vgic_unbind_returns_eagain_while_softirq_scheduled)
{
	struct vcpu *v = &vm.vcpus[0];
	unsigned long f;

	gm_vm_setup(&vm, 1, 64, 4);
	gm_irq_setup(v, 48, 0x80, 1, true);
	ASSERT_EQ(vgic_pt_bind(&vm, 48, 79), 0);
	host_set_cpu(0);
	gm_phys_assert(79);
	ASSERT_TRUE(gm_phys_ack(0, 79));
	f = arch_irq_save();
	EXPECT_TRUE(vgic_pt_take(79));
	arch_irq_restore(f);
	EXPECT_EQ(vgic_pt_unbind(&vm, 48), -EAGAIN);
	EXPECT_EQ(vgic_pt_unbind(&vm, 48), -EAGAIN);
	softirq_run();
	EXPECT_EQ(vgic_pt_unbind(&vm, 48), 0);
	/* Unbound before the softirq ran: nothing was injected, and the
	 * physical IRQ is not left active. */
	EXPECT_FALSE(inflight_on(v, 48));
	EXPECT_FALSE(gm_pirqs[79].active);
}

/* ---- DESIGN §3.1 regressions ---------------------------------------- */

TEST(vgic_disable_while_active_does_not_orphan_the_irq)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_irq_setup(v, 40, 0x80, 1, true);
	ASSERT_EQ(vgic_inject(v, 40), 0);
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 40);
	gm_exit(v);
	gm_wr(v, GICD_ICENABLER + 4, 4, 1u << 8);
	gm_enter(v);
	gm_guest_eoi(0, 40);
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 40));
	EXPECT_EQ(gm_rd(v, GICD_ISACTIVER + 4, 4), 0);
	ASSERT_EQ(vgic_inject(v, 40), 0); /* pending, disabled: held */
	EXPECT_FALSE(inflight_on(v, 40));
	gm_wr(v, GICD_ISENABLER + 4, 4, 1u << 8);
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 40);
}

TEST(vgic_eoi_of_passthrough_irq_disabled_meanwhile_still_deactivates)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_irq_setup(v, 48, 0x80, 1, true);
	ASSERT_EQ(vgic_pt_bind(&vm, 48, 79), 0);
	phys_fire(0, 79);
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 48);
	gm_exit(v);
	gm_wr(v, GICD_ICENABLER + 4, 4, 1u << 16);
	EXPECT_FALSE(gm_pirqs[79].enabled);
	gm_enter(v);
	gm_guest_eoi(0, 48);
	EXPECT_FALSE(gm_pirqs[79].active);
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 48));
	EXPECT_EQ(gm_pirqs[79].bad_dirs, 0);
	EXPECT_EQ(vgic_pt_unbind(&vm, 48), 0);
}

TEST(vgic_ispendr_from_non_target_vcpu_pends_on_target)
{
	gm_vm_setup(&vm, 3, 64, 4);
	gm_irq_setup(&vm.vcpus[0], 44, 0x80, 4, true);
	gm_wr(&vm.vcpus[0], GICD_ISPENDR + 4, 4, 1u << 12);
	EXPECT_TRUE(queued_on(&vm.vcpus[2], 44));
	EXPECT_FALSE(inflight_on(&vm.vcpus[0], 44));
	EXPECT_EQ(host_wakes(&vm.vcpus[2]), 1);
	gm_enter(&vm.vcpus[2]);
	EXPECT_EQ(gm_guest_ack(2), 44);
}

TEST(vgic_priority_change_resorts_queued_irqs)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 1);
	gm_irq_setup(v, 32, 0x40, 1, true);
	gm_irq_setup(v, 33, 0x80, 1, true);
	ASSERT_EQ(vgic_inject(v, 32), 0);
	ASSERT_EQ(vgic_inject(v, 33), 0);
	gm_wr(v, GICD_IPRIORITYR + 33, 1, 0x20);
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 33);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

/* ---- the direct injection (issue 16) --------------------------------- */

/*
 * An IRQ for the vCPU loaded on this pCPU (taken in an exit of its guest)
 * goes into a free LR of the GICH at once, and the IRQ exit's flush then
 * writes nothing: the guest's GICV state (VMCR, APR), changed without a
 * trap since the entry, stays as the guest left it.
 */
TEST(vgic_inject_into_the_vcpu_loaded_here_writes_a_free_lr_at_once)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_irq_setup(v, 40, 0x80, 1, true);
	gm_enter(v);
	host_reset_kicks();
	ASSERT_EQ(vgic_inject(v, 40), 0);
	EXPECT_EQ(v->vgic.lr_direct, 1);
	EXPECT_EQ(gm_cpus[0].lr[0],
		  GICH_LR_PENDING | (0x80u >> 3 << GICH_LR_PRIORITY_SHIFT) |
			  40);
	EXPECT_TRUE(inflight_on(v, 40));
	EXPECT_FALSE(queued_on(v, 40));
	EXPECT_EQ(host_kicks(0), 0);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
	/* The guest changes its GICV_PMR and active priorities meanwhile. */
	gm_cpus[0].vmcr = 0xf0000000u;
	gm_cpus[0].apr = 0x4;
	gm_cpus[0].hcr = GICH_HCR_EN;
	gm_irq_exit(v);
	EXPECT_EQ(gm_cpus[0].vmcr, 0xf0000000u);
	EXPECT_EQ(gm_cpus[0].apr, 0x4);
	EXPECT_EQ(gm_cpus[0].hcr, GICH_HCR_EN);
	EXPECT_EQ(gm_guest_ack(0), 40);
	gm_guest_eoi(0, 40);
	gm_exit(v);
	EXPECT_EQ(v->vgic.vmcr, 0xf0000000u);
	EXPECT_FALSE(inflight_on(v, 40));
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

/* The timer PPI's injection in the timer exit: an HW = 1 LR at once. */
TEST(vgic_timer_ppi_in_its_exit_goes_into_an_hw_lr_at_once)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_irq_setup(v, 27, 0x80, 0, false);
	gm_enter(v);
	ASSERT_EQ(vgic_inject_hw_ppi(v, 27, 27), 0);
	EXPECT_EQ(v->vgic.lr_direct, 1);
	EXPECT_EQ(gm_cpus[0].lr[0] &
			  (GICH_LR_HW | GICH_LR_PHYSID_MASK |
			   GICH_LR_STATE_MASK | GICH_LR_VIRTUALID_MASK),
		  GICH_LR_HW | (27u << GICH_LR_PHYSID_SHIFT) | GICH_LR_PENDING |
			  27);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
	gm_irq_exit(v);
	EXPECT_EQ(gm_guest_ack(0), 27);
	gm_guest_eoi(0, 27);
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 27));
}

/*
 * Something waits for an LR: the injection is queued, whatever its
 * priority, and the flush decides; here it evicts the lower-priority
 * pending LR for it (lrs_fill()).
 */
TEST(vgic_inject_behind_a_waiting_irq_is_queued_and_evicts_by_priority)
{
	struct vcpu *v = &vm.vcpus[0];
	unsigned int order[4], got;

	gm_vm_setup(&vm, 1, 64, 1);
	gm_irq_setup(v, 32, 0x80, 1, true);
	gm_irq_setup(v, 33, 0xa0, 1, true);
	gm_irq_setup(v, 34, 0x40, 1, true);
	gm_enter(v);
	ASSERT_EQ(vgic_inject(v, 32), 0); /* the free LR */
	ASSERT_EQ(vgic_inject(v, 33), 0); /* none free: waits */
	EXPECT_TRUE(queued_on(v, 33));
	ASSERT_EQ(vgic_inject(v, 34), 0); /* 33 waits: queued too */
	EXPECT_TRUE(queued_on(v, 34));
	EXPECT_EQ(v->vgic.lr_direct, 1);
	gm_irq_exit(v);
	EXPECT_EQ(gm_cpus[0].lr[0] & GICH_LR_VIRTUALID_MASK, 34);
	EXPECT_TRUE(queued_on(v, 32)); /* evicted */
	EXPECT_EQ(vm.vgic.stats.lr_evictions, 1);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
	got = drain(v, order, 4);
	ASSERT_EQ(got, 3);
	EXPECT_EQ(order[0], 34);
	EXPECT_EQ(order[1], 32);
	EXPECT_EQ(order[2], 33);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

/*
 * The guest disabled the IRQ's group in GICV_CTLR (no trap): the direct
 * injection reads GICH_VMCR and leaves it to lr_pending, where the group
 * watch (GICH_HCR.VGrp0EIE) brings it in once the guest enables it.
 */
TEST(vgic_inject_of_a_group_the_guest_disabled_waits_for_the_group_watch)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_vmcr_groups = true;
	gm_irq_setup(v, 40, 0x80, 1, true); /* Group 0 */
	gm_enter(v);
	gm_cpus[0].vmcr = GICH_VMCR_GRP1EN; /* EnableGrp0 = 0, no trap */
	ASSERT_EQ(vgic_inject(v, 40), 0);
	EXPECT_EQ(v->vgic.lr_direct, 0);
	EXPECT_TRUE(queued_on(v, 40));
	gm_irq_exit(v);
	EXPECT_EQ(gm_valid_lrs(0), 0);
	EXPECT_TRUE(gm_cpus[0].hcr & GICH_HCR_VGRP0EIE);
	EXPECT_FALSE(gm_maint_asserted(0));
	gm_cpus[0].vmcr = GICH_VMCR_GRP0EN | GICH_VMCR_GRP1EN;
	EXPECT_TRUE(gm_maint(v));
	EXPECT_EQ(gm_guest_ack(0), 40);
	gm_guest_eoi(0, 40);
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 40));
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

/*
 * A re-pend behind the LR of the vCPU loaded here (no free-LR path: the
 * IRQ is in an LR) is work the IRQ exit's flush must do although nothing
 * is queued: the LR asks for the EOI maintenance IRQ (flush_work).
 */
TEST(vgic_repend_behind_an_lr_loaded_here_asks_for_eoi_in_the_irq_exit)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_irq_setup(v, 40, 0x80, 1, true);
	gm_enter(v);
	ASSERT_EQ(vgic_inject(v, 40), 0);
	EXPECT_EQ(gm_guest_ack(0), 40);
	ASSERT_EQ(vgic_inject(v, 40), 0);
	EXPECT_EQ(v->vgic.lr_direct, 1);
	EXPECT_TRUE(v->vgic.flush_work);
	gm_irq_exit(v);
	EXPECT_FALSE(v->vgic.flush_work);
	EXPECT_TRUE(gm_cpus[0].lr[0] & GICH_LR_EOI);
	gm_guest_eoi(0, 40);
	EXPECT_TRUE(gm_maint(v));
	EXPECT_EQ(gm_guest_ack(0), 40);
	gm_guest_eoi(0, 40);
	EXPECT_FALSE(gm_maint_asserted(0));
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 40));
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

/*
 * ITARGETSR of an SPI held in the LR of a vCPU loaded on another pCPU:
 * that pCPU's kick is an IRQ exit, whose flush rewrites the LR with the
 * EOI bit although nothing is queued there; the EOI completes the move.
 */
TEST(vgic_move_of_an_spi_in_a_loaded_lr_is_rewritten_by_the_irq_exit)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 2, 64, 4);
	gm_irq_setup(v, 40, 0x80, 1, true);
	gm_enter(v);
	ASSERT_EQ(vgic_inject(v, 40), 0);
	EXPECT_EQ(gm_guest_ack(0), 40);
	host_reset_kicks();
	host_set_cpu(1);
	gm_wr(&vm.vcpus[1], GICD_ITARGETSR + 40, 1, 2);
	EXPECT_EQ(host_kicks(0), 1);
	EXPECT_TRUE(v->vgic.flush_work);
	gm_irq_exit(v); /* the kick */
	EXPECT_TRUE(gm_cpus[0].lr[0] & GICH_LR_EOI);
	gm_guest_eoi(0, 40);
	EXPECT_TRUE(gm_maint(v));
	EXPECT_EQ(vm.vgic.stats.moves_maint, 1);
	EXPECT_FALSE(inflight_on(v, 40));
	ASSERT_EQ(vgic_inject(v, 40), 0);
	EXPECT_TRUE(queued_on(&vm.vcpus[1], 40));
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

/*
 * The receiving side of an IPI ping-pong: the guest finished SGI 1 from
 * vCPU 1 without an exit, vCPU 1 sends it again, and the kick's IRQ exit
 * puts the new instance into the LR the old one leaves, with no pass
 * through lr_pending (lr_sgi_refill()); QEMU's one LR per SGI.
 */
TEST(vgic_sgi_sent_again_takes_its_finished_lr_back_in_the_irq_exit)
{
	struct vcpu *v = &vm.vcpus[0];
	const uint32_t iar = (1u << 10) | 1;

	gm_vm_setup(&vm, 2, 64, 4);
	vgic_one_lr_per_sgi = true;
	gm_wr(v, GICD_CTLR, 4, 1);
	gm_enter(v);
	for (unsigned int round = 0; round < 3; round++) {
		host_reset_kicks();
		host_set_cpu(1);
		gm_wr(&vm.vcpus[1], GICD_SGIR, 4,
		      GM_SGIR(GICD_SGIR_FILTER_LIST, 1, 1));
		EXPECT_EQ(host_kicks(0), 1);
		gm_irq_exit(v); /* the kick */
		EXPECT_EQ(v->vgic.lr_sgi_refills, round ? round : 0);
		EXPECT_EQ(gm_valid_lrs(0), 1);
		EXPECT_FALSE(queued_on(v, 1));
		EXPECT_TRUE(inflight_on(v, 1));
		EXPECT_EQ(vgic_check_invariants(&vm), 0);
		EXPECT_EQ(gm_guest_ack(0), iar);
		gm_guest_eoi(0, iar); /* no exit */
	}
	EXPECT_EQ(v->vgic.lr_sgi_refills, 2);
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 1));
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
	vgic_one_lr_per_sgi = false;
}

/*
 * lrs_flush_sgi(), the receiving side of an IPI: SGI 1 from vCPU @src to
 * vCPU 0 (loaded on pCPU 0), delivered and finished by the guest without
 * an exit, so that vCPU 0's shadow still holds its LR. QEMU's one LR per
 * SGI (as the bench runs); the caller turns it off. @spi: an SPI
 * (edge, Group 0, to vCPU 0) set up too, or 0.
 */
static void sgi_finished_in_lr(unsigned int nr_vcpus, unsigned int src,
			       unsigned int spi)
{
	struct vcpu *v = &vm.vcpus[0];
	const uint32_t iar = (src << 10) | 1;

	gm_vm_setup(&vm, nr_vcpus, 64, 4);
	vgic_one_lr_per_sgi = true;
	gm_wr(v, GICD_CTLR, 4, 1);
	if (spi) /* set up before entering: its GICD writes are exits */
		gm_irq_setup(v, spi, 0x80, 1, true);
	gm_enter(v);
	host_set_cpu(src);
	gm_wr(&vm.vcpus[src], GICD_SGIR, 4,
	      GM_SGIR(GICD_SGIR_FILTER_LIST, 1, 1));
	gm_irq_exit(v);
	EXPECT_EQ(gm_guest_ack(0), iar);
	gm_guest_eoi(0, iar); /* no exit: the shadow still has the LR */
	EXPECT_EQ(v->vgic.lr_used, 1);
	gm_cpus[0].lr_writes = gm_cpus[0].elrsr_reads = 0;
}

/* The SGI sent again: the kick's flush reads that LR back and rewrites it
 * with the new instance, then GICH_HCR; no ELRSR read, no other LR. */
TEST(vgic_sgi_flush_refills_the_one_lr_with_one_write)
{
	struct vcpu *v = &vm.vcpus[0];

	sgi_finished_in_lr(2, 1, 0);
	host_reset_kicks();
	host_set_cpu(1);
	gm_wr(&vm.vcpus[1], GICD_SGIR, 4, GM_SGIR(GICD_SGIR_FILTER_LIST, 1, 1));
	EXPECT_EQ(host_kicks(0), 1);
	EXPECT_TRUE(v->vgic.flush_work);
	gm_irq_exit(v); /* the kick */
	EXPECT_EQ(gm_cpus[0].elrsr_reads, 0);
	EXPECT_EQ(gm_cpus[0].lr_writes, 1);
	EXPECT_EQ(gm_cpus[0].lr[0],
		  GICH_LR_PENDING | (1u << GICH_LR_CPUID_SHIFT) | 1);
	EXPECT_EQ(gm_cpus[0].hcr, GICH_HCR_EN);
	EXPECT_EQ(v->vgic.lr_sgi_refills, 1);
	EXPECT_FALSE(v->vgic.flush_work);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
	EXPECT_EQ(gm_guest_ack(0), (1u << 10) | 1);
	gm_guest_eoi(0, (1u << 10) | 1);
	EXPECT_EQ(gm_guest_ack(0), 1023);
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 1));
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
	vgic_one_lr_per_sgi = false;
}

/* Two sources sent it again (QEMU: one LR per SGI INTID): the LR takes the
 * lower one and asks for the EOI maintenance IRQ, as lrs_request_eoi()
 * would; the guest's EOI brings the other, each exactly once. */
TEST(vgic_sgi_flush_asks_for_eoi_when_another_source_waits)
{
	struct vcpu *v = &vm.vcpus[0];

	sgi_finished_in_lr(3, 1, 0);
	host_set_cpu(2);
	gm_wr(&vm.vcpus[2], GICD_SGIR, 4, GM_SGIR(GICD_SGIR_FILTER_LIST, 1, 1));
	host_set_cpu(1);
	gm_wr(&vm.vcpus[1], GICD_SGIR, 4, GM_SGIR(GICD_SGIR_FILTER_LIST, 1, 1));
	EXPECT_FALSE(queued_on(v, 1));
	gm_irq_exit(v);
	EXPECT_EQ(gm_cpus[0].elrsr_reads, 0);
	EXPECT_EQ(gm_cpus[0].lr_writes, 1);
	EXPECT_EQ(gm_cpus[0].lr[0], GICH_LR_PENDING | GICH_LR_EOI |
					    (1u << GICH_LR_CPUID_SHIFT) | 1);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
	EXPECT_EQ(gm_guest_ack(0), (1u << 10) | 1);
	gm_guest_eoi(0, (1u << 10) | 1);
	EXPECT_TRUE(gm_maint(v));
	EXPECT_EQ(gm_guest_ack(0), (2u << 10) | 1);
	gm_guest_eoi(0, (2u << 10) | 1);
	EXPECT_FALSE(gm_maint_asserted(0));
	EXPECT_EQ(gm_guest_ack(0), 1023);
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 1));
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
	vgic_one_lr_per_sgi = false;
}

/* Not that flush: the SGI's LR still active (the general read-back asks
 * for the EOI maintenance IRQ), or a second LR in use (an SPI's). */
TEST(vgic_sgi_flush_is_not_taken_with_the_lr_busy_or_another_lr_used)
{
	struct vcpu *v = &vm.vcpus[0];

	sgi_finished_in_lr(2, 1, 40);
	host_set_cpu(0);
	ASSERT_EQ(vgic_inject(v, 40), 0); /* into LR 1 at once */
	EXPECT_EQ(v->vgic.lr_used, 3);
	host_set_cpu(1);
	gm_wr(&vm.vcpus[1], GICD_SGIR, 4, GM_SGIR(GICD_SGIR_FILTER_LIST, 1, 1));
	gm_irq_exit(v);
	EXPECT_EQ(gm_cpus[0].elrsr_reads, 1);
	EXPECT_EQ(gm_valid_lrs(0), 2);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
	EXPECT_EQ(gm_guest_ack(0), (1u << 10) | 1); /* held: active */
	host_set_cpu(1);
	gm_wr(&vm.vcpus[1], GICD_SGIR, 4, GM_SGIR(GICD_SGIR_FILTER_LIST, 1, 1));
	gm_cpus[0].elrsr_reads = 0;
	gm_irq_exit(v);
	EXPECT_EQ(gm_cpus[0].elrsr_reads, 1);
	EXPECT_TRUE(gm_cpus[0].lr[0] & GICH_LR_EOI);
	gm_guest_eoi(0, (1u << 10) | 1);
	EXPECT_TRUE(gm_maint(v));
	EXPECT_EQ(gm_guest_ack(0), (1u << 10) | 1);
	gm_guest_eoi(0, (1u << 10) | 1);
	EXPECT_EQ(gm_guest_ack(0), 40);
	gm_guest_eoi(0, 40);
	EXPECT_EQ(gm_guest_ack(0), 1023);
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 1));
	EXPECT_FALSE(inflight_on(v, 40));
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
	vgic_one_lr_per_sgi = false;
}

/* The guest disabled the SGI's group (GICV_CTLR, no trap) after finishing
 * it: the new instance cannot go back into the LR. The LR is retired and
 * zeroed, and the general refill queues the SGI behind the group watch
 * (VGrp0EIE), with no second read-back; the enable delivers it. */
TEST(vgic_sgi_flush_leaves_an_sgi_of_a_disabled_group_to_the_group_watch)
{
	struct vcpu *v = &vm.vcpus[0];

	sgi_finished_in_lr(2, 1, 0);
	gm_vmcr_groups = true;
	gm_cpus[0].vmcr = GICH_VMCR_GRP1EN; /* EnableGrp0 = 0 */
	host_set_cpu(1);
	gm_wr(&vm.vcpus[1], GICD_SGIR, 4, GM_SGIR(GICD_SGIR_FILTER_LIST, 1, 1));
	gm_irq_exit(v);
	EXPECT_EQ(gm_cpus[0].elrsr_reads, 0);
	EXPECT_EQ(gm_cpus[0].lr[0], 0);
	EXPECT_EQ(v->vgic.lr_used, 0);
	EXPECT_TRUE(queued_on(v, 1));
	EXPECT_TRUE(gm_cpus[0].hcr & GICH_HCR_VGRP0EIE);
	EXPECT_FALSE(v->vgic.read_back);
	EXPECT_EQ(v->vgic.lr_sgi_refills, 0);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
	EXPECT_EQ(gm_guest_ack(0), 1023);
	gm_cpus[0].vmcr = GICH_VMCR_GRP0EN;
	EXPECT_TRUE(gm_maint(v));
	EXPECT_EQ(gm_guest_ack(0), (1u << 10) | 1);
	gm_guest_eoi(0, (1u << 10) | 1);
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 1));
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
	vgic_one_lr_per_sgi = false;
}

/* Nor while the guest holds the SGI's one LR (active): the resend waits
 * for its EOI, which the general flush asks a maintenance IRQ for. */
TEST(vgic_sgi_flush_is_not_taken_while_the_guest_holds_the_sgi)
{
	struct vcpu *v = &vm.vcpus[0];
	const uint32_t iar = (1u << 10) | 1;

	sgi_finished_in_lr(2, 1, 0);
	host_set_cpu(1);
	gm_wr(&vm.vcpus[1], GICD_SGIR, 4, GM_SGIR(GICD_SGIR_FILTER_LIST, 1, 1));
	gm_irq_exit(v);
	EXPECT_EQ(gm_cpus[0].elrsr_reads, 0);
	EXPECT_EQ(gm_guest_ack(0), iar); /* held: active */
	host_set_cpu(1);
	gm_wr(&vm.vcpus[1], GICD_SGIR, 4, GM_SGIR(GICD_SGIR_FILTER_LIST, 1, 1));
	gm_irq_exit(v);
	EXPECT_EQ(gm_cpus[0].elrsr_reads, 1);
	EXPECT_EQ(gm_cpus[0].lr[0], GICH_LR_ACTIVE | GICH_LR_EOI |
					    (1u << GICH_LR_CPUID_SHIFT) | 1);
	EXPECT_EQ(gm_guest_ack(0), 1023);
	gm_guest_eoi(0, iar);
	EXPECT_TRUE(gm_maint(v));
	EXPECT_EQ(gm_guest_ack(0), iar);
	gm_guest_eoi(0, iar);
	EXPECT_EQ(gm_guest_ack(0), 1023);
	gm_exit(v);
	EXPECT_FALSE(inflight_on(v, 1));
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
	vgic_one_lr_per_sgi = false;
}
