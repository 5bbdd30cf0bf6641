/* SPDX-License-Identifier: MIT */
/* Stand-in for sched_wake() (include/sched.h) counting wakes per vCPU.
 * Weak, so a real sched/ linked into the unit tests takes over. */
#include "host_sched.h"
#include "sched.h"
#include "vm.h"

static unsigned int wakes[VM_MAX_VMS][VM_MAX_VCPUS];

__attribute__((weak)) void sched_wake(struct vcpu *v)
{
	__atomic_fetch_add(&wakes[v->vm->id % VM_MAX_VMS][v->id], 1,
			   __ATOMIC_RELAXED);
}

unsigned int host_wakes(struct vcpu *v)
{
	return __atomic_load_n(&wakes[v->vm->id % VM_MAX_VMS][v->id],
			       __ATOMIC_RELAXED);
}

void host_reset_wakes(void)
{
	for (unsigned int i = 0; i < VM_MAX_VMS; i++)
		for (unsigned int j = 0; j < VM_MAX_VCPUS; j++)
			__atomic_store_n(&wakes[i][j], 0, __ATOMIC_RELAXED);
}
