/* SPDX-License-Identifier: MIT */
/*
 * hostile: a guest that tries, one by one, what a guest must not be able
 * to do to vigil or to the VM beside it, and checks what it gets back
 * (tests/system/test_hostile.py runs it beside tests/guests/bystander):
 *
 * - memory.c: loads, stores and fetches outside its RAM and devices;
 * - gicd.c: distributor accesses of forbidden widths, read-only registers,
 *   INTIDs past ITLinesNumber, absent target vCPUs, SPIs it does not own;
 * - calls.c: HVC, SMC and PSCI calls with bad function ids and arguments,
 *   and the console hypercall pointed at memory that is not its own;
 * - sysregs.c: trapped and undefined system-register accesses, FP/SIMD
 *   state at entry, the PMU behind MDCR_EL2.TPM (no counting at EL2,
 *   filters read back, counters past PMCR_EL0.N, EL0 and PMUSERENR_EL0)
 *   (EL0 and EL1t: memory.c);
 * - storm.c: SGIs from every vCPU to every vCPU, counted exactly;
 * - reset.c: then it resets its own VM (SYSTEM_RESET, then SYSTEM_RESET2
 *   twice) and checks each next boot starts from scratch;
 * - dma.c, alone with bootarg hostile.dma=1: DMA from a passthrough device
 *   into the other VM.
 *
 * Each case prints `hostile <case>: PASS|FAIL <details>`; at the end of the
 * last boot `hostile: provoked aborts=<n> undefs=<n>` (what vigil must
 * have injected, for its counters), `hostile: <p> passed, <f> failed`, and
 * SYSTEM_OFF. vCPU 0 drives; vCPU 1 runs what it is handed (run_on()).
 */
#include "hostile.h"

#define RUN_ON_MS 30000

unsigned int nr_vcpus;
static unsigned int passed, failed;

/* Per vCPU, written by that vCPU only. */
static struct {
	volatile uint64_t aborts, undefs;
} provoked[GUEST_MAX_VCPUS];

volatile uint32_t spi_rx[GUEST_MAX_VCPUS][GIC_MAX_INTID];

bool result(const char *name, bool ok, const char *fmt, ...)
{
	char details[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(details, sizeof(details), fmt, ap);
	va_end(ap);
	gprintf("hostile %s: %s %s\n", name, ok ? "PASS" : "FAIL", details);
	/* Only vCPU 0 reports. */
	if (ok)
		passed++;
	else
		failed++;
	return ok;
}

void count_abort(void)
{
	provoked[this_vcpu()].aborts++;
}

void count_undef(void)
{
	provoked[this_vcpu()].undefs++;
}

void delay_ms(unsigned int ms)
{
	uint64_t deadline = deadline_ms(ms);

	while (!deadline_passed(deadline))
		cpu_relax();
}

void spi_rx_handler(unsigned int intid, unsigned int src)
{
	(void)src;
	spi_rx[this_vcpu()][intid]++;
}

uint32_t spi_rx_count(unsigned int vcpu, unsigned int intid)
{
	return READ_ONCE(spi_rx[vcpu][intid]);
}

bool wait_spi(unsigned int vcpu, unsigned int intid, uint32_t want,
	      unsigned int ms)
{
	uint64_t deadline = deadline_ms(ms);

	while (spi_rx_count(vcpu, intid) < want && !deadline_passed(deadline))
		cpu_relax();
	return spi_rx_count(vcpu, intid) >= want;
}

/* ---- vCPU 1 as a helper: a mailbox it polls with IRQs unmasked ---- */

static struct mailbox {
	volatile uint32_t seq, done;
	void (*volatile fn)(uint64_t);
	volatile uint64_t arg;
} mbox[GUEST_MAX_VCPUS];
static volatile uint32_t helper_up[GUEST_MAX_VCPUS];

static void helper(unsigned int me)
{
	struct mailbox *m = &mbox[me];
	uint32_t seen = 0;

	case_fpsimd_clean("vcpu1");
	gic_cpu_init(false);
	WRITE_ONCE(helper_up[me], 1);
	irq_unmask();
	for (;;) {
		void (*fn)(uint64_t);

		while (READ_ONCE(m->seq) == seen)
			cpu_relax();
		seen = m->seq;
		dmb_sy();
		fn = m->fn;
		if (!fn)
			break;
		fn(m->arg);
		dsb_sy();
		WRITE_ONCE(m->done, seen);
	}
	irq_mask();
	dsb_sy();
	WRITE_ONCE(m->done, seen);
	/* Returning turns this vCPU off (CPU_OFF). */
}

void run_on_post(unsigned int vcpu, void (*fn)(uint64_t), uint64_t arg)
{
	struct mailbox *m = &mbox[vcpu];

	m->fn = fn;
	m->arg = arg;
	dsb_sy();
	m->seq++;
	dsb_sy();
}

bool run_on_wait(unsigned int vcpu)
{
	struct mailbox *m = &mbox[vcpu];
	uint64_t deadline = deadline_ms(RUN_ON_MS);

	while (READ_ONCE(m->done) != READ_ONCE(m->seq) &&
	       !deadline_passed(deadline))
		cpu_relax();
	dmb_sy();
	if (READ_ONCE(m->done) != READ_ONCE(m->seq)) {
		gprintf("hostile: TIMEOUT waiting for vcpu %u\n", vcpu);
		return false;
	}
	return true;
}

bool run_on(unsigned int vcpu, void (*fn)(uint64_t), uint64_t arg)
{
	if (vcpu == 0) {
		fn(arg);
		return true;
	}
	run_on_post(vcpu, fn, arg);
	return run_on_wait(vcpu);
}

bool run_on_all(void (*fn)(uint64_t), uint64_t arg)
{
	bool ok = true;

	for (unsigned int i = 1; i < nr_vcpus; i++)
		run_on_post(i, fn, arg);
	fn(arg);
	for (unsigned int i = 1; i < nr_vcpus; i++)
		ok &= run_on_wait(i);
	return ok;
}

static bool start_helpers(void)
{
	bool ok = true;

	for (unsigned int i = 1; i < nr_vcpus; i++) {
		uint64_t deadline = deadline_ms(5000);
		int r = vcpu_start(i, helper);

		while (r == PSCI_SUCCESS && !READ_ONCE(helper_up[i]) &&
		       !deadline_passed(deadline))
			cpu_relax();
		ok &= r == PSCI_SUCCESS && READ_ONCE(helper_up[i]);
		if (!ok)
			gprintf("hostile: vcpu %u did not start: %d\n", i, r);
	}
	return ok;
}

static void stop_helpers(void)
{
	for (unsigned int i = 1; i < nr_vcpus; i++) {
		uint64_t deadline = deadline_ms(5000);
		int state;

		run_on_post(i, NULL, 0);
		do {
			state = psci_affinity_info(vcpu_mpidr(i), 0);
		} while (state != PSCI_AFF_OFF && !deadline_passed(deadline));
		result("psci.helper_cpu_off", state == PSCI_AFF_OFF,
		       "vcpu%u affinity_info=%d", i, state);
	}
}

static void totals(uint64_t *aborts, uint64_t *undefs)
{
	for (unsigned int i = 0; i < GUEST_MAX_VCPUS; i++) {
		*aborts += READ_ONCE(provoked[i].aborts);
		*undefs += READ_ONCE(provoked[i].undefs);
	}
}

int main(uint64_t dtb)
{
	uint64_t aborts = 0, undefs = 0, start = counter_read();

	if (after_reset()) {
		cases_after_reset(dtb);
		totals(&aborts, &undefs);
		if (!reset_vm(&passed, &failed, &aborts, &undefs))
			return 0;
		gprintf("hostile: provoked aborts=%lu undefs=%lu\n",
			(unsigned long)aborts, (unsigned long)undefs);
		gprintf("hostile: %u passed, %u failed\n", passed, failed);
		return 0;
	}
	if (bootarg_u64(dtb, "hostile.dma", 0)) {
		case_dma(dtb);
		gprintf("hostile: %u passed, %u failed\n", passed, failed);
		return 0;
	}
	case_fpsimd_clean("vcpu0");
	gic_probe(dtb);
	nr_vcpus = fdt_nr_cpus(dtb);
	if (nr_vcpus < 2 || nr_vcpus > GUEST_MAX_VCPUS) {
		gprintf("hostile: needs 2..%u vcpus, the DTB has %u\n",
			GUEST_MAX_VCPUS, nr_vcpus);
		return 0;
	}
	gprintf("hostile: %u vcpus, trying everything a guest must not do\n",
		nr_vcpus);

	for (unsigned int i = GIC_NR_PRIVATE; i < GIC_MAX_INTID; i++)
		irq_set_handler(i, spi_rx_handler);
	gic_dist_enable();
	gic_cpu_init(false);

	cases_dtb(dtb, true);
	/* PSCI cases that need vCPU 1 off, then the helpers. */
	cases_psci_alone(dtb);
	if (!start_helpers()) {
		result("psci.start_helpers", false, "a helper vCPU is missing");
		return 0;
	}
	cases_psci_helpers();
	cases_calls(dtb);
	cases_memory();
	cases_sysregs();
	cases_pmu();
	cases_gicd();
	cases_storm();
	stop_helpers();

	gprintf("hostile: tried everything in %lu ms; vigil is still here\n",
		(unsigned long)((counter_read() - start) * 1000 /
				read_sysreg(cntfrq_el0)));
	totals(&aborts, &undefs);
	reset_vm(&passed, &failed, &aborts, &undefs);
	return 0;
}
