/* SPDX-License-Identifier: MIT */
/*
 * The AArch32 injection trampoline's pure parts (arch/arm/arm64/
 * a32_tramp.c): its page of UDFs, where it goes in a VM's IPA space, and
 * the guest state it borrows. arm64-only (UNIT64_SRCS).
 */
#include "asm/a32_tramp.h"
#include "test.h"

TEST(a32_tramp_page_is_a32_udfs_then_t32_udfs)
{
	static uint32_t page[1024];
	unsigned int i, a32 = 0, t32 = 0;

	a32_tramp_fill(page);
	for (i = 0; i < 1024; i++) {
		if (page[i] == 0xe7f000f0)
			a32++;
		else if (page[i] == 0xde00de00)
			t32++;
	}
	EXPECT_EQ(a32, 512);
	EXPECT_EQ(t32, 512);
	EXPECT_EQ(page[0], 0xe7f000f0);
	EXPECT_EQ(page[A32_TRAMP_T32 / 4 - 1], 0xe7f000f0);
	EXPECT_EQ(page[A32_TRAMP_T32 / 4], 0xde00de00);
	EXPECT_EQ(page[1023], 0xde00de00);
}

/* Busy ranges [base, end) for a32_tramp_place(). */
struct ranges {
	unsigned int n;
	uint64_t base[4], end[4];
	unsigned int asked;
};

static bool ranges_busy(void *ctx, uint64_t ipa, uint64_t *below)
{
	struct ranges *r = ctx;
	unsigned int i;

	r->asked++;
	for (i = 0; i < r->n; i++) {
		if (ipa >= r->base[i] && ipa < r->end[i]) {
			*below = r->base[i];
			return true;
		}
	}
	*below = ipa;
	return false;
}

TEST(a32_tramp_goes_to_the_top_8k_below_4g_when_free)
{
	struct ranges r = {1, {0x50000000}, {0x60000000}, 0};

	EXPECT_EQ(a32_tramp_place(ranges_busy, &r), 0xffffe000);
	EXPECT_EQ(r.asked, 2);
}

TEST(a32_tramp_skips_ram_in_one_step)
{
	/* 3 GiB of RAM up to 4 GiB: the pair right below it, found with a
	 * handful of questions, not one per page. */
	struct ranges r = {1, {0x40000000}, {0x100000000}, 0};

	EXPECT_EQ(a32_tramp_place(ranges_busy, &r), 0x3fffe000);
	EXPECT_TRUE(r.asked <= 3);
}

TEST(a32_tramp_needs_both_pages_free)
{
	/* A device in the page the landing needs (the upper one) and one in
	 * the UDF page of the next pair down. */
	struct ranges r = {
		2, {0xfffff000, 0xffffc000}, {0x100000000, 0xffffd000}, 0};

	EXPECT_EQ(a32_tramp_place(ranges_busy, &r), 0xffffa000);
}

TEST(a32_tramp_may_take_ipa_0_and_reports_no_room)
{
	struct ranges low = {1, {0x2000}, {0x100000000}, 0};
	struct ranges none = {1, {0x1000}, {0x100000000}, 0};

	EXPECT_EQ(a32_tramp_place(ranges_busy, &low), 0);
	EXPECT_EQ(a32_tramp_place(ranges_busy, &none), A32_TRAMP_NONE);
}

TEST(a32_tramp_sctlr_turns_the_mmu_and_high_vectors_off_only)
{
	/* Linux's SCTLR: M, C, Z, I, V, TE/EE as set; only M and V go. */
	EXPECT_EQ(a32_tramp_sctlr(0x70c5387d), 0x70c5187c);
	EXPECT_EQ(a32_tramp_sctlr(0x00c50838), 0x00c50838);
	/* Bits above 31 (SCTLR_EL1's) are the guest's too. */
	EXPECT_EQ(a32_tramp_sctlr(0x100000001ULL), 0x100000000ULL);
}

TEST(a32_tramp_resumes_in_the_faulting_instruction_set)
{
	EXPECT_EQ(a32_tramp_pc(0xffffe000, 0x600001d3), 0xffffe000);
	EXPECT_EQ(a32_tramp_pc(0xffffe000, 0x600001f3), 0xffffe800);
	/* In a T32 IT block: the T bit decides, not IT. */
	EXPECT_EQ(a32_tramp_pc(0x3fffe000, 0x0600fc33), 0x3fffe800);
}
