/* SPDX-License-Identifier: MIT */
/*
 * semantics: GICv2 (ARM IHI 0048B) and PSCI (ARM DEN 0022D) behaviours that
 * a guest written against the specifications, not against Linux, relies on
 * (issue 15). Under vigil that is the emulated distributor, the GICV frame
 * and vigil's PSCI; natively QEMU's GICv2 and PSCI, which validate the
 * checks where QEMU follows the spec (tests/system/test_semantics.py says
 * where it does not, or where PSCI leaves the choice open).
 *
 * Every check prints `check <name>: PASS|FAIL <values>`; the last line is
 * `semantics: <passed> passed, <failed> failed`, then SYSTEM_OFF. Which
 * checks run depends on the number of vCPUs (main()).
 *
 * vCPU 0 drives. In the interrupt phase the others only take interrupts and
 * count them; in the CPU_ON race vCPU 1 is the target and the rest race.
 */
#include "guest_gic.h"

#define RTC_BASE 0x09010000UL /* QEMU virt's PL031, passed to vigil's vm0 */
#define RTC_INTID 34	      /* level */
#define RTC_DR 0x00
#define RTC_MR 0x04
#define RTC_IMSC 0x10
#define RTC_RIS 0x14
#define RTC_ICR 0x1c

#define SPI_A 40 /* unused on QEMU virt: software-pended SPIs */
#define SPI_B 41
#define SGI_T 6
#define RACE_ROUNDS 100
#define QUIET_MS 20  /* how long "nothing is delivered" is watched */
#define WAIT_MS 2000 /* for a delivery expected (8 vCPUs on a loaded host) */

#define PSCI_FN(n) (0x84000000U | (n))
#define PSCI_FN64(n) (0xC4000000U | (n))
/*
 * The calling convention of the guest's own width, for the calls that
 * take an address or an MPIDR. An AArch32 caller has only the SMC32 one:
 * to it every SMC64 function ID is unknown (SMCCC, ARM DEN 0028: SMC64 is
 * for AArch64 callers), so PSCI_FEATURES and the call itself both answer
 * NOT_SUPPORTED, under vigil (core/psci.c) and natively (QEMU 7.2's PSCI
 * answers an AArch32 caller so too, as test_arm32_semantics.py asserts).
 */
#ifdef __arm__
#define GUEST_AARCH32 true
#define PSCI_FN_WIDE(n) PSCI_FN(n)
#else
#define GUEST_AARCH32 false
#define PSCI_FN_WIDE(n) PSCI_FN64(n)
#endif

extern char guest_secondary_start[];

static unsigned int nr_vcpus;
static bool vigil;
static volatile uint8_t cpu_mask[GUEST_MAX_VCPUS];

/* ---- checks ------------------------------------------------------------- */

static unsigned int passed, failed;

static bool __printf(3, 4)
	check(bool ok, const char *name, const char *fmt, ...)
{
	char details[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(details, sizeof(details), fmt, ap);
	va_end(ap);
	gprintf("check %s: %s %s\n", name, ok ? "PASS" : "FAIL", details);
	if (ok)
		passed++;
	else
		failed++;
	return ok;
}

static void delay_ms(unsigned int ms)
{
	uint64_t end = deadline_ms(ms);

	while (!deadline_passed(end))
		cpu_relax();
}

/* ---- interrupt counts ----------------------------------------------------- */

/* rx[vcpu][intid]: deliveries of INTIDs below 64 to each vCPU. */
static volatile uint32_t rx[GUEST_MAX_VCPUS][64];

static void count_irq(unsigned int intid, unsigned int src)
{
	(void)src;
	rx[this_vcpu()][intid]++;
}

static uint32_t rx_total(unsigned int intid)
{
	uint32_t n = 0;

	for (unsigned int i = 0; i < nr_vcpus; i++)
		n += READ_ONCE(rx[i][intid]);
	return n;
}

/* Wait up to @ms for @intid's deliveries to reach @n; then the count. */
static uint32_t wait_rx(unsigned int intid, uint32_t n, unsigned int ms)
{
	uint64_t end = deadline_ms(ms);

	while (rx_total(intid) < n && !deadline_passed(end))
		cpu_relax();
	return rx_total(intid);
}

static void timer_irq(unsigned int intid, unsigned int src)
{
	count_irq(intid, src);
	/* Level-sensitive: stop the timer before the EOI. */
	timer_set_ctl(intid == PPI_VTIMER ? TIMER_VIRT : TIMER_PHYS, 0);
}

static inline uint32_t rtc_read(uint32_t off)
{
	return mmio_read32(RTC_BASE + off);
}
static inline void rtc_write(uint32_t off, uint32_t v)
{
	mmio_write32(RTC_BASE + off, v);
	dsb_sy();
}

static void rtc_irq(unsigned int intid, unsigned int src)
{
	count_irq(intid, src);
	rtc_write(RTC_ICR, 1); /* the device drops its line before the EOI */
}

/* ---- the other vCPUs in the interrupt phase ---------------------------- */

static volatile uint32_t phase_stop;
static volatile uint32_t up[GUEST_MAX_VCPUS];
/* A request to vCPU n to send an SGI: (sgi + 1) | targets << 8; 0: none. */
static volatile uint32_t sgi_req[GUEST_MAX_VCPUS];

static void idle_vcpu(unsigned int idx)
{
	cpu_mask[idx] = gic_cpu_mask();
	gic_cpu_init(false);
	up[idx] = 1;
	irq_unmask();
	while (!READ_ONCE(phase_stop)) {
		uint32_t r = READ_ONCE(sgi_req[idx]);

		if (r) {
			gic_send_sgi(GICD_SGIR_FILTER_LIST, (uint8_t)(r >> 8),
				     (r & 0xff) - 1);
			WRITE_ONCE(sgi_req[idx], 0);
		}
		cpu_relax();
	}
	irq_mask();
}

static bool wait_off(unsigned int idx, unsigned int ms)
{
	uint64_t end = deadline_ms(ms);

	while (psci_affinity_info(vcpu_mpidr(idx), 0) != PSCI_AFF_OFF)
		if (deadline_passed(end))
			return false;
	return true;
}

static void stop_all(void)
{
	WRITE_ONCE(phase_stop, 1);
	dsb_sy();
	for (unsigned int i = 1; i < nr_vcpus; i++)
		if (!wait_off(i, 2000))
			gprintf("TIMEOUT: vcpu %u did not go off\n", i);
}

/* ---- distributor ----------------------------------------------------------- */

static void spi_setup(unsigned int intid, bool edge, uint8_t targets)
{
	irq_set_handler(intid, count_irq);
	gic_irq_set_priority(intid, 0x80);
	gic_irq_set_edge(intid, edge);
	gic_irq_set_targets(intid, targets);
}

static void spi_quiesce(unsigned int intid)
{
	gic_irq_disable(intid);
	gicd_set(GICD_ICPENDR, intid);
	gicd_set(GICD_ICACTIVER, intid);
}

/* GICD_TYPER.CPUNumber is the number of CPU interfaces - 1 (§4.3.2). */
static void check_typer(void)
{
	uint32_t t = gicd_read(GICD_TYPER);

	check(GICD_TYPER_CPUS(t) == nr_vcpus, "gicd_typer_cpus",
	      "typer=0x%x cpus=%u vcpus=%u", t, GICD_TYPER_CPUS(t), nr_vcpus);
}

/*
 * §4.3.12: with one CPU interface every ITARGETSR is RAZ/WI and every
 * interrupt goes to that interface, so an SPI whose target the guest never
 * wrote is delivered.
 */
static void check_uniprocessor(void)
{
	uint32_t t0 = gicd_read(GICD_ITARGETSR), t8, n;

	irq_unmask();
	irq_set_handler(SPI_A, count_irq);
	gic_irq_set_priority(SPI_A, 0x80);
	gic_irq_set_edge(SPI_A, true);
	gic_irq_enable(SPI_A);
	gicd_set(GICD_ISPENDR, SPI_A);
	wait_rx(SPI_A, 1, WAIT_MS);
	delay_ms(QUIET_MS);
	n = rx_total(SPI_A);
	irq_mask();
	spi_quiesce(SPI_A);
	gicd_write8(GICD_ITARGETSR + SPI_A, 0x01);
	t8 = gicd_read(GICD_ITARGETSR + SPI_A / 4 * 4);
	check(t0 == 0 && t8 == 0, "itargetsr_raz_wi_uniprocessor",
	      "itargetsr0=0x%x itargetsr%u=0x%x", t0, SPI_A / 4, t8);
	check(n == 1, "uniprocessor_spi_no_target", "delivered=%u", n);
}

/* §4.3.12: with several CPU interfaces, target 0 forwards to none. */
static void check_target_zero(void)
{
	uint32_t n0, p, n1;

	irq_unmask();
	spi_setup(SPI_B, true, 0);
	gic_irq_enable(SPI_B);
	gicd_set(GICD_ISPENDR, SPI_B);
	delay_ms(QUIET_MS);
	n0 = rx_total(SPI_B);
	p = gicd_test(GICD_ISPENDR, SPI_B);
	gic_irq_set_targets(SPI_B, cpu_mask[0]);
	wait_rx(SPI_B, 1, WAIT_MS);
	delay_ms(QUIET_MS);
	n1 = READ_ONCE(rx[0][SPI_B]);
	irq_mask();
	check(n0 == 0 && p && n1 == 1 && rx_total(SPI_B) == 1,
	      "spi_target_zero", "before=%u pending=%u after=%u total=%u", n0,
	      p, n1, rx_total(SPI_B));
	spi_quiesce(SPI_B);
}

/* §4.3.1: GICD_CTLR disabled forwards nothing, but pending is latched and
 * forwarded once it is enabled. */
static void check_ctlr_disabled(void)
{
	uint32_t n0, p0, n1, p1, base = rx_total(SPI_A);

	irq_unmask();
	spi_setup(SPI_A, true, cpu_mask[0]);
	gicd_write(GICD_CTLR, 0);
	gic_irq_enable(SPI_A);
	gicd_set(GICD_ISPENDR, SPI_A);
	delay_ms(QUIET_MS);
	n0 = rx_total(SPI_A) - base;
	p0 = gicd_test(GICD_ISPENDR, SPI_A);
	gic_dist_enable();
	wait_rx(SPI_A, base + 1, WAIT_MS);
	delay_ms(QUIET_MS);
	n1 = rx_total(SPI_A) - base;
	p1 = gicd_test(GICD_ISPENDR, SPI_A);
	irq_mask();
	spi_quiesce(SPI_A);
	check(n0 == 0 && p0 && n1 == 1 && !p1, "gicd_ctlr_disabled_latches",
	      "while-disabled=%u pending=%u after-enable=%u pending=%u", n0, p0,
	      n1, p1);
}

/* §4.3.15: TargetListFilter 0 with an empty list sends nothing; 1 with no
 * other CPU interface sends nothing; 2 ignores the list. */
static void check_sgir_filters(void)
{
	uint32_t empty, others, self;

	irq_unmask();
	irq_set_handler(SGI_T, count_irq);
	gic_irq_set_priority(SGI_T, 0x80);
	gic_send_sgi(GICD_SGIR_FILTER_LIST, 0, SGI_T);
	delay_ms(QUIET_MS);
	empty = rx_total(SGI_T);
	gic_send_sgi(GICD_SGIR_FILTER_OTHERS, 0xff, SGI_T);
	wait_rx(SGI_T, empty + nr_vcpus - 1, WAIT_MS);
	delay_ms(QUIET_MS);
	others = rx_total(SGI_T) - empty - READ_ONCE(rx[0][SGI_T]);
	gic_send_sgi(GICD_SGIR_FILTER_SELF, 0xfe, SGI_T);
	wait_rx(SGI_T, empty + others + 1, WAIT_MS);
	delay_ms(QUIET_MS);
	self = READ_ONCE(rx[0][SGI_T]);
	irq_mask();
	check(empty == 0 && others == nr_vcpus - 1 && self == 1 &&
		      rx_total(SGI_T) == nr_vcpus,
	      "sgir_filters", "empty-list=%u others=%u self=%u total=%u", empty,
	      others, self, rx_total(SGI_T));
}

/*
 * §3.2.1, §4.3.7: a level interrupt whose line is asserted is pending even
 * while disabled; it stops being pending when the line drops, and enabling
 * it afterwards delivers nothing. The timer's line is ENABLE && ISTATUS &&
 * !IMASK. It fires once first, so that vigil has taken it from the
 * physical GIC and the virtual disable also disables the physical PPI.
 */
static void check_timer_pending_disabled(enum gtimer t, const char *name)
{
	unsigned int ppi = timer_ppi(t);
	uint32_t first, masked, again, stopped, n;
	bool high;

	irq_set_handler(ppi, timer_irq);
	gic_irq_set_priority(ppi, 0x80);
	gic_irq_enable(ppi);
	irq_unmask();
	timer_set_cval(t, timer_count(t));
	timer_set_ctl(t, CNT_CTL_ENABLE);
	first = wait_rx(ppi, 1, WAIT_MS);
	irq_mask();

	gic_irq_disable(ppi);
	timer_set_cval(t, timer_count(t));
	timer_set_ctl(t, CNT_CTL_ENABLE);
	delay_ms(2);
	high = gicd_test(GICD_ISPENDR, ppi);
	timer_set_ctl(t, CNT_CTL_ENABLE | CNT_CTL_IMASK);
	delay_ms(2);
	masked = gicd_test(GICD_ISPENDR, ppi);
	timer_set_ctl(t, CNT_CTL_ENABLE);
	delay_ms(2);
	again = gicd_test(GICD_ICPENDR, ppi);
	timer_set_ctl(t, 0);
	delay_ms(2);
	stopped = gicd_test(GICD_ISPENDR, ppi);
	gic_irq_enable(ppi);
	irq_unmask();
	delay_ms(QUIET_MS);
	irq_mask();
	n = rx_total(ppi);
	gic_irq_disable(ppi);
	check(first == 1 && high && !masked && again && !stopped && n == 1,
	      name,
	      "first=%u line-high=%u imask=%u high-again=%u stopped=%u "
	      "deliveries=%u",
	      first, high, masked, again, stopped, n);
}

/* Raise the PL031's alarm now: a match register equal to the counter
 * fires at once (QEMU's pl031_set_alarm()); retry across a tick. */
static bool rtc_fire(void)
{
	uint32_t before = rx_total(RTC_INTID);

	for (unsigned int i = 0; i < 5; i++) {
		uint64_t end;

		rtc_write(RTC_MR, rtc_read(RTC_DR));
		end = deadline_ms(20);
		/* Raised, or taken and cleared already by rtc_irq(). */
		while (!deadline_passed(end))
			if ((rtc_read(RTC_RIS) & 1) ||
			    rx_total(RTC_INTID) != before)
				return true;
	}
	return false;
}

/*
 * A level SPI from a device (the PL031 alarm, a passthrough SPI under
 * vigil): pending while disabled with the line high (§4.3.7), retargeted
 * meanwhile (an ITARGETSR write must not latch it: GICv2 §4.3.7, a latch
 * set by ISPENDR outlives the line), not pending once the device drops
 * its line, nothing delivered on enable; then, enabled, one alarm is one
 * delivery.
 */
static void check_rtc(void)
{
	uint32_t high, low, stale, once, on0;
	bool fired1, fired2;

	irq_set_handler(RTC_INTID, rtc_irq);
	gic_irq_set_priority(RTC_INTID, 0x80);
	gic_irq_disable(RTC_INTID);
	gic_irq_set_edge(RTC_INTID, false);
	gic_irq_set_targets(RTC_INTID, cpu_mask[0]);
	rtc_write(RTC_ICR, 1);
	rtc_write(RTC_IMSC, 1);

	fired1 = rtc_fire();
	delay_ms(2);
	high = gicd_test(GICD_ISPENDR, RTC_INTID);
	for (unsigned int i = 1; i < nr_vcpus; i++)
		gic_irq_set_targets(RTC_INTID, cpu_mask[i]);
	gic_irq_set_targets(RTC_INTID, cpu_mask[0]);
	rtc_write(RTC_ICR, 1);
	delay_ms(2);
	low = gicd_test(GICD_ISPENDR, RTC_INTID);
	gic_irq_enable(RTC_INTID);
	irq_unmask();
	delay_ms(QUIET_MS);
	stale = rx_total(RTC_INTID);
	check(fired1 && high && !low, "rtc_level_pending_while_disabled",
	      "alarm=%u line-high=%u after-clear=%u", fired1, high, low);
	check(stale == 0, "rtc_no_stale_delivery", "delivered=%u", stale);

	fired2 = rtc_fire();
	wait_rx(RTC_INTID, stale + 1, WAIT_MS);
	delay_ms(50);
	once = rx_total(RTC_INTID) - stale;
	on0 = READ_ONCE(rx[0][RTC_INTID]);
	irq_mask();
	check(fired2 && once == 1 && on0 == 1, "rtc_delivered_once",
	      "alarm=%u delivered=%u on-vcpu0=%u", fired2, once, on0);
	rtc_write(RTC_IMSC, 0);
	rtc_write(RTC_ICR, 1);
	gic_irq_disable(RTC_INTID);
}

/* Group 1 SPIs for check_group0_behind_group1(): no device's under vigil
 * (virtio is 48..79) nor natively. */
#define GRP1_FIRST 100
#define GRP1_N 8
static volatile uint32_t grp1_rx;

static void grp1_irq(unsigned int intid, unsigned int src)
{
	(void)intid;
	(void)src;
	grp1_rx++;
}

/*
 * Group 1 interrupts of higher priority than a Group 0 one, pending and
 * more of them than a CPU interface has list registers, then Group 1
 * disabled in GICC_CTLR: the Group 0 interrupt is still delivered
 * (§3.1.4: only enabled groups are signalled; §4.4.1), and no Group 1.
 */
static void check_group0_behind_group1(void)
{
	uint32_t g0, g1;
	unsigned int i;

	gicd_write(GICD_CTLR, GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1);
	gicc_write(GICC_CTLR, GICC_CTLR_ENABLE_GRP0 | GICC_CTLR_ENABLE_GRP1);
	for (i = GRP1_FIRST; i < GRP1_FIRST + GRP1_N; i++) {
		irq_set_handler(i, grp1_irq);
		spi_setup(i, true, cpu_mask[0]);
		gic_irq_set_priority(i, 0x40);
		/* IGROUPR is read-write, not write-1-to-set. */
		gicd_write(GICD_WORD(GICD_IGROUPR, i, 1),
			   gicd_read(GICD_WORD(GICD_IGROUPR, i, 1)) |
				   gicd_bit(i));
		gic_irq_enable(i);
		gicd_set(GICD_ISPENDR, i);
	}
	gicc_write(GICC_CTLR, GICC_CTLR_ENABLE_GRP0);
	spi_setup(SPI_A, true, cpu_mask[0]);
	g0 = rx_total(SPI_A);
	gic_irq_enable(SPI_A);
	gicd_set(GICD_ISPENDR, SPI_A);
	irq_unmask();
	wait_rx(SPI_A, g0 + 1, vigil ? WAIT_MS : 300); /* QEMU: never */
	delay_ms(QUIET_MS);
	irq_mask();
	g0 = rx_total(SPI_A) - g0;
	g1 = grp1_rx;
	for (i = GRP1_FIRST; i < GRP1_FIRST + GRP1_N; i++) {
		spi_quiesce(i);
		gicd_write(GICD_WORD(GICD_IGROUPR, i, 1), 0);
	}
	spi_quiesce(SPI_A);
	gic_cpu_init(false);
	gic_dist_enable();
	check(g0 == 1 && g1 == 0, "group0_behind_group1", "group0=%u group1=%u",
	      g0, g1);
}

/* ---- SGI state per source, the CPU interface ------------------------- */

#define SGI_S 7

/* The sources of @sgi pending on this CPU interface (GICD_SPENDSGIRn). */
static uint8_t sgi_sources(unsigned int sgi)
{
	return (uint8_t)(gicd_read(GICD_SPENDSGIR + sgi / 4 * 4) >>
			 (sgi % 4 * 8));
}

/* GICC_IAR, polled up to @ms for something other than @spurious. */
static uint32_t iar_wait(uint32_t off, uint32_t spurious, unsigned int ms)
{
	uint64_t end = deadline_ms(ms);
	uint32_t iar;

	while (GICC_IAR_INTID(iar = gicc_read(off)) == spurious &&
	       !deadline_passed(end))
		cpu_relax();
	return iar;
}

/* A full exit under vigil (LRs, GICH_VMCR and GICH_APR saved and
 * restored: AFFINITY_INFO is not answered on the fast re-entry path);
 * natively an HVC to QEMU's PSCI. */
static void exit_to_hypervisor(void)
{
	(void)psci_affinity_info(0, 0);
}

/*
 * §3.2 / §4.3.9-4.3.10: in a multiprocessor implementation an SGI has
 * pending and active state per source. SGI_S pending on vCPU 0 from
 * itself and from vCPU 1; acknowledging one source leaves the other
 * pending (ISPENDR 1, SPENDSGIR its bit) while ISACTIVER reads 1;
 * ICACTIVER then clears the active state (a later read of the bit
 * returns 0, §4.3.10) but neither the other source's pending state nor
 * the active priority (GICC_RPR); after the priority drop the other
 * source is acknowledged with its CPUID. Then ISACTIVER/ICACTIVER of the
 * SGI read back 1/0 (§4.3.9). Under vigil each distributor access is an
 * exit, so the GICV state is saved and restored around every step.
 */
static void check_sgi_active_per_source(void)
{
	uint8_t me = cpu_mask[0], other = cpu_mask[1], both, left1, left2;
	uint32_t iar1, iar2, iar3, rpr1, rpr1x, rpr2, rpr3;
	bool act1, pend1, act2, pend2, act3, pend3, act4, act5, act6;

	gic_irq_set_priority(SGI_S, 0xa0);
	gic_send_sgi(GICD_SGIR_FILTER_SELF, 0, SGI_S);
	WRITE_ONCE(sgi_req[1], (SGI_S + 1) | (uint32_t)me << 8);
	for (uint64_t end = deadline_ms(WAIT_MS);
	     (both = sgi_sources(SGI_S)) != (me | other) &&
	     !deadline_passed(end);)
		cpu_relax();
	iar1 = iar_wait(GICC_IAR, 1023, WAIT_MS);
	left1 = sgi_sources(SGI_S);
	act1 = gicd_test(GICD_ISACTIVER, SGI_S);
	pend1 = gicd_test(GICD_ISPENDR, SGI_S);
	rpr1 = gicc_read(GICC_RPR);
	gicd_set(GICD_ICACTIVER, SGI_S);
	act2 = gicd_test(GICD_ISACTIVER, SGI_S);
	pend2 = gicd_test(GICD_ISPENDR, SGI_S);
	left2 = sgi_sources(SGI_S);
	rpr1x = gicc_read(GICC_RPR); /* the active priority stays */
	gicc_write(GICC_EOIR, iar1); /* the priority drop */
	rpr2 = gicc_read(GICC_RPR);
	iar2 = iar_wait(GICC_IAR, 1023, WAIT_MS);
	act3 = gicd_test(GICD_ISACTIVER, SGI_S);
	pend3 = gicd_test(GICD_ISPENDR, SGI_S);
	gicc_write(GICC_EOIR, iar2);
	act4 = gicd_test(GICD_ISACTIVER, SGI_S);
	rpr3 = gicc_read(GICC_RPR);
	/* §4.3.9: a write of 1 activates; a read then returns 1. */
	gicd_set(GICD_ISACTIVER, SGI_S);
	act5 = gicd_test(GICD_ISACTIVER, SGI_S);
	gicd_set(GICD_ICACTIVER, SGI_S);
	act6 = gicd_test(GICD_ISACTIVER, SGI_S);
	iar3 = gicc_read(GICC_IAR);
	check(both == (me | other) && GICC_IAR_INTID(iar1) == SGI_S &&
		      (1U << GICC_IAR_CPUID(iar1) & (me | other)) &&
		      left1 == ((me | other) & ~(1U << GICC_IAR_CPUID(iar1))) &&
		      act1 && pend1 && rpr1 == 0xa0 && !act2 && pend2 &&
		      left2 == left1 && rpr1x == 0xa0 && rpr2 == 0xff &&
		      GICC_IAR_INTID(iar2) == SGI_S &&
		      1U << GICC_IAR_CPUID(iar2) == left1 && act3 && !pend3 &&
		      !act4 && rpr3 == 0xff && act5 && !act6 &&
		      GICC_IAR_INTID(iar3) == 1023,
	      "sgi_active_per_source",
	      "srcs=0x%x iar=0x%x left=0x%x act=%u pend=%u rpr=0x%x | "
	      "icactiver: act=%u pend=%u left=0x%x rpr=0x%x | eoi: rpr=0x%x "
	      "iar=0x%x "
	      "act=%u pend=%u | eoi: act=%u rpr=0x%x | set=%u clr=%u iar=%u",
	      both, iar1, left1, act1, pend1, rpr1, act2, pend2, left2, rpr1x,
	      rpr2, iar2, act3, pend3, act4, rpr3, act5, act6, iar3);
}

/*
 * GICC_BPR and GICC_ABPR (§4.4.3, §4.4.8): a value below the minimum
 * reads back as the minimum (under vigil GICV's, 2 and 3: GICH_VTR
 * PRIbits 5; natively QEMU's 8 bits, 0 and 1); the values survive an
 * exit to the hypervisor (GICH_VMCR VBPR0/VBPR1 saved and restored).
 */
static void check_binary_point(void)
{
	uint32_t b0, a0, b0x, a0x, b7, a7, b7x, a7x;
	uint32_t bmin = vigil ? 2 : 0;

	gicc_write(GICC_BPR, 0);
	gicc_write(GICC_ABPR, 0);
	b0 = gicc_read(GICC_BPR);
	a0 = gicc_read(GICC_ABPR);
	exit_to_hypervisor();
	b0x = gicc_read(GICC_BPR);
	a0x = gicc_read(GICC_ABPR);
	gicc_write(GICC_BPR, 7);
	gicc_write(GICC_ABPR, 7);
	b7 = gicc_read(GICC_BPR);
	a7 = gicc_read(GICC_ABPR);
	exit_to_hypervisor();
	b7x = gicc_read(GICC_BPR);
	a7x = gicc_read(GICC_ABPR);
	gicc_write(GICC_BPR, 0);
	check(b0 == bmin && b0x == bmin && b7 == 7 && a7 == 7 && b7x == 7 &&
		      a7x == 7,
	      "gicc_binary_point",
	      "min: bpr=%u exit: bpr=%u | 7: bpr=%u abpr=%u exit: bpr=%u "
	      "abpr=%u",
	      b0, b0x, b7, a7, b7x, a7x);
	/* QEMU's GICV clamps a GICV_ABPR write to the physical minimum (1)
	 * but a GICH_VMCR write to the virtual one (3): the value changes
	 * across vigil's save and restore (test_semantics.py). */
	check(a0 == bmin + 1 && a0x == a0, "gicc_abpr_min",
	      "min: abpr=%u exit: abpr=%u", a0, a0x);
}

/*
 * GICC_PMR (§3.3.2, §4.4.2; GICH_VMCR VMPriMask under vigil): an
 * interrupt is signalled only if its priority is higher than the mask,
 * before and after an exit.
 */
static void check_pmr(void)
{
	uint32_t pmr, none1, pmr_x, none2, iar;

	spi_setup(SPI_A, true, cpu_mask[0]);
	gic_irq_set_priority(SPI_A, 0x30);
	gic_irq_enable(SPI_A);
	gicc_write(GICC_PMR, 0x30);
	pmr = gicc_read(GICC_PMR);
	gicd_set(GICD_ISPENDR, SPI_A);
	none1 = gicc_read(GICC_IAR);
	exit_to_hypervisor();
	pmr_x = gicc_read(GICC_PMR);
	none2 = gicc_read(GICC_IAR);
	gicc_write(GICC_PMR, 0x38);
	iar = iar_wait(GICC_IAR, 1023, WAIT_MS);
	if (GICC_IAR_INTID(iar) == SPI_A)
		gicc_write(GICC_EOIR, iar);
	gicc_write(GICC_PMR, 0xff);
	spi_quiesce(SPI_A);
	check(pmr == 0x30 && none1 == 1023 && pmr_x == 0x30 && none2 == 1023 &&
		      iar == SPI_A,
	      "gicc_pmr",
	      "pmr=0x%x iar=%u exit: pmr=0x%x iar=%u | 0x38: iar=%u", pmr,
	      none1, pmr_x, none2, iar);
}

#define SPI_C 42 /* unused on QEMU virt */

/* The GICC_APR0 bit of active group priority @gp (< 0x40). Under vigil
 * GICV_APR0 is GICH_APR (§5.3.8: one bit per group priority of the 5
 * priority bits); natively the format is IMPLEMENTATION DEFINED, QEMU's
 * one bit per group priority of 7 bits. */
static uint32_t apr_bit(uint32_t gp)
{
	return 1U << (vigil ? gp >> 3 : gp >> 1);
}

/*
 * GICC_RPR, GICC_HPPIR, GICC_APR0 and preemption under the binary point
 * (§3.3, §4.4.6, §4.4.7, §4.4.12): the running priority is the group
 * priority of the highest-priority active interrupt; a pending interrupt
 * preempts only with a higher group priority. Each state is read again
 * after an exit.
 * A 0x38, B 0x28, C 0x10 (IRQs masked, acknowledged by polling):
 * BPR 3 (group priority bits [7:4]): A 0x30, B 0x20: B preempts A.
 * BPR 4 (bits [7:5]): A and B both 0x20: B waits; C (0x00) preempts.
 */
static void check_cpu_interface(void)
{
	uint32_t r1[10], r2[16];
	uint32_t ra = apr_bit(0x30), rb = apr_bit(0x20), rc = apr_bit(0);

	spi_setup(SPI_A, true, cpu_mask[0]);
	spi_setup(SPI_B, true, cpu_mask[0]);
	spi_setup(SPI_C, true, cpu_mask[0]);
	gic_irq_set_priority(SPI_A, 0x38);
	gic_irq_set_priority(SPI_B, 0x28);
	gic_irq_set_priority(SPI_C, 0x10);
	gic_irq_enable(SPI_A);
	gic_irq_enable(SPI_B);
	gic_irq_enable(SPI_C);

	gicc_write(GICC_BPR, 3);
	gicd_set(GICD_ISPENDR, SPI_A);
	r1[0] = iar_wait(GICC_IAR, 1023, WAIT_MS);
	gicd_set(GICD_ISPENDR, SPI_B);
	r1[1] = iar_wait(GICC_IAR, 1023, WAIT_MS);
	r1[2] = gicc_read(GICC_RPR);
	r1[3] = gicc_read(GICC_APR0);
	exit_to_hypervisor();
	r1[4] = gicc_read(GICC_RPR);
	r1[5] = gicc_read(GICC_APR0);
	gicc_write(GICC_EOIR, r1[1]);
	r1[6] = gicc_read(GICC_RPR);
	r1[7] = gicc_read(GICC_APR0);
	gicc_write(GICC_EOIR, r1[0]);
	r1[8] = gicc_read(GICC_RPR);
	r1[9] = gicc_read(GICC_APR0);
	check(r1[0] == SPI_A && r1[1] == SPI_B && r1[2] == 0x20 &&
		      r1[3] == (ra | rb) && r1[4] == 0x20 &&
		      r1[5] == (ra | rb) && r1[6] == 0x30 && r1[7] == ra &&
		      r1[8] == 0xff && r1[9] == 0,
	      "gicc_bpr_preempts",
	      "iar=%u,%u rpr=0x%x apr0=0x%x exit: rpr=0x%x apr0=0x%x | eoi: "
	      "rpr=0x%x apr0=0x%x | eoi: rpr=0x%x apr0=0x%x",
	      r1[0], r1[1], r1[2], r1[3], r1[4], r1[5], r1[6], r1[7], r1[8],
	      r1[9]);

	gicc_write(GICC_BPR, 4);
	r2[0] = gicc_read(GICC_RPR);
	r2[1] = gicc_read(GICC_HPPIR);
	gicd_set(GICD_ISPENDR, SPI_A);
	r2[2] = iar_wait(GICC_IAR, 1023, WAIT_MS);
	gicd_set(GICD_ISPENDR, SPI_B);
	r2[3] = iar_wait(GICC_HPPIR, 1023, WAIT_MS);
	r2[4] = gicc_read(GICC_IAR);
	exit_to_hypervisor();
	r2[5] = gicc_read(GICC_BPR);
	r2[6] = gicc_read(GICC_RPR);
	r2[7] = gicc_read(GICC_APR0);
	r2[8] = gicc_read(GICC_HPPIR);
	r2[9] = gicc_read(GICC_IAR);
	gicd_set(GICD_ISPENDR, SPI_C);
	r2[10] = iar_wait(GICC_IAR, 1023, WAIT_MS);
	r2[11] = gicc_read(GICC_RPR);
	r2[12] = gicc_read(GICC_APR0);
	gicc_write(GICC_EOIR, r2[10]);
	gicc_write(GICC_EOIR, r2[2]);
	r2[13] = gicc_read(GICC_IAR); /* B, no longer held back */
	gicc_write(GICC_EOIR, r2[13]);
	r2[14] = gicc_read(GICC_RPR);
	r2[15] = gicc_read(GICC_HPPIR);
	gicc_write(GICC_BPR, 0);
	spi_quiesce(SPI_A);
	spi_quiesce(SPI_B);
	spi_quiesce(SPI_C);
	check(r2[0] == 0xff && r2[1] == 1023 && r2[2] == SPI_A &&
		      r2[3] == SPI_B && r2[4] == 1023 && r2[5] == 4 &&
		      r2[6] == 0x20 && r2[7] == rb && r2[8] == SPI_B &&
		      r2[9] == 1023 && r2[10] == SPI_C && r2[11] == 0 &&
		      r2[12] == (rb | rc) && r2[13] == SPI_B &&
		      r2[14] == 0xff && r2[15] == 1023,
	      "gicc_bpr_same_group",
	      "idle: rpr=0x%x hppir=%u | iar=%u hppir=%u iar=%u | exit: "
	      "bpr=%u rpr=0x%x apr0=0x%x hppir=%u iar=%u | iar=%u rpr=0x%x "
	      "apr0=0x%x | iar=%u | rpr=0x%x hppir=%u",
	      r2[0], r2[1], r2[2], r2[3], r2[4], r2[5], r2[6], r2[7], r2[8],
	      r2[9], r2[10], r2[11], r2[12], r2[13], r2[14], r2[15]);
}

/*
 * Group 1 through the aliased registers (§4.4.9-4.4.11 GICC_AIAR,
 * GICC_AEOIR, GICC_AHPPIR; GICV_A* under vigil): with AckCtl 0,
 * GICC_HPPIR and GICC_IAR answer 1022 for a pending Group 1 interrupt
 * and the aliases acknowledge and complete it; the running priority
 * survives an exit. QEMU 7.2 implements neither GICC_A* nor GICV_A*
 * (RAZ/WI), natively and under vigil alike (test_semantics.py).
 */
static void check_group1_alias(void)
{
	uint32_t hppir, ahppir, iar, aiar, rpr1, rpr2, rpr3;

	spi_setup(SPI_B, true, cpu_mask[0]);
	gic_irq_set_priority(SPI_B, 0x20);
	gicd_write(GICD_WORD(GICD_IGROUPR, SPI_B, 1),
		   gicd_read(GICD_WORD(GICD_IGROUPR, SPI_B, 1)) |
			   gicd_bit(SPI_B));
	gicd_write(GICD_CTLR, GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1);
	gicc_write(GICC_CTLR, GICC_CTLR_ENABLE_GRP0 | GICC_CTLR_ENABLE_GRP1);
	gic_irq_enable(SPI_B);
	gicd_set(GICD_ISPENDR, SPI_B);
	hppir = iar_wait(GICC_HPPIR, 1023, WAIT_MS);
	ahppir = gicc_read(GICC_AHPPIR);
	iar = gicc_read(GICC_IAR);
	aiar = gicc_read(GICC_AIAR);
	rpr1 = gicc_read(GICC_RPR);
	exit_to_hypervisor();
	rpr2 = gicc_read(GICC_RPR);
	if (GICC_IAR_INTID(aiar) == SPI_B)
		gicc_write(GICC_AEOIR, aiar);
	rpr3 = gicc_read(GICC_RPR);
	spi_quiesce(SPI_B);
	gicd_write(GICD_WORD(GICD_IGROUPR, SPI_B, 1), 0);
	gic_cpu_init(false);
	gic_dist_enable();
	check(hppir == 1022 && ahppir == SPI_B && iar == 1022 &&
		      aiar == SPI_B && rpr1 == 0x20 && rpr2 == 0x20 &&
		      rpr3 == 0xff,
	      "gicc_group1_alias",
	      "hppir=%u ahppir=%u iar=%u aiar=%u rpr=0x%x exit: rpr=0x%x "
	      "aeoi: rpr=0x%x",
	      hppir, ahppir, iar, aiar, rpr1, rpr2, rpr3);
}

/* ---- PSCI ------------------------------------------------------------------ */

static void check_psci_version(void)
{
	uint32_t v = psci_version();

	check(v >= 0x10000, "psci_version", "version=%u.%u", v >> 16,
	      v & 0xffff);
}

/*
 * PSCI 1.1 §5.15: PSCI_FEATURES answers for every function ID; each one
 * it calls NOT_SUPPORTED returns NOT_SUPPORTED when called, and the
 * mandatory ones (§5.1 table 5) are SUCCESS (CPU_SUSPEND's flags: bit 1
 * extended StateID, bit 0 OS-initiated; vigil 0).
 */
static void check_psci_features(void)
{
	static const uint32_t mandatory[] = {
		PSCI_FN(0),   PSCI_FN(1),   PSCI_FN(2),	  PSCI_FN(3),
		PSCI_FN(4),   PSCI_FN(8),   PSCI_FN(9),	  PSCI_FN(10),
#ifndef __arm__
		PSCI_FN64(1), PSCI_FN64(3), PSCI_FN64(4),
#endif
	};
	unsigned int bad_mand = 0, unsup = 0, bad_unsup = 0, sup = 0;
	uint32_t first_bad = 0;
	int r;

	for (unsigned int i = 0; i < ARRAY_SIZE(mandatory); i++) {
		r = psci_features(mandatory[i]);
		if (r < 0 || (mandatory[i] != PSCI_FN(1) &&
			      mandatory[i] != PSCI_FN64(1) && r != 0)) {
			bad_mand++;
			first_bad = mandatory[i];
		}
	}
	/* Every PSCI function number, SMC32 and SMC64, and one past the
	 * end; the ones that would change power state when supported
	 * (MIGRATE, CPU_FREEZE, SYSTEM_SUSPEND, ...) are only called when
	 * PSCI_FEATURES says NOT_SUPPORTED. To an AArch32 caller no SMC64
	 * ID may be supported. */
	for (unsigned int n = 0; n <= 0x15; n++) {
		for (unsigned int w = 0; w < 2; w++) {
			uint32_t fn = w ? PSCI_FN64(n) : PSCI_FN(n);

			r = psci_features(fn);
			if (r == PSCI_NOT_SUPPORTED) {
				long c = hvc_call(fn, 0, 0, 0);

				unsup++;
				if (c != PSCI_NOT_SUPPORTED) {
					bad_unsup++;
					first_bad = fn;
				}
			} else if (w && GUEST_AARCH32) {
				bad_unsup++;
				first_bad = fn;
			} else if (r >= 0) {
				sup++;
			} else {
				bad_unsup++;
				first_bad = fn;
			}
		}
	}
	check(bad_mand == 0 && bad_unsup == 0 && sup >= ARRAY_SIZE(mandatory),
	      "psci_features",
	      "supported=%u not-supported=%u bad-mandatory=%u "
	      "bad-not-supported=%u first-bad=0x%x",
	      sup, unsup, bad_mand, bad_unsup, first_bad);
}

/*
 * PSCI 1.1 §5.1.5 AFFINITY_INFO: ON/OFF at level 0, INVALID_PARAMETERS
 * for an MPIDR that names no core; level 1 (the cluster of all vCPUs) is
 * ON while vCPU 0 runs, where supported (PSCI 1.0 lets an implementation
 * refuse levels above 0; vigil supports them).
 */
static void check_affinity_info(bool others_on)
{
	int self = psci_affinity_info(0, 0), lvl1 = psci_affinity_info(0, 1);
	int none = psci_affinity_info(nr_vcpus, 0);
	int cluster1 = psci_affinity_info(0x100, 0);
	int lvl4 = psci_affinity_info(0, 4);
	/* An SMC32 AFFINITY_INFO has no Aff3: level 3 is invalid too (PSCI
	 * 1.1 §5.1.5), the call an AArch32 guest makes. */
	int lvl3 = GUEST_AARCH32 ? psci_affinity_info(0, 3)
				 : PSCI_INVALID_PARAMETERS;
	char lvl3_text[24] = "";
	unsigned int wrong = 0;
	bool lvl1_ok;

	for (unsigned int i = 1; i < nr_vcpus; i++)
		if (psci_affinity_info(vcpu_mpidr(i), 0) !=
		    (others_on ? PSCI_AFF_ON : PSCI_AFF_OFF))
			wrong++;
	if (GUEST_AARCH32)
		snprintf(lvl3_text, sizeof(lvl3_text), "level3=%d ", lvl3);
	lvl1_ok = lvl1 == PSCI_AFF_ON ||
		  (!vigil && lvl1 == PSCI_INVALID_PARAMETERS);
	check(self == PSCI_AFF_ON && lvl1_ok &&
		      none == PSCI_INVALID_PARAMETERS &&
		      cluster1 == PSCI_INVALID_PARAMETERS &&
		      lvl4 == PSCI_INVALID_PARAMETERS &&
		      lvl3 == PSCI_INVALID_PARAMETERS && wrong == 0,
	      others_on ? "affinity_info_on" : "affinity_info_off",
	      "self=%d level1=%d mpidr%u=%d mpidr0x100=%d level4=%d "
	      "%sothers-wrong=%u",
	      self, lvl1, nr_vcpus, none, cluster1, lvl4, lvl3_text, wrong);
}

/* The CPU_ON race: vCPU 1 is the target; vCPU 0 and the racers call
 * CPU_ON for it at once, vCPU 0 twice. */
static volatile uint32_t race_round, race_release, target_seen;
static volatile int race_result[GUEST_MAX_VCPUS];
static volatile uint32_t race_done[GUEST_MAX_VCPUS];

static int cpu_on_target(void)
{
	return psci_cpu_on(vcpu_mpidr(1), (uintptr_t)guest_secondary_start, 1);
}

static void race_target(unsigned int idx)
{
	(void)idx;
	uint32_t r = READ_ONCE(race_round);

	WRITE_ONCE(target_seen, r);
	while (READ_ONCE(race_release) != r)
		cpu_relax();
}

static void racer(unsigned int idx)
{
	uint32_t seen = 0;

	up[idx] = 1;
	for (;;) {
		uint32_t r;

		while ((r = READ_ONCE(race_round)) == seen)
			cpu_relax();
		if (r == 0xffffffffU)
			return;
		race_result[idx] = cpu_on_target();
		dsb_sy();
		WRITE_ONCE(race_done[idx], r);
		seen = r;
	}
}

static void check_cpu_on_race(void)
{
	unsigned int rounds_ok = 0, success = 0, already = 0, pending = 0;
	unsigned int other = 0, twice_bad = 0, aff_bad = 0;
	int bad_again = 0, bad_aff = 0;
	unsigned int r, i;

	for (i = 2; i < nr_vcpus; i++)
		vcpu_start(i, racer);
	for (i = 2; i < nr_vcpus; i++)
		while (!READ_ONCE(up[i]))
			cpu_relax();
	vcpu_start(1, race_target); /* sets vCPU 1's function */
	for (r = 1; r <= RACE_ROUNDS; r++) {
		unsigned int s = 0, a = 0, p = 0, o = 0;
		int mine, again, aff;

		/* The target of round r - 1 (or the vcpu_start above) is
		 * released and must be off before the next round. */
		WRITE_ONCE(race_release, r - 1);
		if (!wait_off(1, 2000)) {
			gprintf("TIMEOUT: race target not off, round %u\n", r);
			break;
		}
		dsb_sy();
		WRITE_ONCE(race_round, r);
		dsb_sy();
		mine = cpu_on_target();
		again = cpu_on_target();
		aff = psci_affinity_info(vcpu_mpidr(1), 0);
		race_result[0] = mine;
		for (i = 2; i < nr_vcpus; i++)
			while (READ_ONCE(race_done[i]) != r)
				cpu_relax();
		for (i = 0; i < nr_vcpus; i++) {
			int res = i == 1 ? 1 : race_result[i];

			if (i == 1)
				continue;
			if (res == PSCI_SUCCESS)
				s++;
			else if (res == PSCI_ALREADY_ON)
				a++;
			else if (res == PSCI_ON_PENDING)
				p++;
			else
				o++;
		}
		if (again != PSCI_ALREADY_ON &&
		    !(again == PSCI_ON_PENDING && !vigil)) {
			twice_bad++;
			bad_again = again;
		}
		if (aff != PSCI_AFF_ON &&
		    !(aff == PSCI_AFF_ON_PENDING && !vigil)) {
			aff_bad++;
			bad_aff = aff;
		}
		if (s == 1 && o == 0 && (p == 0 || !vigil))
			rounds_ok++;
		success += s;
		already += a;
		pending += p;
		other += o;
	}
	WRITE_ONCE(race_release, RACE_ROUNDS);
	wait_off(1, 2000);
	WRITE_ONCE(race_round, 0xffffffffU);
	for (i = 2; i < nr_vcpus; i++)
		wait_off(i, 2000);
	if (nr_vcpus > 2)
		check(rounds_ok == RACE_ROUNDS, "cpu_on_race",
		      "rounds=%u ok=%u success=%u already_on=%u "
		      "on_pending=%u other=%u",
		      RACE_ROUNDS, rounds_ok, success, already, pending, other);
	check(twice_bad == 0 && aff_bad == 0 && r == RACE_ROUNDS + 1,
	      "cpu_on_twice",
	      "rounds=%u second-call-bad=%u (%d) affinity-bad=%u (%d)", r - 1,
	      twice_bad, bad_again, aff_bad, bad_aff);
}

/*
 * CPU_SUSPEND (PSCI 1.1 §5.4.2, original power_state format): reserved
 * bits or a power level the system does not have are INVALID_PARAMETERS;
 * a standby and a powerdown (which an implementation may take as standby)
 * return SUCCESS after a wake-up event (a timer interrupt, masked here).
 */
static void check_cpu_suspend(void)
{
	int reserved, level3, standby, powerdown, smc64;
	char smc64_text[24] = "";
	uint64_t t0;
	unsigned int before;

	/* A timer wakes an implementation that suspends anyway. */
	irq_set_handler(PPI_VTIMER, timer_irq);
	gic_irq_enable(PPI_VTIMER);
	timer_set_cval(TIMER_VIRT, timer_count(TIMER_VIRT) + timer_us(1000));
	timer_set_ctl(TIMER_VIRT, CNT_CTL_ENABLE);
	reserved = (int)hvc_call(PSCI_FN_WIDE(1), 1U << 30, 0, 0);
	level3 = (int)hvc_call(PSCI_FN_WIDE(1), 3U << 24, 0, 0);
	/* From AArch32 the SMC64 ID of a valid standby is unknown; were it
	 * taken, it would return SUCCESS at the timer's interrupt. */
	smc64 = GUEST_AARCH32 ? (int)hvc_call(PSCI_FN64(1), 0, 0, 0)
			      : PSCI_NOT_SUPPORTED;
	timer_set_ctl(TIMER_VIRT, 0);
	if (GUEST_AARCH32)
		snprintf(smc64_text, sizeof(smc64_text), " smc64=%d", smc64);
	check(reserved == PSCI_INVALID_PARAMETERS &&
		      level3 == PSCI_INVALID_PARAMETERS &&
		      smc64 == PSCI_NOT_SUPPORTED,
	      "cpu_suspend_invalid", "reserved-bit=%d level3=%d%s", reserved,
	      level3, smc64_text);

	before = rx_total(PPI_VTIMER);
	t0 = timer_count(TIMER_VIRT);
	timer_set_cval(TIMER_VIRT, t0 + timer_us(2000));
	timer_set_ctl(TIMER_VIRT, CNT_CTL_ENABLE);
	standby = (int)hvc_call(PSCI_FN_WIDE(1), 0, 0, 0);
	irq_unmask();
	wait_rx(PPI_VTIMER, before + 1, WAIT_MS);
	irq_mask();
	check(standby == PSCI_SUCCESS && rx_total(PPI_VTIMER) == before + 1,
	      "cpu_suspend_standby", "ret=%d ticks=%u", standby,
	      rx_total(PPI_VTIMER) - before);

	before = rx_total(PPI_VTIMER);
	timer_set_cval(TIMER_VIRT, timer_count(TIMER_VIRT) + timer_us(2000));
	timer_set_ctl(TIMER_VIRT, CNT_CTL_ENABLE);
	powerdown = (int)hvc_call(PSCI_FN_WIDE(1), 1U << 16,
				  (uintptr_t)guest_secondary_start, 0);
	irq_unmask();
	wait_rx(PPI_VTIMER, before + 1, WAIT_MS);
	irq_mask();
	gic_irq_disable(PPI_VTIMER);
	check(powerdown == PSCI_SUCCESS && rx_total(PPI_VTIMER) == before + 1,
	      "cpu_suspend_powerdown", "ret=%d ticks=%u", powerdown,
	      rx_total(PPI_VTIMER) - before);
}

/* SYSTEM_RESET2 (PSCI 1.1 §5.11): if implemented, a reserved
 * architectural type and an unknown vendor type are INVALID_PARAMETERS;
 * otherwise NOT_SUPPORTED. */
static void check_system_reset2(void)
{
	int f = psci_features(PSCI_FN(0x12));
	int arch1 = (int)hvc_call(PSCI_FN(0x12), 1, 0, 0);
	int vendor = (int)hvc_call(PSCI_FN_WIDE(0x12), 0x80000123U, 0, 0);
	int want = f == PSCI_SUCCESS ? PSCI_INVALID_PARAMETERS
				     : PSCI_NOT_SUPPORTED;

	check(arch1 == want && vendor == want && (f == PSCI_SUCCESS || !vigil),
	      "system_reset2_types", "features=%d arch-type1=%d vendor=%d", f,
	      arch1, vendor);
}

/* vigil refuses CPU_OFF of a VM's last running vCPU (DENIED; docs). */
static void check_cpu_off_last(void)
{
	int r = psci_cpu_off();

	check(r == PSCI_DENIED, "cpu_off_last", "ret=%d", r);
}

int main(uint64_t dtb)
{
	unsigned int i;

	gic_probe(dtb);
	vigil = vigil_present();
	nr_vcpus = fdt_nr_cpus(dtb);
	if (nr_vcpus == 0 || nr_vcpus > GUEST_MAX_VCPUS)
		nr_vcpus = 1;
	gprintf("semantics: %s, %u vcpus\n", vigil ? "under vigil" : "native",
		nr_vcpus);
	cpu_mask[0] = gic_cpu_mask();
	gic_cpu_init(false);
	gic_dist_enable();

	/* Interrupts, with every vCPU on and counting. */
	for (i = 1; i < nr_vcpus; i++)
		vcpu_start(i, idle_vcpu);
	for (i = 1; i < nr_vcpus; i++)
		while (!READ_ONCE(up[i]))
			cpu_relax();
	check_typer();
	if (nr_vcpus == 1)
		check_uniprocessor();
	else
		check_target_zero();
	check_ctlr_disabled();
	check_sgir_filters();
	check_timer_pending_disabled(TIMER_VIRT, "vtimer_pending_disabled");
	check_timer_pending_disabled(TIMER_PHYS, "ptimer_pending_disabled");
	check_rtc();
	check_group0_behind_group1();
	if (nr_vcpus > 1)
		check_sgi_active_per_source();
	check_binary_point();
	check_pmr();
	check_cpu_interface();
	check_group1_alias();
	check_affinity_info(true);
	stop_all();

	/* PSCI. */
	check_affinity_info(false);
	check_psci_version();
	check_psci_features();
	check_cpu_suspend();
	check_system_reset2();
	if (nr_vcpus > 1) {
		for (i = 0; i < GUEST_MAX_VCPUS; i++)
			up[i] = 0;
		check_cpu_on_race();
	}
	if (vigil)
		check_cpu_off_last();

	for (i = 0; i < nr_vcpus; i++)
		gprintf("semantics: vcpu %u irq exceptions=%llu "
			"spurious=%llu unhandled=%llu\n",
			i, ULL(irq_stats[i].exceptions),
			ULL(irq_stats[i].spurious),
			ULL(irq_stats[i].unhandled));
	gprintf("semantics: %u passed, %u failed\n", passed, failed);
	return 0;
}
