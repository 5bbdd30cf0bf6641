/* SPDX-License-Identifier: MIT */
/* SipHash-2-4 against the reference vectors of the paper (appendix A) and
 * of the reference implementation (vectors.h: key 00..0f, message 00..n-1). */
#include "siphash.h"
#include "test.h"

static uint8_t key[16], msg[64];

static void setup(void)
{
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
}

TEST(siphash24_paper_vector_15_bytes)
{
	setup();
	EXPECT_EQ(siphash24(key, msg, 15), 0xa129ca6149be45e5ULL);
}

TEST(siphash24_reference_vectors_empty_and_8_bytes)
{
	setup();
	/* vectors.h, as little-endian 64-bit words. */
	EXPECT_EQ(siphash24(key, msg, 0), 0x726fdb47dd0e0e31ULL);
	EXPECT_EQ(siphash24(key, msg, 1), 0x74f839c593dc67fdULL);
	EXPECT_EQ(siphash24(key, msg, 8), 0x93f5f5799a932462ULL);
	EXPECT_EQ(siphash24(key, msg, 63), 0x958a324ceb064572ULL);
}
