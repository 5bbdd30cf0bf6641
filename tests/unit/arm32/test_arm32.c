/* SPDX-License-Identifier: MIT */
/*
 * The arm32 profile's host-testable pieces, in the ILP32 build: the zImage
 * header parser (arch/arm/arm32/image.c, under other names here: the
 * unit tests link arm64's as the host profile's), and the inline register
 * file of arch/arm/arm32/include/asm/vcpu.h: the register a syndrome names
 * as the trapping mode banks it, and stepping past an instruction inside a
 * T32 IT block.
 */
#include <errno.h>
#include <string.h>

#include "test.h"

#define arch_image_parse arm32_image_parse
#define arch_image_kind arm32_image_kind
#define arch_guest_aarch32 arm32_guest_aarch32
#include "../../../arch/arm/arm32/image.c"
#include "../../../arch/arm/arm32/include/asm/vcpu.h"

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Linux arch/arm/boot/compressed/head.S: eight no-ops, a branch, then the
 * magic and the start and end at 0x24, 0x28, 0x2c. */
static void make_zimage(uint8_t h[64], uint32_t start, uint32_t end)
{
	memset(h, 0, 64);
	for (int i = 0; i < 8; i++)
		put32(h + 4 * i, 0xe1a00000); /* mov r0, r0 */
	put32(h + 0x20, 0xea000003);	      /* b 0x34 */
	put32(h + 0x24, 0x016f2818);
	put32(h + 0x28, start);
	put32(h + 0x2c, end);
	put32(h + 0x30, 0x04030201);
}

TEST(arm32_zimage_size_is_end_minus_start)
{
	uint8_t h[64];
	struct arch_image img;

	make_zimage(h, 0, 0x54a200); /* Debian 6.1's armmp-lpae zImage */
	EXPECT_EQ(arm32_image_parse(h, sizeof(h), true, &img), 0);
	EXPECT_EQ(img.size, 0x54a200);
	EXPECT_EQ(img.magic, 0x016f2818);
	make_zimage(h, 0x1000, 0x3000);
	EXPECT_EQ(arm32_image_parse(h, sizeof(h), true, &img), 0);
	EXPECT_EQ(img.size, 0x2000);
	/* An end before the start says nothing about the size. */
	make_zimage(h, 0x3000, 0x1000);
	EXPECT_EQ(arm32_image_parse(h, sizeof(h), true, &img), 0);
	EXPECT_EQ(img.size, 0);
	EXPECT_STREQ(arm32_image_kind(true), "ARM zImage");
	/* Its guests boot in AArch32: 32-bit boot arguments. */
	EXPECT_TRUE(arm32_guest_aarch32());
}

TEST(arm32_zimage_wrong_magic_or_short_is_enoent)
{
	uint8_t h[64];
	struct arch_image img;

	make_zimage(h, 0, 0x1000);
	put32(h + 0x24, 0x016f2819);
	EXPECT_EQ(arm32_image_parse(h, sizeof(h), true, &img), -ENOENT);
	EXPECT_EQ(img.magic, 0x016f2819); /* named in the message */
	EXPECT_EQ(img.size, 0);
	make_zimage(h, 0, 0x1000);
	/* The magic's word is read, the end's is not there. */
	EXPECT_EQ(arm32_image_parse(h, 0x2c, true, &img), -ENOENT);
	EXPECT_EQ(img.magic, 0x016f2818);
	EXPECT_EQ(arm32_image_parse(h, 0x27, true, &img), -ENOENT);
	EXPECT_EQ(img.magic, 0);
	/* An arm64 Image is not a zImage. */
	memset(h, 0, sizeof(h));
	memcpy(h + 56, "ARM\x64", 4);
	EXPECT_EQ(arm32_image_parse(h, sizeof(h), true, &img), -ENOENT);
}

static void fill(struct vcpu_arch *a, uint32_t cpsr)
{
	memset(a, 0, sizeof(*a));
	for (unsigned int i = 0; i < 13; i++)
		a->regs.r[i] = 0x100 + i;
	a->regs.sp_usr = 0x1d;
	a->regs.lr_usr = 0x1e;
	for (unsigned int b = 0; b < NR_BANKS; b++) {
		a->regs.bank[b].sp = 0xb0d + 0x100 * b;
		a->regs.bank[b].lr = 0xb0e + 0x100 * b;
	}
	for (unsigned int i = 0; i < 5; i++)
		a->regs.fiq_r[i] = 0xf08 + i;
	a->regs.cpsr = cpsr;
}

TEST(arm32_registers_as_each_mode_banks_them)
{
	static const struct {
		uint32_t mode;
		int bank;
	} modes[] = {
		{0x10, -1},	  {0x1f, -1},	    {0x13, BANK_SVC},
		{0x17, BANK_ABT}, {0x1b, BANK_UND}, {0x12, BANK_IRQ},
		{0x11, BANK_FIQ},
	};
	struct vcpu_arch a;

	for (unsigned int m = 0; m < ARRAY_SIZE(modes); m++) {
		int b = modes[m].bank;

		/* The T bit and flags around the mode change nothing. */
		fill(&a, 0x600000e0 | modes[m].mode);
		for (unsigned int n = 0; n < 8; n++)
			EXPECT_EQ(arch_get_reg(&a, n), 0x100 + n);
		for (unsigned int n = 8; n < 13; n++)
			EXPECT_EQ(arch_get_reg(&a, n),
				  b == BANK_FIQ ? 0xf00 + n : 0x100 + n);
		EXPECT_EQ(arch_get_reg(&a, 13),
			  b < 0 ? 0x1d : 0xb0d + 0x100 * (unsigned int)b);
		EXPECT_EQ(arch_get_reg(&a, 14),
			  b < 0 ? 0x1e : 0xb0e + 0x100 * (unsigned int)b);
		/* The PC and the zero register are not registers here. */
		EXPECT_EQ(arch_get_reg(&a, 15), 0);
		EXPECT_EQ(arch_get_reg(&a, 31), 0);
	}
}

TEST(arm32_set_reg_writes_only_the_banked_copy)
{
	struct vcpu_arch a, before;

	fill(&a, 0x11); /* FIQ */
	before = a;
	arch_set_reg(&a, 9, 0xdead);
	arch_set_reg(&a, 13, 0xbeef);
	arch_set_reg(&a, 15, 0x1234); /* dropped */
	arch_set_reg(&a, 31, 0x5678); /* dropped */
	EXPECT_EQ(a.regs.fiq_r[1], 0xdead);
	EXPECT_EQ(a.regs.r[9], before.regs.r[9]);
	EXPECT_EQ(a.regs.bank[BANK_FIQ].sp, 0xbeef);
	EXPECT_EQ(a.regs.sp_usr, before.regs.sp_usr);
	a.regs.fiq_r[1] = before.regs.fiq_r[1];
	a.regs.bank[BANK_FIQ].sp = before.regs.bank[BANK_FIQ].sp;
	EXPECT_EQ(memcmp(&a, &before, sizeof(a)), 0);

	fill(&a, 0x13); /* SVC */
	arch_set_reg(&a, 14, 0x4242);
	arch_set_reg(&a, 12, 0x4343);
	EXPECT_EQ(a.regs.bank[BANK_SVC].lr, 0x4242);
	EXPECT_EQ(a.regs.lr_usr, 0x1e);
	EXPECT_EQ(a.regs.r[12], 0x4343);
	EXPECT_EQ(a.regs.fiq_r[4], 0xf0c);
}

/* CPSR with IT[7:0] = @it: IT[1:0] in bits 26:25, IT[7:2] in 15:10. */
static uint32_t cpsr_it(uint32_t it)
{
	return 0x30 | ((it & 3) << 25) | ((it >> 2) << 10); /* T, USR */
}

TEST(arm32_skip_insn_steps_the_pc_and_the_it_state)
{
	struct vcpu_arch a;

	memset(&a, 0, sizeof(a));
	a.regs.pc = 0x8000;
	a.regs.cpsr = 0x13;
	arch_skip_insn(&a, true);
	EXPECT_EQ(a.regs.pc, 0x8004);
	EXPECT_EQ(a.regs.cpsr, 0x13);
	arch_skip_insn(&a, false);
	EXPECT_EQ(a.regs.pc, 0x8006);

	/* ITTE EQ: IT = 0x06 (cond 0000, mask 0110) after the IT itself;
	 * ITAdvance shifts IT[4:0] left while IT[2:0] != 0, then clears. */
	a.regs.cpsr = cpsr_it(0x06);
	arch_skip_insn(&a, false);
	EXPECT_EQ(a.regs.cpsr, cpsr_it(0x0c));
	arch_skip_insn(&a, true);
	EXPECT_EQ(a.regs.cpsr, cpsr_it(0x18));
	arch_skip_insn(&a, false);
	EXPECT_EQ(a.regs.cpsr, cpsr_it(0x00)); /* the block is over */
	EXPECT_EQ(a.regs.pc, 0x800e);
	/* The condition's top bits (IT[7:5]) stay while the block lasts. */
	a.regs.cpsr = cpsr_it(0xe4) | 0xf0000000;
	arch_skip_insn(&a, false);
	EXPECT_EQ(a.regs.cpsr, cpsr_it(0xe8) | 0xf0000000);
}
