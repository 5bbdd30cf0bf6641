/* SPDX-License-Identifier: MIT */
/* LPAE table builder (arch/arm/lpae.c), tables in fake RAM. */
#include <errno.h>

#include "fake_ram.h"
#include "lpae.h"
#include "mm.h"
#include "test.h"

/* test.h's ASSERT_EQ evaluates its arguments twice: call once here. */
#define ASSERT_OK(expr)                             \
	do {                                        \
		long long ret_ = (long long)(expr); \
		ASSERT_EQ(ret_, 0);                 \
	} while (0)

#define GIB (1ULL << 30)
#define MIB (1ULL << 20)
#define KIB (1ULL << 10)

/* Level of the leaf mapping @va, or 0 when unmapped. */
static unsigned int leaf_level(const struct lpae_table *t, uint64_t va)
{
	unsigned int level;
	uint64_t d;

	return lpae_lookup(t, va, &d, &level) ? 0 : level;
}

static uint64_t walk_pa(const struct lpae_table *t, uint64_t va)
{
	uint64_t pa;

	return lpae_walk(t, va, &pa, NULL) ? ~0ULL : pa;
}

static const uint64_t *entries(uint64_t table_pa)
{
	return mm_heap_virt(table_pa);
}

TEST(lpae_init_39_bits_starts_at_level_1)
{
	struct lpae_table t;

	fake_ram_reset();
	ASSERT_OK(lpae_init(&t, 39));
	EXPECT_EQ(t.start_level, 1);
	EXPECT_EQ(t.root_entries, 512);
	EXPECT_EQ(t.va_bits, 39);
	EXPECT_EQ(t.root_pa, FAKE_RAM_PA + PAGE_SIZE);
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 2);
}

TEST(lpae_init_stage1_start_level_follows_va_bits)
{
	struct lpae_table t;

	fake_ram_reset();
	ASSERT_OK(lpae_init(&t, 48));
	EXPECT_EQ(t.start_level, 0);
	EXPECT_EQ(t.root_entries, 512);
	ASSERT_OK(lpae_init(&t, 40));
	EXPECT_EQ(t.start_level, 0);
	EXPECT_EQ(t.root_entries, 2);
	ASSERT_OK(lpae_init(&t, 32));
	EXPECT_EQ(t.start_level, 1);
	EXPECT_EQ(t.root_entries, 4);
	ASSERT_OK(lpae_init(&t, 30));
	EXPECT_EQ(t.start_level, 2);
	EXPECT_EQ(t.root_entries, 512);
	EXPECT_EQ(lpae_init(&t, 24), -EINVAL);
	EXPECT_EQ(lpae_init(&t, 49), -EINVAL);
}

TEST(lpae_init_s2_40_bits_concatenates_two_level1_tables)
{
	struct lpae_table t;

	fake_ram_reset();
	ASSERT_OK(lpae_init_s2(&t, 40));
	EXPECT_EQ(t.start_level, 1);
	EXPECT_EQ(t.root_entries, 1024);
	/* 8 KiB root aligned to 8 KiB: page 1 is free but misaligned. */
	EXPECT_EQ(t.root_pa, FAKE_RAM_PA + 2 * PAGE_SIZE);
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 3);
}

TEST(lpae_s2_start_level_allows_up_to_16_root_tables)
{
	struct lpae_table t;

	fake_ram_reset();
	EXPECT_EQ(lpae_s2_start_level(32), 2);
	EXPECT_EQ(lpae_s2_start_level(34), 2);
	EXPECT_EQ(lpae_s2_start_level(35), 1);
	EXPECT_EQ(lpae_s2_start_level(43), 1);
	EXPECT_EQ(lpae_s2_start_level(44), 0);
	EXPECT_EQ(lpae_s2_start_level(48), 0);
	ASSERT_OK(lpae_init_s2(&t, 34));
	EXPECT_EQ(t.root_entries, 8192); /* 16 pages */
	EXPECT_EQ(t.root_pa % (16 * PAGE_SIZE), FAKE_RAM_PA % (16 * PAGE_SIZE));
	ASSERT_OK(lpae_init_s2(&t, 44));
	EXPECT_EQ(t.root_entries, 32);
	EXPECT_EQ(lpae_init_s2(&t, 49), -EINVAL);
}

TEST(lpae_init_without_memory_is_enomem)
{
	struct lpae_table t;

	fake_ram_reset_at(FAKE_RAM_PA);
	EXPECT_EQ(lpae_init(&t, 39), -ENOMEM);
}

TEST(lpae_map_uses_a_1g_block_when_aligned)
{
	struct lpae_table t;
	unsigned int level;
	uint64_t d;

	fake_ram_reset();
	ASSERT_OK(lpae_init_s2(&t, 40));
	ASSERT_OK(lpae_map(&t, GIB, 2 * GIB, GIB, LPAE_S2_NORMAL_RWX));
	ASSERT_OK(lpae_lookup(&t, GIB + 0x1234, &d, &level));
	EXPECT_EQ(level, 1);
	EXPECT_EQ(d, 2 * GIB | LPAE_S2_NORMAL_RWX | LPAE_TYPE_BLOCK);
	EXPECT_EQ(d, 0x800007fd);
	EXPECT_EQ(entries(t.root_pa)[1], d);
	/* No table below the root was needed. */
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 3);
}

TEST(lpae_map_uses_2m_blocks_when_1g_does_not_fit)
{
	struct lpae_table t;
	uint64_t root_entry;

	fake_ram_reset();
	ASSERT_OK(lpae_init(&t, 39));
	ASSERT_OK(lpae_map(&t, GIB + 2 * MIB, 0x80200000, 4 * MIB,
			   LPAE_S1_NORMAL));
	EXPECT_EQ(leaf_level(&t, GIB + 2 * MIB), 2);
	EXPECT_EQ(leaf_level(&t, GIB + 4 * MIB), 2);
	EXPECT_EQ(leaf_level(&t, GIB + 6 * MIB), 0);
	EXPECT_EQ(walk_pa(&t, GIB + 5 * MIB + 8), 0x80500008);
	/* The root entry is a bare table descriptor to one new L2 table. */
	root_entry = entries(t.root_pa)[1];
	EXPECT_EQ(root_entry, (FAKE_RAM_PA + 2 * PAGE_SIZE) | LPAE_TYPE_TABLE);
	EXPECT_EQ(entries(root_entry & LPAE_OA_MASK)[1],
		  0x80200000 | LPAE_S1_NORMAL | LPAE_TYPE_BLOCK);
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 3);
}

TEST(lpae_map_uses_pages_for_unaligned_edges)
{
	struct lpae_table t;
	unsigned int level;
	uint64_t d;

	fake_ram_reset();
	ASSERT_OK(lpae_init(&t, 39));
	ASSERT_OK(lpae_map(&t, 2 * MIB - PAGE_SIZE, 2 * MIB - PAGE_SIZE,
			   2 * MIB + 2 * PAGE_SIZE, LPAE_S1_DEVICE));
	ASSERT_OK(lpae_lookup(&t, 2 * MIB - PAGE_SIZE, &d, &level));
	EXPECT_EQ(level, 3);
	EXPECT_EQ(d, (2 * MIB - PAGE_SIZE) | LPAE_S1_DEVICE | LPAE_TYPE_PAGE);
	EXPECT_EQ(leaf_level(&t, 2 * MIB), 2);
	EXPECT_EQ(leaf_level(&t, 4 * MIB), 3);
	EXPECT_EQ(leaf_level(&t, 4 * MIB + PAGE_SIZE), 0);
	EXPECT_EQ(leaf_level(&t, 2 * MIB - 2 * PAGE_SIZE), 0);
}

TEST(lpae_map_falls_back_to_pages_when_pa_is_misaligned_to_va)
{
	struct lpae_table t;

	fake_ram_reset();
	ASSERT_OK(lpae_init(&t, 39));
	ASSERT_OK(lpae_map(&t, 2 * MIB, 2 * MIB + PAGE_SIZE, 2 * MIB,
			   LPAE_S1_NORMAL));
	EXPECT_EQ(leaf_level(&t, 2 * MIB), 3);
	EXPECT_EQ(leaf_level(&t, 4 * MIB - PAGE_SIZE), 3);
	EXPECT_EQ(walk_pa(&t, 4 * MIB - 1), 4 * MIB + PAGE_SIZE - 1);
}

TEST(lpae_walk_returns_pa_and_attrs_inside_a_block)
{
	struct lpae_table t;
	uint64_t pa = 0, attrs = 0;

	fake_ram_reset();
	ASSERT_OK(lpae_init_s2(&t, 40));
	ASSERT_OK(lpae_map(&t, GIB, 2 * GIB, GIB, LPAE_S2_DEVICE_RW));
	ASSERT_OK(lpae_walk(&t, GIB + 0x123456, &pa, &attrs));
	EXPECT_EQ(pa, 2 * GIB + 0x123456);
	EXPECT_EQ(attrs, LPAE_S2_DEVICE_RW);
}

TEST(lpae_walk_of_an_unmapped_address_is_enoent)
{
	struct lpae_table t;
	uint64_t pa = 7;

	fake_ram_reset();
	ASSERT_OK(lpae_init(&t, 39));
	ASSERT_OK(lpae_map(&t, 0, 0, PAGE_SIZE, LPAE_S1_NORMAL));
	EXPECT_EQ(lpae_walk(&t, PAGE_SIZE, &pa, NULL), -ENOENT);
	EXPECT_EQ(lpae_walk(&t, GIB, &pa, NULL), -ENOENT);
	EXPECT_EQ(lpae_walk(&t, 1ULL << 39, &pa, NULL), -ENOENT);
	EXPECT_EQ(pa, 7);
}

TEST(lpae_map_overlap_is_eexist_and_maps_nothing)
{
	struct lpae_table t;
	uint64_t free_before;

	fake_ram_reset();
	ASSERT_OK(lpae_init(&t, 39));
	ASSERT_OK(lpae_map(&t, 2 * MIB, 0, 2 * MIB, LPAE_S1_NORMAL));
	free_before = mm_free_count();
	EXPECT_EQ(lpae_map(&t, MIB, 0, 2 * MIB, LPAE_S1_NORMAL), -EEXIST);
	EXPECT_EQ(
		lpae_map(&t, 4 * MIB - PAGE_SIZE, 0, PAGE_SIZE, LPAE_S1_NORMAL),
		-EEXIST);
	EXPECT_EQ(leaf_level(&t, MIB), 0);
	EXPECT_EQ(mm_free_count(), free_before);
	/* Right next to it is fine. */
	EXPECT_EQ(lpae_map(&t, 4 * MIB, 0, PAGE_SIZE, LPAE_S1_NORMAL), 0);
}

TEST(lpae_map_rejects_bad_ranges_and_attrs)
{
	struct lpae_table t;

	fake_ram_reset();
	ASSERT_OK(lpae_init(&t, 39));
	EXPECT_EQ(lpae_map(&t, 0x800, 0, PAGE_SIZE, 0), -EINVAL);
	EXPECT_EQ(lpae_map(&t, 0, 0x800, PAGE_SIZE, 0), -EINVAL);
	EXPECT_EQ(lpae_map(&t, 0, 0, 0x800, 0), -EINVAL);
	EXPECT_EQ(lpae_map(&t, 0, 0, 0, 0), -EINVAL);
	EXPECT_EQ(lpae_map(&t, (1ULL << 39) - PAGE_SIZE, 0, 2 * PAGE_SIZE, 0),
		  -EINVAL);
	EXPECT_EQ(lpae_map(&t, 0, (1ULL << 48) - PAGE_SIZE, 2 * PAGE_SIZE, 0),
		  -EINVAL);
	EXPECT_EQ(lpae_map(&t, 0, 0, PAGE_SIZE, LPAE_S1_NORMAL | 0x1000),
		  -EINVAL);
	EXPECT_EQ(lpae_map(&t, 0, 0, PAGE_SIZE, LPAE_TYPE_PAGE), -EINVAL);
	EXPECT_EQ(leaf_level(&t, 0), 0);
	/* The very last page of the input range is fine. */
	EXPECT_EQ(lpae_map(&t, (1ULL << 39) - PAGE_SIZE, 0, PAGE_SIZE, 0), 0);
}

/* Leave exactly @n free pages in fake RAM. */
static void leave_free_pages(uint64_t n)
{
	while (mm_free_count() > n)
		ASSERT_TRUE(mm_alloc_pages(1, 0) != 0);
}

TEST(lpae_map_enomem_undoes_the_partial_mapping)
{
	struct lpae_table t;

	fake_ram_reset();
	ASSERT_OK(lpae_init(&t, 39));
	/* Pages either side of 2 MiB need an L2 and two L3 tables. */
	leave_free_pages(2);
	EXPECT_EQ(lpae_map(&t, 2 * MIB - PAGE_SIZE, 0, 2 * PAGE_SIZE,
			   LPAE_S1_NORMAL),
		  -ENOMEM);
	EXPECT_EQ(leaf_level(&t, 2 * MIB - PAGE_SIZE), 0);
	EXPECT_EQ(leaf_level(&t, 2 * MIB), 0);
}

TEST(lpae_unmap_splits_a_1g_block_down_to_pages)
{
	struct lpae_table t;
	uint64_t attrs = 0;

	fake_ram_reset();
	ASSERT_OK(lpae_init_s2(&t, 40));
	ASSERT_OK(lpae_map(&t, GIB, 4 * GIB, GIB, LPAE_S2_NORMAL_RWX));
	ASSERT_OK(lpae_unmap(&t, GIB + 2 * MIB + PAGE_SIZE, PAGE_SIZE));
	EXPECT_EQ(leaf_level(&t, GIB + 2 * MIB + PAGE_SIZE), 0);
	EXPECT_EQ(leaf_level(&t, GIB + 2 * MIB), 3);
	EXPECT_EQ(leaf_level(&t, GIB + 2 * MIB + 2 * PAGE_SIZE), 3);
	EXPECT_EQ(leaf_level(&t, GIB), 2);
	EXPECT_EQ(leaf_level(&t, GIB + 4 * MIB), 2);
	EXPECT_EQ(walk_pa(&t, GIB + 2 * MIB + 2 * PAGE_SIZE + 5),
		  4 * GIB + 2 * MIB + 2 * PAGE_SIZE + 5);
	EXPECT_EQ(walk_pa(&t, 2 * GIB - 1), 5 * GIB - 1);
	ASSERT_OK(lpae_walk(&t, GIB + 2 * MIB, NULL, &attrs));
	EXPECT_EQ(attrs, LPAE_S2_NORMAL_RWX);
	/* One L2 and one L3 table. */
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 5);
}

TEST(lpae_unmap_of_whole_blocks_allocates_nothing)
{
	struct lpae_table t;
	uint64_t free_before;

	fake_ram_reset();
	ASSERT_OK(lpae_init(&t, 39));
	ASSERT_OK(lpae_map(&t, 0, 0, 8 * MIB, LPAE_S1_NORMAL));
	free_before = mm_free_count();
	ASSERT_OK(lpae_unmap(&t, 2 * MIB, 4 * MIB));
	EXPECT_EQ(mm_free_count(), free_before);
	EXPECT_EQ(leaf_level(&t, 2 * MIB), 0);
	EXPECT_EQ(leaf_level(&t, 6 * MIB - 1), 0);
	EXPECT_EQ(leaf_level(&t, 2 * MIB - 1), 2);
	EXPECT_EQ(leaf_level(&t, 6 * MIB), 2);
}

TEST(lpae_unmap_of_an_unmapped_range_is_fine)
{
	struct lpae_table t;

	fake_ram_reset();
	ASSERT_OK(lpae_init(&t, 39));
	EXPECT_EQ(lpae_unmap(&t, GIB, GIB), 0);
	EXPECT_EQ(lpae_unmap(&t, 0, 1ULL << 39), 0);
	EXPECT_EQ(lpae_unmap(&t, 0, (1ULL << 39) + PAGE_SIZE), -EINVAL);
	EXPECT_EQ(lpae_unmap(&t, 0x10, PAGE_SIZE), -EINVAL);
}

TEST(lpae_unmap_enomem_keeps_the_translation)
{
	struct lpae_table t;

	fake_ram_reset();
	ASSERT_OK(lpae_init_s2(&t, 40));
	ASSERT_OK(lpae_map(&t, GIB, 4 * GIB, GIB, LPAE_S2_NORMAL_RWX));
	/* Enough for the L2 table of the split, not for the L3 one. */
	leave_free_pages(1);
	EXPECT_EQ(lpae_unmap(&t, GIB + PAGE_SIZE, PAGE_SIZE), -ENOMEM);
	EXPECT_EQ(walk_pa(&t, GIB), 4 * GIB);
	EXPECT_EQ(walk_pa(&t, GIB + PAGE_SIZE), 4 * GIB + PAGE_SIZE);
	EXPECT_EQ(walk_pa(&t, 2 * GIB - 1), 5 * GIB - 1);
	EXPECT_EQ(leaf_level(&t, GIB + PAGE_SIZE), 2);
}

TEST(lpae_map_after_unmap_maps_again)
{
	struct lpae_table t;

	fake_ram_reset();
	ASSERT_OK(lpae_init(&t, 39));
	ASSERT_OK(lpae_map(&t, 0, 0, 2 * MIB, LPAE_S1_NORMAL));
	ASSERT_OK(lpae_unmap(&t, 0, 2 * MIB));
	ASSERT_OK(lpae_map(&t, 0, 6 * MIB, 2 * MIB, LPAE_S1_NORMAL_XN));
	EXPECT_EQ(walk_pa(&t, 0x10), 6 * MIB + 0x10);
	EXPECT_EQ(leaf_level(&t, 0), 2);
}

TEST(lpae_destroy_frees_every_table_page)
{
	struct lpae_table t;

	fake_ram_reset();
	ASSERT_OK(lpae_init_s2(&t, 40));
	ASSERT_OK(lpae_map(&t, 0, 0, GIB + 2 * MIB + PAGE_SIZE,
			   LPAE_S2_NORMAL_RWX));
	ASSERT_OK(lpae_map(&t, 600 * GIB, 0, PAGE_SIZE, LPAE_S2_DEVICE_RW));
	ASSERT_OK(lpae_unmap(&t, GIB / 2 + PAGE_SIZE, PAGE_SIZE));
	EXPECT_TRUE(mm_free_count() < FAKE_RAM_PAGES - 3);
	lpae_destroy(&t);
	EXPECT_EQ(t.root_pa, 0);
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 1);
}

TEST(lpae_attribute_macros_have_the_spec_encodings)
{
	/* Stage 2: MemAttr 0b1111, S2AP 0b11, SH 0b11, AF. */
	EXPECT_EQ(LPAE_S2_NORMAL_RWX, 0x7fc);
	/* MemAttr 0b0001 (Device-nGnRE), S2AP 0b11, AF, XN. */
	EXPECT_EQ(LPAE_S2_DEVICE_RW, (1ULL << 54) | 0x4c4);
	/* Stage 1 EL2: AttrIndx 3, AP 0b01, SH 0b11, AF. */
	EXPECT_EQ(LPAE_S1_NORMAL, 0x74c);
	EXPECT_EQ(LPAE_S1_DEVICE, (1ULL << 54) | 0x444);
	EXPECT_EQ(MAIR_EL2_VALUE, 0xff440400);
}
