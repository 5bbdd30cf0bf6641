/* SPDX-License-Identifier: MIT */
/* MMIO dispatch: find the region of a guest access and call its handler. */
#include "mmio.h"

#include "arch_vcpu.h"
#include "trap.h"
#include "vgic.h"
#include "vm.h"

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
		  mmio_access_fn access, void *opaque, unsigned int flags)
{
	uint64_t last;
	unsigned long irqflags;
	int ret = 0;

	if (!size || !access || size - 1 > ~0ULL - base)
		return -EINVAL;
	last = region_last(base, size);

	irqflags = spin_lock_irqsave(&bus->lock);
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
		.flags = flags,
	};
	/* Published complete: lookups read nr without the lock. */
	__atomic_store_n(&bus->nr, bus->nr + 1, __ATOMIC_RELEASE);
out:
	spin_unlock_irqrestore(&bus->lock, irqflags);
	return ret;
}

/* The region containing @ipa, or NULL. Lock-free: a region is written
 * before nr counts it and never changes after. */
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
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* The body of mmio_dispatch(), inline in trap_emulate_mmio() too: the
 * data-abort path is measured (make bench). */
static inline __attribute__((always_inline)) enum mmio_result
dispatch(struct mmio_bus *bus, struct vcpu *v, uint64_t ipa, unsigned int size,
	 bool write, uint64_t *val, bool lrs_loaded)
{
	const struct mmio_region *r = mmio_lookup(bus, ipa);
	uint64_t offset, data;
	int ret;

	if (!r)
		return MMIO_UNHANDLED;
	if (lrs_loaded && !(r->flags & MMIO_REGION_LRS_LOADED_OK))
		return MMIO_RETRY;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return MMIO_FAULT;
	offset = ipa - r->base;
	if (size > r->size - offset) /* straddles the region's end */
		return MMIO_FAULT;

	data = write ? *val & size_mask(size) : 0;
	ret = r->access(r->opaque, v, offset, size, write, &data);
	if (ret == -EAGAIN && lrs_loaded)
		return MMIO_RETRY;
	if (ret < 0)
		return MMIO_FAULT;
	if (!write)
		*val = data & size_mask(size);
	return MMIO_HANDLED;
}

enum mmio_result mmio_dispatch(struct mmio_bus *bus, struct vcpu *v,
			       uint64_t ipa, unsigned int size, bool write,
			       uint64_t *val, bool lrs_loaded)
{
	return dispatch(bus, v, ipa, size, write, val, lrs_loaded);
}

/* ---- the data abort behind an access (include/trap.h) ---- */

static inline uint64_t load_extend(uint64_t raw, unsigned int size,
				   bool sign_extend, bool sf)
{
	uint64_t mask = size_mask(size);
	uint64_t val = raw & mask;

	if (sign_extend && size && size < 8 && (val & ~(mask >> 1)))
		val |= ~mask;
	if (!sf)
		val &= 0xffffffffULL;
	return val;
}

uint64_t mmio_load_extend(uint64_t raw, unsigned int size, bool sign_extend,
			  bool sf)
{
	return load_extend(raw, size, sign_extend, sf);
}

uint64_t mmio_store_value(uint64_t reg, unsigned int size)
{
	return reg & size_mask(size);
}

/*
 * The vGIC distributor, reached before the bus: the exits the run loop
 * answers with the LRs loaded are mostly distributor accesses, and the
 * bus's walk, checks and indirect call were a third of a GICD read
 * (issue 16). The answers are dispatch()'s for that region: the region
 * allows the LRs loaded; vgic_dist_mmio() refuses every size but 1 and
 * 4 and every unaligned access, so none straddles its end; -EAGAIN with
 * the LRs loaded is a retry, any other error a fault.
 */
static enum mmio_result dist_direct(struct vcpu *v, uint64_t offset,
				    unsigned int size, bool write,
				    uint64_t *val, bool lrs_loaded)
{
	int ret = vgic_dist_mmio(v->vm, v, offset, size, write, val);

	if (ret == -EAGAIN && lrs_loaded)
		return MMIO_RETRY;
	/* A read's value is truncated by load_extend(), its only user. */
	return ret < 0 ? MMIO_FAULT : MMIO_HANDLED;
}

enum mmio_result trap_emulate_mmio(struct vcpu *v, const struct trap_info *ti,
				   uint64_t ipa, bool lrs_loaded)
{
	enum mmio_result res;
	uint64_t val = 0;

	/* A fault on the guest's own table walk, or an access whose syndrome
	 * does not describe it (ldp, ldm, SIMD, exclusives...): nothing to
	 * emulate, the guest touched what it may not. */
	if (ti->cls != TRAP_DABT || !ti->isv || ti->s1ptw)
		return MMIO_FAULT;
	if (ti->write)
		val = vcpu_get_reg(v, ti->reg) & size_mask(ti->size);
	if (v->vm->vgic.attached && ipa - v->vm->vgic.ipa < VGIC_DIST_SIZE)
		res = dist_direct(v, ipa - v->vm->vgic.ipa, ti->size, ti->write,
				  &val, lrs_loaded);
	else
		res = dispatch(v->vm->mmio, v, ipa, ti->size, ti->write, &val,
			       lrs_loaded);
	if (res == MMIO_HANDLED && !ti->write)
		vcpu_set_reg(v, ti->reg,
			     (vreg_t)load_extend(val, ti->size, ti->sign_extend,
						 ti->sf));
	return res;
}
