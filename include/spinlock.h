/* SPDX-License-Identifier: MIT */
/*
 * Ticket spinlocks on GCC's __atomic builtins, so the same code runs on the
 * target (LDAXR/STLXR) and in host unit tests (threads as CPUs). The owner
 * is recorded so helpers can assert a lock is held by the caller.
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
