/* SPDX-License-Identifier: MIT */
/*
 * The CPU interface's 8 KiB window (gic/cpuif.c) on the GICH model's
 * frames laid out as Juno's GIC-400 (tests/unit/gich_model.c), each 4 KiB
 * page aliased over 64 KiB: as Debian's juno-r2.dtb lists them, and as
 * DTBs that list the 128 KiB or only the first page do. Then the guest's
 * GICC window: stage 2 maps it onto the GICV frame's two pages.
 */
#include <errno.h>
#include <stdlib.h>

#include <libfdt.h>

#include "debian_dtb.h"
#include "fake_ram.h"
#include "gic.h"
#include "gich_model.h"
#include "lpae.h"
#include "platform_dt.h"
#include "test.h"

/* What a CPU reads at @pa: the frame and its page. */
static void expect_page(uint64_t pa, enum gm_frame frame, unsigned int page)
{
	unsigned int p, off;

	EXPECT_EQ(gm_decode(pa, &p, &off), frame);
	EXPECT_EQ(p, page);
}

TEST(gic_cpuif_juno_dtb_frames_are_the_straddling_windows)
{
	void *fdt = load_debian_dtb_in("arm", "juno-r2.dtb");
	struct plat_desc d;
	char err[160] = "";
	uint64_t c = 0, v = 0;

	ASSERT_TRUE(fdt != NULL);
	ASSERT_EQ(platform_dt_probe(fdt, &d, err, sizeof(err)), 0);
	gm_reset(4);
	gm_layout_juno();
	/* 8 KiB listed: taken as it is, without a read. */
	ASSERT_EQ(
		gic_cpuif_locate(d.gicc, d.gicc_size, gm_mmio_read32, NULL, &c),
		0);
	ASSERT_EQ(
		gic_cpuif_locate(d.gicv, d.gicv_size, gm_mmio_read32, NULL, &v),
		0);
	EXPECT_EQ(gm_mmio_reads, 0);
	EXPECT_EQ(c, 0x2c02f000);
	EXPECT_EQ(v, 0x2c06f000);
	/* The window: page 0's last alias, then page 1's first, so GICC_DIR
	 * (0x1000) is in page 1. */
	expect_page(c, GM_FRAME_GICC, 0);
	expect_page(c + GICC_IIDR, GM_FRAME_GICC, 0);
	expect_page(c + GICC_DIR, GM_FRAME_GICC, 1);
	expect_page(c + 0x1fff, GM_FRAME_GICC, 1);
	expect_page(v + GICC_DIR, GM_FRAME_GICV, 1);
	EXPECT_EQ(gm_mmio_read32(c + GICC_IIDR, NULL), GM_GIC400_IIDR);
	/* GICH's registers are in its page 0, which 0x2c04f000 aliases. */
	EXPECT_EQ(gm_mmio_read32(d.gich + GICH_VTR, NULL) + 1, 4);
	free(fdt);
}

TEST(gic_cpuif_128k_listing_moves_up_60k)
{
	uint64_t w = 0;

	gm_reset(4);
	gm_layout_juno();
	ASSERT_EQ(
		gic_cpuif_locate(0x2c020000, 0x20000, gm_mmio_read32, NULL, &w),
		0);
	EXPECT_EQ(w, 0x2c02f000);
	ASSERT_EQ(
		gic_cpuif_locate(0x2c060000, 0x20000, gm_mmio_read32, NULL, &w),
		0);
	EXPECT_EQ(w, 0x2c06f000);
	expect_page(w + GICC_DIR, GM_FRAME_GICV, 1);
}

TEST(gic_cpuif_4k_listing_of_an_aliased_gic_is_found_by_its_iidr)
{
	uint64_t w = 0;

	gm_reset(4);
	gm_layout_juno();
	ASSERT_EQ(
		gic_cpuif_locate(0x2c020000, 0x1000, gm_mmio_read32, NULL, &w),
		0);
	EXPECT_EQ(w, 0x2c02f000);
	expect_page(w + GICC_DIR, GM_FRAME_GICC, 1);
}

TEST(gic_cpuif_4k_listing_of_a_plain_gic_is_8k_at_its_base)
{
	uint64_t w = 0;

	gm_reset(4);
	gm_layout = (struct gm_layout){.gicd = 0xff841000,
				       .gicc = 0xff842000,
				       .gich = 0xff844000,
				       .gicv = 0xff846000};
	ASSERT_EQ(
		gic_cpuif_locate(0xff842000, 0x1000, gm_mmio_read32, NULL, &w),
		0);
	EXPECT_EQ(w, 0xff842000);
	expect_page(w + GICC_DIR, GM_FRAME_GICC, 1);
}

TEST(gic_cpuif_refuses_pages_that_are_not_a_gicv2s)
{
	uint64_t w = 0x1234;

	gm_reset(4);
	gm_layout_juno();
	/* 128 KiB listed from the GICD: no IIDR at either end. */
	EXPECT_EQ(
		gic_cpuif_locate(0x2c010000, 0x20000, gm_mmio_read32, NULL, &w),
		-ENODEV);
	/* 4 KiB listed in a hole. */
	EXPECT_EQ(
		gic_cpuif_locate(0x2c100000, 0x1000, gm_mmio_read32, NULL, &w),
		-ENODEV);
	EXPECT_EQ(gic_cpuif_locate(0x2c020000, 0, gm_mmio_read32, NULL, &w),
		  -ENODEV);
	EXPECT_EQ(w, 0x1234);
}

/* The guest's GICC is at the host's (vgic_cpu_ipa()): stage 2 maps its
 * 8 KiB onto the GICV window as core/vm.c does (s2_map_device(),
 * arch/arm/stage2.c: LPAE_S2_DEVICE_RW), one 4 KiB page each. */
TEST(gic_cpuif_guest_gicc_window_maps_gicv_pages_0_and_1)
{
	struct lpae_table t;
	uint64_t c = 0, v = 0, pa = 0;

	gm_reset(4);
	gm_layout_juno();
	ASSERT_EQ(
		gic_cpuif_locate(0x2c020000, 0x20000, gm_mmio_read32, NULL, &c),
		0);
	ASSERT_EQ(
		gic_cpuif_locate(0x2c060000, 0x1000, gm_mmio_read32, NULL, &v),
		0);
	fake_ram_reset();
	ASSERT_EQ(lpae_init_s2(&t, 40), 0);
	ASSERT_EQ(lpae_map(&t, c, v, GICV_SIZE, LPAE_S2_DEVICE_RW), 0);
	ASSERT_EQ(lpae_walk(&t, c + GICC_IIDR, &pa, NULL), 0);
	EXPECT_EQ(pa, 0x2c06f0fc);
	EXPECT_EQ(gm_mmio_read32(pa, NULL), GM_GIC400_IIDR);
	expect_page(pa, GM_FRAME_GICV, 0);
	ASSERT_EQ(lpae_walk(&t, c + GICC_DIR, &pa, NULL), 0);
	EXPECT_EQ(pa, 0x2c070000);
	expect_page(pa, GM_FRAME_GICV, 1);
	/* Neither the page below nor the one above is the guest's. */
	EXPECT_EQ(lpae_walk(&t, c - 0x1000, &pa, NULL), -ENOENT);
	EXPECT_EQ(lpae_walk(&t, c + 0x2000, &pa, NULL), -ENOENT);
	lpae_destroy(&t);
}
