/* SPDX-License-Identifier: MIT */
/*
 * GICv2 behaviours a guest written against the specification relies on
 * (issue 15): a uniprocessor vGIC for a 1-vCPU VM (§4.3.12), the pending
 * state of a disabled level interrupt whose line is high (§3.2.1, §4.3.7),
 * Group 0 interrupts not starved by list registers full of a group the
 * vCPU interface has disabled.
 */
#include "gich.h"
#include "gich_model.h"
#include "host_arch.h"
#include "percpu.h"
#include "test.h"
#include "vgic.h"
#include "vm.h"

/* The passthrough table is global: these tests bind physical SPIs no
 * other test file leaves bound (90, 91). */
static struct vm vm;

static bool queued_on(struct vcpu *v, unsigned int intid)
{
	struct vgic_irq *irq = vgic_get_irq(v->vm, v, intid);

	return irq->owner == v && !list_unlinked(&irq->lr_pending);
}

/* ---- a 1-vCPU VM is a uniprocessor GIC ----------------------------------- */

TEST(uniprocessor_vgic_delivers_an_spi_whose_target_was_never_written)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_wr(v, GICD_CTLR, 4, 1);
	gm_wr(v, GICD_ISENABLER + 4, 4, 1u << 2); /* SPI 34, no ITARGETSR */
	ASSERT_EQ(vgic_inject(v, 34), 0);
	EXPECT_TRUE(queued_on(v, 34));
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 34);
	gm_exit(v);
}

TEST(uniprocessor_vgic_itargetsr_is_raz_wi_and_typer_says_one_cpu)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	EXPECT_EQ(gm_rd(v, GICD_TYPER, 4) & GICD_TYPER_CPUS_MASK, 0);
	EXPECT_EQ(gm_rd(v, GICD_ITARGETSR, 4), 0);	/* SGIs */
	EXPECT_EQ(gm_rd(v, GICD_ITARGETSR + 28, 4), 0); /* PPIs */
	gm_wr(v, GICD_ITARGETSR + 32, 4, 0x01010101);
	gm_wr(v, GICD_ITARGETSR + 36, 1, 0x01);
	EXPECT_EQ(gm_rd(v, GICD_ITARGETSR + 32, 4), 0);
	EXPECT_EQ(gm_rd(v, GICD_ITARGETSR + 36, 1), 0);
}

TEST(multiprocessor_vgic_keeps_an_spi_without_target_undelivered)
{
	gm_vm_setup(&vm, 2, 64, 4);
	gm_wr(&vm.vcpus[0], GICD_CTLR, 4, 1);
	gm_wr(&vm.vcpus[0], GICD_ISENABLER + 4, 4, 1u << 2);
	ASSERT_EQ(vgic_inject(&vm.vcpus[0], 34), 0);
	EXPECT_FALSE(queued_on(&vm.vcpus[0], 34));
	EXPECT_FALSE(queued_on(&vm.vcpus[1], 34));
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISPENDR + 4, 4), 1u << 2);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ITARGETSR + 32, 4), 0);
}

/* ---- pending while disabled ---------------------------------------------- */

TEST(disabled_timer_ppi_reads_pending_while_its_timer_line_is_high)
{
	struct vcpu *v = &vm.vcpus[1];
	static const unsigned int ppis[] = {27, 30};

	gm_vm_setup(&vm, 2, 64, 4);
	for (unsigned int i = 0; i < 2; i++) {
		unsigned int ppi = ppis[i];

		host_set_cpu(1);
		this_cpu()->loaded = v; /* v's EL1 timers are live here */
		host_set_timer_line(ppi, true);
		EXPECT_EQ(gm_rd(v, GICD_ISENABLER, 4) & (1u << ppi), 0);
		EXPECT_EQ(gm_rd(v, GICD_ISPENDR, 4), 1u << ppi);
		EXPECT_EQ(gm_rd(v, GICD_ICPENDR, 4), 1u << ppi);
		/* Another vCPU's timer is not v's: its line is not read. */
		EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISPENDR, 4), 0);
		host_set_timer_line(ppi, false);
		EXPECT_EQ(gm_rd(v, GICD_ISPENDR, 4), 0);
		this_cpu()->loaded = NULL;
		host_set_cpu(0);
	}
}

TEST(disabled_level_passthrough_spi_reads_pending_while_its_line_is_high)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	ASSERT_EQ(vgic_pt_bind(&vm, 40, 90), 0);
	EXPECT_FALSE(gm_pirqs[90].enabled);
	gm_phys_set_line(90, true);
	EXPECT_EQ(gm_rd(v, GICD_ISPENDR + 4, 4), 1u << 8);
	/* ICPENDR cannot clear a level IRQ whose line is still high. */
	gm_wr(v, GICD_ICPENDR + 4, 4, 1u << 8);
	EXPECT_EQ(gm_rd(v, GICD_ISPENDR + 4, 4), 1u << 8);
	gm_phys_set_line(90, false);
	EXPECT_EQ(gm_rd(v, GICD_ISPENDR + 4, 4), 0);
	EXPECT_FALSE(queued_on(v, 40));
	EXPECT_EQ(vgic_pt_unbind(&vm, 40), 0);
}

TEST(icpendr_clears_the_physical_latch_of_a_disabled_edge_passthrough_spi)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_wr(v, GICD_ICFGR + 8, 4, 2u << 16); /* SPI 40 edge */
	ASSERT_EQ(vgic_pt_bind(&vm, 40, 91), 0);
	EXPECT_TRUE(gm_pirqs[91].edge);
	gm_phys_assert(91);
	EXPECT_EQ(gm_rd(v, GICD_ISPENDR + 4, 4), 1u << 8);
	gm_wr(v, GICD_ICPENDR + 4, 4, 1u << 8);
	EXPECT_FALSE(gm_pirqs[91].pending);
	EXPECT_EQ(gm_rd(v, GICD_ISPENDR + 4, 4), 0);
	/* Enabling it now delivers nothing: the instance was cancelled. */
	gm_wr(v, GICD_CTLR, 4, 1);
	gm_wr(v, GICD_ISENABLER + 4, 4, 1u << 8);
	EXPECT_FALSE(gm_phys_ack(0, 91));
	EXPECT_EQ(vgic_pt_unbind(&vm, 40), 0);
}

/* ---- Group 0 behind LRs full of a disabled Group 1 ----------------------- */

/* 1 vCPU, 4 LRs: SPIs 32..37 Group 1 at priority 0x40, SPI 40 Group 0 at
 * 0x80, GICD_CTLR and GICV_CTLR enabling both groups. */
static void groups_setup(struct vcpu *v)
{
	gm_vm_setup(&vm, 1, 64, 4);
	gm_vmcr_groups = true;
	gm_wr(v, GICD_CTLR, 4, 3);
	for (unsigned int i = 32; i < 38; i++)
		gm_irq_setup(v, i, 0x40, 1, true);
	gm_irq_setup(v, 40, 0x80, 1, true);
	gm_wr(v, GICD_IGROUPR + 4, 4, 0x3f);
	gm_cpus[0].vmcr = GICH_VMCR_GRP0EN | GICH_VMCR_GRP1EN;
	for (unsigned int i = 32; i < 38; i++)
		ASSERT_EQ(vgic_inject(v, i), 0);
}

TEST(group0_irq_evicts_lrs_of_a_group_the_guest_disabled)
{
	struct vcpu *v = &vm.vcpus[0];

	groups_setup(v);
	gm_enter(v);
	EXPECT_EQ(gm_valid_lrs(0), 4);
	gm_cpus[0].vmcr = GICH_VMCR_GRP0EN; /* GICV_CTLR.EnableGrp1 = 0 */
	ASSERT_EQ(vgic_inject(v, 40), 0);
	gm_exit(v);
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 40);
	gm_exit(v);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

TEST(disabling_a_group_in_gicv_ctlr_raises_maintenance_and_refills)
{
	struct vcpu *v = &vm.vcpus[0];

	groups_setup(v);
	ASSERT_EQ(vgic_inject(v, 40), 0);
	gm_enter(v);
	/* Both groups on: the four LRs hold the higher-priority Group 1. */
	EXPECT_EQ(gm_valid_lrs(0), 4);
	EXPECT_FALSE(gm_maint_asserted(0));
	gm_cpus[0].vmcr = GICH_VMCR_GRP0EN; /* no trap */
	EXPECT_TRUE(gm_maint_asserted(0));
	EXPECT_TRUE(gm_maint(v));
	EXPECT_FALSE(gm_maint_asserted(0)); /* fires once */
	EXPECT_EQ(gm_guest_ack(0), 40);
	gm_exit(v);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

TEST(irq_of_a_group_disabled_in_gicv_ctlr_does_not_end_a_wfi)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_wr(v, GICD_CTLR, 4, 3);
	gm_irq_setup(v, 32, 0x40, 1, true);
	gm_irq_setup(v, 40, 0x80, 1, true);
	gm_wr(v, GICD_IGROUPR + 4, 4, 1); /* SPI 32: Group 1 */
	gm_enter(v);
	gm_cpus[0].vmcr = GICH_VMCR_GRP0EN;
	gm_exit(v); /* the WFI trap: VMCR read back */
	ASSERT_EQ(vgic_inject(v, 32), 0);
	EXPECT_FALSE(vgic_vcpu_has_pending(v));
	ASSERT_EQ(vgic_inject(v, 40), 0);
	EXPECT_TRUE(vgic_vcpu_has_pending(v));
}
