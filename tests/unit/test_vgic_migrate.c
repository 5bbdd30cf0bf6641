/* SPDX-License-Identifier: MIT */
/* ITARGETSR of an in-flight SPI, step by step (DESIGN §3.1). */
#include "gich.h"
#include "gich_model.h"
#include "host_arch.h"
#include "host_sched.h"
#include "softirq.h"
#include "test.h"
#include "vgic.h"
#include "vm.h"

static struct vm vm;

static struct vgic_irq *spi(unsigned int intid)
{
	return vgic_get_irq(&vm, NULL, intid);
}

static bool queued_on(struct vcpu *v, unsigned int intid)
{
	return spi(intid)->owner == v &&
	       !list_unlinked(&spi(intid)->lr_pending);
}

static void set_target(struct vcpu *writer, unsigned int intid, uint8_t mask)
{
	gm_wr(writer, GICD_ITARGETSR + intid, 1, mask);
}

/* vm with 4 vCPUs on pCPUs 0-3, SPI 40 edge, targeting vCPU 0, bound to
 * physical 72 when @hw; one instance delivered and acked by vCPU 0's guest
 * when @ack (vCPU 0 stays loaded on pCPU 0 if @running). */
static void setup(bool hw, bool ack, bool running)
{
	struct vcpu *o = &vm.vcpus[0];

	gm_vm_setup(&vm, 4, 64, 4);
	gm_irq_setup(o, 40, 0x80, 1, true);
	if (hw) {
		unsigned long f;

		if (vgic_pt_bind(&vm, 40, 72))
			test_fail(__FILE__, __LINE__, "bind");
		host_set_cpu(0);
		gm_phys_assert(72);
		gm_phys_ack(0, 72);
		f = arch_irq_save();
		vgic_pt_take(72);
		arch_irq_restore(f);
		softirq_run();
	} else {
		vgic_inject(o, 40);
	}
	if (ack) {
		gm_enter(o);
		if (gm_guest_ack(0) != 40)
			test_fail(__FILE__, __LINE__, "ack");
		if (!running)
			gm_exit(o);
	}
	host_set_cpu(1);
	host_reset_kicks();
	host_reset_wakes();
}

TEST(itargetsr_write_of_idle_spi_reroutes_physical_irq)
{
	gm_vm_setup(&vm, 4, 64, 4);
	gm_irq_setup(&vm.vcpus[0], 40, 0x80, 1, true);
	ASSERT_EQ(vgic_pt_bind(&vm, 40, 72), 0);
	EXPECT_EQ(gm_pirqs[72].target, 0);
	set_target(&vm.vcpus[0], 40, 0x8);
	EXPECT_EQ(gm_pirqs[72].target, 3);
	EXPECT_EQ(spi(40)->target, 3);
	EXPECT_EQ(vm.vgic.stats.moves_requested, 0);
}

TEST(itargetsr_write_while_in_lr_pending_moves_at_once)
{
	setup(true, false, false);
	ASSERT_TRUE(queued_on(&vm.vcpus[0], 40));
	set_target(&vm.vcpus[1], 40, 0x4);
	EXPECT_TRUE(queued_on(&vm.vcpus[2], 40));
	EXPECT_TRUE(list_empty(&vm.vcpus[0].vgic.inflight));
	EXPECT_EQ(gm_pirqs[72].target, 2);
	EXPECT_EQ(host_wakes(&vm.vcpus[2]), 1);
	EXPECT_EQ(vm.vgic.stats.moves_requested, 1);
	EXPECT_EQ(vm.vgic.stats.moves_lr_pending, 1);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
	/* Delivered on the new vCPU with the HW bit; its EOI deactivates. */
	gm_enter(&vm.vcpus[2]);
	EXPECT_TRUE(gm_cpus[2].lr[0] & GICH_LR_HW);
	EXPECT_EQ(gm_guest_ack(2), 40);
	gm_guest_eoi(2, 40);
	EXPECT_FALSE(gm_pirqs[72].active);
}

TEST(itargetsr_write_of_queued_irq_on_running_vcpu_kicks_new_pcpu)
{
	setup(false, false, false);
	gm_enter(&vm.vcpus[3]);
	gm_exit(&vm.vcpus[0]);
	host_set_cpu(1);
	set_target(&vm.vcpus[1], 40, 0x1); /* nothing to do */
	set_target(&vm.vcpus[1], 40, 0x8);
	EXPECT_EQ(host_kicks(3), 1);
	EXPECT_EQ(vm.vgic.stats.moves_lr_pending, 1);
}

TEST(itargetsr_write_while_in_lr_marks_migrating_and_keeps_it_on_owner)
{
	setup(false, true, false);
	set_target(&vm.vcpus[1], 40, 0x2);
	EXPECT_TRUE(spi(40)->flags & VGIC_IRQ_MIGRATING);
	EXPECT_EQ(spi(40)->migrate_to, 1);
	EXPECT_TRUE(spi(40)->owner == &vm.vcpus[0]);
	EXPECT_EQ(spi(40)->target, 0);
	EXPECT_TRUE(vm.vcpus[0].vgic.lr[0] & GICH_LR_EOI);
	EXPECT_TRUE(list_empty(&vm.vcpus[1].vgic.inflight));
	EXPECT_EQ(gm_rd(&vm.vcpus[1], GICD_ITARGETSR + 40, 1), 0x2);
	EXPECT_EQ(vm.vgic.stats.moves_requested, 1);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

TEST(itargetsr_write_while_in_hw_lr_rewrites_it_as_virtual_with_eoi_bit)
{
	setup(true, true, false);
	ASSERT_TRUE(vm.vcpus[0].vgic.lr[0] & GICH_LR_HW);
	set_target(&vm.vcpus[1], 40, 0x2);
	EXPECT_EQ(vm.vcpus[0].vgic.lr[0],
		  GICH_LR_ACTIVE | GICH_LR_EOI |
			  (0x10u << GICH_LR_PRIORITY_SHIFT) | 40);
	EXPECT_EQ(gm_pirqs[72].target, 0); /* not yet */
}

TEST(itargetsr_write_while_owner_runs_kicks_owner_which_rewrites_lr)
{
	setup(true, true, true);
	set_target(&vm.vcpus[1], 40, 0x2);
	EXPECT_EQ(host_kicks(0), 1);
	/* Nobody else touched pCPU 0's LR. */
	EXPECT_TRUE(gm_cpus[0].lr[0] & GICH_LR_HW);
	gm_exit(&vm.vcpus[0]);
	gm_enter(&vm.vcpus[0]);
	EXPECT_FALSE(gm_cpus[0].lr[0] & GICH_LR_HW);
	EXPECT_TRUE(gm_cpus[0].lr[0] & GICH_LR_EOI);
	EXPECT_EQ(gm_cpus[0].lr[0] & GICH_LR_STATE_MASK, GICH_LR_ACTIVE);
}

TEST(itargetsr_write_while_active_moves_after_eoi_via_maintenance)
{
	setup(true, true, true);
	set_target(&vm.vcpus[1], 40, 0x2);
	gm_exit(&vm.vcpus[0]);
	gm_enter(&vm.vcpus[0]);
	gm_guest_eoi(0, 40);
	EXPECT_TRUE(gm_pirqs[72].active); /* HW = 0 now: vigil owes DIR */
	ASSERT_TRUE(gm_maint_asserted(0));
	EXPECT_TRUE(gm_maint(&vm.vcpus[0]));
	EXPECT_FALSE(gm_maint_asserted(0));
	EXPECT_FALSE(gm_pirqs[72].active);
	EXPECT_EQ(gm_pirqs[72].dirs, 1);
	EXPECT_EQ(gm_pirqs[72].bad_dirs, 0);
	EXPECT_EQ(gm_pirqs[72].target, 1);
	EXPECT_EQ(spi(40)->target, 1);
	EXPECT_FALSE(spi(40)->flags & VGIC_IRQ_MIGRATING);
	EXPECT_TRUE(spi(40)->owner == NULL);
	EXPECT_TRUE(list_empty(&vm.vcpus[0].vgic.inflight));
	EXPECT_EQ(vm.vgic.stats.moves_maint, 1);
	EXPECT_EQ(vm.vgic.stats.moves_exit, 0);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

TEST(migration_completion_relatches_pending_edge_spi_to_new_pcpu)
{
	setup(true, true, false);
	set_target(&vm.vcpus[1], 40, 0x4);
	gm_phys_assert(72); /* a new edge while active: latched to pCPU 0 */
	EXPECT_EQ(gm_pirqs[72].latched_to, 0);
	gm_enter(&vm.vcpus[0]);
	gm_guest_eoi(0, 40);
	gm_maint(&vm.vcpus[0]);
	EXPECT_EQ(gm_pirqs[72].target, 2);
	EXPECT_TRUE(gm_pirqs[72].pending);
	EXPECT_EQ(gm_pirqs[72].latched_to, 2);
	EXPECT_FALSE(gm_phys_ack(0, 72));
	EXPECT_TRUE(gm_phys_ack(2, 72));
}

TEST(migration_completion_injects_pending_irq_on_new_vcpu)
{
	setup(false, true, false);
	set_target(&vm.vcpus[1], 40, 0x8);
	gm_wr(&vm.vcpus[1], GICD_ISPENDR + 4, 4,
	      1u << 8); /* re-pend while MIGRATING */
	EXPECT_FALSE(queued_on(&vm.vcpus[0], 40));
	EXPECT_FALSE(queued_on(&vm.vcpus[3], 40));
	EXPECT_EQ(gm_rd(&vm.vcpus[1], GICD_ISPENDR + 4, 4), 1u << 8);
	gm_enter(&vm.vcpus[0]);
	EXPECT_EQ(gm_guest_ack(0), 1023); /* pending only, not delivered */
	gm_guest_eoi(0, 40);
	gm_maint(&vm.vcpus[0]);
	EXPECT_TRUE(queued_on(&vm.vcpus[3], 40));
	EXPECT_TRUE(list_empty(&vm.vcpus[0].vgic.inflight));
	EXPECT_EQ(host_wakes(&vm.vcpus[3]), 1);
	gm_enter(&vm.vcpus[3]);
	EXPECT_EQ(gm_guest_ack(3), 40);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

TEST(second_move_while_migrating_only_last_target_counts)
{
	setup(true, true, false);
	set_target(&vm.vcpus[1], 40, 0x2);
	set_target(&vm.vcpus[1], 40, 0x4);
	set_target(&vm.vcpus[2], 40, 0x8);
	EXPECT_EQ(spi(40)->migrate_to, 3);
	EXPECT_EQ(vm.vgic.stats.moves_requested, 1);
	EXPECT_EQ(vm.vgic.stats.moves_superseded, 2);
	gm_enter(&vm.vcpus[0]);
	gm_guest_eoi(0, 40);
	gm_maint(&vm.vcpus[0]);
	EXPECT_EQ(spi(40)->target, 3);
	EXPECT_EQ(gm_pirqs[72].target, 3);
	EXPECT_EQ(vm.vgic.stats.moves_maint, 1);
	EXPECT_TRUE(list_empty(&vm.vcpus[1].vgic.inflight));
	EXPECT_TRUE(list_empty(&vm.vcpus[2].vgic.inflight));
}

TEST(move_back_to_owner_while_migrating_keeps_it_there)
{
	setup(false, true, false);
	set_target(&vm.vcpus[1], 40, 0x2);
	gm_wr(&vm.vcpus[1], GICD_ISPENDR + 4, 4, 1u << 8);
	set_target(&vm.vcpus[1], 40, 0x1);
	gm_enter(&vm.vcpus[0]);
	gm_guest_eoi(0, 40);
	gm_maint(&vm.vcpus[0]);
	EXPECT_EQ(spi(40)->target, 0);
	EXPECT_EQ(gm_guest_ack(0), 40);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

TEST(hw_lr_eoied_before_rewrite_completes_move_at_exit_without_dir)
{
	setup(true, true, true);
	set_target(&vm.vcpus[1], 40, 0x2);
	/* The guest EOIs before pCPU 0 handles the kick. */
	gm_guest_eoi(0, 40);
	EXPECT_FALSE(gm_pirqs[72].active);
	gm_exit(&vm.vcpus[0]);
	EXPECT_EQ(vm.vgic.stats.moves_exit, 1);
	EXPECT_EQ(gm_pirqs[72].dirs, 0);
	EXPECT_EQ(gm_pirqs[72].target, 1);
	EXPECT_EQ(spi(40)->target, 1);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

TEST(migrating_pending_lr_is_acked_then_moved)
{
	/* In an LR but not yet acked: still completes through EOI. */
	setup(false, false, false);
	gm_enter(&vm.vcpus[0]);
	gm_exit(&vm.vcpus[0]);
	host_set_cpu(1);
	set_target(&vm.vcpus[1], 40, 0x2);
	EXPECT_TRUE(spi(40)->flags & VGIC_IRQ_MIGRATING);
	gm_enter(&vm.vcpus[0]);
	EXPECT_EQ(gm_guest_ack(0), 40);
	gm_guest_eoi(0, 40);
	gm_maint(&vm.vcpus[0]);
	EXPECT_EQ(spi(40)->target, 1);
	EXPECT_EQ(vm.vgic.stats.moves_maint, 1);
	EXPECT_FALSE(queued_on(&vm.vcpus[1], 40));
}

TEST(migrating_lr_is_never_evicted)
{
	struct vcpu *o = &vm.vcpus[0];

	setup(false, false, false);
	gm_irq_setup(o, 41, 0x10, 1, true);
	for (unsigned int i = 0; i < 3; i++)
		gm_irq_setup(o, 42 + i, 0x40, 1, true);
	for (unsigned int i = 0; i < 3; i++)
		vgic_inject(o, 42 + i);
	gm_enter(o);
	gm_exit(o);
	host_set_cpu(1);
	set_target(&vm.vcpus[1], 40, 0x2);
	vgic_inject(o, 41);
	gm_enter(o);
	/* 40 (prio 0x80, MIGRATING) stays; a 0x40 one went back. */
	EXPECT_EQ(spi(40)->nr_lrs, 1);
	EXPECT_EQ(spi(41)->nr_lrs, 1);
	EXPECT_EQ(vm.vgic.stats.lr_evictions, 1);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

TEST(irq_injected_after_move_completes_goes_to_new_vcpu_only)
{
	setup(true, true, false);
	set_target(&vm.vcpus[1], 40, 0x2);
	gm_enter(&vm.vcpus[0]);
	gm_guest_eoi(0, 40);
	gm_maint(&vm.vcpus[0]);
	/* Next physical instance arrives on pCPU 1. */
	gm_phys_assert(72);
	EXPECT_FALSE(gm_phys_ack(0, 72));
	host_set_cpu(1);
	ASSERT_TRUE(gm_phys_ack(1, 72));
	{
		unsigned long f = arch_irq_save();

		vgic_pt_take(72);
		arch_irq_restore(f);
	}
	softirq_run();
	EXPECT_TRUE(queued_on(&vm.vcpus[1], 40));
	gm_enter(&vm.vcpus[1]);
	EXPECT_EQ(gm_guest_ack(1), 40);
	gm_guest_eoi(1, 40);
	EXPECT_FALSE(gm_pirqs[72].active);
	EXPECT_EQ(gm_pirqs[72].bad_dirs, 0);
}
