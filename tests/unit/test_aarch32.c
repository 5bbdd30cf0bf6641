/* SPDX-License-Identifier: MIT */
/*
 * The AArch32 PL1 helpers both ARM profiles share (arch/arm/include/
 * aarch32.h): exception entry, the IT state after a skipped instruction,
 * the condition check of a trapped conditional instruction
 * (trap_check_cond_a32(), arch/arm/trap.c), and the injected aborts'
 * fault status.
 */
#include "aarch32.h"
#include "esr.h"
#include "test.h"

#define NZCV(n, z, c, v) \
	(((uint32_t)(n) << 31) | ((z) << 30) | ((c) << 29) | ((v) << 28))

/* A data abort from SVC mode in A32 at 0x50000264, low vectors at
 * 0x50003160: LR_abt = PC + 8, SPSR_abt the old CPSR, ABT mode with A and
 * I masked, the vector at VBAR + 0x10. */
TEST(aarch32_dabt_entry_from_svc_a32)
{
	uint32_t lr, spsr, pc, cpsr;

	cpsr = a32_exception_entry(0x600001d3, 0x50000264, 0x00c50838,
				   0x50003160, A32_MODE_ABT, A32_VEC_DABT, 8, 8,
				   &lr, &spsr, &pc);
	EXPECT_EQ(cpsr, 0x600001d7);
	EXPECT_EQ(spsr, 0x600001d3);
	EXPECT_EQ(lr, 0x5000026c);
	EXPECT_EQ(pc, 0x50003170);
}

/* An undef from T32 inside an IT block, with SCTLR.V (high vectors),
 * SCTLR.TE and SCTLR.EE: LR = PC + 2, IT and the old T cleared, T and E
 * set from SCTLR, the vector at 0xffff0004; only A stays as it was. */
TEST(aarch32_undef_entry_from_t32_high_vectors_te_ee)
{
	uint32_t old = NZCV(1, 0, 0, 0) | (0x3U << 25) | (0x3fU << 10) |
		       A32_PSR_T | A32_PSR_F | A32_MODE_SVC;
	uint32_t sctlr = A32_SCTLR_V | A32_SCTLR_TE | A32_SCTLR_EE;
	uint32_t lr, spsr, pc, cpsr;

	cpsr = a32_exception_entry(old, 0x8000, sctlr, 0x50003160, A32_MODE_UND,
				   A32_VEC_UNDEF, 4, 2, &lr, &spsr, &pc);
	EXPECT_EQ(cpsr, NZCV(1, 0, 0, 0) | A32_PSR_T | A32_PSR_E | A32_PSR_I |
				A32_PSR_F | A32_MODE_UND);
	EXPECT_EQ(spsr, old);
	EXPECT_EQ(lr, 0x8002);
	EXPECT_EQ(pc, 0xffff0004);
}

TEST(aarch32_pabt_entry_masks_asynchronous_aborts)
{
	uint32_t lr, spsr, pc, cpsr;

	cpsr = a32_exception_entry(A32_MODE_USR, 0x1000, 0, 0x2000,
				   A32_MODE_ABT, A32_VEC_PABT, 4, 4, &lr, &spsr,
				   &pc);
	EXPECT_EQ(cpsr, A32_PSR_A | A32_PSR_I | A32_MODE_ABT);
	EXPECT_EQ(lr, 0x1004);
	EXPECT_EQ(pc, 0x200c);
}

/* ITAdvance(): ITSTATE 0b00001000 (the last instruction of a block) ends
 * it; 0b00010100 shifts its low five bits left. */
TEST(aarch32_it_advance)
{
	uint32_t base = NZCV(0, 1, 0, 0) | A32_PSR_T | A32_MODE_SVC;

	EXPECT_EQ(a32_it_advance(base), base);
	/* IT = 0x08: IT[7:2] = 0b000010 at [15:10], IT[1:0] = 0. */
	EXPECT_EQ(a32_it_advance(base | (0x02U << 10)), base);
	/* IT = 0x14 (EQ, two left): becomes 0x08. */
	EXPECT_EQ(a32_it_advance(base | (0x05U << 10)), base | (0x02U << 10));
	/* IT = 0x0b (bits in IT[1:0] too): becomes 0x16. */
	EXPECT_EQ(a32_it_advance(base | (0x02U << 10) | (0x3U << 25)),
		  base | (0x05U << 10) | (0x2U << 25));
}

/* SMC32 (EC 0x13) with CV set and COND in ISS[23:20]. */
static uint64_t smc32(uint32_t cond)
{
	return ((uint64_t)ESR_EC_SMC32 << ESR_EC_SHIFT) | ESR_IL | (1U << 24) |
	       (cond << 20);
}

static bool fails(uint64_t esr, uint32_t cpsr)
{
	struct trap_info ti;

	trap_decode(esr, &ti);
	trap_check_cond_a32(&ti, cpsr);
	return ti.cond_failed;
}

TEST(aarch32_trapped_smc_condition_from_the_syndrome)
{
	uint32_t z = NZCV(0, 1, 0, 0) | A32_MODE_SVC;
	uint32_t nz = A32_MODE_SVC;

	EXPECT_FALSE(fails(smc32(0x0), z));  /* EQ, Z set */
	EXPECT_TRUE(fails(smc32(0x0), nz));  /* EQ, Z clear */
	EXPECT_TRUE(fails(smc32(0x1), z));   /* NE */
	EXPECT_FALSE(fails(smc32(0xe), nz)); /* AL */
	EXPECT_TRUE(fails(smc32(0x8), z));   /* HI: C set and Z clear */
	EXPECT_FALSE(fails(smc32(0x8), NZCV(0, 0, 1, 0)));
	EXPECT_FALSE(fails(smc32(0xa), NZCV(1, 0, 0, 1))); /* GE: N == V */
	EXPECT_TRUE(fails(smc32(0xb), NZCV(1, 0, 0, 1)));  /* LT */
	EXPECT_TRUE(fails(smc32(0xc), NZCV(0, 1, 0, 0)));  /* GT needs !Z */
}

/* CV clear: the condition is the IT block's (ITSTATE[7:4]), or none. */
TEST(aarch32_trapped_mcr_condition_from_the_it_state)
{
	uint64_t mcr = ((uint64_t)ESR_EC_CP15_32 << ESR_EC_SHIFT) | ESR_IL;
	/* IT = 0x18: NE, one instruction. */
	uint32_t it_ne = (0x06U << 10) | A32_PSR_T | A32_MODE_SVC;

	EXPECT_FALSE(fails(mcr, A32_MODE_SVC));
	EXPECT_TRUE(fails(mcr, it_ne | NZCV(0, 1, 0, 0)));
	EXPECT_FALSE(fails(mcr, it_ne));
}

/* Data aborts and HVC32 carry no condition: never "failed". */
TEST(aarch32_dabt_and_hvc_are_never_condition_failed)
{
	uint64_t hvc = ((uint64_t)ESR_EC_HVC32 << ESR_EC_SHIFT) | ESR_IL |
		       (1U << 24); /* an imm16 that looks like CV */
	uint64_t dabt = ((uint64_t)ESR_EC_DABT_LOW << ESR_EC_SHIFT) | ESR_IL |
			ESR_ABT_ISV | (1U << 20) | 0x10;

	EXPECT_FALSE(fails(hvc, A32_MODE_SVC));
	EXPECT_FALSE(fails(dabt, A32_MODE_SVC));
}

/* DFSR/IFSR of an injected synchronous external abort (DDI 0406C
 * B4.1.52): short-descriptor FS 0b01000, long-descriptor 0x10 with LPAE
 * (bit 9), WnR (bit 11) for a write. */
TEST(aarch32_injected_fsr_follows_ttbcr_eae)
{
	EXPECT_EQ(a32_fsr_sea(0, false), 0x008);
	EXPECT_EQ(a32_fsr_sea(0, true), 0x808);
	EXPECT_EQ(a32_fsr_sea(A32_TTBCR_EAE, false), 0x210);
	EXPECT_EQ(a32_fsr_sea(A32_TTBCR_EAE | 5, true), 0xa10);
}
