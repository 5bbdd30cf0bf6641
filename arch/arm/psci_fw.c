/* SPDX-License-Identifier: MIT */
#include "arch.h"
#include "arch_vcpu.h"
#include "hypercall.h"
#include "platform_dt.h"
#include "psci_fw.h"

static enum psci_conduit conduit = PSCI_CONDUIT_SMC;

void psci_fw_set_conduit(enum psci_conduit c)
{
	conduit = c;
}

enum psci_conduit psci_fw_conduit(void)
{
	return conduit;
}

int64_t psci_fw_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
	/* The SMC64 function where the hypervisor's registers have 64 bits,
	 * the SMC32 one in HYP mode. */
	uint32_t fn = sizeof(long) == 8 ? PSCI_0_2_CPU_ON_64 : PSCI_0_2_CPU_ON;

	if (conduit == PSCI_CONDUIT_NONE)
		return PSCI_NOT_SUPPORTED;
	return (int64_t)smccc_call(conduit, fn, mpidr, entry, context);
}

/* Without PSCI the board's own power controller, if the DTB names one
 * (core/platform_power.c); else there is nothing to do but stop. */
void psci_fw_system_off(void)
{
	if (conduit != PSCI_CONDUIT_NONE)
		smccc_call(conduit, PSCI_0_2_SYSTEM_OFF, 0, 0, 0);
	else
		platform_power_off();
	for (;;)
		arch_cpu_relax();
}

void psci_fw_system_reset(void)
{
	if (conduit != PSCI_CONDUIT_NONE)
		smccc_call(conduit, PSCI_0_2_SYSTEM_RESET, 0, 0, 0);
	else
		platform_reset();
	for (;;)
		arch_cpu_relax();
}

/* The machine's power, for both ARM profiles: through the firmware (or
 * the board's fallback above). */
void arch_system_off(void)
{
	psci_fw_system_off();
}

void arch_system_reset(void)
{
	psci_fw_system_reset();
}
