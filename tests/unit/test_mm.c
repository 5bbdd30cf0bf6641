/* SPDX-License-Identifier: MIT */
/* Physical page allocator (core/mm.c) over a host buffer playing RAM. */
#include <errno.h>
#include <pthread.h>

#include "fake_ram.h"
#include "host_arch.h"
#include "mm.h"
#include "test.h"

/* test.h's ASSERT_EQ evaluates its arguments twice: call once here. */
#define ASSERT_OK(expr)                             \
	do {                                        \
		long long ret_ = (long long)(expr); \
		ASSERT_EQ(ret_, 0);                 \
	} while (0)

#define PA(page) (FAKE_RAM_PA + (uint64_t)(page)*PAGE_SIZE)

/* The fake RAM byte at @pa, heap or reserved: what a test inspects. */
static uint8_t *ram_at(uint64_t pa)
{
	return mm_host_phys_ptr(pa);
}

TEST(mm_free_count_excludes_the_bitmap_page)
{
	fake_ram_reset();
	/* 1024 pages need 128 bytes of bitmap: one page of metadata. */
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 1);
}

TEST(mm_empty_allocator_has_nothing)
{
	fake_ram_reset_at(FAKE_RAM_PA);
	EXPECT_EQ(mm_free_count(), 0);
	EXPECT_EQ(mm_alloc_pages(1, 0), 0);
}

TEST(mm_first_allocation_follows_the_bitmap_page)
{
	fake_ram_reset();
	EXPECT_EQ(mm_alloc_pages(1, 0), PA(1));
	EXPECT_EQ(mm_alloc_pages(2, 1), PA(2));
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 4);
}

TEST(mm_allocated_pages_are_zeroed)
{
	uint64_t pa;

	memset(fake_ram, 0xa5, sizeof(fake_ram));
	fake_ram_reset();
	pa = mm_alloc_pages(3, 0);
	ASSERT_TRUE(pa != 0);
	for (size_t i = 0; i < 3 * PAGE_SIZE; i++)
		if (ram_at(pa)[i]) {
			EXPECT_EQ(ram_at(pa)[i], 0);
			break;
		}
	/* The page after the run is not touched. */
	EXPECT_EQ(ram_at(pa + 3 * PAGE_SIZE)[0], 0xa5);
}

TEST(mm_alloc_honours_alignment)
{
	fake_ram_reset();
	EXPECT_EQ(mm_alloc_pages(1, 0), PA(1));
	/* 2 MiB aligned: page 0 holds the bitmap, so the next 2 MiB line. */
	EXPECT_EQ(mm_alloc_pages(1, 512), PA(512));
	/* 16 KiB aligned run of 4: pages 1 is taken, so pages 4..7. */
	EXPECT_EQ(mm_alloc_pages(4, 4), PA(4));
	EXPECT_EQ(mm_alloc_pages(1, 0), PA(2));
}

TEST(mm_alloc_alignment_is_of_the_physical_address)
{
	/* A region starting at an odd page: alignment counts from PA 0. */
	fake_ram_reset_at(FAKE_RAM_PA);
	ASSERT_OK(mm_add_region(PA(3), 64 * PAGE_SIZE));
	/* Bitmap at page 3; 8-page alignment gives page 8. */
	EXPECT_EQ(mm_alloc_pages(2, 8), PA(8));
}

TEST(mm_alloc_rejects_bad_arguments)
{
	fake_ram_reset();
	EXPECT_EQ(mm_alloc_pages(0, 0), 0);
	EXPECT_EQ(mm_alloc_pages(1, 3), 0);
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 1);
}

TEST(mm_alloc_exhaustion_returns_zero)
{
	fake_ram_reset();
	EXPECT_EQ(mm_alloc_pages(FAKE_RAM_PAGES - 1, 0), PA(1));
	EXPECT_EQ(mm_free_count(), 0);
	EXPECT_EQ(mm_alloc_pages(1, 0), 0);
}

TEST(mm_alloc_needs_a_contiguous_run)
{
	uint64_t a, b;

	fake_ram_reset();
	a = mm_alloc_pages(1, 0);
	b = mm_alloc_pages(1, 0);
	EXPECT_EQ(b, PA(2));
	mm_free_pages(a, 1);
	/* 1022 pages are free, but the longest run is 1021 (pages 3..1023). */
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 2);
	EXPECT_EQ(mm_alloc_pages(FAKE_RAM_PAGES - 2, 0), 0);
	EXPECT_EQ(mm_alloc_pages(FAKE_RAM_PAGES - 3, 0), PA(3));
}

TEST(mm_free_then_realloc_returns_the_same_zeroed_pages)
{
	uint64_t pa;

	fake_ram_reset();
	pa = mm_alloc_pages(4, 0);
	memset(ram_at(pa), 0x5a, 4 * PAGE_SIZE);
	mm_free_pages(pa, 4);
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 1);
	EXPECT_EQ(mm_alloc_pages(4, 0), pa);
	EXPECT_EQ(ram_at(pa)[0], 0);
	EXPECT_EQ(ram_at(pa)[4 * PAGE_SIZE - 1], 0);
}

TEST(mm_reserve_then_alloc_never_returns_reserved_pages)
{
	uint64_t pa, got = 0;

	fake_ram_reset();
	ASSERT_OK(mm_reserve(PA(1), 255 * PAGE_SIZE));
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 256);
	while ((pa = mm_alloc_pages(1, 0)) != 0) {
		if (pa >= PA(1) && pa < PA(256))
			EXPECT_EQ(pa, 0);
		got++;
	}
	EXPECT_EQ(got, FAKE_RAM_PAGES - 256);
}

TEST(mm_bitmap_is_not_placed_over_an_early_reservation)
{
	/* vigil's image at the start of RAM, reserved before any allocation. */
	memset(fake_ram, 0xa5, 3 * PAGE_SIZE);
	fake_ram_reset();
	ASSERT_OK(mm_reserve(PA(0), 3 * PAGE_SIZE));
	/* The bitmap goes to page 3, the first allocation to page 4. */
	EXPECT_EQ(mm_alloc_pages(1, 0), PA(4));
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 5);
	EXPECT_EQ(ram_at(PA(0))[0], 0xa5);
	EXPECT_EQ(ram_at(PA(2))[PAGE_SIZE - 1], 0xa5);
}

TEST(mm_region_fully_reserved_gives_nothing)
{
	fake_ram_reset();
	ASSERT_OK(mm_reserve(FAKE_RAM_PA, FAKE_RAM_SIZE));
	EXPECT_EQ(mm_free_count(), 0);
	EXPECT_EQ(mm_alloc_pages(1, 0), 0);
}

TEST(mm_reserve_unaligned_grows_outward)
{
	fake_ram_reset();
	/* 0x1800..0x2800 touches pages 1 and 2. */
	ASSERT_OK(mm_reserve(PA(1) + 0x800, PAGE_SIZE));
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 3);
	EXPECT_EQ(mm_alloc_pages(1, 0), PA(3));
}

TEST(mm_add_region_unaligned_shrinks_inward)
{
	fake_ram_reset_at(FAKE_RAM_PA);
	/* 0x800..0x3800: whole pages 1 and 2 only. */
	ASSERT_OK(mm_add_region(PA(0) + 0x800, 3 * PAGE_SIZE));
	EXPECT_EQ(mm_free_count(), 1);
	EXPECT_EQ(mm_alloc_pages(1, 0), PA(2));
	EXPECT_EQ(mm_alloc_pages(1, 0), 0);
}

TEST(mm_add_region_rejects_less_than_a_page)
{
	fake_ram_reset_at(FAKE_RAM_PA);
	EXPECT_EQ(mm_add_region(PA(0) + 0x800, PAGE_SIZE), -EINVAL);
	EXPECT_EQ(mm_add_region(PA(0), 0), -EINVAL);
	EXPECT_EQ(mm_add_region(~0ULL - PAGE_SIZE, 2 * PAGE_SIZE), -EINVAL);
}

TEST(mm_add_region_overlap_is_eexist)
{
	fake_ram_reset_at(FAKE_RAM_PA);
	ASSERT_OK(mm_add_region(PA(0), 16 * PAGE_SIZE));
	EXPECT_EQ(mm_add_region(PA(15), 16 * PAGE_SIZE), -EEXIST);
	EXPECT_EQ(mm_add_region(PA(16), 16 * PAGE_SIZE), 0);
}

TEST(mm_add_region_past_the_limit_is_enospc)
{
	fake_ram_reset_at(FAKE_RAM_PA);
	for (unsigned int i = 0; i < MM_MAX_REGIONS; i++)
		ASSERT_OK(mm_add_region(PA(4 * i), 4 * PAGE_SIZE));
	EXPECT_EQ(mm_add_region(PA(4 * MM_MAX_REGIONS), 4 * PAGE_SIZE),
		  -ENOSPC);
	EXPECT_EQ(mm_free_count(), 3 * MM_MAX_REGIONS);
}

TEST(mm_physical_page_zero_is_never_allocated)
{
	fake_ram_reset_at(0);
	ASSERT_OK(mm_add_region(0, 8 * PAGE_SIZE));
	/* Page 0 dropped, bitmap at page 1, first allocation page 2. */
	EXPECT_EQ(mm_free_count(), 6);
	EXPECT_EQ(mm_alloc_pages(1, 0), 2 * PAGE_SIZE);
}

TEST(mm_reserve_an_allocated_page_is_ebusy)
{
	uint64_t pa;

	fake_ram_reset();
	pa = mm_alloc_pages(2, 0);
	EXPECT_EQ(mm_reserve(pa + PAGE_SIZE, 2 * PAGE_SIZE), -EBUSY);
	/* Nothing was reserved: the page after the run is still free. */
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 3);
	EXPECT_EQ(mm_alloc_pages(1, 0), pa + 2 * PAGE_SIZE);
}

TEST(mm_reserve_over_the_bitmap_is_ebusy)
{
	fake_ram_reset();
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 1); /* places the bitmap */
	EXPECT_EQ(mm_reserve(PA(0), PAGE_SIZE), -EBUSY);
}

TEST(mm_reserve_twice_is_fine)
{
	fake_ram_reset();
	EXPECT_EQ(mm_reserve(PA(8), 8 * PAGE_SIZE), 0);
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 9);
	EXPECT_EQ(mm_reserve(PA(8), 8 * PAGE_SIZE), 0);
	EXPECT_EQ(mm_reserve(PA(12), 8 * PAGE_SIZE), 0);
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 13);
}

TEST(mm_reserve_after_allocation_takes_free_pages_away)
{
	uint64_t pa;

	fake_ram_reset();
	EXPECT_EQ(mm_alloc_pages(1, 0), PA(1));
	ASSERT_OK(mm_reserve(PA(2), 510 * PAGE_SIZE));
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 512);
	pa = mm_alloc_pages(1, 0);
	EXPECT_EQ(pa, PA(512));
}

TEST(mm_reserve_outside_every_region_is_ignored)
{
	fake_ram_reset();
	EXPECT_EQ(mm_reserve(0x1000, PAGE_SIZE), 0);
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 1);
}

TEST(mm_reservation_applies_to_a_region_added_later)
{
	fake_ram_reset_at(FAKE_RAM_PA);
	ASSERT_OK(mm_reserve(PA(0), 4 * PAGE_SIZE));
	ASSERT_OK(mm_add_region(PA(0), 16 * PAGE_SIZE));
	EXPECT_EQ(mm_free_count(), 11);
	EXPECT_EQ(mm_alloc_pages(1, 0), PA(5));
}

TEST(mm_alloc_moves_to_the_next_region_when_one_is_full)
{
	fake_ram_reset_at(FAKE_RAM_PA);
	ASSERT_OK(mm_add_region(PA(0), 4 * PAGE_SIZE));
	ASSERT_OK(mm_add_region(PA(100), 4 * PAGE_SIZE));
	EXPECT_EQ(mm_alloc_pages(3, 0), PA(1));
	EXPECT_EQ(mm_alloc_pages(2, 0), PA(101));
	EXPECT_EQ(mm_alloc_pages(2, 0), 0);
	EXPECT_EQ(mm_alloc_pages(1, 0), PA(103));
}

TEST(mm_double_free_is_refused)
{
	uint64_t pa;

	fake_ram_reset();
	pa = mm_alloc_pages(2, 0);
	mm_free_pages(pa, 1);
	/* Half of the range is already free: nothing is freed. */
	EXPECT_EQ(mm_try_free_pages(pa, 2), -EINVAL);
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 2);
	EXPECT_EQ(mm_try_free_pages(pa + PAGE_SIZE, 1), 0);
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 1);
}

TEST(mm_free_of_a_reserved_page_is_refused)
{
	fake_ram_reset();
	ASSERT_OK(mm_reserve(PA(10), PAGE_SIZE));
	EXPECT_EQ(mm_try_free_pages(PA(10), 1), -EINVAL);
	EXPECT_EQ(mm_try_free_pages(PA(0), 1), -EINVAL); /* the bitmap */
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 2);
}

TEST(mm_free_outside_ram_is_refused)
{
	fake_ram_reset();
	EXPECT_EQ(mm_try_free_pages(0x1000, 1), -EINVAL);
	EXPECT_EQ(mm_try_free_pages(PA(FAKE_RAM_PAGES - 1), 2), -EINVAL);
	EXPECT_EQ(mm_try_free_pages(PA(5) + 8, 1), -EINVAL);
}

#define THREAD_ALLOCS 60

struct alloc_thread {
	unsigned int cpu;
	uint64_t pa[THREAD_ALLOCS];
};

static void *alloc_thread_fn(void *arg)
{
	struct alloc_thread *t = arg;

	host_set_cpu(t->cpu);
	for (unsigned int i = 0; i < THREAD_ALLOCS; i++) {
		t->pa[i] = mm_alloc_pages(1 + i % 3, 0);
		/* Give some back so frees race with allocations too. */
		if (i % 4 == 3) {
			mm_free_pages(t->pa[i], 1 + i % 3);
			t->pa[i] = 0;
		}
	}
	return NULL;
}

TEST(mm_concurrent_allocations_never_share_a_page)
{
	static struct alloc_thread th[4];
	static uint8_t owner[FAKE_RAM_PAGES];
	pthread_t tid[4];
	uint64_t pages = 0;

	fake_ram_reset();
	memset(owner, 0, sizeof(owner));
	for (unsigned int i = 0; i < 4; i++) {
		th[i].cpu = i + 1;
		pthread_create(&tid[i], NULL, alloc_thread_fn, &th[i]);
	}
	for (unsigned int i = 0; i < 4; i++)
		pthread_join(tid[i], NULL);
	for (unsigned int i = 0; i < 4; i++)
		for (unsigned int k = 0; k < THREAD_ALLOCS; k++) {
			uint64_t pa = th[i].pa[k];

			if (!pa)
				continue;
			for (unsigned int p = 0; p < 1 + k % 3; p++) {
				uint64_t idx = (pa - FAKE_RAM_PA) / PAGE_SIZE;

				EXPECT_EQ(owner[idx + p], 0);
				owner[idx + p] = 1;
				pages++;
			}
		}
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 1 - pages);
}

TEST(mm_reserve_across_bitmap_words_counts_each_page_once)
{
	fake_ram_reset();
	/* Pages 1..2 allocated; the reservation 60..200 spans three bitmap
	 * words partly and two whole, after a reservation 62..70 inside it
	 * and beside the allocated pages: every page is counted once. */
	ASSERT_TRUE(mm_alloc_pages(2, 0) == PA(1));
	ASSERT_OK(mm_reserve(PA(62), 8 * PAGE_SIZE));
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 1 - 2 - 8);
	ASSERT_OK(mm_reserve(PA(60), 140 * PAGE_SIZE));
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 1 - 2 - 140);
	/* The pages around it are still allocatable, the ones in it not. */
	EXPECT_EQ(mm_alloc_pages(57, 0), PA(3));
	EXPECT_EQ(mm_alloc_pages(1, 0), PA(200));
}

TEST(mm_unzeroed_pages_keep_what_they_held)
{
	uint64_t pa;

	memset(fake_ram, 0xa5, sizeof(fake_ram));
	fake_ram_reset();
	pa = mm_alloc_pages_unzeroed(2, 0);
	ASSERT_TRUE(pa == PA(1));
	EXPECT_EQ(ram_at(pa)[0], 0xa5);
	EXPECT_EQ(ram_at(pa)[2 * PAGE_SIZE - 1], 0xa5);
	EXPECT_EQ(mm_free_count(), FAKE_RAM_PAGES - 1 - 2);
}
