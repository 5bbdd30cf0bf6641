/* SPDX-License-Identifier: MIT */
/*
 * The ESR_EL1 values vigil injects into an AArch64 guest
 * (arch/arm/arm64/inject.c): AArch64 only, so not in the 32-bit build.
 */
#include "asm/inject.h"
#include "esr.h"
#include "test.h"

TEST(esr_for_injected_dabt_encodings)
{
	/* From EL0 (lower EL), write, SEA: EC 0x24, IL, WnR, DFSC 0x10. */
	EXPECT_EQ(esr_for_injected_dabt(false, true, ESR_FSC_SEA), 0x92000050);
	/* From EL1 (same EL), read. */
	EXPECT_EQ(esr_for_injected_dabt(true, false, ESR_FSC_SEA), 0x96000010);
}

TEST(esr_for_injected_dabt_decodes_back_without_isv)
{
	struct trap_info ti;

	trap_decode(esr_for_injected_dabt(true, true, ESR_FSC_SEA), &ti);
	EXPECT_EQ(ti.cls, TRAP_DABT);
	EXPECT_TRUE(ti.il);
	EXPECT_FALSE(ti.isv);
	EXPECT_TRUE(ti.write);
	EXPECT_TRUE(ti.same_el);
	EXPECT_EQ(ti.fsc, ESR_FSC_SEA);
}

TEST(esr_for_injected_iabt_and_undef_encodings)
{
	EXPECT_EQ(esr_for_injected_iabt(false), 0x82000010);
	EXPECT_EQ(esr_for_injected_iabt(true), 0x86000010);
	EXPECT_EQ(esr_for_undef(), 0x02000000);
}
