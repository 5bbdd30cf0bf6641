/* SPDX-License-Identifier: MIT */
/* SMCCC calls through HVC #0 and the PSCI functions built on them. */
#include "guest.h"

#ifdef __arm__
/* SMC32/HVC32: r0 = function id, r1..r3 the arguments' low words; the
 * callee preserves r4..r14 (SMCCC, AArch32). */
long hvc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint32_t r0 __asm__("r0") = (uint32_t)fid;
	register uint32_t r1 __asm__("r1") = (uint32_t)a1;
	register uint32_t r2 __asm__("r2") = (uint32_t)a2;
	register uint32_t r3 __asm__("r3") = (uint32_t)a3;

	__asm__ __volatile__(".arch_extension virt\n\thvc #0"
			     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
			     :
			     : "memory");
	return (long)(int32_t)r0;
}
/* The 32-bit calling convention's IDs. */
#define PSCI_CPU_ON PSCI_0_2_CPU_ON
#define PSCI_AFFINITY_INFO PSCI_0_2_AFFINITY_INFO
#else
#define PSCI_CPU_ON PSCI_0_2_CPU_ON_64
#define PSCI_AFFINITY_INFO PSCI_0_2_AFFINITY_INFO_64

long hvc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	/* SMCCC 1.0 lets the callee corrupt x4..x17. */
	__asm__ __volatile__("hvc #0"
			     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			     :
			     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			       "x12", "x13", "x14", "x15", "x16", "x17",
			       "memory");
	return (long)x0;
}
#endif

uint32_t psci_version(void)
{
	return (uint32_t)hvc_call(PSCI_0_2_VERSION, 0, 0, 0);
}

int psci_features(uint32_t fid)
{
	return (int)hvc_call(PSCI_1_0_FEATURES, fid, 0, 0);
}

int psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context_id)
{
	return (int)hvc_call(PSCI_CPU_ON, mpidr, entry, context_id);
}

int psci_cpu_off(void)
{
	return (int)hvc_call(PSCI_0_2_CPU_OFF, 0, 0, 0);
}

int psci_affinity_info(uint64_t mpidr, unsigned int lowest_level)
{
	return (int)hvc_call(PSCI_AFFINITY_INFO, mpidr, lowest_level, 0);
}

void psci_system_off(void)
{
	hvc_call(PSCI_0_2_SYSTEM_OFF, 0, 0, 0);
	gprintf("psci: SYSTEM_OFF returned\n");
	guest_halt();
}

const char *psci_strerror(int ret)
{
	static const char *const names[] = {
		"SUCCESS",	    "NOT_SUPPORTED", "INVALID_PARAMETERS",
		"DENIED",	    "ALREADY_ON",    "ON_PENDING",
		"INTERNAL_FAILURE", "NOT_PRESENT",   "DISABLED",
		"INVALID_ADDRESS",
	};

	if (ret <= 0 && -ret < (int)ARRAY_SIZE(names))
		return names[-ret];
	return "UNKNOWN";
}
