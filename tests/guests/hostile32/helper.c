/* SPDX-License-Identifier: MIT */
/*
 * vCPU 1 as a helper, as in tests/guests/hostile/hostile.c: it polls a
 * mailbox with IRQs unmasked and runs what vCPU 0 hands it (the SGI storm
 * needs both vCPUs sending and receiving at once); handed nothing, it
 * returns, which turns it off by CPU_OFF (psci.helper_cpu_off checks it
 * with AFFINITY_INFO). The signatures are the arm64 guest's, so that its
 * storm.c and dma.c build here unchanged.
 */
#include "hostile32.h"

#define RUN_ON_MS 30000

static struct mailbox {
	volatile uint32_t seq, done;
	void (*volatile fn)(uint64_t);
	volatile uint64_t arg;
} mbox[GUEST_MAX_VCPUS];
static volatile uint32_t helper_up[GUEST_MAX_VCPUS];

void delay_ms(unsigned int ms)
{
	uint64_t deadline = deadline_ms(ms);

	while (!deadline_passed(deadline))
		cpu_relax();
}

static void helper(unsigned int me)
{
	struct mailbox *m = &mbox[me];
	uint32_t seen = READ_ONCE(m->seq);

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

bool start_helpers(void)
{
	bool ok = true;

	for (unsigned int i = 1; i < nr_vcpus; i++) {
		uint64_t deadline = deadline_ms(5000);
		int r;

		WRITE_ONCE(helper_up[i], 0);
		r = vcpu_start(i, helper);
		while (r == PSCI_SUCCESS && !READ_ONCE(helper_up[i]) &&
		       !deadline_passed(deadline))
			cpu_relax();
		ok &= r == PSCI_SUCCESS && READ_ONCE(helper_up[i]);
		if (!ok)
			gprintf("hostile: vcpu %u did not start: %d\n", i, r);
	}
	return ok;
}

void stop_helpers(void)
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
