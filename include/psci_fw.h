/* SPDX-License-Identifier: MIT */
/* vigil as a PSCI client of the firmware (SMC or HVC, as the DTB says). */
#ifndef VIGIL_PSCI_FW_H
#define VIGIL_PSCI_FW_H

#include "compiler.h"

enum psci_conduit {
	PSCI_CONDUIT_NONE,
	PSCI_CONDUIT_SMC,
	PSCI_CONDUIT_HVC
};

void psci_fw_set_conduit(enum psci_conduit c);
enum psci_conduit psci_fw_conduit(void);
int64_t psci_fw_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
void psci_fw_system_off(void) __noreturn;
void psci_fw_system_reset(void) __noreturn;

/* SMCCC call through the given conduit; returns x0. */
uint64_t smccc_call(enum psci_conduit c, uint64_t fn, uint64_t a1, uint64_t a2,
		    uint64_t a3);

#endif
