/* SPDX-License-Identifier: MIT */
/*
 * hello: the first test guest. vCPU 0 starts vCPUs 1, 2, ... with PSCI
 * CPU_ON until the hypervisor refuses one; every vCPU prints its MPIDR.
 * vCPU 0 then checks that an unmapped IPA and vigil's own memory both fault,
 * that x0 at entry pointed at an FDT, that the secondaries are off again,
 * and powers the system off. tests/system/test_hello.py reads the output.
 */
#include "guest.h"

/* In the PCIe MMIO window of QEMU virt: never RAM, never given to this VM. */
#ifndef HELLO_UNMAPPED_IPA
#define HELLO_UNMAPPED_IPA 0x30000000UL
#endif
/* Where vigil is loaded on qemu-virt (RAM base + 0x80000, + 0x10000 for
 * arm32's zImage). */
#ifndef HELLO_VIGIL_PA
#ifdef __arm__
#define HELLO_VIGIL_PA 0x40010000UL
#else
#define HELLO_VIGIL_PA 0x40080000UL
#endif
#endif
#define FDT_MAGIC 0xd00dfeedU
#define WAIT_MS 5000

/* vcpu_up[i] = 1 once vCPU i has printed; each vCPU writes only its slot. */
static volatile uint32_t vcpu_up[GUEST_MAX_VCPUS];

static void report_up(unsigned int idx)
{
	gprintf("vcpu %u up mpidr=0x%lx\n", idx, read_sysreg(mpidr_el1));
	dsb_sy();
	vcpu_up[idx] = 1;
	dsb_sy();
}

static void secondary(unsigned int idx)
{
	report_up(idx);
}

/* Starts vCPUs from 1 until CPU_ON fails; returns how many run in all. */
static unsigned int start_secondaries(void)
{
	unsigned int n;

	for (n = 1; n < GUEST_MAX_VCPUS; n++) {
		int ret = vcpu_start(n, secondary);

		gprintf("cpu_on mpidr=0x%lx -> %d (%s)\n", vcpu_mpidr(n), ret,
			psci_strerror(ret));
		if (ret != PSCI_SUCCESS)
			return n;
	}
	gprintf("cpu_on: stopped at the guest's limit of %u vcpus\n",
		GUEST_MAX_VCPUS);
	return n;
}

static void wait_secondaries_up(unsigned int nr)
{
	uint64_t deadline = deadline_ms(WAIT_MS);
	unsigned int i;

	for (i = 1; i < nr; i++) {
		while (!READ_ONCE(vcpu_up[i]) && !deadline_passed(deadline))
			cpu_relax();
		if (!READ_ONCE(vcpu_up[i]))
			gprintf("vcpu %u: TIMEOUT waiting for it to come up\n",
				i);
	}
	dmb_sy();
	gprintf("all %u vcpus up\n", nr);
}

static void wait_secondaries_off(unsigned int nr)
{
	uint64_t deadline = deadline_ms(WAIT_MS);
	unsigned int i;

	for (i = 1; i < nr; i++) {
		int state;

		do {
			state = psci_affinity_info(vcpu_mpidr(i), 0);
		} while (state != PSCI_AFF_OFF && !deadline_passed(deadline));
		if (state == PSCI_AFF_OFF)
			gprintf("vcpu %u off\n", i);
		else
			gprintf("vcpu %u: affinity_info=%d, not off\n", i,
				state);
	}
}

static void report_fault(const char *what, bool faulted, const struct fault *f)
{
	if (faulted)
		gprintf("%s: fault esr=0x%lx far=0x%lx\n", what, f->esr,
			f->far);
	else
		gprintf("%s: NO FAULT\n", what);
}

static void check_unmapped_read(void)
{
	volatile uint32_t *p = (volatile uint32_t *)HELLO_UNMAPPED_IPA;
	struct fault f;
	bool faulted;

	fault_expect();
	(void)*p;
	faulted = fault_take(&f);
	report_fault("unmapped read", faulted, &f);
}

static void check_vigil_write(void)
{
	volatile uint32_t *p = (volatile uint32_t *)HELLO_VIGIL_PA;
	struct fault f;
	bool faulted;

	fault_expect();
	*p = 0xdeadbeef;
	faulted = fault_take(&f);
	report_fault("vigil write", faulted, &f);
}

static uint32_t be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

static void check_dtb(unsigned long dtb)
{
	struct fault f;
	uint32_t magic = 0, size = 0;
	bool faulted;

	if (!dtb || dtb & 7) {
		gprintf("dtb bad: x0=0x%lx\n", dtb);
		return;
	}
	fault_expect();
	magic = be32(((volatile uint32_t *)dtb)[0]);
	size = be32(((volatile uint32_t *)dtb)[1]);
	faulted = fault_take(&f);
	if (faulted)
		gprintf("dtb bad: x0=0x%lx faults (esr=0x%lx)\n", dtb, f.esr);
	else if (magic != FDT_MAGIC)
		gprintf("dtb bad: x0=0x%lx magic=0x%x\n", dtb, magic);
	else
		gprintf("dtb ok at 0x%lx size=%u\n", dtb, size);
}

/* An initrd the DTB's /chosen names (none unless QEMU had -initrd): where
 * it is and its first word, read with the MMU off (an AArch32 guest only
 * reaches it below 4 GiB). */
static void check_initrd(uint64_t dtb)
{
	int chosen = fdt_path(dtb, "/chosen"), ls = 0, le = 0;
	const void *s, *e;
	uint64_t start, end;

	if (chosen < 0)
		return;
	s = fdt_prop(dtb, chosen, "linux,initrd-start", &ls);
	e = fdt_prop(dtb, chosen, "linux,initrd-end", &le);
	if (!s || !e)
		return;
	start = fdt_cells(s, 0, (unsigned int)ls / 4);
	end = fdt_cells(e, 0, (unsigned int)le / 4);
	if (start != (uintptr_t)start) {
		gprintf("initrd at 0x%llx-0x%llx: out of reach\n", ULL(start),
			ULL(end));
		return;
	}
	gprintf("initrd at 0x%llx-0x%llx first=0x%08x\n", ULL(start), ULL(end),
		*(volatile uint32_t *)(uintptr_t)start);
}

int main(uint64_t dtb)
{
	uint32_t ver = psci_version();
	unsigned int nr;

	gprintf("hello: vigil bare-metal test guest\n");
	gprintf("psci version %u.%u\n", ver >> 16, ver & 0xffff);
	report_up(0);
	nr = start_secondaries();
	wait_secondaries_up(nr);
	check_unmapped_read();
	check_vigil_write();
	check_dtb((unsigned long)dtb);
#ifdef __arm__
	gprintf("boot regs r0=0x%x r1=0x%x\n", (unsigned)guest_boot_regs[0],
		(unsigned)guest_boot_regs[1]);
#endif
	check_initrd(dtb);
	wait_secondaries_off(nr);
	gprintf("hello: done\n");
	psci_system_off();
}
