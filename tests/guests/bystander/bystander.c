/* SPDX-License-Identifier: MIT */
/*
 * bystander: the VM that must not notice its neighbour. It runs beside the
 * hostile guest (tests/guests/hostile) in a second VM and checks that
 * nothing the other VM does reaches it:
 *
 * - every vCPU counts ticks of its virtual timer (TICK_US apart) for
 *   bystander.ms milliseconds (bootargs) and expects close to one tick per
 *   period: its pCPUs were never taken away for long;
 * - vCPU 0 fills CANARY_IPA with a known pattern that the hostile guest
 *   tries to read, write and print through vigil's console hypercall; the
 *   pattern must be intact at the end and never appear on the console;
 * - INTID 34 (the PL031 RTC it owns, never programmed to interrupt) is
 *   enabled: the hostile guest pends its own INTID 34 thousands of times,
 *   and none of that may arrive here;
 * - its RTC, a passthrough device, still answers.
 *
 * Lines: `bystander: alive <ms> ms ticks <t0>/<t1>...` every REPORT_MS,
 * one `bystander <check>: PASS|FAIL ...` per check, then
 * `bystander: <passed> passed, <failed> failed` and SYSTEM_OFF.
 */
#include "guest_gic.h"

#define TICK_US 1000
#define REPORT_MS 500
#define DEFAULT_MS 6000
#define WAIT_MS 5000
#define CANARY_WORDS 1024
#ifdef GUEST_PLATFORM_RPI4
/* The Pi (tests/system/test_rpi4_hostile.py) has no PL031: the device is
 * the PL011, whose UARTPeriphID0 reads 0x11 (PL011 TRM §3.3.12); its SPI
 * is shared by the Pi's PL011s, GIC_SPI 121. RAM 0x20000000-0x2fffffff. */
#define CANARY_IPA 0x28000000UL
#define DEV "uart"
#define DEV_REG "periphid0"
#define RTC_IPA (0xfe201000UL + 0xfe0)
#define RTC_INTID 153
#define DEV_ANSWERS(v) ((v) == 0x11)
#define DEV_STILL(v0, v1, ms) ((v1) == (v0))
#else
/* In this VM's RAM (0x60000000-0x6fffffff), far from image and DTB. */
#define CANARY_IPA 0x68000000UL
#define DEV "rtc"
#define DEV_REG "rtcdr"
#define RTC_IPA 0x09010000UL /* RTCDR: seconds */
#define RTC_INTID 34
#define DEV_ANSWERS(v) ((v) != 0)
/* Seconds, against the virtual counter's ms between the reads (not the
 * bootarg's: a loaded host stretches the rest of the run). */
#define DEV_STILL(v0, v1, ms) ((v1) >= (v0) && (v1) <= (v0) + (ms) / 1000 + 2)
#endif

static unsigned int nr_vcpus;
static volatile uint32_t stop;
static volatile uint32_t vcpu_up[GUEST_MAX_VCPUS];
static volatile uint32_t vcpu_done[GUEST_MAX_VCPUS];
static volatile uint64_t ticks[GUEST_MAX_VCPUS];
static volatile uint64_t late[GUEST_MAX_VCPUS];
static volatile uint64_t rtc_irqs[GUEST_MAX_VCPUS];
/* Virtual counter when each vCPU's ticking started and stopped. */
static volatile uint64_t t_start[GUEST_MAX_VCPUS], t_stop[GUEST_MAX_VCPUS];
/* Set once t_stop is known: the ticks due by then are still taken, and
 * the handler clears 'ticking' when it has taken the last. */
static volatile uint32_t stopping[GUEST_MAX_VCPUS];
static volatile uint32_t ticking[GUEST_MAX_VCPUS];
static uint64_t period;
static unsigned int passed, failed;

static bool __printf(3, 4)
	check(bool ok, const char *name, const char *fmt, ...)
{
	char details[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(details, sizeof(details), fmt, ap);
	va_end(ap);
	gprintf("bystander %s: %s %s\n", name, ok ? "PASS" : "FAIL", details);
	if (ok)
		passed++;
	else
		failed++;
	return ok;
}

/* The pattern: a word per index, with an ASCII tag the test looks for. */
static const char canary_tag[16] = "BYSTANDER-SECRET";

static uint32_t canary_word(unsigned int i)
{
	if (i < sizeof(canary_tag) / 4) {
		uint32_t w = 0;

		for (unsigned int b = 0; b < 4; b++)
			w |= (uint32_t)(uint8_t)canary_tag[4 * i + b]
			     << (8 * b);
		return w;
	}
	return 0x5a000000U ^ (i * 0x9e3779b9U);
}

static void canary_fill(void)
{
	volatile uint32_t *p = (volatile uint32_t *)CANARY_IPA;

	for (unsigned int i = 0; i < CANARY_WORDS; i++)
		p[i] = canary_word(i);
	dsb_sy();
}

static unsigned int canary_bad(void)
{
	volatile uint32_t *p = (volatile uint32_t *)CANARY_IPA;
	unsigned int bad = 0;

	for (unsigned int i = 0; i < CANARY_WORDS; i++)
		if (p[i] != canary_word(i))
			bad++;
	return bad;
}

static void tick_irq(unsigned int intid, unsigned int src)
{
	unsigned int me = this_vcpu();
	uint64_t cval = timer_cval(TIMER_VIRT);

	(void)intid;
	(void)src;
	ticks[me]++;
	if (timer_count(TIMER_VIRT) >= cval + 10 * period)
		late[me]++;
	/* Level-sensitive: move the compare value (or, for the last tick
	 * due by t_stop, turn the timer off) before the EOI. */
	if (READ_ONCE(stopping[me]) && cval + period > t_stop[me]) {
		timer_set_ctl(TIMER_VIRT, 0);
		WRITE_ONCE(ticking[me], 0);
	} else {
		timer_set_cval(TIMER_VIRT, cval + period);
	}
}

/*
 * Stop ticking: note the time, then take every tick due by then (a vCPU
 * the host kept from running has a backlog, which its timer interrupts
 * work off one period each) and no later one: the handler turns the timer
 * off after the last, so the ticks taken are exactly the periods elapsed
 * until t_stop. The target is fixed, so a host too loaded to run a tick
 * per period still clears the backlog, only later. The wait polls memory
 * and reads the counter only now and then: QEMU reads the timer's
 * registers under its global lock, which every tick needs too (polling
 * them on both vCPUs under host load once took 5 s for 1300 ticks while
 * the backlog grew). Timer interrupts lost in vigil stop the ticks
 * altogether: WAIT_MS without one, the count falls short.
 */
static void stop_ticking(unsigned int me)
{
	uint64_t seen = READ_ONCE(ticks[me]), deadline = deadline_ms(WAIT_MS);

	/* IRQs masked: a tick taken between reading the time and setting
	 * 'stopping' would be one the handler cannot place (seen once on
	 * QEMU 10 when the time was read unmasked). */
	irq_mask();
	t_stop[me] = timer_count(TIMER_VIRT);
	WRITE_ONCE(stopping[me], 1);
	/* Ticks due by t_stop: take them, the handler stops the timer after
	 * the last. None due: stay masked. One may have fallen due since
	 * t_stop, already in a list register; taken after the timer is off,
	 * it would count one tick too many (seen under host load). */
	if (timer_cval(TIMER_VIRT) <= t_stop[me]) {
		WRITE_ONCE(ticking[me], 1);
		irq_unmask();
		while (READ_ONCE(ticking[me])) {
			for (unsigned int k = 0;
			     k < 10000 && READ_ONCE(ticking[me]) &&
			     READ_ONCE(ticks[me]) == seen;
			     k++)
				cpu_relax();
			if (READ_ONCE(ticks[me]) != seen) {
				seen = READ_ONCE(ticks[me]);
				deadline = deadline_ms(WAIT_MS);
			} else if (deadline_passed(deadline)) {
				break;
			}
		}
		irq_mask();
	}
	timer_set_ctl(TIMER_VIRT, 0);
	gic_irq_disable(PPI_VTIMER);
}

static void rtc_irq(unsigned int intid, unsigned int src)
{
	(void)intid;
	(void)src;
	rtc_irqs[this_vcpu()]++;
}

/* Every vCPU: its virtual timer ticks until vCPU 0 says stop. */
static void run_ticks(unsigned int me)
{
	gic_cpu_init(false);
	gic_irq_set_priority(PPI_VTIMER, 0x80);
	gic_irq_enable(PPI_VTIMER);
	t_start[me] = timer_count(TIMER_VIRT);
	timer_set_cval(TIMER_VIRT, t_start[me] + period);
	timer_set_ctl(TIMER_VIRT, CNT_CTL_ENABLE);
	WRITE_ONCE(vcpu_up[me], 1);
	irq_unmask();
	while (!READ_ONCE(stop))
		wfi();
	stop_ticking(me);
}

static void secondary(unsigned int me)
{
	run_ticks(me);
	dsb_sy();
	WRITE_ONCE(vcpu_done[me], 1);
}

static uint64_t sum_ticks(void)
{
	uint64_t s = 0;

	for (unsigned int i = 0; i < nr_vcpus; i++)
		s += READ_ONCE(ticks[i]);
	return s;
}

static void report(uint64_t start)
{
	char buf[128];
	int n = 0;

	for (unsigned int i = 0; i < nr_vcpus; i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s%lu",
			      i ? "/" : "", (unsigned long)READ_ONCE(ticks[i]));
	gprintf("bystander: alive %lu ms ticks %s\n",
		(unsigned long)((counter_read() - start) * 1000 / timer_freq()),
		buf);
}

/* vCPU 0 ticks too, and reports while it waits. */
static void run_vcpu0(uint64_t ms)
{
	uint64_t start = counter_read(), end = start + timer_us(ms * 1000);
	uint64_t next = start + timer_us(REPORT_MS * 1000);

	gic_cpu_init(false);
	gic_irq_set_priority(PPI_VTIMER, 0x80);
	gic_irq_enable(PPI_VTIMER);
	t_start[0] = start;
	timer_set_cval(TIMER_VIRT, start + period);
	timer_set_ctl(TIMER_VIRT, CNT_CTL_ENABLE);
	irq_unmask();
	while (counter_read() < end) {
		wfi();
		if (counter_read() >= next) {
			report(start);
			next += timer_us(REPORT_MS * 1000);
		}
	}
	WRITE_ONCE(stop, 1);
	dsb_sy();
	stop_ticking(0);
	report(start);
}

/* Until vCPU @i has stopped ticking, or WAIT_MS passed without a tick
 * of its (see stop_ticking(): polling memory, the counter now and then). */
static void wait_done(unsigned int i)
{
	uint64_t seen = READ_ONCE(ticks[i]), deadline = deadline_ms(WAIT_MS);

	while (!READ_ONCE(vcpu_done[i])) {
		for (unsigned int k = 0; k < 10000 && !READ_ONCE(vcpu_done[i]);
		     k++)
			cpu_relax();
		if (READ_ONCE(ticks[i]) != seen) {
			seen = READ_ONCE(ticks[i]);
			deadline = deadline_ms(WAIT_MS);
		} else if (deadline_passed(deadline)) {
			break;
		}
	}
}

/* Exactly a tick per period of the vCPU's own ticking time. */
static void check_ticks(void)
{
	for (unsigned int i = 0; i < nr_vcpus; i++) {
		char name[32];
		uint64_t t = READ_ONCE(ticks[i]);
		uint64_t want = (t_stop[i] - t_start[i]) / period;

		snprintf(name, sizeof(name), "ticks vcpu%u", i);
		check(want > 0 && t == want, name,
		      "ticks=%lu want=%lu late=%lu", (unsigned long)t,
		      (unsigned long)want, (unsigned long)READ_ONCE(late[i]));
	}
}

/* The boot seeds vigil gave this VM (the test compares them with the
 * other VM's: they must differ). */
static void print_seeds(uint64_t dtb)
{
	static const char *const names[] = {"rng-seed", "kaslr-seed"};
	int chosen = fdt_path(dtb, "/chosen");
	char out[2][40];

	for (unsigned int k = 0; k < 2; k++) {
		int len = 0, n = 0;
		const uint8_t *p =
			chosen >= 0 ? fdt_prop(dtb, chosen, names[k], &len) : 0;

		snprintf(out[k], sizeof(out[k]), "none");
		for (int i = 0; p && i < len && i < 16; i++)
			n += snprintf(out[k] + n, sizeof(out[k]) - (size_t)n,
				      "%02x", p[i]);
	}
	gprintf("bystander info: rng-seed=%s kaslr-seed=%s\n", out[0], out[1]);
}

int main(uint64_t dtb)
{
	uint64_t ms = bootarg_u64(dtb, "bystander.ms", DEFAULT_MS);
	unsigned int bad, rtc_total = 0;
	uint32_t rtc0, rtc1;
	uint64_t rtc_t0, rtc_ms;
	struct fault f;
	bool faulted;

	period = timer_us(TICK_US);
	gic_probe(dtb);
	nr_vcpus = fdt_nr_cpus(dtb);
	if (nr_vcpus == 0 || nr_vcpus > GUEST_MAX_VCPUS)
		nr_vcpus = 1;
	gprintf("bystander: %u vcpus, %lu ms of %u us ticks\n", nr_vcpus,
		(unsigned long)ms, TICK_US);

	print_seeds(dtb);
	canary_fill();
	irq_set_handler(PPI_VTIMER, tick_irq);
	irq_set_handler(RTC_INTID, rtc_irq);
	gic_dist_enable();
	/* The RTC's SPI is ours; it never fires unless programmed to. */
	gic_irq_set_priority(RTC_INTID, 0x80);
	gic_irq_set_targets(RTC_INTID, gic_cpu_mask());
	gic_irq_enable(RTC_INTID);

	fault_expect();
	rtc0 = *(volatile uint32_t *)RTC_IPA;
	rtc_t0 = counter_read();
	faulted = fault_take(&f);
	check(!faulted && DEV_ANSWERS(rtc0), DEV "_passthrough",
	      DEV_REG "=%u faulted=%d", rtc0, faulted);

	for (unsigned int i = 1; i < nr_vcpus; i++) {
		int r = vcpu_start(i, secondary);
		uint64_t deadline = deadline_ms(WAIT_MS);

		while (r == PSCI_SUCCESS && !READ_ONCE(vcpu_up[i]) &&
		       !deadline_passed(deadline))
			cpu_relax();
		check(r == PSCI_SUCCESS && READ_ONCE(vcpu_up[i]), "cpu_on",
		      "vcpu%u -> %d (%s)", i, r, psci_strerror(r));
	}

	run_vcpu0(ms);
	for (unsigned int i = 1; i < nr_vcpus; i++)
		wait_done(i);
	dmb_sy();

	check_ticks();
	bad = canary_bad();
	check(bad == 0, "canary", "words-changed=%u of %u at 0x%lx", bad,
	      CANARY_WORDS, CANARY_IPA);
	for (unsigned int i = 0; i < nr_vcpus; i++)
		rtc_total += (unsigned int)READ_ONCE(rtc_irqs[i]);
	check(rtc_total == 0, "no_foreign_irq", "intid%u-received=%u",
	      RTC_INTID, rtc_total);
	rtc1 = *(volatile uint32_t *)RTC_IPA;
	rtc_ms = (counter_read() - rtc_t0) * 1000 / timer_freq();
	check(DEV_STILL(rtc0, rtc1, rtc_ms), DEV "_still_ours",
	      DEV_REG " %u -> %u in %lu ms", rtc0, rtc1, (unsigned long)rtc_ms);
	gprintf("bystander: kept running %lu ms, %lu ticks\n",
		(unsigned long)ms, (unsigned long)sum_ticks());
	gprintf("bystander: %u passed, %u failed\n", passed, failed);
	return 0;
}
