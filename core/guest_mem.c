/* SPDX-License-Identifier: MIT */
/*
 * A VM's RAM as vigil reaches it: IPA ranges checked against the VM's RAM
 * regions, then copied page by page through mm_map() (include/mm.h), so no
 * guest page needs to stay mapped in vigil's address space and a guest's
 * bad pointer is an error it gets back, never a fault of vigil's.
 */
#include <errno.h>

#include "mm.h"
#include "vm.h"

/* The region holding all of [ipa, ipa + len), len > 0, or NULL. */
static const struct mem_region *ram_region(const struct vm *vm, uint64_t ipa,
					   uint64_t len)
{
	for (unsigned int i = 0; i < vm->nr_ram; i++) {
		const struct mem_region *r = &vm->ram[i];

		if (ipa >= r->ipa && len <= r->size &&
		    ipa - r->ipa <= r->size - len)
			return r;
	}
	return NULL;
}

int vm_ipa_to_pa(const struct vm *vm, uint64_t ipa, uint64_t len, uint64_t *pa)
{
	const struct mem_region *r = ram_region(vm, ipa, len ? len : 1);

	if (!r)
		return -EFAULT;
	*pa = r->pa + (ipa - r->ipa);
	return 0;
}

bool vm_ipa_is_ram(const struct vm *vm, uint64_t ipa, uint64_t len)
{
	uint64_t pa;

	return vm_ipa_to_pa(vm, ipa, len, &pa) == 0;
}

int vm_copy_from_guest(const struct vm *vm, void *dst, uint64_t ipa,
		       uint64_t len)
{
	uint64_t pa;

	if (!len)
		return 0;
	if (vm_ipa_to_pa(vm, ipa, len, &pa))
		return -EFAULT;
	mm_copy_from_phys(dst, pa, len);
	return 0;
}

int vm_copy_to_guest(const struct vm *vm, uint64_t ipa, const void *src,
		     uint64_t len)
{
	uint64_t pa;

	if (!len)
		return 0;
	if (vm_ipa_to_pa(vm, ipa, len, &pa))
		return -EFAULT;
	mm_copy_to_phys(pa, src, len);
	return 0;
}
