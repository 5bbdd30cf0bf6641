/* SPDX-License-Identifier: MIT */
/*
 * Emulated MMIO: a VM's bus of guest-physical regions, each with an access
 * callback. The trap handler decodes a stage-2 data abort (trap.h), then
 * asks the bus; MMIO_UNHANDLED and MMIO_FAULT both mean "inject an abort".
 */
#ifndef VIGIL_MMIO_H
#define VIGIL_MMIO_H

#include "compiler.h"
#include "spinlock.h"

struct vcpu;

#define MMIO_MAX_REGIONS 16

enum mmio_result {
	MMIO_HANDLED,	/* emulated; for a read, *val holds the value */
	MMIO_UNHANDLED, /* no region at that address: abort the guest */
	MMIO_FAULT,	/* a region refused the access: abort the guest */
};

/*
 * Emulate one access of @size bytes (1, 2, 4 or 8) at @offset inside the
 * region. A write passes the value in *@val, truncated to @size; a read
 * stores it there (*@val is 0 on entry, and the bus truncates the result
 * to @size). Return 0, or a negative errno to refuse the access. Called
 * without the bus lock held.
 */
typedef int (*mmio_access_fn)(void *opaque, struct vcpu *v, uint64_t offset,
			      unsigned int size, bool write, uint64_t *val);

struct mmio_region {
	uint64_t base, size;
	mmio_access_fn access;
	/* Optional (mmio_set_quick()): -EAGAIN to decline an access. */
	mmio_access_fn quick;
	void *opaque;
};

struct mmio_bus {
	/*
	 * lock serialises registrations. Lookups take no lock: a region is
	 * complete before nr (release) counts it, and regions are never
	 * removed nor changed after, but for their quick access (atomic).
	 * Handlers take their own locks (the vGIC's) as they need.
	 */
	unsigned int nr;
	struct mmio_region regions[MMIO_MAX_REGIONS];
	struct spinlock lock;
};

/* An empty bus. */
void mmio_bus_init(struct mmio_bus *bus);

/*
 * Add [base, base + size) (the last byte may be 2^64 - 1). -EINVAL for size
 * 0, a range that wraps or a NULL @access; -EEXIST if it overlaps a
 * registered region; -ENOSPC past MMIO_MAX_REGIONS.
 */
int mmio_register(struct mmio_bus *bus, uint64_t base, uint64_t size,
		  mmio_access_fn access, void *opaque);

/*
 * Route an access at @ipa to the region containing it. MMIO_FAULT when the
 * access does not fit wholly inside that region, when @size is not 1, 2, 4
 * or 8, or when the callback returns < 0; *@val is left alone then and on
 * MMIO_UNHANDLED.
 */
enum mmio_result mmio_dispatch(struct mmio_bus *bus, struct vcpu *v,
			       uint64_t ipa, unsigned int size, bool write,
			       uint64_t *val);

/*
 * A region's quick access: called right after the exit, before the
 * vCPU's interrupt state is synced, for an access that neither reads nor
 * changes that vCPU's list registers, pending IRQs or scheduling state
 * (arch_vcpu_enter()'s fast re-entry). It returns -EAGAIN for any access
 * it does not handle that way, refused ones included: those take the full
 * path and mmio_dispatch(). -EINVAL if no region starts at @base.
 */
int mmio_set_quick(struct mmio_bus *bus, uint64_t base, mmio_access_fn quick);
/* True if the quick access of the region at @ipa handled it (a read's
 * value in *@val, truncated to @size); false for what mmio_dispatch() must
 * do. */
bool mmio_dispatch_quick(struct mmio_bus *bus, struct vcpu *v, uint64_t ipa,
			 unsigned int size, bool write, uint64_t *val);

#endif
