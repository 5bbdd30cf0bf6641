/* SPDX-License-Identifier: MIT */
/*
 * An SGI storm: every vCPU sends every SGI (0-15) to every vCPU, itself
 * included, and each receiver counts what it acknowledges per source
 * (GICC_IAR.CPUID) and SGI. GICv2 keeps one pending bit per SGI, source
 * and target (§3.2.3, §4.3.15): an SGI sent while the same one from the
 * same source is still pending merges with it. So:
 *
 * - storm.handshake: a sender sends (sgi, target) again only once the
 *   previous one was acknowledged; nothing can merge, and every SGI must
 *   arrive exactly once;
 * - storm.burst: senders fire without waiting; per (source, target, SGI)
 *   between 1 and the number sent arrive (merging is allowed, losing the
 *   last one is not), and nothing is left pending or active;
 * - storm.masked_coalesce: a receiver with IRQs masked collects one pending
 *   instance per source and SGI; unmasked, it takes at least one from
 *   every source (an SGI pending from several sources keeps each).
 */
#include "hostile.h"

#define ROUNDS 30
#define BURST 50
#define MASKED_SENDS 20
#define STORM_MS 60000
#define QUIET_MS 50

static volatile uint32_t sent[GUEST_MAX_VCPUS][GUEST_MAX_VCPUS][GIC_NR_SGIS];
static volatile uint32_t recv[GUEST_MAX_VCPUS][GUEST_MAX_VCPUS][GIC_NR_SGIS];
static volatile uint32_t bad_source[GUEST_MAX_VCPUS];
static volatile uint32_t timed_out[GUEST_MAX_VCPUS];
/* Handshake senders that have sent all theirs (each keeps taking SGIs
 * until every sender is done: the others wait for its acknowledgements). */
static volatile uint32_t senders_done[GUEST_MAX_VCPUS];

static bool all_senders_done(void)
{
	for (unsigned int i = 0; i < nr_vcpus; i++)
		if (!READ_ONCE(senders_done[i]))
			return false;
	return true;
}

static void sgi_count(unsigned int intid, unsigned int src)
{
	unsigned int me = this_vcpu();

	if (src < nr_vcpus)
		recv[me][src][intid]++;
	else
		bad_source[me]++;
}

static uint8_t all_mask(void)
{
	return (uint8_t)((1U << nr_vcpus) - 1);
}

/* Runs on every vCPU: send ROUNDS of each SGI to each vCPU, one in flight
 * per (target, SGI). */
static void send_handshake(uint64_t rounds)
{
	unsigned int me = this_vcpu();
	uint64_t deadline = deadline_ms(STORM_MS);
	bool done = false;

	irq_unmask();
	while (!done && !deadline_passed(deadline)) {
		done = true;
		for (unsigned int n = 0; n < GIC_NR_SGIS; n++) {
			uint8_t mask = 0;

			for (unsigned int t = 0; t < nr_vcpus; t++) {
				if (sent[me][t][n] >= rounds)
					continue;
				done = false;
				if (READ_ONCE(recv[t][me][n]) == sent[me][t][n])
					mask |= (uint8_t)(1U << t);
			}
			if (!mask)
				continue;
			for (unsigned int t = 0; t < nr_vcpus; t++)
				if (mask & (1U << t))
					sent[me][t][n]++;
			dsb_sy();
			gic_send_sgi(GICD_SGIR_FILTER_LIST, mask, n);
		}
	}
	WRITE_ONCE(senders_done[me], 1);
	while (!all_senders_done() && !deadline_passed(deadline))
		cpu_relax();
	if (!done || !all_senders_done())
		timed_out[me]++;
	irq_mask();
}

static void send_burst(uint64_t times)
{
	unsigned int me = this_vcpu();

	irq_unmask();
	for (unsigned int b = 0; b < times; b++)
		for (unsigned int n = 0; n < GIC_NR_SGIS; n++) {
			for (unsigned int t = 0; t < nr_vcpus; t++)
				sent[me][t][n]++;
			dsb_sy();
			gic_send_sgi(GICD_SGIR_FILTER_LIST, all_mask(), n);
		}
	irq_mask();
}

/* Takes what is still pending, with IRQs unmasked, until nothing has
 * arrived for QUIET_MS. */
static void drain(uint64_t unused)
{
	unsigned int me = this_vcpu();
	uint64_t last = irq_stats[me].acked, quiet = deadline_ms(QUIET_MS);

	(void)unused;
	irq_unmask();
	while (!deadline_passed(quiet)) {
		if (irq_stats[me].acked != last) {
			last = irq_stats[me].acked;
			quiet = deadline_ms(QUIET_MS);
		}
		cpu_relax();
	}
	irq_mask();
}

/* Per vCPU: SGI pending or active left behind, read on that vCPU. */
static volatile uint32_t leftover[GUEST_MAX_VCPUS];

static void read_leftover(uint64_t unused)
{
	uint32_t l = 0;

	(void)unused;
	for (uint32_t off = 0; off < 16; off += 4)
		l |= gicd_read(GICD_SPENDSGIR + off);
	l |= gicd_read(GICD_ISPENDR) & 0xffff;
	l |= gicd_read(GICD_ISACTIVER) & 0xffff;
	leftover[this_vcpu()] = l;
}

static void reset_counts(void)
{
	memset((void *)sent, 0, sizeof(sent));
	memset((void *)recv, 0, sizeof(recv));
	memset((void *)senders_done, 0, sizeof(senders_done));
	dsb_sy();
}

/* Sums over every (source, target, SGI): exact / merged / lost / extra. */
struct tally {
	uint32_t sent, recv, exact, lost, extra;
};

static struct tally tally_counts(void)
{
	struct tally t = {0};

	for (unsigned int s = 0; s < nr_vcpus; s++)
		for (unsigned int d = 0; d < nr_vcpus; d++)
			for (unsigned int n = 0; n < GIC_NR_SGIS; n++) {
				uint32_t a = sent[s][d][n], b = recv[d][s][n];

				t.sent += a;
				t.recv += b;
				t.exact += a == b;
				t.lost += a && !b;
				t.extra += b > a;
			}
	return t;
}

static uint32_t leftovers(void)
{
	uint32_t l = 0;

	for (unsigned int i = 0; i < nr_vcpus; i++) {
		run_on(i, read_leftover, 0);
		l |= leftover[i];
	}
	return l;
}

static void case_handshake(void)
{
	unsigned int triples = nr_vcpus * nr_vcpus * GIC_NR_SGIS;
	struct tally t;
	bool ran;

	reset_counts();
	ran = run_on_all(send_handshake, ROUNDS);
	run_on_all(drain, 0);
	t = tally_counts();
	result("storm.handshake",
	       ran && t.exact == triples && t.sent == triples * ROUNDS &&
		       !timed_out[0] && !timed_out[1],
	       "sent=%u received=%u exact=%u/%u lost=%u extra=%u "
	       "timeouts=%u",
	       t.sent, t.recv, t.exact, triples, t.lost, t.extra,
	       timed_out[0] + timed_out[1]);
}

static void case_burst(void)
{
	unsigned int triples = nr_vcpus * nr_vcpus * GIC_NR_SGIS;
	struct tally t;
	uint32_t left;
	bool ran;

	reset_counts();
	ran = run_on_all(send_burst, BURST);
	run_on_all(drain, 0);
	t = tally_counts();
	left = leftovers();
	result("storm.burst",
	       ran && t.sent == triples * BURST && t.lost == 0 &&
		       t.extra == 0 && left == 0,
	       "sent=%u received=%u merged=%u lost-triples=%u "
	       "extra-triples=%u left-pending-or-active=0x%x",
	       t.sent, t.recv, t.sent - t.recv, t.lost, t.extra, left);
	/* After the burst, one handshake round is exact again. */
	reset_counts();
	ran = run_on_all(send_handshake, 1);
	run_on_all(drain, 0);
	t = tally_counts();
	result("storm.burst_then_exact", ran && t.exact == triples,
	       "exact=%u/%u lost=%u extra=%u", t.exact, triples, t.lost,
	       t.extra);
}

/*
 * vCPU 1 masks IRQs and sends itself each SGI MASKED_SENDS times; vCPU 0
 * sends it each SGI MASKED_SENDS times too. vCPU 1 then reads its
 * SPENDSGIR (each SGI pending from both sources) and unmasks.
 */
static volatile uint32_t masked_ready, masked_go;
static volatile uint8_t masked_pending[GIC_NR_SGIS];

static void send_to_vcpu1(unsigned int times)
{
	unsigned int me = this_vcpu();

	for (unsigned int i = 0; i < times; i++)
		for (unsigned int n = 0; n < GIC_NR_SGIS; n++) {
			sent[me][1][n]++;
			dsb_sy();
			gic_send_sgi(GICD_SGIR_FILTER_LIST, 0x02, n);
		}
}

static void masked_receiver(uint64_t times)
{
	uint64_t deadline = deadline_ms(STORM_MS);

	irq_mask();
	send_to_vcpu1((unsigned int)times);
	WRITE_ONCE(masked_ready, 1);
	while (!READ_ONCE(masked_go) && !deadline_passed(deadline))
		cpu_relax();
	for (uint32_t off = 0; off < 16; off += 4) {
		uint32_t w = gicd_read(GICD_SPENDSGIR + off);

		for (unsigned int b = 0; b < 4; b++)
			masked_pending[off + b] = (uint8_t)(w >> (8 * b));
	}
	drain(0);
}

static void case_masked_coalesce(void)
{
	uint64_t deadline = deadline_ms(STORM_MS);
	unsigned int out_of_range = 0, pend_bad = 0;
	uint32_t total = 0;
	bool ran;

	reset_counts();
	WRITE_ONCE(masked_ready, 0);
	WRITE_ONCE(masked_go, 0);
	run_on_post(1, masked_receiver, MASKED_SENDS);
	while (!READ_ONCE(masked_ready) && !deadline_passed(deadline))
		cpu_relax();
	send_to_vcpu1(MASKED_SENDS);
	dsb_sy();
	WRITE_ONCE(masked_go, 1);
	ran = run_on_wait(1);
	for (unsigned int n = 0; n < GIC_NR_SGIS; n++) {
		if (masked_pending[n] != 0x03)
			pend_bad++;
		for (unsigned int s = 0; s < 2; s++) {
			uint32_t r = recv[1][s][n];

			total += r;
			if (r < 1 || r > MASKED_SENDS)
				out_of_range++;
		}
	}
	result("storm.masked_coalesce",
	       ran && out_of_range == 0 && pend_bad == 0 && recv[0][1][0] == 0,
	       "sent=%u received=%u (1..%u per source and SGI) "
	       "out-of-range=%u pending-not-both-sources=%u (sgi0=0x%02x)",
	       2 * GIC_NR_SGIS * MASKED_SENDS, total, MASKED_SENDS,
	       out_of_range, pend_bad, masked_pending[0]);
}

void cases_storm(void)
{
	for (unsigned int n = 0; n < GIC_NR_SGIS; n++) {
		irq_set_handler(n, sgi_count);
		gic_irq_set_priority(n, 0x80);
	}
	case_handshake();
	case_burst();
	case_masked_coalesce();
	for (unsigned int i = 0; i < nr_vcpus; i++) {
		char name[40];

		snprintf(name, sizeof(name), "storm.iar_cpuid_valid_vcpu%u", i);
		result(name, !bad_source[i], "bad-source-sgis=%u",
		       bad_source[i]);
	}
}
