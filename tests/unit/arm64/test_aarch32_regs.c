/* SPDX-License-Identifier: MIT */
/*
 * arm64's inline register file (arch/arm/arm64/include/asm/vcpu.h) for an
 * AArch32 EL1 guest (vigil,aarch32): values written keep the X registers'
 * upper halves zero, and stepping past a T32 instruction advances the IT
 * state in SPSR_EL2; an AArch64 guest's are written and stepped as before.
 */
#include <string.h>

#include "../../../arch/arm/arm64/include/asm/vcpu.h"
#include "test.h"

TEST(arm64_aarch32_guest_register_writes_keep_the_upper_half_zero)
{
	struct vcpu_arch a;

	memset(&a, 0, sizeof(a));
	a.regs.pstate = A32_MODE_SVC;
	arch_set_reg(&a, 0, (vreg_t)-1); /* a PSCI error code */
	EXPECT_EQ(a.regs.x[0], 0xffffffffUL);
	arch_set_reg(&a, 24, 0x123456789UL);
	EXPECT_EQ(arch_get_reg(&a, 24), 0x23456789UL);
	arch_set_reg(&a, 31, 5); /* not a register */
	EXPECT_EQ(arch_get_reg(&a, 31), 0);

	a.regs.pstate = 0x5; /* EL1h, AArch64 */
	arch_set_reg(&a, 0, (vreg_t)-1);
	EXPECT_EQ(a.regs.x[0], ~0UL);
}

TEST(arm64_aarch32_guest_skip_advances_the_it_state)
{
	struct vcpu_arch a;
	uint64_t t32 = A32_PSR_T | A32_MODE_SVC;

	memset(&a, 0, sizeof(a));
	/* IT = 0x14 (EQ, two instructions left): 0x08 after one. */
	a.regs.pstate = t32 | (0x05UL << 10);
	a.regs.pc = 0x8000;
	arch_skip_insn(&a, false);
	EXPECT_EQ(a.regs.pc, 0x8002);
	EXPECT_EQ(a.regs.pstate, t32 | (0x02UL << 10));
	arch_skip_insn(&a, true);
	EXPECT_EQ(a.regs.pc, 0x8006);
	EXPECT_EQ(a.regs.pstate, t32);

	/* AArch64: bits [15:10] are not IT there; they stay. */
	a.regs.pstate = 0x3c5 | (0x05UL << 10);
	arch_skip_insn(&a, true);
	EXPECT_EQ(a.regs.pc, 0x800a);
	EXPECT_EQ(a.regs.pstate, 0x3c5 | (0x05UL << 10));
}

/* The AArch64 view of an AArch32 register number (ARM ARM D1.20.1), what
 * vigil maps QEMU's raw SRT/Rt to: banked r13/r14 per mode, r8-r14 in FIQ
 * mode, r15 none. */
TEST(arm64_a32_view_xreg_follows_the_register_mapping)
{
	static const struct {
		uint32_t mode;
		unsigned int r8, r13, r14;
	} m[] = {
		{A32_MODE_USR, 8, 13, 14},  {A32_MODE_SYS, 8, 13, 14},
		{A32_MODE_SVC, 8, 19, 18},  {A32_MODE_ABT, 8, 21, 20},
		{A32_MODE_UND, 8, 23, 22},  {A32_MODE_IRQ, 8, 17, 16},
		{A32_MODE_FIQ, 24, 29, 30},
	};

	for (unsigned int i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		uint32_t cpsr = 0x600001c0 | m[i].mode;

		EXPECT_EQ(a32_view_xreg(0, cpsr), 0);
		EXPECT_EQ(a32_view_xreg(7, cpsr), 7);
		EXPECT_EQ(a32_view_xreg(8, cpsr), m[i].r8);
		EXPECT_EQ(a32_view_xreg(12, cpsr), m[i].r8 + 4);
		EXPECT_EQ(a32_view_xreg(13, cpsr), m[i].r13);
		EXPECT_EQ(a32_view_xreg(14, cpsr), m[i].r14);
		EXPECT_EQ(a32_view_xreg(15, cpsr), 31);
	}
	/* Thumb and the flags do not matter; HYP's SP is x15. */
	EXPECT_EQ(a32_view_xreg(14, 0xf00001f3), 18);
	EXPECT_EQ(a32_view_xreg(13, 0x1da), 15);
}
