/* SPDX-License-Identifier: MIT */
/*
 * Stage 2 (include/stage2.h) on LPAE tables, for both ARM profiles: the
 * long-descriptor stage-2 format is the same in ARMv7 (LPAE) and ARMv8
 * (ARM ARM D8.3); only the register that holds the root differs, left to
 * the profile's arch_s2_set_root().
 */
#include <errno.h>

#include "lpae.h"
#include "stage2.h"
#include "vm.h"

static struct lpae_table s2_tables[VM_MAX_VMS];

static const uint64_t s2_attrs[] = {
	[S2_MEM_NORMAL] = LPAE_S2_NORMAL_RWX,
	[S2_MEM_DEVICE] = LPAE_S2_DEVICE_RW,
	[S2_MEM_CODE_RO] = LPAE_S2_NORMAL_RX,
};

int s2_init(struct vm *vm)
{
	struct lpae_table *t;
	int r;

	if (vm->id >= VM_MAX_VMS)
		return -EINVAL;
	t = &s2_tables[vm->id];
	r = lpae_init_s2(t, arch_ipa_bits());
	if (r)
		return r;
	vm->arch.s2 = t;
	arch_s2_set_root(vm, t->root_pa);
	return 0;
}

int s2_map(struct vm *vm, uint64_t ipa, uint64_t pa, uint64_t size,
	   enum s2_mem mem)
{
	if ((unsigned int)mem >= ARRAY_SIZE(s2_attrs))
		return -EINVAL;
	return lpae_map(vm->arch.s2, ipa, pa, size, s2_attrs[mem]);
}

bool s2_is_mapped(const struct vm *vm, uint64_t ipa)
{
	return lpae_walk(vm->arch.s2, ipa, NULL, NULL) == 0;
}
