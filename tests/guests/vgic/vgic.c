/* SPDX-License-Identifier: MIT */
/*
 * vgic: checks the GICv2 a guest sees, from inside the guest, against the
 * GICv2 specification (ARM IHI 0048B; sections cited below). Under vigil
 * that is the emulated distributor and the GICV frame; natively it is
 * QEMU's GICv2, which validates the checks themselves.
 *
 * Every check prints one line, `check <name>: PASS|FAIL <values>`; checks
 * about one vCPU end in `vcpu<N>`. The last line is
 * `vgic: <passed> passed, <failed> failed`, then SYSTEM_OFF.
 * tests/system/test_vgic.py knows the list of checks.
 *
 * vCPU 0 drives; the other vCPUs run commands from a mailbox with IRQs
 * unmasked, so they take SGIs, SPIs and timer PPIs between commands.
 */
#include "guest_gic.h"

#define WAIT_MS 2000
#define RESCUE_MS 2000
#define TIMER_TICKS 10
#define TIMER_PERIOD_US 2000
#define WFI_DELAY_US 5000
#define NR_ORDER_SPIS 8
#define RX_LOG 32

/* SGIs used by the checks. */
#define SGI_LIST 1
#define SGI_ALL_BUT_SELF 2
#define SGI_SELF 3
#define SGI_MULTI 5
#define SGI_RESCUE 15

static unsigned int nr_vcpus, nr_irqs;
static volatile uint8_t cpu_mask[GUEST_MAX_VCPUS];
static uint8_t all_mask;

/* ---- checks ----------------------------------------------------------- */

static struct {
	volatile uint32_t passed, failed;
} tally[GUEST_MAX_VCPUS];

static bool __printf(3, 4)
	check(bool ok, const char *name, const char *fmt, ...)
{
	char details[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(details, sizeof(details), fmt, ap);
	va_end(ap);
	gprintf("check %s: %s %s\n", name, ok ? "PASS" : "FAIL", details);
	if (ok)
		tally[this_vcpu()].passed++;
	else
		tally[this_vcpu()].failed++;
	return ok;
}

/* "name vcpuN" into @buf. */
static const char *vname(char *buf, size_t len, const char *name,
			 unsigned int vcpu)
{
	snprintf(buf, len, "%s vcpu%u", name, vcpu);
	return buf;
}

/* ---- what the handlers record ----------------------------------------- */

/* Per receiving vCPU: INTIDs of SPIs in acknowledge order. */
static struct rx_log {
	volatile uint32_t n;
	volatile uint16_t intid[RX_LOG];
} rx[GUEST_MAX_VCPUS];

/* sgi_rx[receiver][sgi][source CPU interface]: deliveries. */
static volatile uint8_t sgi_rx[GUEST_MAX_VCPUS][GIC_NR_SGIS][8];

struct timer_state {
	volatile uint32_t ticks, want, early, no_status;
	uint64_t period;
};
static struct timer_state tstate[GUEST_MAX_VCPUS][2];

static void spi_irq(unsigned int intid, unsigned int src)
{
	struct rx_log *log = &rx[this_vcpu()];

	(void)src;
	if (log->n < RX_LOG)
		log->intid[log->n] = (uint16_t)intid;
	log->n++;
}

static void sgi_irq(unsigned int intid, unsigned int src)
{
	sgi_rx[this_vcpu()][intid][src]++;
}

static void timer_irq(unsigned int intid, unsigned int src)
{
	enum gtimer t = intid == PPI_VTIMER ? TIMER_VIRT : TIMER_PHYS;
	struct timer_state *ts = &tstate[this_vcpu()][t];
	uint32_t ctl = timer_ctl(t);

	(void)src;
	if (!(ctl & CNT_CTL_ISTATUS))
		ts->no_status++;
	if (timer_count(t) < timer_cval(t))
		ts->early++;
	ts->ticks++;
	/* The timer is level-sensitive: move the compare value or stop it
	 * before the EOI, or it fires again at once. */
	if (ts->ticks < ts->want)
		timer_set_cval(t, timer_cval(t) + ts->period);
	else
		timer_set_ctl(t, 0);
}

static void reset_rx(void)
{
	unsigned int i;

	for (i = 0; i < GUEST_MAX_VCPUS; i++)
		rx[i].n = 0;
	dsb_sy();
}

static bool wait_rx(unsigned int vcpu, unsigned int n)
{
	uint64_t deadline = deadline_ms(WAIT_MS);

	while (READ_ONCE(rx[vcpu].n) < n && !deadline_passed(deadline))
		cpu_relax();
	return READ_ONCE(rx[vcpu].n) >= n;
}

/* ---- the mailbox: vCPU 0 hands commands to the others ----------------- */

enum cmd {
	CMD_EXIT = 1,
	CMD_SEND_SGI, /* a = filter, b = targets, c = sgi */
	CMD_SEND_SGI_TWICE,
	CMD_PEND,      /* a = intid: write GICD_ISPENDR */
	CMD_TIMER,     /* a = enum gtimer */
	CMD_WFI,       /* a = enum gtimer, b = PSTATE.I masked */
	CMD_WATCH_WFI, /* a = vCPU to rescue if its WFI never returns */
};

static struct mailbox {
	volatile uint32_t seq, done, cmd;
	volatile uint64_t a, b, c;
} mbox[GUEST_MAX_VCPUS];

static volatile uint32_t vcpu_up[GUEST_MAX_VCPUS];
/* WFI check: the vCPU is done with its WFI loop / was rescued by an SGI. */
static volatile uint32_t wfi_done[GUEST_MAX_VCPUS];
static volatile uint32_t wfi_rescued[GUEST_MAX_VCPUS];

static void execute(const struct mailbox *m);

static void post(unsigned int vcpu, enum cmd cmd, uint64_t a, uint64_t b,
		 uint64_t c)
{
	struct mailbox *m = &mbox[vcpu];

	m->cmd = cmd;
	m->a = a;
	m->b = b;
	m->c = c;
	dsb_sy();
	m->seq++;
	dsb_sy();
}

static bool wait_done(unsigned int vcpu, unsigned int ms)
{
	struct mailbox *m = &mbox[vcpu];
	uint64_t deadline = deadline_ms(ms);

	while (READ_ONCE(m->done) != READ_ONCE(m->seq) &&
	       !deadline_passed(deadline))
		cpu_relax();
	return READ_ONCE(m->done) == READ_ONCE(m->seq);
}

/* Runs @cmd on @vcpu (vCPU 0 itself runs it inline) and waits for it. */
static void run_on(unsigned int vcpu, enum cmd cmd, uint64_t a, uint64_t b,
		   uint64_t c)
{
	struct mailbox local = {.cmd = cmd, .a = a, .b = b, .c = c};

	if (vcpu == 0) {
		execute(&local);
		return;
	}
	post(vcpu, cmd, a, b, c);
	if (!wait_done(vcpu, 5 * WAIT_MS))
		gprintf("vcpu %u: TIMEOUT running command %u\n", vcpu, cmd);
}

/* Runs @cmd on every vCPU at once, vCPU 0 included, and waits. */
static void run_on_all(enum cmd cmd, uint64_t a, uint64_t b, uint64_t c)
{
	struct mailbox local = {.cmd = cmd, .a = a, .b = b, .c = c};
	unsigned int i;

	for (i = 1; i < nr_vcpus; i++)
		post(i, cmd, a, b, c);
	execute(&local);
	for (i = 1; i < nr_vcpus; i++) {
		if (!wait_done(i, 5 * WAIT_MS))
			gprintf("vcpu %u: TIMEOUT running command %u\n", i,
				cmd);
	}
}

/* ---- per-vCPU checks of the banked registers, before any set-up ------- */

/* §4.4.1, §4.4.2: GICC_CTLR and GICC_PMR reset to 0. */
static void check_cpuif_reset(unsigned int vcpu)
{
	uint32_t ctlr = gicc_read(GICC_CTLR), pmr = gicc_read(GICC_PMR);
	char n[32];

	check(ctlr == 0 && pmr == 0, vname(n, sizeof(n), "cpuif_reset", vcpu),
	      "ctlr=0x%x pmr=0x%x", ctlr, pmr);
}

/* §4.3.5: whether SGIs can be disabled is IMPLEMENTATION DEFINED; GIC-400
 * and QEMU keep them enabled (RAO/WI), and so must vigil (DESIGN §3). */
static void check_sgi_enable(unsigned int vcpu)
{
	uint32_t before = gicd_read(GICD_ISENABLER) & 0xffff, after;
	char n[32];

	gicd_write(GICD_ICENABLER, 0xffff);
	after = gicd_read(GICD_ISENABLER) & 0xffff;
	check(before == 0xffff && after == 0xffff,
	      vname(n, sizeof(n), "sgi_enable", vcpu),
	      "isenabler0[15:0]=0x%x after-icenabler=0x%x", before, after);
}

/* §4.3.13: SGIs are edge-triggered and their ICFGR0 fields read-only
 * (Int_config[1] = 1: ICFGR0 reads 0xaaaaaaaa). */
static void check_icfgr0(unsigned int vcpu)
{
	uint32_t before = gicd_read(GICD_ICFGR), after;
	char n[32];

	gicd_write(GICD_ICFGR, 0);
	after = gicd_read(GICD_ICFGR);
	gicd_write(GICD_ICFGR, before);
	check(before == 0xaaaaaaaa && after == 0xaaaaaaaa,
	      vname(n, sizeof(n), "icfgr0_sgi", vcpu),
	      "icfgr0=0x%x after-write-0=0x%x", before, after);
}

/* §4.3.12: ITARGETSR0-7 are read-only; each field reads as the mask of the
 * CPU interface doing the read. */
static void check_itargetsr_private(unsigned int vcpu)
{
	uint32_t w[8], after[8], v;
	uint8_t mask;
	bool ok = true;
	unsigned int i;
	char n[40];

	for (i = 0; i < 8; i++)
		w[i] = gicd_read(GICD_ITARGETSR + 4 * i);
	mask = w[0] & 0xff;
	v = mask * 0x01010101U;
	for (i = 0; i < 8; i++) {
		gicd_write(GICD_ITARGETSR + 4 * i, 0);
		after[i] = gicd_read(GICD_ITARGETSR + 4 * i);
		ok = ok && w[i] == v && after[i] == v;
	}
	ok = ok && mask && !(mask & (mask - 1));
	check(ok, vname(n, sizeof(n), "itargetsr_private", vcpu),
	      "itargetsr0=0x%x itargetsr7=0x%x after-write-0=0x%x", w[0], w[7],
	      after[0]);
}

static void private_checks(unsigned int vcpu)
{
	check_cpuif_reset(vcpu);
	check_sgi_enable(vcpu);
	check_icfgr0(vcpu);
	check_itargetsr_private(vcpu);
}

static void vcpu_setup(unsigned int vcpu)
{
	cpu_mask[vcpu] = gic_cpu_mask();
	gic_cpu_init(false);
	gic_irq_set_priority(PPI_VTIMER, 0xa0);
	gic_irq_set_priority(PPI_PTIMER, 0xa0);
}

/* ---- commands ----------------------------------------------------------- */

/* Counts TIMER_TICKS ticks of timer @t on this vCPU. */
static void cmd_timer(enum gtimer t)
{
	unsigned int me = this_vcpu(), ppi = timer_ppi(t);
	struct timer_state *ts = &tstate[me][t];
	uint64_t deadline;
	uint32_t ticks;
	char n[32];

	ts->ticks = ts->early = ts->no_status = 0;
	ts->want = TIMER_TICKS;
	ts->period = timer_us(TIMER_PERIOD_US);
	gic_irq_enable(ppi);
	timer_set_cval(t, timer_count(t) + ts->period);
	timer_set_ctl(t, CNT_CTL_ENABLE);
	deadline = deadline_ms(WAIT_MS + TIMER_TICKS * TIMER_PERIOD_US / 1000);
	while (READ_ONCE(ts->ticks) < TIMER_TICKS && !deadline_passed(deadline))
		cpu_relax();
	/* No tick after the handler stopped the timer. */
	deadline = deadline_ms(3 * TIMER_PERIOD_US / 1000);
	while (!deadline_passed(deadline))
		cpu_relax();
	ticks = READ_ONCE(ts->ticks);
	timer_set_ctl(t, 0);
	gic_irq_disable(ppi);
	check(ticks == TIMER_TICKS && !ts->early && !ts->no_status,
	      vname(n, sizeof(n), t == TIMER_VIRT ? "vtimer" : "ptimer", me),
	      "ppi=%u ticks=%u/%u early=%u without-istatus=%u", ppi, ticks,
	      TIMER_TICKS, ts->early, ts->no_status);
}

/*
 * WFI woken by timer @t. With PSTATE.I masked (as Linux idles) WFI still
 * wakes on a pending IRQ (ARM ARM D1.16.2); the IRQ is taken once I is
 * cleared. If the WFI never returns, a watcher vCPU sends SGI_RESCUE.
 */
static void cmd_wfi(enum gtimer t, bool masked)
{
	unsigned int me = this_vcpu(), ppi = timer_ppi(t), wfis = 0;
	struct timer_state *ts = &tstate[me][t];
	uint64_t cval, woke;
	uint32_t hppir = GIC_INTID_SPURIOUS;
	char n[32];

	ts->ticks = ts->early = ts->no_status = 0;
	ts->want = 1;
	ts->period = 0;
	wfi_rescued[me] = 0;
	wfi_done[me] = 0;
	if (masked)
		irq_mask();
	gic_irq_enable(ppi);
	cval = timer_count(t) + timer_us(WFI_DELAY_US);
	timer_set_cval(t, cval);
	timer_set_ctl(t, CNT_CTL_ENABLE);
	/* WFI may also return early for no reason: loop until the timer
	 * condition holds (masked) or its handler ran (unmasked). */
	while (wfis < 100000 && !READ_ONCE(wfi_rescued[me])) {
		if (masked ? timer_count(t) >= cval &&
				     (timer_ctl(t) & CNT_CTL_ISTATUS)
			   : READ_ONCE(ts->ticks) > 0)
			break;
		wfi();
		wfis++;
	}
	woke = timer_count(t);
	if (masked) {
		/* The timer must be pending at the CPU interface now. */
		uint64_t deadline = deadline_ms(WAIT_MS);

		do {
			hppir = GICC_IAR_INTID(gicc_read(GICC_HPPIR));
		} while (hppir != ppi && !deadline_passed(deadline));
		irq_unmask();
	}
	wfi_done[me] = 1;
	dsb_sy();
	{
		uint64_t deadline = deadline_ms(WAIT_MS);

		while (!READ_ONCE(ts->ticks) && !deadline_passed(deadline))
			cpu_relax();
	}
	timer_set_ctl(t, 0);
	gic_irq_disable(ppi);
	check(!wfi_rescued[me] && woke >= cval && ts->ticks == 1 &&
		      (!masked || hppir == ppi),
	      vname(n, sizeof(n), masked ? "wfi_vtimer" : "wfi_ptimer", me),
	      "ppi=%u psr.i=%d wfis=%u late_us=%llu hppir=%u ticks=%u "
	      "rescued=%u",
	      ppi, masked, wfis,
	      ULL(woke >= cval ? (woke - cval) * 1000000 / timer_freq() : 0),
	      hppir, ts->ticks, wfi_rescued[me]);
}

static void cmd_watch_wfi(unsigned int vcpu)
{
	uint64_t deadline = deadline_ms(RESCUE_MS);

	while (!READ_ONCE(wfi_done[vcpu]) && !deadline_passed(deadline))
		cpu_relax();
	if (!READ_ONCE(wfi_done[vcpu])) {
		wfi_rescued[vcpu] = 1;
		dsb_sy();
		gic_send_sgi(GICD_SGIR_FILTER_LIST, cpu_mask[vcpu], SGI_RESCUE);
	}
}

static void execute(const struct mailbox *m)
{
	switch (m->cmd) {
	case CMD_SEND_SGI:
		gic_send_sgi((unsigned int)m->a, (uint8_t)m->b,
			     (unsigned int)m->c);
		break;
	case CMD_SEND_SGI_TWICE:
		gic_send_sgi((unsigned int)m->a, (uint8_t)m->b,
			     (unsigned int)m->c);
		gic_send_sgi((unsigned int)m->a, (uint8_t)m->b,
			     (unsigned int)m->c);
		break;
	case CMD_PEND:
		gicd_set(GICD_ISPENDR, (unsigned int)m->a);
		break;
	case CMD_TIMER:
		cmd_timer((enum gtimer)m->a);
		break;
	case CMD_WFI:
		cmd_wfi((enum gtimer)m->a, m->b);
		break;
	case CMD_WATCH_WFI:
		cmd_watch_wfi((unsigned int)m->a);
		break;
	default:
		break;
	}
}

static void secondary(unsigned int idx)
{
	struct mailbox *m = &mbox[idx];

	private_checks(idx);
	vcpu_setup(idx);
	dsb_sy();
	vcpu_up[idx] = 1;
	irq_unmask();
	for (;;) {
		uint32_t seq;

		while ((seq = READ_ONCE(m->seq)) == READ_ONCE(m->done))
			cpu_relax();
		dmb_sy();
		if (m->cmd == CMD_EXIT) {
			m->done = seq;
			break;
		}
		execute(m);
		dsb_sy();
		m->done = seq;
	}
	irq_mask();
}

static unsigned int start_secondaries(void)
{
	uint64_t deadline;
	unsigned int n, i;

	for (n = 1; n < GUEST_MAX_VCPUS; n++) {
		if (vcpu_start(n, secondary) != PSCI_SUCCESS)
			break;
	}
	deadline = deadline_ms(5 * WAIT_MS);
	for (i = 1; i < n; i++) {
		while (!READ_ONCE(vcpu_up[i]) && !deadline_passed(deadline))
			cpu_relax();
		if (!READ_ONCE(vcpu_up[i]))
			gprintf("vcpu %u: TIMEOUT coming up\n", i);
	}
	return n;
}

/* ---- distributor registers (vCPU 0) ----------------------------------- */

/* SPIs the checks use: the top of the implemented range, where QEMU virt
 * has no device. */
static unsigned int order_spi(unsigned int i)
{
	return nr_irqs - 16 + i;
}
#define SPI_STATE (nr_irqs - 8)
#define SPI_EOI (nr_irqs - 7)
#define SPI_OTHER (nr_irqs - 6)
#define SPI_DISABLE (nr_irqs - 5)
#define SPI_TARGETS (nr_irqs - 4)

static void check_cpuif_ids(void)
{
	bool ok = true;
	unsigned int i;

	all_mask = 0;
	for (i = 0; i < nr_vcpus; i++) {
		uint8_t m = cpu_mask[i];

		if (!m || (m & (m - 1)) || (all_mask & m))
			ok = false;
		all_mask |= m;
	}
	check(ok, "cpuif_ids_distinct", "masks=0x%x,0x%x,0x%x,0x%x all=0x%x",
	      cpu_mask[0], cpu_mask[1], cpu_mask[2], cpu_mask[3], all_mask);
}

/* §4.3.1: without the Security Extensions only EnableGrp0/EnableGrp1
 * (bits 1:0) exist; the register resets to 0. @reset: read at entry. */
static void check_gicd_ctlr(uint32_t reset)
{
	uint32_t all, none;

	gicd_write(GICD_CTLR, 0xffffffff);
	all = gicd_read(GICD_CTLR);
	gicd_write(GICD_CTLR, 0);
	none = gicd_read(GICD_CTLR);
	check(reset == 0 && all == 3 && none == 0, "gicd_ctlr",
	      "reset=0x%x after-write-all-ones=0x%x after-write-0=0x%x", reset,
	      all, none);
}

/* §4.3.2: ITLinesNumber, CPUNumber (+1 = CPU interfaces), no Security
 * Extensions in a guest's GIC; read-only. */
static void check_gicd_typer(uint64_t dtb)
{
	uint32_t typer = gicd_read(GICD_TYPER), after;
	unsigned int lines = 32 * (GICD_TYPER_ITLINES(typer) + 1);
	unsigned int cpus = GICD_TYPER_CPUS(typer), dtb_cpus;

	gicd_write(GICD_TYPER, 0);
	after = gicd_read(GICD_TYPER);
	dtb_cpus = fdt_nr_cpus(dtb);
	check(cpus == nr_vcpus && lines >= 64 && !(typer & GICD_TYPER_SECEXT) &&
		      after == typer && (!dtb_cpus || dtb_cpus == nr_vcpus),
	      "gicd_typer",
	      "typer=0x%x it_lines=%u cpus=%u vcpus=%u dtb_cpus=%u "
	      "after-write=0x%x",
	      typer, lines, cpus, nr_vcpus, dtb_cpus, after);
}

/* §4.3.3: IIDR names an implementer (JEP106, bits 11:0); read-only. */
static void check_gicd_iidr(void)
{
	uint32_t iidr = gicd_read(GICD_IIDR), after;

	gicd_write(GICD_IIDR, ~iidr);
	after = gicd_read(GICD_IIDR);
	check((iidr & GICD_IIDR_IMPLEMENTER_MASK) && after == iidr, "gicd_iidr",
	      "iidr=0x%x after-write=0x%x", iidr, after);
}

/* §4.3.16 / Table 4-3: ICPIDR2[7:4] ArchRev = 2 for GICv2. */
static void check_gicd_pidr2(void)
{
	uint32_t pidr2 = gicd_read(GICD_PIDR2), after;

	gicd_write(GICD_PIDR2, 0);
	after = gicd_read(GICD_PIDR2);
	check(((pidr2 >> 4) & 0xf) == 2 && after == pidr2, "gicd_pidr2",
	      "pidr2=0x%x arch_rev=%u after-write=0x%x", pidr2,
	      (pidr2 >> 4) & 0xf, after);
}

/* §3.3 / §4.3.11: priority fields implement at least 16 levels, the low
 * bits RAZ/WI; byte and word views agree. */
static void check_ipriority_bits(void)
{
	unsigned int spi = SPI_STATE;
	uint32_t word_off = GICD_IPRIORITYR + (spi & ~3U), word;
	uint8_t mask;
	bool ok;

	gic_irq_set_priority(spi, 0xff);
	mask = gicd_read8(GICD_IPRIORITYR + spi);
	word = gicd_read(word_off);
	gic_irq_set_priority(spi, 0xa0);
	/* mask = 1..10..0 with at least four ones */
	ok = (mask & 0xf0) == 0xf0 &&
	     !((uint8_t)(~mask) & (uint8_t)(~mask + 1));
	ok = ok && ((word >> (8 * (spi & 3))) & 0xff) == mask;
	check(ok, "ipriority_bits", "intid=%u write-0xff=0x%x word=0x%x", spi,
	      mask, word);
}

/* §4.3.12: an SPI's ITARGETSR field holds any set of implemented CPU
 * interfaces; bits of unimplemented ones are RAZ/WI. */
static void check_itargetsr_spi(void)
{
	unsigned int spi = SPI_TARGETS, i;
	uint8_t got[GUEST_MAX_VCPUS], ones;
	bool ok = true;

	for (i = 0; i < nr_vcpus; i++) {
		gic_irq_set_targets(spi, cpu_mask[i]);
		got[i] = gicd_read8(GICD_ITARGETSR + spi);
		ok = ok && got[i] == cpu_mask[i];
	}
	gic_irq_set_targets(spi, 0xff);
	ones = gicd_read8(GICD_ITARGETSR + spi);
	gic_irq_set_targets(spi, cpu_mask[0]);
	check(ok && ones == all_mask, "itargetsr_spi",
	      "intid=%u each-vcpu=%s write-0xff=0x%x implemented=0x%x", spi,
	      ok ? "ok" : "MISMATCH", ones, all_mask);
}

/* §4.3.5-4.3.10: the set/clear register pairs of one SPI, kept disabled so
 * nothing is delivered. Returns the bit in (set view, clear view). */
static void read_pair(uint32_t set, uint32_t clr, unsigned int intid, bool *s,
		      bool *c)
{
	*s = gicd_test(set, intid);
	*c = gicd_test(clr, intid);
}

static void check_set_clear(const char *name, uint32_t set, uint32_t clr)
{
	unsigned int spi = SPI_STATE;
	bool s0, c0, s1, c1, s2, c2;

	read_pair(set, clr, spi, &s0, &c0);
	gicd_set(set, spi);
	read_pair(set, clr, spi, &s1, &c1);
	gicd_set(clr, spi);
	read_pair(set, clr, spi, &s2, &c2);
	check(!s0 && !c0 && s1 && c1 && !s2 && !c2, name,
	      "intid=%u initial=%d/%d after-set=%d/%d after-clear=%d/%d", spi,
	      s0, c0, s1, c1, s2, c2);
}

static void check_spi_state_bits(void)
{
	gic_irq_disable(SPI_STATE);
	gic_irq_set_targets(SPI_STATE, cpu_mask[0]);
	check_set_clear("spi_enable", GICD_ISENABLER, GICD_ICENABLER);
	/* Pending and active with the SPI disabled: nothing is signalled. */
	check_set_clear("spi_pending", GICD_ISPENDR, GICD_ICPENDR);
	check_set_clear("spi_active", GICD_ISACTIVER, GICD_ICACTIVER);
}

/* ---- delivery ----------------------------------------------------------- */

/* After a delivery check: leave nothing of @spi behind to disturb the next
 * one, even when this check failed half-way. */
static void quiesce_spi(unsigned int spi)
{
	gic_irq_disable(spi);
	gicd_set(GICD_ICPENDR, spi);
	gicd_set(GICD_ICACTIVER, spi);
}

/*
 * §3.3: with several pending IRQs the CPU interface signals the highest
 * priority one; acknowledge order follows IPRIORITYR. The SPIs are pended
 * lowest priority first, so an implementation with few list registers must
 * evict to deliver in order.
 */
static void check_priority_order(bool use_pmr)
{
	static const uint8_t prio[NR_ORDER_SPIS] = {0x40, 0x80, 0x20, 0xa0,
						    0x60, 0x10, 0x90, 0x30};
	unsigned int by_prio[NR_ORDER_SPIS], i, j, pending = 0;
	uint32_t pmr;
	char got[80], want[80], *g = got, *w = want;
	bool ok = true;

	for (i = 0; i < NR_ORDER_SPIS; i++)
		by_prio[i] = i;
	for (i = 1; i < NR_ORDER_SPIS; i++) { /* ascending priority value */
		for (j = i; j && prio[by_prio[j]] < prio[by_prio[j - 1]]; j--) {
			unsigned int t = by_prio[j];

			by_prio[j] = by_prio[j - 1];
			by_prio[j - 1] = t;
		}
	}
	gic_cpu_set_eoimode(use_pmr); /* DAIF run: EOImode 0; PMR: 1 */
	reset_rx();
	if (use_pmr)
		gicc_write(GICC_PMR, 0);
	else
		irq_mask();
	for (i = 0; i < NR_ORDER_SPIS; i++) {
		unsigned int spi = order_spi(i);

		gic_irq_set_priority(spi, prio[i]);
		gic_irq_set_targets(spi, cpu_mask[0]);
		gic_irq_set_edge(spi, true);
		irq_set_handler(spi, spi_irq);
		gic_irq_enable(spi);
	}
	for (i = NR_ORDER_SPIS; i-- > 0;) /* lowest priority first */
		gicd_set(GICD_ISPENDR, order_spi(by_prio[i]));
	for (i = 0; i < NR_ORDER_SPIS; i++)
		pending += gicd_test(GICD_ISPENDR, order_spi(i));
	if (rx[0].n) /* nothing may arrive while masked */
		ok = false;
	if (use_pmr)
		gicc_write(GICC_PMR, 0xff);
	else
		irq_unmask();
	wait_rx(0, NR_ORDER_SPIS);
	pmr = gicc_read(GICC_PMR); /* what the guest wrote, if kept */
	for (i = 0; i < NR_ORDER_SPIS; i++) {
		unsigned int exp = order_spi(by_prio[i]);
		unsigned int rcv = i < rx[0].n ? rx[0].intid[i] : 0;

		ok = ok && rcv == exp;
		g += snprintf(g, (size_t)(got + sizeof(got) - g), "%s%u",
			      i ? "," : "", rcv);
		w += snprintf(w, (size_t)(want + sizeof(want) - w), "%s%u",
			      i ? "," : "", exp);
	}
	for (i = 0; i < NR_ORDER_SPIS; i++)
		quiesce_spi(order_spi(i));
	gic_cpu_set_eoimode(false);
	/* PMR keeps what was written, less its unimplemented low bits
	 * (§4.4.2: at least 16 levels; a GICV has 32). */
	check(ok && rx[0].n == NR_ORDER_SPIS && pending == NR_ORDER_SPIS &&
		      (pmr & 0xf0) == 0xf0,
	      use_pmr ? "priority_order_pmr" : "priority_order_daif",
	      "pending=%u received=%u order=%s want=%s pmr=0x%x", pending,
	      rx[0].n, got, want, pmr);
}

/* Polls GICC_IAR (IRQs masked) until @intid is acknowledged. */
static uint32_t poll_ack(unsigned int intid)
{
	uint64_t deadline = deadline_ms(WAIT_MS);

	do {
		uint32_t iar = gicc_read(GICC_IAR);

		if (GICC_IAR_INTID(iar) == intid)
			return iar;
		if (GICC_IAR_INTID(iar) < GIC_MAX_INTID) { /* not ours */
			gicc_write(GICC_EOIR, iar);
			if (gic_cpu_eoimode())
				gicc_write(GICC_DIR, iar);
		}
	} while (!deadline_passed(deadline));
	return GIC_INTID_SPURIOUS;
}

/*
 * §3.2.4 / §4.4.5 / §4.4.15: with EOImode 0 a write to GICC_EOIR drops the
 * priority and deactivates; with EOImode 1 it only drops the priority and
 * GICC_DIR deactivates.
 */
static void check_eoimode(bool eoimode)
{
	unsigned int spi = SPI_EOI;
	bool after_ack, after_eoir, after_dir = false;
	uint32_t iar;

	irq_mask();
	gic_cpu_set_eoimode(eoimode);
	gic_irq_set_priority(spi, 0x80);
	gic_irq_set_targets(spi, cpu_mask[0]);
	gic_irq_enable(spi);
	gicd_set(GICD_ISPENDR, spi);
	iar = poll_ack(spi);
	after_ack = gicd_test(GICD_ISACTIVER, spi);
	gicc_write(GICC_EOIR, iar);
	after_eoir = gicd_test(GICD_ISACTIVER, spi);
	if (eoimode) {
		gicc_write(GICC_DIR, iar);
		after_dir = gicd_test(GICD_ISACTIVER, spi);
	}
	quiesce_spi(spi);
	gic_cpu_set_eoimode(false);
	irq_unmask();
	if (eoimode)
		check(GICC_IAR_INTID(iar) == spi && after_ack && after_eoir &&
			      !after_dir,
		      "eoimode1_active",
		      "iar=0x%x active after ack=%d eoir=%d dir=%d", iar,
		      after_ack, after_eoir, after_dir);
	else
		check(GICC_IAR_INTID(iar) == spi && after_ack && !after_eoir,
		      "eoimode0_active", "iar=0x%x active after ack=%d eoir=%d",
		      iar, after_ack, after_eoir);
}

/* §4.3.7: an ISPENDR write pends the IRQ for its target, whoever writes. */
static void check_ispendr_other_vcpu(void)
{
	unsigned int spi = SPI_OTHER, writer = 1 % nr_vcpus;
	unsigned int target = nr_vcpus > 2 ? 2 : 0, i, elsewhere = 0;

	reset_rx();
	gic_irq_set_priority(spi, 0x80);
	gic_irq_set_targets(spi, cpu_mask[target]);
	irq_set_handler(spi, spi_irq);
	gic_irq_enable(spi);
	run_on(writer, CMD_PEND, spi, 0, 0);
	wait_rx(target, 1);
	{ /* and nothing more */
		uint64_t deadline = deadline_ms(50);

		while (!deadline_passed(deadline))
			cpu_relax();
	}
	for (i = 0; i < nr_vcpus; i++)
		if (i != target)
			elsewhere += rx[i].n;
	quiesce_spi(spi);
	check(rx[target].n == 1 && rx[target].intid[0] == spi && !elsewhere,
	      "ispendr_other_vcpu",
	      "intid=%u writer=vcpu%u target=vcpu%u received=%u elsewhere=%u",
	      spi, writer, target, rx[target].n, elsewhere);
}

/*
 * Disabling an IRQ while it is active must not orphan it: the EOI still
 * deactivates it, and once enabled again it is delivered again (DESIGN
 * §3.1's regression list).
 */
static void check_disable_while_active(void)
{
	unsigned int spi = SPI_DISABLE;
	uint32_t iar, again;
	bool active_after_eoi;

	irq_mask();
	gic_irq_set_priority(spi, 0x80);
	gic_irq_set_targets(spi, cpu_mask[0]);
	gic_irq_enable(spi);
	gicd_set(GICD_ISPENDR, spi);
	iar = poll_ack(spi);
	gic_irq_disable(spi);
	gicc_write(GICC_EOIR, iar);
	active_after_eoi = gicd_test(GICD_ISACTIVER, spi);
	gic_irq_enable(spi);
	gicd_set(GICD_ISPENDR, spi);
	again = poll_ack(spi);
	if (GICC_IAR_INTID(again) == spi)
		gicc_write(GICC_EOIR, again);
	quiesce_spi(spi);
	irq_unmask();
	check(GICC_IAR_INTID(iar) == spi && !active_after_eoi &&
		      GICC_IAR_INTID(again) == spi,
	      "disable_while_active",
	      "iar=0x%x active-after-eoi=%d redelivered-iar=0x%x", iar,
	      active_after_eoi, again);
}

/* ---- SGIs --------------------------------------------------------------- */

static unsigned int cpuif_of(unsigned int vcpu)
{
	return (unsigned int)__builtin_ctz(cpu_mask[vcpu]);
}

static void wait_sgis(unsigned int sgi, unsigned int expected)
{
	uint64_t deadline = deadline_ms(WAIT_MS);

	for (;;) {
		unsigned int got = 0, t, s;

		for (t = 0; t < nr_vcpus; t++)
			for (s = 0; s < 8; s++)
				got += READ_ONCE(sgi_rx[t][sgi][s]);
		if (got >= expected || deadline_passed(deadline))
			break;
		cpu_relax();
	}
	/* Let duplicates, if any, arrive too. */
	deadline = deadline_ms(50);
	while (!deadline_passed(deadline))
		cpu_relax();
}

/*
 * §4.3.15: GICD_SGIR TargetListFilter 0 (the list), 1 (all but self),
 * 2 (self); GICC_IAR.CPUID names the sender (§4.4.4). Every vCPU sends at
 * once; each (receiver, source) pair must see exactly one SGI.
 */
static void check_sgi_filter(unsigned int filter, unsigned int sgi,
			     const char *name)
{
	unsigned int t, s, expected = 0;

	for (s = 0; s < nr_vcpus; s++)
		for (t = 0; t < nr_vcpus; t++)
			expected +=
				filter == GICD_SGIR_FILTER_LIST ||
				(filter == GICD_SGIR_FILTER_OTHERS) == (s != t);
	run_on_all(CMD_SEND_SGI, filter,
		   filter == GICD_SGIR_FILTER_LIST ? all_mask : 0, sgi);
	wait_sgis(sgi, expected);
	for (t = 0; t < nr_vcpus; t++) {
		char row[64], *p = row, n[40];
		bool ok = true;

		for (s = 0; s < nr_vcpus; s++) {
			unsigned int want =
				filter == GICD_SGIR_FILTER_LIST ||
				(filter == GICD_SGIR_FILTER_OTHERS) == (s != t);
			unsigned int got = sgi_rx[t][sgi][cpuif_of(s)];

			ok = ok && got == want;
			p += snprintf(p, (size_t)(row + sizeof(row) - p),
				      "%s%u", s ? "," : "", got);
		}
		/* Nothing from a CPU interface that is not a vCPU's. */
		for (s = 0; s < 8; s++)
			if (!(all_mask & (1U << s)) && sgi_rx[t][sgi][s])
				ok = false;
		check(ok, vname(n, sizeof(n), name, t),
		      "sgi=%u from-vcpu0..%u=%s", sgi, nr_vcpus - 1, row);
	}
}

/*
 * §4.3.15 / §4.3.18 / §4.4.4: an SGI pending from several sources stays
 * pending once per source (GICD_SPENDSGIR shows each) and is delivered
 * once per source; a second send from a source whose SGI is still
 * pending does not add a delivery.
 */
static void check_sgi_multi_source(void)
{
	unsigned int s, total = 0;
	uint8_t spend;
	char row[64], *p = row;
	bool ok = true;

	irq_mask();
	for (s = 1; s < nr_vcpus; s++)
		run_on(s, s == 1 ? CMD_SEND_SGI_TWICE : CMD_SEND_SGI,
		       GICD_SGIR_FILTER_LIST, cpu_mask[0], SGI_MULTI);
	gic_send_sgi(GICD_SGIR_FILTER_SELF, 0, SGI_MULTI);
	{ /* the sends are posted writes: let them land */
		uint64_t deadline = deadline_ms(20);

		while (!deadline_passed(deadline))
			cpu_relax();
	}
	spend = gicd_read8(GICD_SPENDSGIR + SGI_MULTI);
	check(spend == all_mask, "spendsgir_sources",
	      "sgi=%u spendsgir=0x%x want=0x%x", SGI_MULTI, spend, all_mask);
	irq_unmask();
	wait_sgis(SGI_MULTI, nr_vcpus);
	for (s = 0; s < nr_vcpus; s++) {
		unsigned int got = sgi_rx[0][SGI_MULTI][cpuif_of(s)];

		ok = ok && got == 1;
		total += got;
		p += snprintf(p, (size_t)(row + sizeof(row) - p), "%s%u",
			      s ? "," : "", got);
	}
	check(ok && total == nr_vcpus, "sgi_multi_source",
	      "sgi=%u deliveries-from-vcpu0..%u=%s (vcpu1 sent twice)",
	      SGI_MULTI, nr_vcpus - 1, row);
}

/* ---- timers ------------------------------------------------------------- */

/*
 * A level-sensitive IRQ reads as pending in ISPENDR while its line is high,
 * even when disabled (§4.3.7: the pending state of a level IRQ follows the
 * line unless latched by an ISPENDR write); it stops when the line drops.
 */
static void check_timer_level_pending(void)
{
	bool high, low;

	gic_irq_disable(PPI_VTIMER);
	timer_set_cval(TIMER_VIRT, 0);
	timer_set_ctl(TIMER_VIRT, CNT_CTL_ENABLE);
	high = gicd_test(GICD_ISPENDR, PPI_VTIMER);
	timer_set_ctl(TIMER_VIRT, 0);
	low = gicd_test(GICD_ISPENDR, PPI_VTIMER);
	check(high && !low, "timer_level_pending",
	      "ppi=%u disabled: pending while ISTATUS=1: %d, after CTL=0: %d",
	      PPI_VTIMER, high, low);
}

static void check_wfi(enum gtimer t, bool masked)
{
	unsigned int i;

	/* vCPUs 1.. at once, vCPU 0 watching and rescuing. */
	for (i = 1; i < nr_vcpus; i++) {
		wfi_done[i] = 0;
		post(i, CMD_WFI, t, masked, 0);
	}
	for (i = 1; i < nr_vcpus; i++)
		cmd_watch_wfi(i);
	for (i = 1; i < nr_vcpus; i++)
		if (!wait_done(i, 5 * WAIT_MS))
			gprintf("vcpu %u: TIMEOUT in WFI check\n", i);
	/* Then vCPU 0, vCPU 1 watching. */
	wfi_done[0] = 0;
	if (nr_vcpus > 1)
		post(1, CMD_WATCH_WFI, 0, 0, 0);
	cmd_wfi(t, masked);
	if (nr_vcpus > 1)
		wait_done(1, 5 * WAIT_MS);
}

/* ---- main --------------------------------------------------------------- */

static void stop_secondaries(void)
{
	unsigned int i;

	for (i = 1; i < nr_vcpus; i++) {
		post(i, CMD_EXIT, 0, 0, 0);
		wait_done(i, WAIT_MS);
	}
}

int main(uint64_t dtb)
{
	uint32_t ctlr_reset = 0;
	unsigned int i, passed = 0, failed = 0;

	gic_probe(dtb);
	gprintf("vgic: %s, gicd=0x%llx gicc=0x%llx\n",
		vigil_present() ? "under vigil" : "native", ULL(gic_dist_base),
		ULL(gic_cpu_base));
	ctlr_reset = gicd_read(GICD_CTLR);
	private_checks(0);
	vcpu_setup(0);
	for (i = 0; i < GIC_NR_SGIS; i++)
		irq_set_handler(i, sgi_irq);
	irq_set_handler(PPI_VTIMER, timer_irq);
	irq_set_handler(PPI_PTIMER, timer_irq);
	nr_vcpus = start_secondaries();
	nr_irqs = gic_nr_irqs();
	gprintf("vgic: %u vcpus, %u irqs\n", nr_vcpus, nr_irqs);

	check_cpuif_ids();
	check_gicd_ctlr(ctlr_reset);
	check_gicd_typer(dtb);
	check_gicd_iidr();
	check_gicd_pidr2();
	gic_dist_enable();
	check_ipriority_bits();
	check_itargetsr_spi();
	check_spi_state_bits();

	irq_unmask();
	check_priority_order(false);
	check_priority_order(true);
	check_eoimode(false);
	check_eoimode(true);
	check_ispendr_other_vcpu();
	check_disable_while_active();

	check_sgi_filter(GICD_SGIR_FILTER_LIST, SGI_LIST, "sgi_list");
	check_sgi_filter(GICD_SGIR_FILTER_OTHERS, SGI_ALL_BUT_SELF,
			 "sgi_all_but_self");
	check_sgi_filter(GICD_SGIR_FILTER_SELF, SGI_SELF, "sgi_self");
	check_sgi_multi_source();

	check_timer_level_pending();
	run_on_all(CMD_TIMER, TIMER_VIRT, 0, 0);
	run_on_all(CMD_TIMER, TIMER_PHYS, 0, 0);
	check_wfi(TIMER_VIRT, true);
	check_wfi(TIMER_PHYS, false);

	stop_secondaries();
	irq_mask();
	for (i = 0; i < GUEST_MAX_VCPUS; i++) {
		passed += tally[i].passed;
		failed += tally[i].failed;
	}
	for (i = 0; i < nr_vcpus; i++)
		gprintf("vgic: vcpu %u irq exceptions=%llu acked=%llu "
			"spurious=%llu unhandled=%llu\n",
			i, ULL(irq_stats[i].exceptions),
			ULL(irq_stats[i].acked), ULL(irq_stats[i].spurious),
			ULL(irq_stats[i].unhandled));
	gprintf("vgic: %u passed, %u failed\n", passed, failed);
	return 0;
}
