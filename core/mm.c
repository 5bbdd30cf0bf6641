/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator: one bitmap per RAM region, kept inside the region
 * (see include/mm.h for the contract).
 *
 * A bit is set when its page is not free: allocated, reserved, or holding the
 * bitmap itself. Which of these a set bit means is not stored: a set page
 * inside a remembered reservation is reserved, a set page inside the bitmap
 * is metadata, any other set page is allocated. That is all mm_reserve()
 * (-EBUSY) and mm_free_pages() (double free) need to tell them apart.
 */
#include "mm.h"
#include "printk.h"
#include "spinlock.h"

/* After vigil's headers: picolibc's sys/cdefs.h also defines __unused and
 * __aligned, and only a redefinition inside a system header is silent. */
#include <errno.h>
#include <string.h>

#define BITS_PER_WORD 64

struct mm_region {
	uint64_t base; /* physical address of page 0 */
	uint64_t npages;
	uint64_t *bitmap;    /* NULL until placed (or if it did not fit) */
	uint64_t meta_first; /* page index of the bitmap's first page */
	uint64_t meta_pages;
	uint64_t nfree;
	bool placed;
};

struct mm_range {
	uint64_t start, end; /* page aligned, end exclusive */
};

/*
 * mm_lock protects everything below: the regions, their bitmaps and free
 * counts, and the list of reservations.
 */
static struct spinlock mm_lock = SPINLOCK_INIT;
static struct mm_region regions[MM_MAX_REGIONS];
static unsigned int nr_regions;
static struct mm_range reserved[MM_MAX_RESERVED];
static unsigned int nr_reserved;

static intptr_t phys_offset;

#ifdef VIGIL_HOST_TEST
static uint64_t reserved_end(uint64_t pa);

/*
 * Whether @pa is heap: inside a region and outside every reservation (VM
 * RAM and boot images are reserved). Read without mm_lock, which the
 * bitmap placement holds when it asks: host tests add regions and
 * reservations before any thread runs.
 */
static bool heap_has(uint64_t pa)
{
	for (unsigned int i = 0; i < nr_regions; i++)
		if (pa >= regions[i].base &&
		    pa - regions[i].base < regions[i].npages * PAGE_SIZE)
			return !reserved_end(pa);
	return false;
}

void *mm_host_phys_ptr(uint64_t pa)
{
	return (void *)(uintptr_t)(pa + (uint64_t)phys_offset);
}
#endif

void *mm_heap_virt(uint64_t pa)
{
#ifdef VIGIL_HOST_TEST
	if (!heap_has(pa))
		panic("mm_heap_virt(0x%llx): not heap (use mm_map)",
		      (unsigned long long)pa);
#endif
	return (void *)(uintptr_t)(pa + (uint64_t)phys_offset);
}

uint64_t mm_heap_phys(const void *va)
{
	return (uint64_t)(uintptr_t)va - (uint64_t)phys_offset;
}

void mm_set_phys_offset(intptr_t offset)
{
	phys_offset = offset;
}

/* Bytes from @pa to the end of its page, at most @len. */
static size_t page_chunk(uint64_t pa, uint64_t len)
{
	uint64_t room = PAGE_SIZE - (pa & (PAGE_SIZE - 1));

	return (size_t)MIN(len, room);
}

void mm_copy_from_phys(void *dst, uint64_t pa, uint64_t len)
{
	uint8_t *d = dst;

	while (len) {
		size_t n = page_chunk(pa, len);
		const void *s = mm_map(pa, n);

		memcpy(d, s, n);
		mm_unmap(s);
		d += n;
		pa += n;
		len -= n;
	}
}

void mm_copy_to_phys(uint64_t pa, const void *src, uint64_t len)
{
	const uint8_t *s = src;

	while (len) {
		size_t n = page_chunk(pa, len);
		void *d = mm_map(pa, n);

		memcpy(d, s, n);
		mm_unmap(d);
		s += n;
		pa += n;
		len -= n;
	}
}

void mm_copy_phys(uint64_t dst, uint64_t src, uint64_t len)
{
	while (len) {
		/* Up to the nearer page end of the two: one map each. */
		size_t n = page_chunk(dst, page_chunk(src, len));
		const void *s = mm_map(src, n);
		void *d = mm_map(dst, n);

		memcpy(d, s, n);
		mm_unmap(d);
		mm_unmap(s);
		dst += n;
		src += n;
		len -= n;
	}
}

static bool bit_test(const uint64_t *bm, uint64_t i)
{
	return bm[i / BITS_PER_WORD] & (1ULL << (i % BITS_PER_WORD));
}

static void bit_set(uint64_t *bm, uint64_t i)
{
	bm[i / BITS_PER_WORD] |= 1ULL << (i % BITS_PER_WORD);
}

static void bit_clear(uint64_t *bm, uint64_t i)
{
	bm[i / BITS_PER_WORD] &= ~(1ULL << (i % BITS_PER_WORD));
}

/* Index of the first set bit in [from, to), or @to if there is none. */
static uint64_t bit_find_set(const uint64_t *bm, uint64_t from, uint64_t to)
{
	uint64_t i = from;

	while (i < to) {
		uint64_t word = bm[i / BITS_PER_WORD] >> (i % BITS_PER_WORD);

		if (word) {
			i += (uint64_t)__builtin_ctzll(word);
			return i < to ? i : to;
		}
		i = ALIGN_DOWN(i, BITS_PER_WORD) + BITS_PER_WORD;
	}
	return to;
}

/* End of the reservation covering @pa, or 0 if none covers it. */
static uint64_t reserved_end(uint64_t pa)
{
	for (unsigned int i = 0; i < nr_reserved; i++)
		if (pa >= reserved[i].start && pa < reserved[i].end)
			return reserved[i].end;
	return 0;
}

static bool page_is_meta(const struct mm_region *r, uint64_t idx)
{
	return idx >= r->meta_first && idx < r->meta_first + r->meta_pages;
}

/* Set the bits of @r's pages inside [start, end); return how many were new. */
static uint64_t region_mark(struct mm_region *r, uint64_t start, uint64_t end)
{
	uint64_t rend = r->base + r->npages * PAGE_SIZE;
	uint64_t marked = 0;

	uint64_t idx, last;

	start = MAX(start, r->base);
	end = MIN(end, rend);
	if (start >= end)
		return 0;
	idx = (start - r->base) >> PAGE_SHIFT;
	last = (end - r->base + PAGE_SIZE - 1) >> PAGE_SHIFT;
	/* A bitmap word at a time where the range covers it whole: a VM's
	 * RAM is 200,000 pages, 2.8 M instructions bit by bit (issue 16). */
	while (idx < last) {
		uint64_t *w = &r->bitmap[idx / BITS_PER_WORD];
		unsigned int bit = idx % BITS_PER_WORD;
		uint64_t n = MIN(last - idx, (uint64_t)(BITS_PER_WORD - bit));
		uint64_t mask = (n == BITS_PER_WORD ? ~0ULL : (1ULL << n) - 1)
				<< bit;

		marked += (uint64_t)__builtin_popcountll(mask & ~*w);
		*w |= mask;
		idx += n;
	}
	return marked;
}

/*
 * Put @r's bitmap in the first run of pages no reservation covers, then mark
 * the bitmap and every reservation as used.
 */
static void region_place(struct mm_region *r)
{
	uint64_t bytes = ALIGN_UP(r->npages, BITS_PER_WORD) / 8;
	uint64_t meta = ALIGN_UP(bytes, PAGE_SIZE) >> PAGE_SHIFT;
	uint64_t first = 0, idx = 0;

	r->placed = true;
	while (idx < first + meta && first + meta <= r->npages) {
		uint64_t end = reserved_end(r->base + idx * PAGE_SIZE);

		if (end) {
			first = (end - r->base) >> PAGE_SHIFT;
			idx = first;
		} else {
			idx++;
		}
	}
	if (first + meta > r->npages) {
		pr_warn("mm: no room for the bitmap of RAM 0x%llx-0x%llx, "
			"region unused",
			(unsigned long long)r->base,
			(unsigned long long)(r->base + r->npages * PAGE_SIZE));
		return;
	}
	r->meta_first = first;
	r->meta_pages = meta;
	r->bitmap = mm_heap_virt(r->base + first * PAGE_SIZE);
	memset(r->bitmap, 0, meta * PAGE_SIZE);
	/* Bits past the last page stay set so no run can extend past it. */
	for (uint64_t i = r->npages; i < ALIGN_UP(r->npages, BITS_PER_WORD);
	     i++)
		bit_set(r->bitmap, i);
	r->nfree = r->npages;
	r->nfree -= region_mark(r, r->base + first * PAGE_SIZE,
				r->base + (first + meta) * PAGE_SIZE);
	for (unsigned int i = 0; i < nr_reserved; i++)
		r->nfree -= region_mark(r, reserved[i].start, reserved[i].end);
}

static void mm_place_all(void)
{
	for (unsigned int i = 0; i < nr_regions; i++)
		if (!regions[i].placed)
			region_place(&regions[i]);
}

int mm_init(void)
{
	spin_init(&mm_lock);
	memset(regions, 0, sizeof(regions));
	nr_regions = 0;
	nr_reserved = 0;
	return 0;
}

int mm_add_region(uint64_t base, uint64_t size)
{
	uint64_t start, end;
	unsigned long flags;
	int ret = 0;

	if (base + size < base)
		return -EINVAL;
	start = ALIGN_UP(base, PAGE_SIZE);
	end = ALIGN_DOWN(base + size, PAGE_SIZE);
	if (start < base) /* rounding up wrapped */
		return -EINVAL;
	if (start == 0) /* 0 is the failure value of mm_alloc_pages() */
		start = PAGE_SIZE;
	if (start >= end)
		return -EINVAL;

	flags = spin_lock_irqsave(&mm_lock);
	for (unsigned int i = 0; i < nr_regions; i++) {
		const struct mm_region *r = &regions[i];

		if (start < r->base + r->npages * PAGE_SIZE && r->base < end) {
			ret = -EEXIST;
			goto out;
		}
	}
	if (nr_regions == MM_MAX_REGIONS) {
		ret = -ENOSPC;
		goto out;
	}
	regions[nr_regions++] = (struct mm_region){
		.base = start,
		.npages = (end - start) >> PAGE_SHIFT,
	};
out:
	spin_unlock_irqrestore(&mm_lock, flags);
	return ret;
}

/* Whether a page of [start, end) is allocated or metadata in a placed region. */
static bool range_busy(uint64_t start, uint64_t end)
{
	for (unsigned int i = 0; i < nr_regions; i++) {
		const struct mm_region *r = &regions[i];
		uint64_t s = MAX(start, r->base);
		uint64_t e = MIN(end, r->base + r->npages * PAGE_SIZE);

		if (!r->bitmap)
			continue;
		for (uint64_t pa = s; pa < e; pa += PAGE_SIZE) {
			uint64_t idx = (pa - r->base) >> PAGE_SHIFT;

			if (bit_test(r->bitmap, idx) &&
			    (page_is_meta(r, idx) || !reserved_end(pa)))
				return true;
		}
	}
	return false;
}

int mm_reserve(uint64_t base, uint64_t size)
{
	uint64_t start, end;
	unsigned long flags;
	int ret = 0;

	if (size == 0 || base + size < base)
		return -EINVAL;
	start = ALIGN_DOWN(base, PAGE_SIZE);
	end = ALIGN_UP(base + size, PAGE_SIZE);
	if (end < base) /* rounding up wrapped */
		return -EINVAL;

	flags = spin_lock_irqsave(&mm_lock);
	if (range_busy(start, end)) {
		ret = -EBUSY;
		goto out;
	}
	for (unsigned int i = 0; i < nr_reserved; i++)
		if (start >= reserved[i].start && end <= reserved[i].end)
			goto out; /* already reserved as a whole */
	if (nr_reserved == MM_MAX_RESERVED) {
		ret = -ENOSPC;
		goto out;
	}
	reserved[nr_reserved++] = (struct mm_range){start, end};
	for (unsigned int i = 0; i < nr_regions; i++)
		if (regions[i].bitmap)
			regions[i].nfree -=
				region_mark(&regions[i], start, end);
out:
	spin_unlock_irqrestore(&mm_lock, flags);
	return ret;
}

/* First page index of a free run of @n pages aligned to @align pages. */
static bool region_find(const struct mm_region *r, uint64_t n, uint64_t align,
			uint64_t *found)
{
	uint64_t pfn0 = r->base >> PAGE_SHIFT;
	uint64_t i = ALIGN_UP(pfn0, align) - pfn0;

	while (i + n <= r->npages) {
		uint64_t used = bit_find_set(r->bitmap, i, i + n);

		if (used == i + n) {
			*found = i;
			return true;
		}
		i = ALIGN_UP(pfn0 + used + 1, align) - pfn0;
	}
	return false;
}

static uint64_t alloc_pages(unsigned int n, unsigned int align_pages)
{
	unsigned long flags;
	uint64_t pa = 0;

	if (align_pages == 0)
		align_pages = 1;
	if (n == 0 || (align_pages & (align_pages - 1)))
		return 0;

	flags = spin_lock_irqsave(&mm_lock);
	mm_place_all();
	for (unsigned int i = 0; i < nr_regions && !pa; i++) {
		struct mm_region *r = &regions[i];
		uint64_t idx;

		if (!r->bitmap || r->nfree < n ||
		    !region_find(r, n, align_pages, &idx))
			continue;
		for (uint64_t k = idx; k < idx + n; k++)
			bit_set(r->bitmap, k);
		r->nfree -= n;
		pa = r->base + idx * PAGE_SIZE;
	}
	spin_unlock_irqrestore(&mm_lock, flags);
	return pa;
}

uint64_t mm_alloc_pages(unsigned int n, unsigned int align_pages)
{
	uint64_t pa = alloc_pages(n, align_pages);

	/* The pages are ours now: zero them outside the lock. */
	if (pa)
		memset(mm_heap_virt(pa), 0, (size_t)n * PAGE_SIZE);
	return pa;
}

uint64_t mm_alloc_pages_unzeroed(unsigned int n, unsigned int align_pages)
{
	return alloc_pages(n, align_pages);
}

/* Why freeing [pa, pa + n pages) would be wrong, or NULL if it is fine. */
static const char *free_check(struct mm_region **out, uint64_t pa,
			      unsigned int n)
{
	uint64_t end = pa + (uint64_t)n * PAGE_SIZE;

	if (!IS_ALIGNED(pa, PAGE_SIZE) || end < pa)
		return "bad range";
	for (unsigned int i = 0; i < nr_regions; i++) {
		struct mm_region *r = &regions[i];

		if (!r->bitmap || pa < r->base ||
		    end > r->base + r->npages * PAGE_SIZE)
			continue;
		for (uint64_t p = pa; p < end; p += PAGE_SIZE) {
			uint64_t idx = (p - r->base) >> PAGE_SHIFT;

			if (!bit_test(r->bitmap, idx))
				return "page not allocated";
			if (page_is_meta(r, idx) || reserved_end(p))
				return "page reserved";
		}
		*out = r;
		return NULL;
	}
	return "not in a RAM region";
}

static int mm_free_locked(uint64_t pa, unsigned int n, const char **err)
{
	struct mm_region *r = NULL;
	uint64_t idx;

	mm_place_all();
	*err = free_check(&r, pa, n);
	if (*err)
		return -EINVAL;
	idx = (pa - r->base) >> PAGE_SHIFT;
	for (uint64_t k = idx; k < idx + n; k++)
		bit_clear(r->bitmap, k);
	r->nfree += n;
	return 0;
}

int mm_try_free_pages(uint64_t pa, unsigned int n)
{
	unsigned long flags;
	const char *err;
	int ret;

	if (n == 0)
		return 0;
	flags = spin_lock_irqsave(&mm_lock);
	ret = mm_free_locked(pa, n, &err);
	spin_unlock_irqrestore(&mm_lock, flags);
	return ret;
}

void mm_free_pages(uint64_t pa, unsigned int n)
{
	unsigned long flags;
	const char *err;
	int ret;

	if (n == 0)
		return;
	flags = spin_lock_irqsave(&mm_lock);
	ret = mm_free_locked(pa, n, &err);
	spin_unlock_irqrestore(&mm_lock, flags);
	if (ret)
		panic("mm_free_pages(0x%llx, %u): %s", (unsigned long long)pa,
		      n, err);
}

uint64_t mm_free_count(void)
{
	unsigned long flags;
	uint64_t count = 0;

	flags = spin_lock_irqsave(&mm_lock);
	mm_place_all();
	for (unsigned int i = 0; i < nr_regions; i++)
		count += regions[i].nfree;
	spin_unlock_irqrestore(&mm_lock, flags);
	return count;
}
