/* SPDX-License-Identifier: MIT */
/* MMIO dispatch: find the region of a guest access and call its handler. */
#include "mmio.h"

#include <errno.h>

void mmio_bus_init(struct mmio_bus *bus)
{
	bus->nr = 0;
	spin_init(&bus->lock);
}

/* Last byte of a region; no overflow since size >= 1 and it does not wrap. */
static uint64_t region_last(uint64_t base, uint64_t size)
{
	return base + (size - 1);
}

int mmio_register(struct mmio_bus *bus, uint64_t base, uint64_t size,
		  mmio_access_fn access, void *opaque)
{
	uint64_t last;
	unsigned long flags;
	int ret = 0;

	if (!size || !access || size - 1 > ~0ULL - base)
		return -EINVAL;
	last = region_last(base, size);

	flags = spin_lock_irqsave(&bus->lock);
	for (unsigned int i = 0; i < bus->nr; i++) {
		const struct mmio_region *r = &bus->regions[i];

		if (base <= region_last(r->base, r->size) && r->base <= last) {
			ret = -EEXIST;
			goto out;
		}
	}
	if (bus->nr == MMIO_MAX_REGIONS) {
		ret = -ENOSPC;
		goto out;
	}
	bus->regions[bus->nr] = (struct mmio_region){
		.base = base,
		.size = size,
		.access = access,
		.opaque = opaque,
	};
	/* Published complete: lookups read nr without the lock. */
	__atomic_store_n(&bus->nr, bus->nr + 1, __ATOMIC_RELEASE);
out:
	spin_unlock_irqrestore(&bus->lock, flags);
	return ret;
}

/* The region containing @ipa, or NULL. Lock-free: a region is written
 * before nr counts it and never changes after, but for its quick access
 * (read with an atomic load). */
static const struct mmio_region *mmio_lookup(struct mmio_bus *bus, uint64_t ipa)
{
	unsigned int nr = __atomic_load_n(&bus->nr, __ATOMIC_ACQUIRE);

	for (unsigned int i = 0; i < nr; i++) {
		const struct mmio_region *r = &bus->regions[i];

		if (ipa >= r->base && ipa - r->base < r->size)
			return r;
	}
	return NULL;
}

static uint64_t size_mask(unsigned int size)
{
	return size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

enum mmio_result mmio_dispatch(struct mmio_bus *bus, struct vcpu *v,
			       uint64_t ipa, unsigned int size, bool write,
			       uint64_t *val)
{
	const struct mmio_region *r = mmio_lookup(bus, ipa);
	uint64_t offset, data;

	if (!r)
		return MMIO_UNHANDLED;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return MMIO_FAULT;
	offset = ipa - r->base;
	if (size > r->size - offset) /* straddles the region's end */
		return MMIO_FAULT;

	data = write ? *val & size_mask(size) : 0;
	if (r->access(r->opaque, v, offset, size, write, &data) < 0)
		return MMIO_FAULT;
	if (!write)
		*val = data & size_mask(size);
	return MMIO_HANDLED;
}

int mmio_set_quick(struct mmio_bus *bus, uint64_t base, mmio_access_fn quick)
{
	unsigned long flags = spin_lock_irqsave(&bus->lock);
	int ret = -EINVAL;

	for (unsigned int i = 0; i < bus->nr; i++) {
		if (bus->regions[i].base == base) {
			__atomic_store_n(&bus->regions[i].quick, quick,
					 __ATOMIC_RELEASE);
			ret = 0;
			break;
		}
	}
	spin_unlock_irqrestore(&bus->lock, flags);
	return ret;
}

bool mmio_dispatch_quick(struct mmio_bus *bus, struct vcpu *v, uint64_t ipa,
			 unsigned int size, bool write, uint64_t *val)
{
	const struct mmio_region *r = mmio_lookup(bus, ipa);
	mmio_access_fn quick;
	uint64_t offset, data;

	if (!r)
		return false;
	quick = __atomic_load_n(&r->quick, __ATOMIC_ACQUIRE);
	if (!quick || (size != 1 && size != 2 && size != 4 && size != 8))
		return false;
	offset = ipa - r->base;
	if (size > r->size - offset)
		return false;
	data = write ? *val & size_mask(size) : 0;
	if (quick(r->opaque, v, offset, size, write, &data) < 0)
		return false;
	if (!write)
		*val = data & size_mask(size);
	return true;
}
