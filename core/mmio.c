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
	bus->nr++;
out:
	spin_unlock_irqrestore(&bus->lock, flags);
	return ret;
}

/* Copy the region containing @ipa into @out. */
static bool mmio_lookup(struct mmio_bus *bus, uint64_t ipa,
			struct mmio_region *out)
{
	unsigned long flags;
	bool found = false;

	flags = spin_lock_irqsave(&bus->lock);
	for (unsigned int i = 0; i < bus->nr && !found; i++) {
		const struct mmio_region *r = &bus->regions[i];

		if (ipa >= r->base && ipa - r->base < r->size) {
			*out = *r;
			found = true;
		}
	}
	spin_unlock_irqrestore(&bus->lock, flags);
	return found;
}

static uint64_t size_mask(unsigned int size)
{
	return size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

enum mmio_result mmio_dispatch(struct mmio_bus *bus, struct vcpu *v,
			       uint64_t ipa, unsigned int size, bool write,
			       uint64_t *val)
{
	struct mmio_region r;
	uint64_t offset, data;

	if (!mmio_lookup(bus, ipa, &r))
		return MMIO_UNHANDLED;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return MMIO_FAULT;
	offset = ipa - r.base;
	if (size > r.size - offset) /* straddles the region's end */
		return MMIO_FAULT;

	data = write ? *val & size_mask(size) : 0;
	if (r.access(r.opaque, v, offset, size, write, &data) < 0)
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
			bus->regions[i].quick = quick;
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
	struct mmio_region r;
	uint64_t offset, data;

	if (!mmio_lookup(bus, ipa, &r) || !r.quick)
		return false;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;
	offset = ipa - r.base;
	if (size > r.size - offset)
		return false;
	data = write ? *val & size_mask(size) : 0;
	if (r.quick(r.opaque, v, offset, size, write, &data) < 0)
		return false;
	if (!write)
		*val = data & size_mask(size);
	return true;
}
