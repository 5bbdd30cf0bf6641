/* SPDX-License-Identifier: MIT */
/*
 * The mm_map() contract (include/mm.h) and the page-by-page copies built on
 * it (core/mm.c), against the checking window of tests/unit/host_mm_map.c.
 */
#include "fake_ram.h"
#include "host_arch.h"
#include "host_mm_map.h"
#include "mm.h"
#include "test.h"

#define PA(page) (FAKE_RAM_PA + (uint64_t)(page)*PAGE_SIZE)

static uint8_t pattern(uint64_t pa)
{
	return (uint8_t)(pa * 13 + (pa >> 12));
}

/* fake_ram at FAKE_RAM_PA, each byte pattern(its PA); nothing mapped. */
static void ram_fill(void)
{
	fake_ram_reset();
	for (size_t i = 0; i < FAKE_RAM_SIZE; i++)
		fake_ram[i] = pattern(FAKE_RAM_PA + i);
	host_mm_maps_reset();
}

/* The host window panics on a broken rule; 1 if @fn did. */
static int panics(void (*fn)(void))
{
	jmp_buf jb;

	if (HOST_EXPECT_PANIC(jb) == 0) {
		fn();
		host_expect_panic_end();
		return 0;
	}
	host_expect_panic_end();
	host_mm_maps_reset();
	return 1;
}

TEST(mm_map_gives_the_bytes_at_pa_and_writes_back_at_unmap)
{
	uint8_t *p;

	ram_fill();
	p = mm_map(PA(2) + 100, 8);
	EXPECT_EQ(p[0], pattern(PA(2) + 100));
	EXPECT_EQ(p[7], pattern(PA(2) + 107));
	p[3] = 0x5a;
	EXPECT_EQ(host_mm_maps_held(), 1);
	mm_unmap(p);
	EXPECT_EQ(host_mm_maps_held(), 0);
	EXPECT_EQ(fake_ram[2 * PAGE_SIZE + 103], 0x5a);
	EXPECT_EQ(fake_ram[2 * PAGE_SIZE + 108], pattern(PA(2) + 108));
}

TEST(mm_copy_from_phys_crosses_pages_one_mapping_at_a_time)
{
	static uint8_t buf[3 * PAGE_SIZE + 200];
	uint64_t pa = PA(1) + PAGE_SIZE - 100;
	int bad = 0;

	ram_fill();
	mm_copy_from_phys(buf, pa, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		bad += buf[i] != pattern(pa + i);
	EXPECT_EQ(bad, 0);
	/* 100 bytes, three whole pages, 100 bytes: five pages touched. */
	EXPECT_EQ(host_mm_maps_made(), 5);
	EXPECT_EQ(host_mm_maps_deepest(), 1);
	EXPECT_EQ(host_mm_maps_held(), 0);
}

TEST(mm_copy_to_phys_writes_exactly_its_range)
{
	static uint8_t buf[PAGE_SIZE + 2];
	uint64_t pa = PA(3) - 1;

	ram_fill();
	memset(buf, 0xee, sizeof(buf));
	mm_copy_to_phys(pa, buf, sizeof(buf));
	EXPECT_EQ(fake_ram[pa - FAKE_RAM_PA - 1], pattern(pa - 1));
	EXPECT_EQ(fake_ram[pa - FAKE_RAM_PA], 0xee);
	EXPECT_EQ(fake_ram[pa - FAKE_RAM_PA + PAGE_SIZE + 1], 0xee);
	EXPECT_EQ(fake_ram[pa - FAKE_RAM_PA + PAGE_SIZE + 2],
		  pattern(pa + PAGE_SIZE + 2));
	/* The last byte of page 2, all of page 3, the first of page 4. */
	EXPECT_EQ(host_mm_maps_made(), 3);
	EXPECT_EQ(host_mm_maps_held(), 0);
}

TEST(mm_copy_phys_holds_two_mappings_and_splits_at_either_page_end)
{
	uint64_t src = PA(8) + 0x10, dst = PA(20) + 0xff0;
	uint64_t len = 2 * PAGE_SIZE;
	int bad = 0;

	ram_fill();
	mm_copy_phys(dst, src, len);
	for (uint64_t i = 0; i < len; i++)
		bad += fake_ram[dst - FAKE_RAM_PA + i] != pattern(src + i);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(host_mm_maps_deepest(), 2);
	EXPECT_EQ(host_mm_maps_held(), 0);
	/* Chunks end at dst's page ends (+0x10, +0x1000) and src's (+0xff0
	 * from it, then +0x1000): 0x10, 0xfe0, 0x10, 0xfe0, 0x10, 0x10. */
	EXPECT_EQ(host_mm_maps_made(), 2 * 5);
}

TEST(mm_copy_of_nothing_maps_nothing)
{
	ram_fill();
	mm_copy_from_phys(NULL, PA(1), 0);
	mm_copy_to_phys(PA(1), NULL, 0);
	mm_copy_phys(PA(2), PA(1), 0);
	EXPECT_EQ(host_mm_maps_made(), 0);
}

static void map_across_a_page(void)
{
	mm_map(PA(1) + PAGE_SIZE - 4, 8);
}

static void map_nothing(void)
{
	mm_map(PA(1), 0);
}

static void map_one_too_many(void)
{
	for (unsigned int i = 0; i <= MM_MAP_SLOTS; i++)
		mm_map(PA(i), 16);
}

static void unmap_out_of_order(void)
{
	void *a = mm_map(PA(1), 16);

	mm_map(PA(2), 16);
	mm_unmap(a);
}

static void unmap_with_nothing_mapped(void)
{
	static uint8_t b;

	mm_unmap(&b);
}

static void map_over_a_live_mapping(void)
{
	mm_map(PA(1) + 8, 16);
	mm_map(PA(1), 9);
}

TEST(mm_map_refuses_a_range_crossing_a_page_or_empty)
{
	ram_fill();
	EXPECT_TRUE(panics(map_across_a_page));
	EXPECT_TRUE(panics(map_nothing));
}

TEST(mm_map_honours_the_slot_limit)
{
	ram_fill();
	EXPECT_TRUE(panics(map_one_too_many));
	/* MM_MAP_SLOTS at once is fine. */
	for (unsigned int i = 0; i < MM_MAP_SLOTS; i++)
		mm_map(PA(i), 16);
	EXPECT_EQ(host_mm_maps_held(), MM_MAP_SLOTS);
	host_mm_maps_reset();
}

TEST(mm_unmap_must_release_the_last_mapping_first)
{
	ram_fill();
	EXPECT_TRUE(panics(unmap_out_of_order));
	EXPECT_TRUE(panics(unmap_with_nothing_mapped));
}

TEST(mm_map_refuses_to_overlap_a_live_mapping)
{
	void *a, *b;

	ram_fill();
	EXPECT_TRUE(panics(map_over_a_live_mapping));
	/* Adjacent ranges do not overlap. */
	a = mm_map(PA(1), 8);
	b = mm_map(PA(1) + 8, 8);
	mm_unmap(b);
	mm_unmap(a);
	EXPECT_EQ(host_mm_maps_held(), 0);
}

static void heap_virt_of_reserved_ram(void)
{
	mm_heap_virt(PA(40));
}

static void heap_virt_outside_every_region(void)
{
	mm_heap_virt(FAKE_RAM_PA + FAKE_RAM_SIZE);
}

TEST(mm_heap_virt_is_only_for_the_heap)
{
	uint64_t pa;

	ram_fill();
	EXPECT_EQ(mm_reserve(PA(40), 4 * PAGE_SIZE), 0);
	EXPECT_TRUE(panics(heap_virt_of_reserved_ram));
	EXPECT_TRUE(panics(heap_virt_outside_every_region));
	pa = mm_alloc_pages(1, 0);
	ASSERT_TRUE(pa != 0);
	EXPECT_EQ((uintptr_t)mm_heap_virt(pa),
		  (uintptr_t)fake_ram + (pa - FAKE_RAM_PA));
	EXPECT_EQ(mm_heap_phys(mm_heap_virt(pa)), pa);
}
