/* SPDX-License-Identifier: MIT */
/*
 * Emulated MMIO: a VM's bus of guest-physical regions, each with an access
 * callback. The trap handler (core/trap.c) decodes a stage-2 data abort,
 * then asks the bus; MMIO_UNHANDLED and MMIO_FAULT both mean "inject an abort".
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
	MMIO_RETRY,	/* not with the vCPU's LRs loaded: take the full exit */
};

/* mmio_register() flags */
/*
 * The region may be accessed while the vCPU's list registers are still in
 * its pCPU's GICH (the run loop's fast re-entry, IRQs masked). Its handler
 * then sees vgic_lrs_loaded(v) and returns -EAGAIN for any access that
 * reads or changes that vCPU's LRs, pending IRQs or scheduling state.
 */
#define MMIO_REGION_LRS_LOADED_OK BIT(0)

/*
 * Emulate one access of @size bytes (1, 2, 4 or 8) at @offset inside the
 * region. A write passes the value in *@val, truncated to @size; a read
 * stores it there (*@val is 0 on entry, and the bus truncates the result
 * to @size). Return 0, or a negative errno to refuse the access (-EAGAIN:
 * not now, with the LRs loaded; see MMIO_REGION_LRS_LOADED_OK). Called
 * without the bus lock held.
 */
typedef int (*mmio_access_fn)(void *opaque, struct vcpu *v, uint64_t offset,
			      unsigned int size, bool write, uint64_t *val);

struct mmio_region {
	uint64_t base, size;
	mmio_access_fn access;
	void *opaque;
	unsigned int flags; /* MMIO_REGION_* */
};

struct mmio_bus {
	/*
	 * lock serialises registrations. Lookups take no lock: a region is
	 * complete before nr (release) counts it, and regions are never
	 * removed nor changed after.
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
 * registered region; -ENOSPC past MMIO_MAX_REGIONS. @flags: MMIO_REGION_*.
 */
int mmio_register(struct mmio_bus *bus, uint64_t base, uint64_t size,
		  mmio_access_fn access, void *opaque, unsigned int flags);

/*
 * Route an access at @ipa to the region containing it. MMIO_FAULT when the
 * access does not fit wholly inside that region, when @size is not 1, 2, 4
 * or 8, or when the callback returns < 0 but -EAGAIN. With @lrs_loaded
 * (the vCPU's LRs still in the GICH, trap_handle()): MMIO_RETRY, nothing
 * done, for a region without MMIO_REGION_LRS_LOADED_OK or a callback that
 * returns -EAGAIN. *@val is left alone but on MMIO_HANDLED reads.
 */
enum mmio_result mmio_dispatch(struct mmio_bus *bus, struct vcpu *v,
			       uint64_t ipa, unsigned int size, bool write,
			       uint64_t *val, bool lrs_loaded);

#endif
