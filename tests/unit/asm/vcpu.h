/* SPDX-License-Identifier: MIT */
/*
 * The host unit tests' asm/vcpu.h, in place of a profile's
 * (arch/arm/<arch>/include/asm/vcpu.h). include/vm.h embeds a struct
 * vcpu_arch in every vCPU and portable code never looks inside it; the
 * tests enter no guest, so there is no register file to hold. This keeps
 * the 64- and 32-bit unit builds free of any profile's headers.
 */
#ifndef VIGIL_ASM_VCPU_H
#define VIGIL_ASM_VCPU_H

#ifndef __ASSEMBLY__

#include "compiler.h"

struct vcpu_arch {
	unsigned long unused;
};

#endif /* __ASSEMBLY__ */
#endif
