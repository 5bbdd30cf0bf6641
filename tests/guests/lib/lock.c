/* SPDX-License-Identifier: MIT */
/*
 * Lamport's bakery lock. With the MMU off every data access is Device
 * memory, where exclusives (LDXR/STXR) are not guaranteed to work, so the
 * lock uses plain loads and stores and DMB SY between the steps that must be
 * ordered. Each vCPU writes only its own slots.
 */
#include "guest.h"

void bakery_lock(struct bakery_lock *l)
{
	unsigned int me = this_vcpu(), j;
	uint32_t max = 0;

	WRITE_ONCE(l->choosing[me], 1);
	dmb_sy();
	for (j = 0; j < GUEST_MAX_VCPUS; j++) {
		uint32_t n = READ_ONCE(l->number[j]);

		if (n > max)
			max = n;
	}
	WRITE_ONCE(l->number[me], max + 1);
	dmb_sy();
	WRITE_ONCE(l->choosing[me], 0);
	dmb_sy();
	for (j = 0; j < GUEST_MAX_VCPUS; j++) {
		uint32_t n;

		if (j == me)
			continue;
		while (READ_ONCE(l->choosing[j]))
			cpu_relax();
		dmb_sy();
		for (;;) {
			n = READ_ONCE(l->number[j]);
			if (!n || n > max + 1 || (n == max + 1 && j > me))
				break;
			cpu_relax();
		}
	}
	dmb_sy();
}

void bakery_unlock(struct bakery_lock *l)
{
	dmb_sy();
	WRITE_ONCE(l->number[this_vcpu()], 0);
	dmb_sy();
}
