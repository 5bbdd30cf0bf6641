/* SPDX-License-Identifier: MIT */
#ifndef VIGIL_GUEST_DTB_H
#define VIGIL_GUEST_DTB_H

#include "compiler.h"

struct vm;
struct vm_config;

/* Space reserved for a guest DTB at the top of the VM's RAM. */
#define GUEST_DTB_MAX 0x100000

/*
 * Write @vm's DTB into its RAM (the last 2 MiB, so a kernel placed low never
 * overlaps it) and set vm->dtb_ipa: the host tree with memory and cpus
 * rewritten, PSCI through HVC, and vigil's own /hypervisor node removed.
 */
int guest_dtb_build(struct vm *vm, const void *host_fdt, char *err,
		    size_t errlen);

#endif
