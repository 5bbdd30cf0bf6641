/* SPDX-License-Identifier: MIT */
/* C side of the start-up: the boot vCPU's main and secondary vCPUs. */
#include "guest.h"

extern char guest_secondary_start[];

/* What each secondary runs; written by vCPU 0 before its CPU_ON. */
static void (*volatile secondary_fn[GUEST_MAX_VCPUS])(unsigned int idx);

/* CNTFRQ is 32 bits: a 32-bit division is one UDIV in A32 (armv7ve) as
 * in AArch64, where a 64-bit one would be a libgcc call of a hundred
 * instructions inside the bench guest's measured waits. */
uint64_t deadline_ms(unsigned int ms)
{
	uint32_t freq = (uint32_t)read_sysreg(cntfrq_el0);

	if (!freq)
		freq = 62500000; /* QEMU's default if firmware left it 0 */
	return counter_read() + (uint64_t)(freq / 1000) * ms;
}

int vcpu_start(unsigned int idx, void (*fn)(unsigned int idx))
{
	if (idx < GUEST_MAX_VCPUS) {
		secondary_fn[idx] = fn;
		dsb_sy();
	}
	return psci_cpu_on(vcpu_mpidr(idx), (uintptr_t)guest_secondary_start,
			   idx);
}

uint64_t guest_dtb;
#ifdef __arm__
uint32_t guest_boot_regs[2]; /* r0, r1 at the boot entry (start.S) */
#endif

void guest_boot_main(uint64_t dtb);
void guest_boot_main(uint64_t dtb)
{
	guest_dtb = dtb;
	console_init();
	main(dtb);
	psci_system_off();
}

void guest_secondary_main(unsigned int idx);
void guest_secondary_main(unsigned int idx)
{
	void (*fn)(unsigned int) = secondary_fn[idx];

	if (fn)
		fn(idx);
	else
		gprintf("vcpu %u: started with no function\n", idx);
	psci_cpu_off();
	gprintf("vcpu %u: CPU_OFF returned\n", idx);
	guest_halt();
}
