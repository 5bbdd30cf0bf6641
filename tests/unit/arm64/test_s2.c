/* SPDX-License-Identifier: MIT */
/*
 * The AArch64 translation-control register values (arch/arm/arm64/s2.c).
 * arm64-only: listed in UNIT64_SRCS (tests/unit/unit.mk), which a
 * 32-bit unit build leaves out.
 */
#include "asm/s2.h"
#include "stage2.h"
#include "test.h"
#include "vm.h"

TEST(arm64_vtcr_el2_for_40_bit_ipa)
{
	/* T0SZ 24, SL0 1 (level 1), IRGN0/ORGN0 WBWA, SH0 inner, TG0 4K,
	 * PS 40 bits, RES1 bit 31: the value KVM programs for this. */
	EXPECT_EQ(arm64_vtcr_el2(40, 2), 0x80023558);
	/* 48 bits: T0SZ 16, SL0 2 (level 0), PS 0b101. */
	EXPECT_EQ(arm64_vtcr_el2(48, 5), 0x80053590);
	/* 32 bits: T0SZ 32, SL0 0 (level 2), PS 0b000. */
	EXPECT_EQ(arm64_vtcr_el2(32, 0), 0x80003520);
}

TEST(arm64_vtcr_el2_rejects_ipa_beyond_the_pa_range)
{
	EXPECT_EQ(arm64_vtcr_el2(44, 2), 0);
	EXPECT_EQ(arm64_vtcr_el2(40, 6), 0);
	EXPECT_EQ(arm64_vtcr_el2(24, 2), 0);
}

TEST(arm64_tcr_el2_and_pa_range)
{
	EXPECT_EQ(arm64_tcr_el2(48, 2), 0x80823510);
	EXPECT_EQ(arm64_tcr_el2(39, 1), 0x80813519);
	EXPECT_EQ(arm64_tcr_el2(49, 1), 0);
	EXPECT_EQ(arm64_pa_range_bits(0), 32);
	EXPECT_EQ(arm64_pa_range_bits(5), 48);
	EXPECT_EQ(arm64_pa_range_bits(6), 0);
}

TEST(arm64_vttbr_el2_holds_the_root_and_the_vmid)
{
	EXPECT_EQ(arm64_vttbr_el2(0x40002000, 5), 0x0005000040002000ULL);
	EXPECT_EQ(arm64_vttbr_el2(0x48000000, 3), 0x0003000048000000ULL);
}
