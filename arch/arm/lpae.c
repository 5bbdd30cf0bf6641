/* SPDX-License-Identifier: MIT */
/*
 * LPAE translation-table builder, 4 KiB granule (ARM ARM D8.3). Pure data
 * structure code: no system registers, no barriers (see lpae.h).
 */
#include "lpae.h"
#include "mm.h"

#include <errno.h>

#define OA_LIMIT (LPAE_U64(1) << 48)

/* Table pages come from mm_alloc_pages(): heap, mapped for good (mm.h), so
 * a walk holds no window slots however deep it goes. */
static uint64_t *table_virt(uint64_t pa)
{
	return mm_heap_virt(pa);
}

static uint64_t level_size(unsigned int level)
{
	return 1ULL << LPAE_LEVEL_SHIFT(level);
}

/* Entries in a table at @level: the root may be short or concatenated. */
static uint64_t level_entries(const struct lpae_table *t, unsigned int level)
{
	return level == t->start_level ? t->root_entries : LPAE_ENTRIES;
}

static uint64_t table_index(const struct lpae_table *t, unsigned int level,
			    uint64_t va)
{
	return (va >> LPAE_LEVEL_SHIFT(level)) & (level_entries(t, level) - 1);
}

static bool desc_valid(uint64_t d)
{
	return d & 1;
}

/* A valid descriptor that points to a next-level table. */
static bool desc_is_table(uint64_t d, unsigned int level)
{
	return level < 3 && (d & LPAE_TYPE_MASK) == LPAE_TYPE_TABLE;
}

/* A valid descriptor that maps memory (block or page). */
static bool desc_is_leaf(uint64_t d, unsigned int level)
{
	if (level == 3)
		return (d & LPAE_TYPE_MASK) == LPAE_TYPE_PAGE;
	return level > 0 && (d & LPAE_TYPE_MASK) == LPAE_TYPE_BLOCK;
}

static uint64_t leaf_desc(uint64_t pa, uint64_t attrs, unsigned int level)
{
	return pa | attrs | (level == 3 ? LPAE_TYPE_PAGE : LPAE_TYPE_BLOCK);
}

static unsigned int root_pages(const struct lpae_table *t)
{
	return (t->root_entries + LPAE_ENTRIES - 1) / LPAE_ENTRIES;
}

/* Highest level in 0..2 whose table(s) resolve @bits with at most
 * 2^@extra_bits entries per LPAE_ENTRIES (concatenation). */
static unsigned int start_level(unsigned int bits, unsigned int extra_bits)
{
	unsigned int level = 2;

	while (level > 0 && bits > LPAE_LEVEL_SHIFT(level) + 9 + extra_bits)
		level--;
	return level;
}

static int table_init(struct lpae_table *t, unsigned int bits,
		      unsigned int level)
{
	unsigned int pages;

	t->start_level = level;
	t->va_bits = bits;
	t->root_entries = 1U << (bits - LPAE_LEVEL_SHIFT(level));
	pages = root_pages(t);
	/* A concatenated root is aligned to its whole size (D8.2.7). */
	t->root_pa = mm_alloc_pages(pages, pages);
	return t->root_pa ? 0 : -ENOMEM;
}

int lpae_init(struct lpae_table *t, unsigned int va_bits)
{
	if (va_bits < 25 || va_bits > 48)
		return -EINVAL;
	return table_init(t, va_bits, start_level(va_bits, 0));
}

unsigned int lpae_s2_start_level(unsigned int ipa_bits)
{
	return start_level(ipa_bits, 4);
}

int lpae_init_s2(struct lpae_table *t, unsigned int ipa_bits)
{
	if (ipa_bits < 25 || ipa_bits > 48)
		return -EINVAL;
	return table_init(t, ipa_bits, lpae_s2_start_level(ipa_bits));
}

static int check_range(const struct lpae_table *t, uint64_t va, uint64_t size)
{
	if (!size || !IS_ALIGNED(va, LPAE_L3_PAGE) ||
	    !IS_ALIGNED(size, LPAE_L3_PAGE) || va + size < va ||
	    va + size > (1ULL << t->va_bits))
		return -EINVAL;
	return 0;
}

/* Whether a leaf maps any part of [va, end) under @table at @level. */
static bool range_mapped(const struct lpae_table *t, uint64_t table_pa,
			 unsigned int level, uint64_t va, uint64_t end)
{
	const uint64_t *table = table_virt(table_pa);

	while (va < end) {
		uint64_t next = MIN(ALIGN_DOWN(va, level_size(level)) +
					    level_size(level),
				    end);
		uint64_t d = READ_ONCE(table[table_index(t, level, va)]);

		if (desc_is_table(d, level)) {
			if (range_mapped(t, d & LPAE_OA_MASK, level + 1, va,
					 next))
				return true;
		} else if (desc_is_leaf(d, level)) {
			return true;
		}
		va = next;
	}
	return false;
}

/* A zeroed table page, or 0. */
static uint64_t table_alloc(void)
{
	return mm_alloc_pages(1, 1);
}

static int map_range(const struct lpae_table *t, uint64_t table_pa,
		     unsigned int level, uint64_t va, uint64_t end, uint64_t pa,
		     uint64_t attrs)
{
	uint64_t *table = table_virt(table_pa);
	uint64_t size = level_size(level);

	while (va < end) {
		uint64_t next = MIN(ALIGN_DOWN(va, size) + size, end);
		uint64_t *e = &table[table_index(t, level, va)];
		uint64_t d = READ_ONCE(*e);
		bool whole = next - va == size && IS_ALIGNED(pa, size);

		if (level == 3 || (level > 0 && whole && !desc_valid(d))) {
			if (desc_valid(d))
				return -EEXIST;
			WRITE_ONCE(*e, leaf_desc(pa, attrs, level));
		} else {
			int ret;

			if (!desc_valid(d)) {
				uint64_t child = table_alloc();

				if (!child)
					return -ENOMEM;
				d = child | LPAE_TYPE_TABLE;
				WRITE_ONCE(*e, d);
			} else if (!desc_is_table(d, level)) {
				return -EEXIST;
			}
			ret = map_range(t, d & LPAE_OA_MASK, level + 1, va,
					next, pa, attrs);
			if (ret)
				return ret;
		}
		pa += next - va;
		va = next;
	}
	return 0;
}

/* Invalidate every leaf in [va, end); no leaf may straddle its ends. */
static void clear_range(const struct lpae_table *t, uint64_t table_pa,
			unsigned int level, uint64_t va, uint64_t end)
{
	uint64_t *table = table_virt(table_pa);
	uint64_t size = level_size(level);

	while (va < end) {
		uint64_t next = MIN(ALIGN_DOWN(va, size) + size, end);
		uint64_t *e = &table[table_index(t, level, va)];
		uint64_t d = READ_ONCE(*e);

		if (desc_is_table(d, level))
			clear_range(t, d & LPAE_OA_MASK, level + 1, va, next);
		else if (desc_valid(d))
			WRITE_ONCE(*e, 0);
		va = next;
	}
}

int lpae_map(struct lpae_table *t, uint64_t va, uint64_t pa, uint64_t size,
	     uint64_t attrs)
{
	int ret;

	ret = check_range(t, va, size);
	if (ret)
		return ret;
	if (!IS_ALIGNED(pa, LPAE_L3_PAGE) || pa + size < pa ||
	    pa + size > OA_LIMIT || (attrs & ~LPAE_ATTR_MASK))
		return -EINVAL;
	if (range_mapped(t, t->root_pa, t->start_level, va, va + size))
		return -EEXIST;
	ret = map_range(t, t->root_pa, t->start_level, va, va + size, pa,
			attrs);
	if (ret) {
		/* Only our own new leaves lie in the range: no split needed. */
		clear_range(t, t->root_pa, t->start_level, va, va + size);
	}
	return ret;
}

/*
 * Make @va a leaf boundary: split every block that maps @va without starting
 * there into a table of next-level entries with the same output and
 * attributes. The translation does not change, so a failure leaves the
 * table as valid as before.
 */
static int split_at(const struct lpae_table *t, uint64_t va)
{
	uint64_t table_pa = t->root_pa;

	for (unsigned int level = t->start_level; level < 3; level++) {
		uint64_t *e = &table_virt(table_pa)[table_index(t, level, va)];
		uint64_t d = READ_ONCE(*e);
		uint64_t child, *c, csize = level_size(level + 1);
		uint64_t attrs = d & LPAE_ATTR_MASK;
		uint64_t oa = d & LPAE_OA_MASK & ~(level_size(level) - 1);

		if (desc_is_table(d, level)) {
			table_pa = d & LPAE_OA_MASK;
			continue;
		}
		if (!desc_is_leaf(d, level) ||
		    IS_ALIGNED(va, level_size(level)))
			return 0;
		child = table_alloc();
		if (!child)
			return -ENOMEM;
		c = table_virt(child);
		for (unsigned int i = 0; i < LPAE_ENTRIES; i++)
			c[i] = leaf_desc(oa + i * csize, attrs, level + 1);
		WRITE_ONCE(*e, child | LPAE_TYPE_TABLE);
		table_pa = child;
	}
	return 0;
}

int lpae_unmap(struct lpae_table *t, uint64_t va, uint64_t size)
{
	uint64_t end = va + size;
	int ret;

	ret = check_range(t, va, size);
	if (ret)
		return ret;
	ret = split_at(t, va);
	if (!ret && end < (1ULL << t->va_bits))
		ret = split_at(t, end);
	if (ret)
		return ret;
	clear_range(t, t->root_pa, t->start_level, va, end);
	return 0;
}

int lpae_lookup(const struct lpae_table *t, uint64_t va, uint64_t *desc,
		unsigned int *level)
{
	uint64_t table_pa = t->root_pa;

	if (va >= (1ULL << t->va_bits))
		return -ENOENT;
	for (unsigned int l = t->start_level; l <= 3; l++) {
		uint64_t d =
			READ_ONCE(table_virt(table_pa)[table_index(t, l, va)]);

		if (desc_is_leaf(d, l)) {
			*desc = d;
			*level = l;
			return 0;
		}
		if (!desc_is_table(d, l))
			return -ENOENT;
		table_pa = d & LPAE_OA_MASK;
	}
	return -ENOENT;
}

int lpae_walk(const struct lpae_table *t, uint64_t va, uint64_t *pa,
	      uint64_t *attrs)
{
	unsigned int level;
	uint64_t d, size;

	if (lpae_lookup(t, va, &d, &level))
		return -ENOENT;
	size = level_size(level);
	if (pa)
		*pa = (d & LPAE_OA_MASK & ~(size - 1)) | (va & (size - 1));
	if (attrs)
		*attrs = d & LPAE_ATTR_MASK;
	return 0;
}

static void free_tables(uint64_t table_pa, unsigned int level, uint64_t entries)
{
	const uint64_t *table = table_virt(table_pa);

	for (uint64_t i = 0; i < entries && level < 3; i++)
		if (desc_is_table(table[i], level))
			free_tables(table[i] & LPAE_OA_MASK, level + 1,
				    LPAE_ENTRIES);
	mm_free_pages(table_pa, (entries + LPAE_ENTRIES - 1) / LPAE_ENTRIES);
}

void lpae_destroy(struct lpae_table *t)
{
	if (!t->root_pa)
		return;
	free_tables(t->root_pa, t->start_level, t->root_entries);
	t->root_pa = 0;
}
