/* SPDX-License-Identifier: MIT */
/*
 * include/compiler.h's bit helpers at the width of long, which is what the
 * 64- and 32-bit unit builds differ in: BIT and GENMASK are unsigned long,
 * the _ULL forms 64 bits everywhere. Under UBSan a shift past the width of
 * long (GENMASK written for 64 bits only) fails the 32-bit run here.
 */
#include "compiler.h"
#include "test.h"

TEST(bits_per_long_is_the_width_of_unsigned_long)
{
	EXPECT_EQ(BITS_PER_LONG, 8 * sizeof(unsigned long));
	EXPECT_EQ(sizeof(BIT(0)), sizeof(unsigned long));
	EXPECT_EQ(sizeof(GENMASK(3, 0)), sizeof(unsigned long));
	EXPECT_EQ(sizeof(BIT_ULL(0)), 8);
	EXPECT_EQ(sizeof(GENMASK_ULL(3, 0)), 8);
}

TEST(genmask_low_and_top_bits_of_a_long)
{
	volatile unsigned int h = 7, l = 0; /* not folded at compile time */

	EXPECT_EQ(GENMASK(h, l), 0xffUL);
	EXPECT_EQ(GENMASK(7, 4), 0xf0UL);
	EXPECT_EQ(GENMASK(0, 0), 1UL);
	EXPECT_EQ(GENMASK(31, 31), 0x80000000UL);
	EXPECT_EQ(GENMASK(31, 0), 0xffffffffUL);
	h = BITS_PER_LONG - 1;
	EXPECT_EQ(GENMASK(h, l), ~0UL);
	EXPECT_EQ(BIT(31), 0x80000000UL);
}

TEST(genmask_ull_and_bit_ull_reach_bit_63_on_every_profile)
{
	volatile unsigned int h = 39, l = 12;

	EXPECT_EQ(GENMASK_ULL(h, l), 0xfffffff000ULL);
	EXPECT_EQ(GENMASK_ULL(63, 32), 0xffffffff00000000ULL);
	EXPECT_EQ(GENMASK_ULL(63, 0), ~0ULL);
	EXPECT_EQ(BIT_ULL(63), 0x8000000000000000ULL);
	EXPECT_EQ(BIT_ULL(32) >> 32, 1);
}
