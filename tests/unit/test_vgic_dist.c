/* SPDX-License-Identifier: MIT */
/* Distributor MMIO emulation, register by register (GICv2 §4.3). */
#include <errno.h>

#include "gich.h"
#include "gich_model.h"
#include "host_arch.h"
#include "host_sched.h"
#include "test.h"
#include "vgic.h"
#include "vm.h"

static struct vm vm;

static int access(struct vcpu *v, unsigned int off, unsigned int size,
		  bool write, uint64_t *val)
{
	return vgic_dist_access(v, off, size, write, val);
}

static struct vgic_irq *irq_of(struct vcpu *v, unsigned int intid)
{
	return vgic_get_irq(v->vm, v, intid);
}

static bool queued_on(struct vcpu *v, unsigned int intid)
{
	struct vgic_irq *irq = irq_of(v, intid);

	return irq->owner == v && !list_unlinked(&irq->lr_pending);
}

TEST(gicd_ctlr_resets_to_zero_and_keeps_both_group_enables)
{
	gm_vm_setup(&vm, 2, 64, 4);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_CTLR, 4), 0);
	gm_wr(&vm.vcpus[0], GICD_CTLR, 4, 0xffffffff);
	EXPECT_EQ(gm_rd(&vm.vcpus[1], GICD_CTLR, 4), 3);
}

TEST(gicd_typer_reports_it_lines_and_cpu_number)
{
	gm_vm_setup(&vm, 4, 96, 4);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_TYPER, 4), 0x62);
	gm_vm_setup(&vm, 1, 512, 4);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_TYPER, 4), 0x0f);
}

TEST(gicd_typer_and_iidr_ignore_writes)
{
	gm_vm_setup(&vm, 2, 64, 4);
	gm_wr(&vm.vcpus[0], GICD_TYPER, 4, 0xffffffff);
	gm_wr(&vm.vcpus[0], GICD_IIDR, 4, 0);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_TYPER, 4), 0x21);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_IIDR, 4), 0x5600043b);
}

TEST(gicd_iidr_names_arm_as_implementer)
{
	gm_vm_setup(&vm, 1, 64, 4);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_IIDR, 4) &
			  GICD_IIDR_IMPLEMENTER_MASK,
		  0x43b);
}

TEST(gicd_igroupr_is_read_write_and_banked_for_private_irqs)
{
	gm_vm_setup(&vm, 2, 64, 4);
	gm_wr(&vm.vcpus[0], GICD_IGROUPR + 4, 4, 0x80000005);
	gm_wr(&vm.vcpus[0], GICD_IGROUPR, 4, 0x00010002);
	EXPECT_EQ(gm_rd(&vm.vcpus[1], GICD_IGROUPR + 4, 4), 0x80000005);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_IGROUPR, 4), 0x00010002);
	EXPECT_EQ(gm_rd(&vm.vcpus[1], GICD_IGROUPR, 4), 0);
}

TEST(gicd_isenabler_sgis_read_as_one_and_ignore_icenabler)
{
	gm_vm_setup(&vm, 1, 64, 4);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISENABLER, 4), 0x0000ffff);
	gm_wr(&vm.vcpus[0], GICD_ICENABLER, 4, 0xffffffff);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISENABLER, 4), 0x0000ffff);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ICENABLER, 4), 0x0000ffff);
}

TEST(gicd_isenabler_sets_and_icenabler_clears_spi_enable)
{
	gm_vm_setup(&vm, 1, 64, 4);
	gm_wr(&vm.vcpus[0], GICD_ISENABLER + 4, 4, 0x00000101);
	gm_wr(&vm.vcpus[0], GICD_ISENABLER + 4, 4, 0x00010000);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISENABLER + 4, 4), 0x00010101);
	gm_wr(&vm.vcpus[0], GICD_ICENABLER + 4, 4, 0x00000100);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ICENABLER + 4, 4), 0x00010001);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISENABLER + 4, 4), 0x00010001);
}

TEST(gicd_isenabler_ppis_are_banked_per_vcpu)
{
	gm_vm_setup(&vm, 2, 64, 4);
	gm_wr(&vm.vcpus[1], GICD_ISENABLER, 4, 1u << 27);
	EXPECT_EQ(gm_rd(&vm.vcpus[1], GICD_ISENABLER, 4), 0x0800ffff);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISENABLER, 4), 0x0000ffff);
}

TEST(gicd_isenabler_of_passthrough_spi_enables_physical_irq)
{
	gm_vm_setup(&vm, 1, 64, 4);
	ASSERT_EQ(vgic_pt_bind(&vm, 40, 72), 0);
	EXPECT_FALSE(gm_pirqs[72].enabled);
	gm_wr(&vm.vcpus[0], GICD_ISENABLER + 4, 4, 1u << 8);
	EXPECT_TRUE(gm_pirqs[72].enabled);
	gm_wr(&vm.vcpus[0], GICD_ICENABLER + 4, 4, 1u << 8);
	EXPECT_FALSE(gm_pirqs[72].enabled);
	EXPECT_EQ(vgic_pt_unbind(&vm, 40), 0);
}

TEST(gicd_ispendr_sets_and_icpendr_clears_spi_pending)
{
	gm_vm_setup(&vm, 1, 64, 4);
	gm_wr(&vm.vcpus[0], GICD_ISPENDR + 4, 4, 0x80000001);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISPENDR + 4, 4), 0x80000001);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ICPENDR + 4, 4), 0x80000001);
	gm_wr(&vm.vcpus[0], GICD_ICPENDR + 4, 4, 0x00000001);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISPENDR + 4, 4), 0x80000000);
}

TEST(gicd_ispendr_sgi_bits_ignore_writes_but_show_spendsgir)
{
	gm_vm_setup(&vm, 2, 64, 4);
	gm_wr(&vm.vcpus[0], GICD_ISPENDR, 4, 0x0000ffff);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISPENDR, 4), 0);
	gm_wr(&vm.vcpus[0], GICD_SPENDSGIR, 1, 0x02); /* SGI 0 from vCPU 1 */
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISPENDR, 4), 1);
	gm_wr(&vm.vcpus[0], GICD_ICPENDR, 4, 1);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISPENDR, 4), 1);
}

TEST(gicd_ispendr_shows_level_irq_pending_while_disabled)
{
	gm_vm_setup(&vm, 1, 64, 4);
	ASSERT_EQ(vgic_set_level(&vm.vcpus[0], 27, true), 0);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISENABLER, 4) & (1u << 27), 0);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISPENDR, 4), 1u << 27);
	EXPECT_FALSE(queued_on(&vm.vcpus[0], 27));
	ASSERT_EQ(vgic_set_level(&vm.vcpus[0], 27, false), 0);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISPENDR, 4), 0);
}

TEST(gicd_ispendr_of_irq_in_lr_reads_pending_until_acked)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_irq_setup(v, 40, 0x80, 1, true);
	gm_wr(v, GICD_ISPENDR + 4, 4, 1u << 8);
	gm_enter(v);
	gm_exit(v);
	EXPECT_EQ(gm_rd(v, GICD_ISPENDR + 4, 4), 1u << 8);
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 40);
	gm_exit(v);
	EXPECT_EQ(gm_rd(v, GICD_ISPENDR + 4, 4), 0);
	EXPECT_EQ(gm_rd(v, GICD_ISACTIVER + 4, 4), 1u << 8);
}

TEST(gicd_icpendr_removes_pending_irq_from_writer_lr)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_irq_setup(v, 40, 0x80, 1, true);
	gm_wr(v, GICD_ISPENDR + 4, 4, 1u << 8);
	gm_enter(v);
	gm_exit(v);
	gm_wr(v, GICD_ICPENDR + 4, 4, 1u << 8);
	EXPECT_EQ(gm_rd(v, GICD_ISPENDR + 4, 4), 0);
	EXPECT_EQ(v->vgic.lr_used, 0);
	EXPECT_TRUE(list_empty(&v->vgic.inflight));
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 1023);
	EXPECT_EQ(vgic_check_invariants(&vm), 0);
}

TEST(gicd_isactiver_sets_and_icactiver_clears_active_state)
{
	gm_vm_setup(&vm, 1, 64, 4);
	gm_wr(&vm.vcpus[0], GICD_ISACTIVER + 4, 4, 0x00000006);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISACTIVER + 4, 4), 0x00000006);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ICACTIVER + 4, 4), 0x00000006);
	gm_wr(&vm.vcpus[0], GICD_ICACTIVER + 4, 4, 0x00000002);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISACTIVER + 4, 4), 0x00000004);
}

TEST(gicd_icactiver_clears_active_irq_in_lr_of_writing_vcpu)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_irq_setup(v, 41, 0x80, 1, true);
	ASSERT_EQ(vgic_inject(v, 41), 0);
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 41);
	gm_exit(v);
	EXPECT_EQ(gm_rd(v, GICD_ISACTIVER + 4, 4), 1u << 9);
	gm_wr(v, GICD_ICACTIVER + 4, 4, 1u << 9);
	EXPECT_EQ(gm_rd(v, GICD_ISACTIVER + 4, 4), 0);
	EXPECT_EQ(v->vgic.lr_used, 0);
	EXPECT_TRUE(list_empty(&v->vgic.inflight));
	/* A new instance is delivered: the IRQ is not stuck active. */
	ASSERT_EQ(vgic_inject(v, 41), 0);
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 41);
}

TEST(gicd_icactiver_of_passthrough_irq_in_lr_deactivates_physical)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_irq_setup(v, 40, 0x80, 1, true);
	ASSERT_EQ(vgic_pt_bind(&vm, 40, 72), 0);
	gm_phys_assert(72);
	ASSERT_TRUE(gm_phys_ack(0, 72));
	ASSERT_EQ(vgic_inject_hw(&vm, 40), 0);
	gm_enter(v);
	EXPECT_EQ(gm_guest_ack(0), 40);
	gm_exit(v);
	gm_wr(v, GICD_ICACTIVER + 4, 4, 1u << 8);
	EXPECT_FALSE(gm_pirqs[72].active);
	EXPECT_EQ(gm_pirqs[72].dirs, 1);
	EXPECT_EQ(gm_pirqs[72].bad_dirs, 0);
	EXPECT_EQ(vgic_pt_unbind(&vm, 40), 0);
}

TEST(gicd_ipriorityr_byte_and_word_access_keep_five_bits)
{
	gm_vm_setup(&vm, 1, 64, 4);
	gm_wr(&vm.vcpus[0], GICD_IPRIORITYR + 33, 1, 0xff);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_IPRIORITYR + 33, 1), 0xf8);
	gm_wr(&vm.vcpus[0], GICD_IPRIORITYR + 36, 4, 0x11223344);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_IPRIORITYR + 36, 4), 0x10203040);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_IPRIORITYR + 38, 1), 0x20);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_IPRIORITYR + 32, 4), 0x0000f800);
}

TEST(gicd_ipriorityr_private_irqs_are_banked)
{
	gm_vm_setup(&vm, 2, 64, 4);
	gm_wr(&vm.vcpus[1], GICD_IPRIORITYR + 27, 1, 0x40);
	EXPECT_EQ(gm_rd(&vm.vcpus[1], GICD_IPRIORITYR + 24, 4), 0x40000000);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_IPRIORITYR + 24, 4), 0);
}

TEST(gicd_itargetsr_0_to_7_read_own_vcpu_and_ignore_writes)
{
	gm_vm_setup(&vm, 4, 64, 4);
	EXPECT_EQ(gm_rd(&vm.vcpus[2], GICD_ITARGETSR, 4), 0x04040404);
	EXPECT_EQ(gm_rd(&vm.vcpus[3], GICD_ITARGETSR + 28, 4), 0x08080808);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ITARGETSR + 31, 1), 0x01);
	gm_wr(&vm.vcpus[2], GICD_ITARGETSR, 4, 0);
	EXPECT_EQ(gm_rd(&vm.vcpus[2], GICD_ITARGETSR, 4), 0x04040404);
}

TEST(gicd_itargetsr_spi_masks_nonexistent_vcpus)
{
	gm_vm_setup(&vm, 2, 64, 4);
	gm_wr(&vm.vcpus[0], GICD_ITARGETSR + 32, 4, 0xff0402ff);
	EXPECT_EQ(gm_rd(&vm.vcpus[1], GICD_ITARGETSR + 32, 4), 0x03000203);
	gm_wr(&vm.vcpus[0], GICD_ITARGETSR + 34, 1, 0x01);
	EXPECT_EQ(gm_rd(&vm.vcpus[1], GICD_ITARGETSR + 32, 4), 0x03010203);
}

TEST(gicd_itargetsr_beyond_nr_irqs_is_raz_wi)
{
	gm_vm_setup(&vm, 2, 64, 4);
	gm_wr(&vm.vcpus[0], GICD_ITARGETSR + 64, 4, 0x01010101);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ITARGETSR + 64, 4), 0);
}

TEST(gicd_icfgr_sgis_read_edge_and_are_read_only)
{
	gm_vm_setup(&vm, 1, 64, 4);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ICFGR, 4), 0xaaaaaaaa);
	gm_wr(&vm.vcpus[0], GICD_ICFGR, 4, 0);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ICFGR, 4), 0xaaaaaaaa);
}

TEST(gicd_icfgr_ppis_are_level_and_read_only)
{
	gm_vm_setup(&vm, 1, 64, 4);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ICFGR + 4, 4), 0);
	gm_wr(&vm.vcpus[0], GICD_ICFGR + 4, 4, 0xaaaaaaaa);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ICFGR + 4, 4), 0);
}

TEST(gicd_icfgr_spis_are_writable_with_bit0_raz)
{
	gm_vm_setup(&vm, 1, 64, 4);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ICFGR + 8, 4), 0);
	gm_wr(&vm.vcpus[0], GICD_ICFGR + 8, 4, 0xffffffff);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ICFGR + 8, 4), 0xaaaaaaaa);
	gm_wr(&vm.vcpus[0], GICD_ICFGR + 8, 4, 0x00000020);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ICFGR + 8, 4), 0x00000020);
}

TEST(gicd_icfgr_of_passthrough_spi_configures_physical_irq)
{
	gm_vm_setup(&vm, 1, 64, 4);
	ASSERT_EQ(vgic_pt_bind(&vm, 33, 80), 0);
	gm_wr(&vm.vcpus[0], GICD_ICFGR + 8, 4, 0x8);
	EXPECT_TRUE(gm_pirqs[80].edge);
	gm_wr(&vm.vcpus[0], GICD_ICFGR + 8, 4, 0x0);
	EXPECT_FALSE(gm_pirqs[80].edge);
	EXPECT_EQ(vgic_pt_unbind(&vm, 33), 0);
}

static uint8_t sgi_srcs(struct vcpu *v, unsigned int sgi)
{
	return (uint8_t)gm_rd(v, GICD_SPENDSGIR + sgi, 1);
}

TEST(gicd_sgir_target_list_pends_on_listed_vcpus_with_source)
{
	gm_vm_setup(&vm, 4, 64, 4);
	gm_wr(&vm.vcpus[1], GICD_SGIR, 4,
	      GM_SGIR(GICD_SGIR_FILTER_LIST, 0x0a, 3));
	EXPECT_EQ(sgi_srcs(&vm.vcpus[0], 3), 0);
	EXPECT_EQ(sgi_srcs(&vm.vcpus[1], 3), 0x02);
	EXPECT_EQ(sgi_srcs(&vm.vcpus[2], 3), 0);
	EXPECT_EQ(sgi_srcs(&vm.vcpus[3], 3), 0x02);
}

TEST(gicd_sgir_all_but_self_pends_on_every_other_vcpu)
{
	gm_vm_setup(&vm, 4, 64, 4);
	gm_wr(&vm.vcpus[2], GICD_SGIR, 4,
	      GM_SGIR(GICD_SGIR_FILTER_OTHERS, 0x01, 5));
	EXPECT_EQ(sgi_srcs(&vm.vcpus[0], 5), 0x04);
	EXPECT_EQ(sgi_srcs(&vm.vcpus[1], 5), 0x04);
	EXPECT_EQ(sgi_srcs(&vm.vcpus[2], 5), 0);
	EXPECT_EQ(sgi_srcs(&vm.vcpus[3], 5), 0x04);
}

TEST(gicd_sgir_self_pends_only_on_writer)
{
	gm_vm_setup(&vm, 4, 64, 4);
	gm_wr(&vm.vcpus[3], GICD_SGIR, 4,
	      GM_SGIR(GICD_SGIR_FILTER_SELF, 0x07, 15));
	EXPECT_EQ(sgi_srcs(&vm.vcpus[3], 15), 0x08);
	EXPECT_EQ(sgi_srcs(&vm.vcpus[0], 15), 0);
	EXPECT_EQ(sgi_srcs(&vm.vcpus[1], 15), 0);
}

TEST(gicd_sgir_reserved_filter_sends_nothing)
{
	gm_vm_setup(&vm, 2, 64, 4);
	gm_wr(&vm.vcpus[0], GICD_SGIR, 4, GM_SGIR(3 /* reserved */, 0x03, 1));
	EXPECT_EQ(sgi_srcs(&vm.vcpus[0], 1), 0);
	EXPECT_EQ(sgi_srcs(&vm.vcpus[1], 1), 0);
}

TEST(gicd_sgir_target_list_ignores_nonexistent_vcpus)
{
	gm_vm_setup(&vm, 2, 64, 4);
	gm_wr(&vm.vcpus[0], GICD_SGIR, 4,
	      GM_SGIR(GICD_SGIR_FILTER_LIST, 0xfe, 2));
	EXPECT_EQ(sgi_srcs(&vm.vcpus[1], 2), 0x01);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_SGIR, 4), 0); /* write-only: RAZ */
}

TEST(gicd_sgir_wakes_a_target_blocked_outside_guest)
{
	gm_vm_setup(&vm, 2, 64, 4);
	gm_wr(&vm.vcpus[0], GICD_CTLR, 4, 1);
	gm_wr(&vm.vcpus[0], GICD_SGIR, 4,
	      GM_SGIR(GICD_SGIR_FILTER_LIST, 0x02, 2));
	EXPECT_EQ(host_wakes(&vm.vcpus[1]), 1);
	EXPECT_TRUE(vgic_vcpu_has_pending(&vm.vcpus[1]));
	EXPECT_FALSE(vgic_vcpu_has_pending(&vm.vcpus[0]));
}

TEST(gicd_spendsgir_sets_and_cpendsgir_clears_sources_bytewise)
{
	gm_vm_setup(&vm, 4, 64, 4);
	gm_wr(&vm.vcpus[0], GICD_SPENDSGIR + 4, 4, 0x0c000300);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_SPENDSGIR + 4, 4), 0x0c000300);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_CPENDSGIR + 5, 1), 0x03);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISPENDR, 4), (1u << 5) | (1u << 7));
	gm_wr(&vm.vcpus[0], GICD_CPENDSGIR + 5, 1, 0x01);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_SPENDSGIR + 4, 4), 0x0c000200);
	EXPECT_EQ(gm_rd(&vm.vcpus[1], GICD_SPENDSGIR + 4, 4), 0);
}

TEST(gicd_spendsgir_ignores_nonexistent_source_vcpus)
{
	gm_vm_setup(&vm, 2, 64, 4);
	gm_wr(&vm.vcpus[0], GICD_SPENDSGIR, 1, 0xff);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_SPENDSGIR, 1), 0x03);
}

TEST(gicd_id_registers_read_gicv2_values)
{
	static const uint32_t want[12] = {0x04, 0, 0,	 0,    0x90, 0xb4,
					  0x2b, 0, 0x0d, 0xf0, 0x05, 0xb1};

	gm_vm_setup(&vm, 1, 64, 4);
	for (unsigned int i = 0; i < 12; i++)
		EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_PIDR4 + 4 * i, 4), want[i]);
	EXPECT_EQ((gm_rd(&vm.vcpus[0], GICD_PIDR2, 4) &
		   GICD_PIDR2_ARCHREV_MASK) >>
			  GICD_PIDR2_ARCHREV_SHIFT,
		  2);
	gm_wr(&vm.vcpus[0], GICD_PIDR2, 4, 0);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_PIDR2, 4), 0x2b);
}

TEST(gicd_reserved_offsets_are_raz_wi)
{
	static const unsigned int offs[] = {0x00c, 0x040, 0x07c, 0xd00, 0xe00,
					    0xf04, 0xf0c, 0xf30, 0xfcc};

	gm_vm_setup(&vm, 1, 64, 4);
	for (unsigned int i = 0; i < ARRAY_SIZE(offs); i++) {
		gm_wr(&vm.vcpus[0], offs[i], 4, 0xffffffff);
		EXPECT_EQ(gm_rd(&vm.vcpus[0], offs[i], 4), 0);
		EXPECT_EQ(gm_rd(&vm.vcpus[0], offs[i], 1), 0);
	}
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_CTLR, 4), 0);
}

TEST(gicd_halfword_access_is_rejected_everywhere)
{
	uint64_t val = 0;

	gm_vm_setup(&vm, 1, 64, 4);
	EXPECT_EQ(access(&vm.vcpus[0], GICD_CTLR, 2, false, &val), -EINVAL);
	EXPECT_EQ(access(&vm.vcpus[0], GICD_IPRIORITYR + 32, 2, true, &val),
		  -EINVAL);
	EXPECT_EQ(access(&vm.vcpus[0], GICD_ITARGETSR + 32, 2, false, &val),
		  -EINVAL);
	EXPECT_EQ(access(&vm.vcpus[0], 0x040, 2, false, &val), -EINVAL);
	EXPECT_EQ(access(&vm.vcpus[0], GICD_CTLR, 8, false, &val), -EINVAL);
}

TEST(gicd_byte_access_to_word_only_register_is_rejected)
{
	uint64_t val = 1;

	gm_vm_setup(&vm, 1, 64, 4);
	EXPECT_EQ(access(&vm.vcpus[0], GICD_CTLR, 1, true, &val), -EINVAL);
	EXPECT_EQ(access(&vm.vcpus[0], GICD_ISENABLER + 4, 1, true, &val),
		  -EINVAL);
	EXPECT_EQ(access(&vm.vcpus[0], GICD_ICFGR + 8, 1, false, &val),
		  -EINVAL);
	EXPECT_EQ(access(&vm.vcpus[0], GICD_SGIR, 1, true, &val), -EINVAL);
	EXPECT_EQ(access(&vm.vcpus[0], GICD_PIDR2, 1, false, &val), -EINVAL);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_CTLR, 4), 0);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISENABLER + 4, 4), 0);
}

TEST(gicd_misaligned_or_out_of_frame_access_is_rejected)
{
	uint64_t val = 0;

	gm_vm_setup(&vm, 1, 64, 4);
	EXPECT_EQ(access(&vm.vcpus[0], GICD_ISENABLER + 2, 4, false, &val),
		  -EINVAL);
	EXPECT_EQ(access(&vm.vcpus[0], GICD_IPRIORITYR + 33, 4, false, &val),
		  -EINVAL);
	EXPECT_EQ(access(&vm.vcpus[0], GICD_SIZE, 4, false, &val), -EINVAL);
}

TEST(gicd_enable_bits_beyond_nr_irqs_are_raz_wi)
{
	gm_vm_setup(&vm, 1, 64, 4);
	gm_wr(&vm.vcpus[0], GICD_ISENABLER + 8, 4, 0xffffffff);
	gm_wr(&vm.vcpus[0], GICD_ISPENDR + 8, 4, 0xffffffff);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISENABLER + 8, 4), 0);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_ISPENDR + 8, 4), 0);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_IPRIORITYR + 124, 4), 0);
}

TEST(gicd_ctlr_disabled_holds_pending_irq_back_until_enabled)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_wr(v, GICD_ITARGETSR + 32, 1, 1);
	gm_wr(v, GICD_ISENABLER + 4, 4, 1);
	gm_wr(v, GICD_ISPENDR + 4, 4, 1);
	EXPECT_FALSE(queued_on(v, 32));
	gm_wr(v, GICD_CTLR, 4, 1);
	EXPECT_TRUE(queued_on(v, 32));
	gm_wr(v, GICD_CTLR, 4, 0);
	EXPECT_FALSE(queued_on(v, 32));
	EXPECT_EQ(gm_rd(v, GICD_ISPENDR + 4, 4), 1);
}

TEST(gicd_group1_irq_needs_enable_grp1_and_sets_lr_grp1)
{
	struct vcpu *v = &vm.vcpus[0];

	gm_vm_setup(&vm, 1, 64, 4);
	gm_irq_setup(v, 33, 0x80, 1, true);
	gm_wr(v, GICD_IGROUPR + 4, 4, 1u << 1);
	ASSERT_EQ(vgic_inject(v, 33), 0);
	EXPECT_FALSE(queued_on(v, 33));
	gm_wr(v, GICD_CTLR, 4, 3);
	EXPECT_TRUE(queued_on(v, 33));
	gm_enter(v);
	EXPECT_EQ(gm_cpus[0].lr[0] & (GICH_LR_GRP1 | GICH_LR_VIRTUALID_MASK),
		  GICH_LR_GRP1 | 33);
}

TEST(gicd_spi_without_target_is_not_delivered_until_targeted)
{
	struct vcpu *v = &vm.vcpus[1];

	gm_vm_setup(&vm, 2, 64, 4);
	gm_irq_setup(v, 34, 0x80, 0, true);
	ASSERT_EQ(vgic_inject(v, 34), 0);
	EXPECT_FALSE(queued_on(&vm.vcpus[0], 34));
	EXPECT_FALSE(queued_on(&vm.vcpus[1], 34));
	gm_wr(&vm.vcpus[0], GICD_ITARGETSR + 34, 1, 0x2);
	EXPECT_TRUE(queued_on(&vm.vcpus[1], 34));
	EXPECT_EQ(host_wakes(&vm.vcpus[1]), 1);
}

/* ---- with the writer's LRs loaded (the run loop's fast re-entry) -------- */

/* An access made while @v's LRs sit in its pCPU's GICH, not synced. */
static int quick(struct vcpu *v, unsigned int off, unsigned int size,
		 bool write, uint64_t *val)
{
	int r;

	gm_enter(v);
	r = vgic_dist_access(v, off, size, write, val);
	gm_exit(v);
	return r;
}

TEST(gicd_quick_read_of_isenabler_matches_the_full_read)
{
	uint64_t val = 0;

	gm_vm_setup(&vm, 2, 96, 4);
	gm_wr(&vm.vcpus[0], GICD_ISENABLER, 4, 0x80000001);
	gm_wr(&vm.vcpus[0], GICD_ISENABLER + 4, 4, 0x00010000);
	EXPECT_EQ(quick(&vm.vcpus[0], GICD_ISENABLER, 4, false, &val), 0);
	EXPECT_EQ(val, gm_rd(&vm.vcpus[0], GICD_ISENABLER, 4));
	EXPECT_EQ(quick(&vm.vcpus[1], GICD_ICENABLER + 4, 4, false, &val), 0);
	EXPECT_EQ(val, 0x00010000);
	EXPECT_EQ(quick(&vm.vcpus[0], GICD_IPRIORITYR + 32, 1, false, &val), 0);
	EXPECT_EQ(val, gm_rd(&vm.vcpus[0], GICD_IPRIORITYR + 32, 1));
}

TEST(gicd_quick_access_declines_pending_and_active_reads)
{
	uint64_t val = 0;

	gm_vm_setup(&vm, 2, 64, 4);
	EXPECT_EQ(quick(&vm.vcpus[0], GICD_ISPENDR, 4, false, &val), -EAGAIN);
	EXPECT_EQ(quick(&vm.vcpus[0], GICD_ICPENDR + 4, 4, false, &val),
		  -EAGAIN);
	EXPECT_EQ(quick(&vm.vcpus[0], GICD_ISACTIVER, 4, false, &val), -EAGAIN);
	EXPECT_EQ(quick(&vm.vcpus[0], GICD_ICACTIVER, 4, false, &val), -EAGAIN);
	EXPECT_EQ(quick(&vm.vcpus[0], GICD_CPENDSGIR, 1, false, &val), -EAGAIN);
	EXPECT_EQ(quick(&vm.vcpus[0], GICD_SPENDSGIR, 4, false, &val), -EAGAIN);
}

TEST(gicd_quick_access_refuses_what_the_spec_forbids)
{
	uint64_t val = 0;

	gm_vm_setup(&vm, 2, 64, 4);
	EXPECT_EQ(quick(&vm.vcpus[0], GICD_ISENABLER + 1, 1, false, &val),
		  -EINVAL);
	EXPECT_EQ(quick(&vm.vcpus[0], GICD_ISENABLER, 2, false, &val), -EINVAL);
	EXPECT_EQ(quick(&vm.vcpus[0], GICD_SIZE, 4, false, &val), -EINVAL);
}

TEST(gicd_synced_access_reads_pending_and_active)
{
	uint64_t val = 0;

	gm_vm_setup(&vm, 2, 64, 4);
	EXPECT_EQ(vgic_dist_access(&vm.vcpus[0], GICD_ISPENDR, 4, false, &val),
		  0);
	EXPECT_EQ(
		vgic_dist_access(&vm.vcpus[0], GICD_CPENDSGIR, 1, false, &val),
		0);
}

TEST(gicd_quick_access_declines_every_write_but_sgir)
{
	uint64_t val = 0xffffffff;

	gm_vm_setup(&vm, 2, 64, 4);
	EXPECT_EQ(quick(&vm.vcpus[0], GICD_ISENABLER, 4, true, &val), -EAGAIN);
	EXPECT_EQ(quick(&vm.vcpus[0], GICD_CTLR, 4, true, &val), -EAGAIN);
	EXPECT_EQ(quick(&vm.vcpus[0], GICD_ITARGETSR + 32, 1, true, &val),
		  -EAGAIN);
	EXPECT_EQ(gm_rd(&vm.vcpus[0], GICD_CTLR, 4), 0);
}

TEST(gicd_quick_sgir_to_other_vcpus_pends_them_with_source)
{
	uint64_t list = GM_SGIR(GICD_SGIR_FILTER_LIST, 0x0a, 3),
		 others = GM_SGIR(GICD_SGIR_FILTER_OTHERS, 0, 5);

	gm_vm_setup(&vm, 4, 64, 4);
	EXPECT_EQ(quick(&vm.vcpus[0], GICD_SGIR, 4, true, &list), 0);
	EXPECT_EQ(sgi_srcs(&vm.vcpus[1], 3), 0x01);
	EXPECT_EQ(sgi_srcs(&vm.vcpus[3], 3), 0x01);
	EXPECT_EQ(sgi_srcs(&vm.vcpus[0], 3), 0);
	EXPECT_EQ(quick(&vm.vcpus[2], GICD_SGIR, 4, true, &others), 0);
	EXPECT_EQ(sgi_srcs(&vm.vcpus[0], 5), 0x04);
	EXPECT_EQ(sgi_srcs(&vm.vcpus[2], 5), 0);
}

TEST(gicd_quick_sgir_declines_an_sgi_that_reaches_the_writer)
{
	uint64_t list = GM_SGIR(GICD_SGIR_FILTER_LIST, 0x03, 3),
		 self = GM_SGIR(GICD_SGIR_FILTER_SELF, 0, 4);
	uint64_t reserved = GM_SGIR(3, 0, 4); /* filter 3: reserved */

	gm_vm_setup(&vm, 2, 64, 4);
	EXPECT_EQ(quick(&vm.vcpus[0], GICD_SGIR, 4, true, &list), -EAGAIN);
	EXPECT_EQ(quick(&vm.vcpus[1], GICD_SGIR, 4, true, &self), -EAGAIN);
	EXPECT_EQ(sgi_srcs(&vm.vcpus[0], 3), 0);
	EXPECT_EQ(sgi_srcs(&vm.vcpus[1], 3), 0);
	EXPECT_EQ(sgi_srcs(&vm.vcpus[1], 4), 0);
	/* The reserved filter sends no SGI (GICv2 §4.3.15), so it spares
	 * the writer's LRs: answered here, with nothing pending anywhere. */
	EXPECT_EQ(quick(&vm.vcpus[1], GICD_SGIR, 4, true, &reserved), 0);
	for (unsigned int c = 0; c < 2; c++)
		for (unsigned int sgi = 0; sgi < 16; sgi++)
			EXPECT_EQ(sgi_srcs(&vm.vcpus[c], sgi), 0);
}
