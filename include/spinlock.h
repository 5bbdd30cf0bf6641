/* SPDX-License-Identifier: MIT */
/*
 * Ticket spinlocks on GCC's __atomic builtins, so the same code runs on the
 * target (LDAXR/STLXR) and in host unit tests (threads as CPUs). The owner
 * is recorded so helpers can assert a lock is held by the caller.
 *
 * Every lock in vigil, and the order they nest in (outermost first; a lock
 * is only ever taken while holding locks above it in this list):
 *
 *   vuart input_lock     the console input focus and the reading of the
 *                        physical UART (core/vuart.c).
 *   vuart.lock           a vUART's registers, FIFO and output line
 *                        (include/vuart.h); vgic_set_level() and the
 *                        console are called under it.
 *   vcpu.power_lock      a vCPU's power state and CPU_ON request
 *                        (include/vm.h). sched_block() asks the vGIC under
 *                        it; nothing takes it under a vgic lock
 *                        (sched_wake() is called after the unlock).
 *   vgic_vcpu.lock       a vCPU's IRQ lists, LR shadow and the vgic_irqs
 *                        it guards (include/vgic.h). At most one at a
 *                        time: an IRQ moves between vCPUs by lock old,
 *                        unlink, unlock, lock new (vgic/vgic.c).
 *   gicd_lock            read-modify-write of the physical distributor's
 *                        shared registers (gic/gicv2.c); taken under a
 *                        vgic lock by the passthrough and ICFGR paths.
 *   vgic_dist.lock       a VM's GICD_CTLR writes (include/vgic.h): a leaf.
 *   mm_lock              the page allocator (core/mm.c): a leaf.
 *   mmio_bus.lock        a VM's MMIO region registrations (include/mmio.h):
 *                        a leaf; lookups take no lock.
 *   console_lock         whole messages on the UART (core/console.c):
 *                        innermost, printk() may run under any lock.
 *
 * Every holder masks IRQs (spin_lock_irqsave()): power_lock and the vgic
 * locks are taken in hard-IRQ context too. No lock is held across a guest
 * entry.
 */
#ifndef VIGIL_SPINLOCK_H
#define VIGIL_SPINLOCK_H

#include "arch.h"
#include "compiler.h"

struct spinlock {
	uint16_t next;
	uint16_t serving;
	int32_t owner; /* CPU id of the holder, -1 when free */
};

#define SPINLOCK_INIT    \
	{                \
		0, 0, -1 \
	}

static inline void spin_init(struct spinlock *l)
{
	l->next = 0;
	l->serving = 0;
	l->owner = -1;
}

static inline void spin_lock(struct spinlock *l)
{
	uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->serving, __ATOMIC_ACQUIRE) != me)
		arch_cpu_relax();
	__atomic_store_n(&l->owner, (int32_t)arch_cpu_id(), __ATOMIC_RELAXED);
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, -1, __ATOMIC_RELAXED);
	__atomic_store_n(&l->serving, (uint16_t)(l->serving + 1),
			 __ATOMIC_RELEASE);
}

static inline unsigned long spin_lock_irqsave(struct spinlock *l)
{
	unsigned long flags = arch_irq_save();

	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *l,
					  unsigned long flags)
{
	spin_unlock(l);
	arch_irq_restore(flags);
}

/* True when the calling CPU holds @l. */
static inline bool spin_is_locked_by_me(struct spinlock *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) ==
	       (int32_t)arch_cpu_id();
}

#endif
