/* SPDX-License-Identifier: MIT */
/*
 * A VM's stage-2 translation, as the portable core asks for it: guest RAM
 * and passthrough MMIO mapped at IPAs, nothing about table formats or the
 * registers that point the MMU at them. arch/arm/stage2.c implements it on
 * LPAE tables (arch/arm/lpae.c) for both ARM profiles; the profile supplies
 * the two hooks at the end.
 *
 * Called while a VM is built (boot, one CPU) and never while its vCPUs
 * run: no TLB maintenance is needed, the first guest entry invalidates
 * the VMID's stale translations (arch_vcpu_load()).
 */
#ifndef VIGIL_STAGE2_H
#define VIGIL_STAGE2_H

#include "compiler.h"

struct vm;

enum s2_mem {
	S2_MEM_NORMAL,	/* RAM: write-back cacheable, read/write/execute */
	S2_MEM_DEVICE,	/* MMIO: Device-nGnRE, read/write, never executed */
	S2_MEM_CODE_RO, /* vigil's code for the guest: read and execute */
};

/*
 * Empty stage-2 tables for @vm (the widest IPA the CPU supports) and the
 * arch's root register value for it (its VMID and root table): 0,
 * -ENOMEM, -EINVAL.
 */
int s2_init(struct vm *vm);

/*
 * Map [ipa, ipa + size) to [pa, pa + size), page aligned, as @mem. All or
 * nothing: -EEXIST if a page of the range is mapped already, -EINVAL for
 * an unaligned, empty or out-of-range range, -ENOMEM.
 */
int s2_map(struct vm *vm, uint64_t ipa, uint64_t pa, uint64_t size,
	   enum s2_mem mem);

static inline int s2_map_device(struct vm *vm, uint64_t ipa, uint64_t pa,
				uint64_t size)
{
	return s2_map(vm, ipa, pa, size, S2_MEM_DEVICE);
}

/* Whether the page holding @ipa is mapped. */
bool s2_is_mapped(const struct vm *vm, uint64_t ipa);

/* ---- what the CPU profile provides to the above ---- */

/* Largest IPA size (bits) stage 2 supports on this CPU. */
unsigned int arch_ipa_bits(void);

/* Record in @vm->arch the root register value for tables at @root_pa and
 * @vm's VMID (arm64: VTTBR_EL2), loaded when its vCPUs run. */
void arch_s2_set_root(struct vm *vm, uint64_t root_pa);

#endif
