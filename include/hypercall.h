/* SPDX-License-Identifier: MIT */
/*
 * vigil's hypercall ABI, shared with guests. SMCCC conventions: HVC #0 (or a
 * trapped SMC) with the function id in x0/r0, arguments in x1..x3, result in
 * x0. vigil's own calls live in the Vendor Specific Hypervisor Service range
 * (owner 6); PSCI 1.0 ids (owner 4) are answered too.
 */
#ifndef VIGIL_HYPERCALL_H
#define VIGIL_HYPERCALL_H

/* Returns VIGIL_ABI_VERSION at once: the null hypercall. */
#define VIGIL_HC_VERSION 0xC6000000
/* x1 = IPA of a buffer in the caller's RAM, x2 = length (at most
 * VIGIL_CONSOLE_MAX). Writes it to vigil's console as one unit, prefixed with
 * the VM's name. Returns the number of bytes written or SMCCC_INVALID. */
#define VIGIL_HC_CONSOLE_WRITE 0xC6000001
#define VIGIL_CONSOLE_MAX 256
/* Print the calling vCPU's virtual interface state on vigil's console
 * (list registers, HCR, VMCR, APR, the vGIC's lists): a debugging aid. */
#define VIGIL_HC_DEBUG_DUMP 0xC6000002

#define VIGIL_ABI_VERSION 0x00010000

#define SMCCC_SUCCESS 0
#define SMCCC_NOT_SUPPORTED (-1)
#define SMCCC_INVALID (-2)

#define PSCI_0_2_VERSION 0x84000000
#define PSCI_0_2_CPU_SUSPEND_64 0xC4000001
#define PSCI_0_2_CPU_OFF 0x84000002
#define PSCI_0_2_CPU_ON_64 0xC4000003
#define PSCI_0_2_AFFINITY_INFO_64 0xC4000004
#define PSCI_0_2_MIGRATE_INFO_TYPE 0x84000006
#define PSCI_0_2_SYSTEM_OFF 0x84000008
#define PSCI_0_2_SYSTEM_RESET 0x84000009
#define PSCI_1_0_FEATURES 0x8400000A
#define PSCI_0_2_CPU_SUSPEND 0x84000001
#define PSCI_0_2_CPU_ON 0x84000003
#define PSCI_0_2_AFFINITY_INFO 0x84000004
#define PSCI_1_1_SYSTEM_RESET2 0x84000012
#define PSCI_1_1_SYSTEM_RESET2_64 0xC4000012

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED (-3)
#define PSCI_ALREADY_ON (-4)
#define PSCI_ON_PENDING (-5)
#define PSCI_INTERNAL_FAILURE (-6)
#define PSCI_NOT_PRESENT (-7)
#define PSCI_DISABLED (-8)
#define PSCI_INVALID_ADDRESS (-9)

#define PSCI_AFF_ON 0
#define PSCI_AFF_OFF 1
#define PSCI_AFF_ON_PENDING 2

#endif
