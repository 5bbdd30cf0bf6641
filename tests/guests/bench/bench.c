/* SPDX-License-Identifier: MIT */
/*
 * bench: the cost of the interrupt path, measured from inside a guest, the
 * same binary natively (QEMU virt, no hypervisor), under vigil and under
 * Xen (issue 6, docs/performance.md). The guest finds its GIC, timer,
 * virtio-rng and UART in its DTB.
 *
 * Clock. QEMU runs with -icount shift=0: every retired instruction advances
 * the virtual clock by 1 ns, whichever CPU and exception level ran it. Both
 * counters a guest can read follow that clock: PMCCNTR_EL0 counts at
 * 1 GHz (one count = one instruction) and CNTVCT_EL0 at CNTFRQ = 62.5 MHz
 * (one tick = 16 ns = 16 instructions). The guest uses PMCCNTR_EL0 when
 * the PMU answers (filter NSH set, so it counts while a hypervisor runs
 * too) and CNTVCT_EL0 times 10^9 / CNTFRQ otherwise; either way the
 * numbers are instructions retired by the whole machine (guest and
 * hypervisor, every CPU). Samples include the measurement itself: a clock
 * read is 1 or 2 instructions, the IRQ entry's stamp is its 2nd.
 *
 * A32 (the arm32 vigil's guests): the same measures on a Cortex-A15. Its
 * PMU is PMUv2 through CP15 (ARM ARM DDI 0406C C12), whose PMCCNTR is 32
 * bits wide: clock differences are taken modulo 2^32 (4.3 s of icount
 * time, far more than any sample or storm window spans). The IRQ entry
 * stamps the clock as its 3rd instruction (the vector's branch, a save of
 * two registers, the read), since an A32 vector is one instruction.
 *
 * Measures, each `iters` samples after `warmup` discarded ones:
 *   hypercall    null hypercall round trip: vigil's VIGIL_HC_VERSION, Xen's
 *                xen_version(XENVER_version); natively n/a (no hypervisor)
 *   psci_version HVC PSCI_VERSION round trip: answered by vigil, by Xen, or
 *                natively by QEMU's built-in PSCI (no guest-visible code)
 *   gicd_read    one load of GICD_ISENABLER0: trapped and emulated under a
 *                hypervisor, a plain device read natively
 *   ipi_rtt      vCPU 0 sends an SGI to vCPU 1 (waiting in WFI), whose
 *                handler answers with an SGI: from before the GICD_SGIR
 *                write on vCPU 0 to vCPU 0's IRQ vector
 *   vtimer       CNTV_CVAL reached to the IRQ vector (vCPU 0 in WFI)
 *   spi_latency  the virtio-rng doorbell (QueueNotify) written to the IRQ
 *                vector of its SPI (vCPU 0 in WFI)
 *   storm        virtio-rng kept busy (8 requests in flight, re-posted by
 *                the handler): its interrupts handled per 10^9
 *                instructions, one sample per window of `window` IRQs
 * Waiting is WFI with IRQs masked, then a window to take the IRQ (Linux's
 * idle pattern): with every CPU idle the icount clock stands still, so what
 * a sample counts is work, not how long QEMU's I/O thread took.
 *
 * Output, one line each:
 *   bench: env=<native|vigil|xen> clock=<pmccntr|cntvct> ...
 *   bench: result <name> n=<N> min=<a> median=<b> max=<c> unit=<unit>
 *   bench: result <name> n/a <reason>
 *   bench: done measures=<M> na=<K>
 *
 * Parameters, from /chosen/bootargs, with defaults:
 *   bench.iters=1000  samples per latency measure (at most 4096)
 *   bench.warmup=8    discarded samples before them
 *   bench.windows=20  storm windows (at most 256; one more is discarded)
 *   bench.window=500  storm interrupts per window
 *   bench.ticks=100   vtimer: CNTVCT ticks from programming CVAL to CVAL
 */
#include "guest_gic.h"
#include "guest_virtio.h"

#define MAX_ITERS 4096
#define MAX_WINDOWS 256
#define WAIT_MS 5000
#define SGI_PING 1
#define SGI_PONG 2
#define SGI_STOP 3
#define STORM_QUEUE 8
#define RNG_BUF 8
#define IRQ_PRIO 0xa0

/* Xen's hypercall ABI on arm64: HVC #0xEA1, number in x16. */
#define XEN_HVC_IMM 0xEA1
#define XEN_HC_XEN_VERSION 17
#define XENVER_VERSION 0

enum env {
	ENV_NATIVE,
	ENV_VIGIL,
	ENV_XEN
};
static const char *const env_names[] = {"native", "vigil", "xen"};

static struct {
	uint64_t iters, warmup, windows, window, ticks;
} cfg;

/* Written by the IRQ vector (vectors.S) of each vCPU. In A32 the vector
 * saves two registers in the slot's first words (IRQ mode's SP, unused
 * otherwise, points at the stamp: install_vectors()). */
#ifdef __arm__
struct bench_irq_slot {
	uint32_t save[2];
	uint64_t stamp;
};
volatile struct bench_irq_slot bench_irq_slot[GUEST_MAX_VCPUS]
	__attribute__((aligned(16)));
#define IRQ_STAMP(idx) (bench_irq_slot[idx].stamp)
#else
volatile uint64_t bench_irq_stamp[GUEST_MAX_VCPUS];
#define IRQ_STAMP(idx) (bench_irq_stamp[idx])
#endif
extern char bench_vectors_pmu[], bench_vectors_cnt[];

static enum env env;
static bool use_pmu;
static uint64_t ns_per_tick; /* 10^9 / CNTFRQ: 16 on QEMU virt */
static int64_t pmu_off;	     /* CNTVCT * ns_per_tick - PMCCNTR, vCPU 0 */
static unsigned int vtimer_ppi = PPI_VTIMER;
static unsigned int nr_vcpus;
static volatile uint8_t cpu_mask[GUEST_MAX_VCPUS];
static uint64_t samples[MAX_ITERS];
static unsigned int measures, measures_na;

/* ---- hypercalls and the PMU, per instruction set ------------------------ */

#ifdef __arm__
static inline uint64_t hvc0(uint32_t fid)
{
	register uint32_t r0 __asm__("r0") = fid;

	__asm__ __volatile__(".arch_extension virt\n\thvc #0"
			     : "+r"(r0)
			     :
			     : "r1", "r2", "r3", "memory");
	return r0;
}

#define MRC15(op1, crn, crm, op2)                                             \
	({                                                                    \
		uint32_t __v;                                                 \
		__asm__ __volatile__("mrc p15, " #op1 ", %0, " #crn ", " #crm \
				     ", " #op2                                \
				     : "=r"(__v)::"memory");                  \
		__v;                                                          \
	})
#define MCR15(op1, crn, crm, op2, v)                                  \
	__asm__ __volatile__("mcr p15, " #op1 ", %0, " #crn ", " #crm \
			     ", " #op2 ::"r"((uint32_t)(v))           \
			     : "memory")

/* ID_DFR0.PerfMon: 1 PMUv1, 2 PMUv2, 0 or 0xf none. */
#define PMU_VERSION() ((MRC15(0, c0, c1, 2) >> 24) & 0xf)
#define PMCR_READ() MRC15(0, c9, c12, 0)
#define PMCR_WRITE(v) MCR15(0, c9, c12, 0, v)
#define PMCNTENSET_WRITE(v) MCR15(0, c9, c12, 1, v)
/* PMCCFILTR is PMXEVTYPER with PMSELR.SEL = 31. */
#define PMCCFILTR_WRITE(v)                \
	do {                              \
		MCR15(0, c9, c12, 5, 31); \
		isb();                    \
		MCR15(0, c9, c13, 1, v);  \
	} while (0)
#define PMCCNTR_READ() ((uint64_t)MRC15(0, c9, c13, 0))
#define PMCR_LC 0 /* no 64-bit cycle counter before ARMv8 */
/* A difference of two PMCCNTR readings, modulo its 32 bits. */
#define PMU_WRAP(d) ((uint64_t)(uint32_t)(d))
#define PMU_SIGNED(d) ((int64_t)(int32_t)(uint32_t)(d))
#else
static inline uint64_t hvc0(uint64_t fid)
{
	register uint64_t x0 __asm__("x0") = fid;

	__asm__ __volatile__("hvc #0"
			     : "+r"(x0)
			     :
			     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8",
			       "x9", "x10", "x11", "x12", "x13", "x14", "x15",
			       "x16", "x17", "memory");
	return x0;
}

#define PMU_VERSION() ((read_sysreg(id_aa64dfr0_el1) >> 8) & 0xf)
#define PMCR_READ() read_sysreg(pmcr_el0)
#define PMCR_WRITE(v) write_sysreg(v, pmcr_el0)
#define PMCNTENSET_WRITE(v) write_sysreg(v, pmcntenset_el0)
#define PMCCFILTR_WRITE(v) write_sysreg(v, pmccfiltr_el0)
#define PMCCNTR_READ() read_sysreg(pmccntr_el0)
#define PMCR_LC (1UL << 6)
#define PMU_WRAP(d) ((uint64_t)(d))
#define PMU_SIGNED(d) ((int64_t)(d))
#endif

/* ---- clock ------------------------------------------------------------ */

/* Now, in instructions (virtual ns). */
static inline __attribute__((always_inline)) uint64_t clk(void)
{
	uint64_t v;

#ifdef __arm__
	if (use_pmu) {
		uint32_t p;

		__asm__ __volatile__("mrc p15, 0, %0, c9, c13, 0"
				     : "=r"(p)::"memory");
		return p;
	}
	__asm__ __volatile__("isb; mrrc p15, 1, %Q0, %R0, c14"
			     : "=r"(v)::"memory");
#else
	if (use_pmu) {
		__asm__ __volatile__("mrs %0, pmccntr_el0" : "=r"(v)::"memory");
		return v;
	}
	__asm__ __volatile__("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
#endif
	return v * ns_per_tick;
}

/* Clock readings @t1 - @t0, with the PMU's wrap. */
static inline uint64_t since(uint64_t t1, uint64_t t0)
{
	return use_pmu ? PMU_WRAP(t1 - t0) : t1 - t0;
}

/* vCPU @idx's last IRQ-entry stamp, in clk() units. */
static inline uint64_t irq_stamp(unsigned int idx)
{
	uint64_t v = READ_ONCE(IRQ_STAMP(idx));

	return use_pmu ? v : v * ns_per_tick;
}

/*
 * Whether PMCCNTR_EL0 counts the hypervisor's instructions too. vigil traps
 * the PMU and keeps NSH out of the hardware (a guest must not time it),
 * though the guest reads NSH back: over 32 PSCI_VERSION calls the counter
 * then sees far less than CNTVCT_EL0, which follows the same icount clock.
 * Natively and with NSH honoured the two agree.
 */
static bool pmu_counts_el2(void)
{
	uint64_t c0, c1, p0, p1;

	isb();
	c0 = read_sysreg(cntvct_el0);
	p0 = PMCCNTR_READ();
	for (unsigned int i = 0; i < 32; i++)
		hvc0(PSCI_0_2_VERSION);
	isb();
	p1 = PMCCNTR_READ();
	c1 = read_sysreg(cntvct_el0);
	return PMU_WRAP(p1 - p0) * 4 >= (c1 - c0) * ns_per_tick * 3;
}

/* Enables PMCCNTR_EL0 on this vCPU, counting at EL0, EL1 and EL2; returns
 * whether it counts. A hypervisor may trap the PMU (UNDEFINED) or make it
 * read as zero. */
static bool pmu_init_cpu(void)
{
	unsigned int ver = PMU_VERSION();
	uint64_t pmcr = 0, p0 = 0, p1 = 0;
	volatile unsigned int i;

	if (ver == 0 || ver == 0xf)
		return false;
/* Each access may be UNDEFINED (trapped by a hypervisor): try them one by
 * one. */
#define PMU_TRY(stmt)                 \
	do {                          \
		fault_expect();       \
		stmt;                 \
		if (fault_take(NULL)) \
			return false; \
	} while (0)
	PMU_TRY(pmcr = PMCR_READ());
	if (!(pmcr >> 24)) /* PMCR_EL0.IMP reads as zero: no real PMU */
		return false;
	PMU_TRY(PMCCFILTR_WRITE(1UL << 27)); /* NSH: EL2 too */
	PMU_TRY(PMCNTENSET_WRITE(1UL << 31));
	/* LC (64-bit overflow), C (reset PMCCNTR), E (enable) */
	PMU_TRY(PMCR_WRITE(PMCR_LC | (1UL << 2) | 1UL));
	isb();
	PMU_TRY(p0 = PMCCNTR_READ());
	for (i = 0; i < 100; i++)
		;
	PMU_TRY(p1 = PMCCNTR_READ());
#undef PMU_TRY
	return PMU_WRAP(p1 - p0) > 100 && PMU_WRAP(p1 - p0) < 1000000 &&
	       pmu_counts_el2();
}

/*
 * PMCCNTR_EL0 and CNTVCT_EL0 * ns_per_tick run off the same clock, with an
 * offset. Spin until CNTVCT ticks over: the tick fell inside the last turn
 * of the 4-instruction loop, so offset >= c * ns_per_tick + 1 - p (and
 * < that + 4). Several tries at different phases tighten the bound.
 */
static int64_t pmu_calibrate(void)
{
	int64_t best = INT64_MIN;
	uint64_t k;

	for (k = 0; k < 16; k++) {
		uint64_t c0, c, p;
		int64_t lo;
#ifdef __arm__
		uint32_t n = (uint32_t)k, p32;

		__asm__ __volatile__("1: nop\n"
				     "subs %3, %3, #1\n"
				     "bpl 1b\n"
				     "isb\n"
				     "mrrc p15, 1, %Q0, %R0, c14\n"
				     "2: mrrc p15, 1, %Q1, %R1, c14\n"
				     "mrc p15, 0, %2, c9, c13, 0\n"
				     "cmp %Q1, %Q0\n"
				     "beq 2b\n"
				     : "=&r"(c0), "=&r"(c), "=&r"(p32), "+r"(n)
				     :
				     : "cc");
		p = p32;
#else
		uint64_t n = k;

		__asm__ __volatile__("1: nop\n"
				     "subs %3, %3, #1\n"
				     "b.pl 1b\n"
				     "isb\n"
				     "mrs %0, cntvct_el0\n"
				     "2: mrs %1, cntvct_el0\n"
				     "mrs %2, pmccntr_el0\n"
				     "cmp %1, %0\n"
				     "b.eq 2b\n"
				     : "=&r"(c0), "=&r"(c), "=&r"(p), "+r"(n)
				     :
				     : "cc");
#endif
		lo = (int64_t)(c * ns_per_tick) + 1 - (int64_t)p;
		if (lo > best)
			best = lo;
	}
	return best;
}

static void install_vectors(void)
{
#ifdef __arm__
	uintptr_t slot = (uintptr_t)&bench_irq_slot[this_vcpu()].stamp;

	/* IRQ mode's SP: this vCPU's stamp, for the vector (vectors.S). */
	__asm__ __volatile__("cps #0x12\n\tmov sp, %0\n\tcps #0x13" ::"r"(slot)
			     : "memory");
#endif
	write_sysreg(use_pmu ? (uintptr_t)bench_vectors_pmu
			     : (uintptr_t)bench_vectors_cnt,
		     vbar_el1);
	isb();
}

/* ---- statistics and output -------------------------------------------- */

static void sort(uint64_t *a, unsigned int n)
{
	unsigned int gap, i, j;

	for (gap = n / 2; gap; gap /= 2) {
		for (i = gap; i < n; i++) {
			uint64_t v = a[i];

			for (j = i; j >= gap && a[j - gap] > v; j -= gap)
				a[j] = a[j - gap];
			a[j] = v;
		}
	}
}

static void result(const char *name, unsigned int n, const char *unit)
{
	uint64_t median;

	sort(samples, n);
	median = n % 2 ? samples[n / 2]
		       : (samples[n / 2 - 1] + samples[n / 2]) / 2;
	gprintf("bench: result %s n=%u min=%llu median=%llu max=%llu "
		"unit=%s\n",
		name, n, ULL(samples[0]), ULL(median), ULL(samples[n - 1]),
		unit);
	measures++;
}

static void result_na(const char *name, const char *why)
{
	gprintf("bench: result %s n/a %s\n", name, why);
	measures++;
	measures_na++;
}

/* ---- waiting ------------------------------------------------------------ */

/*
 * Sleeps in WFI with IRQs masked until @cond holds, opening an IRQ window
 * after each wake-up. Returns false after WAIT_MS without it.
 */
#define WAIT_UNTIL(cond)                                        \
	({                                                      \
		uint64_t __dl = deadline_ms(WAIT_MS);           \
		bool __ok = true;                               \
		irq_mask();                                     \
		while (!(cond)) {                               \
			wfi();                                  \
			irq_unmask();                           \
			isb();                                  \
			irq_mask();                             \
			if (!(cond) && deadline_passed(__dl)) { \
				__ok = false;                   \
				break;                          \
			}                                       \
		}                                               \
		__ok;                                           \
	})

#ifdef __arm__
/* Xen's AArch32 ABI: HVC #0xEA1, number in r12. */
static inline uint64_t xen_version(void)
{
	register uint32_t r0 __asm__("r0") = XENVER_VERSION;
	register uint32_t r1 __asm__("r1") = 0;
	register uint32_t r12 __asm__("r12") = XEN_HC_XEN_VERSION;

	__asm__ __volatile__(".arch_extension virt\n\thvc %3"
			     : "+r"(r0), "+r"(r1), "+r"(r12)
			     : "i"(XEN_HVC_IMM)
			     : "r2", "r3", "memory");
	return r0;
}
#else
static inline uint64_t xen_version(void)
{
	register uint64_t x0 __asm__("x0") = XENVER_VERSION;
	register uint64_t x1 __asm__("x1") = 0;
	register uint64_t x16 __asm__("x16") = XEN_HC_XEN_VERSION;

	__asm__ __volatile__("hvc %3"
			     : "+r"(x0), "+r"(x1), "+r"(x16)
			     : "i"(XEN_HVC_IMM)
			     : "x2", "x3", "x4", "memory");
	return x0;
}
#endif

/* Runs @body iters + warmup times between two clock reads. */
#define SAMPLE(body)                                                           \
	do {                                                                   \
		uint64_t __i;                                                  \
		for (__i = 0; __i < cfg.warmup + cfg.iters; __i++) {           \
			uint64_t __t0 = clk(), __t1;                           \
			body;                                                  \
			__t1 = clk();                                          \
			if (__i >= cfg.warmup)                                 \
				samples[__i - cfg.warmup] = since(__t1, __t0); \
		}                                                              \
	} while (0)

/* Results of measured calls and loads, so none is optimised away. */
static volatile uint64_t sink;

static void bench_hypercall(void)
{
	if (env == ENV_NATIVE) {
		result_na("hypercall", "no hypervisor natively");
		return;
	}
	if (env == ENV_VIGIL) {
		if (hvc0(VIGIL_HC_VERSION) != VIGIL_ABI_VERSION) {
			result_na("hypercall", "VIGIL_HC_VERSION failed");
			return;
		}
		SAMPLE(sink = hvc0(VIGIL_HC_VERSION));
	} else {
		SAMPLE(sink = xen_version());
	}
	result("hypercall", (unsigned int)cfg.iters, "insns");
}

static void bench_psci_version(void)
{
	if ((hvc0(PSCI_0_2_VERSION) & 0xffff0000) == 0) {
		result_na("psci_version", "PSCI older than 0.2");
		return;
	}
	SAMPLE(sink = hvc0(PSCI_0_2_VERSION));
	result("psci_version", (unsigned int)cfg.iters, "insns");
}

static void bench_gicd_read(void)
{
	SAMPLE(sink = gicd_read(GICD_ISENABLER));
	result("gicd_read", (unsigned int)cfg.iters, "insns");
}

/* ---- IPI round trip ----------------------------------------------------- */

static volatile uint32_t pong, sec_stop;
static volatile uint32_t sec_up[GUEST_MAX_VCPUS], sec_done[GUEST_MAX_VCPUS];

static void ping_irq(unsigned int intid, unsigned int src)
{
	(void)intid;
	(void)src;
	gic_send_sgi(GICD_SGIR_FILTER_LIST, cpu_mask[0], SGI_PONG);
}

static void pong_irq(unsigned int intid, unsigned int src)
{
	(void)intid;
	(void)src;
	pong = 1;
}

static void nop_irq(unsigned int intid, unsigned int src)
{
	(void)intid;
	(void)src;
}

static void secondary(unsigned int idx)
{
	if (use_pmu)
		pmu_init_cpu();
	install_vectors();
	gic_cpu_init(false);
	cpu_mask[idx] = gic_cpu_mask();
	gic_irq_set_priority(SGI_PING, IRQ_PRIO);
	gic_irq_set_priority(SGI_STOP, IRQ_PRIO);
	gic_irq_enable(SGI_PING);
	gic_irq_enable(SGI_STOP);
	dsb_sy();
	sec_up[idx] = 1;
	irq_mask();
	while (!READ_ONCE(sec_stop)) {
		wfi();
		irq_unmask();
		isb();
		irq_mask();
	}
	sec_done[idx] = 1;
}

static bool start_vcpu1(void)
{
	uint64_t deadline;
	int ret;

	if (nr_vcpus < 2)
		return false;
	ret = vcpu_start(1, secondary);
	if (ret != PSCI_SUCCESS) {
		gprintf("bench: vcpu 1 CPU_ON: %s\n", psci_strerror(ret));
		return false;
	}
	deadline = deadline_ms(WAIT_MS);
	while (!READ_ONCE(sec_up[1]) && !deadline_passed(deadline))
		cpu_relax();
	if (!READ_ONCE(sec_up[1]))
		gprintf("bench: vcpu 1 TIMEOUT coming up\n");
	return READ_ONCE(sec_up[1]);
}

static void stop_vcpu1(void)
{
	uint64_t deadline;

	sec_stop = 1;
	dsb_sy();
	gic_send_sgi(GICD_SGIR_FILTER_LIST, cpu_mask[1], SGI_STOP);
	deadline = deadline_ms(WAIT_MS);
	while (!READ_ONCE(sec_done[1]) && !deadline_passed(deadline))
		cpu_relax();
	if (!READ_ONCE(sec_done[1]))
		gprintf("bench: vcpu 1 TIMEOUT stopping\n");
}

static void bench_ipi(bool have_vcpu1)
{
	uint64_t i;

	if (!have_vcpu1) {
		result_na("ipi_rtt", nr_vcpus < 2 ? "one vCPU" : "vCPU 1 down");
		return;
	}
	for (i = 0; i < cfg.warmup + cfg.iters; i++) {
		uint64_t t0;

		pong = 0;
		t0 = clk();
		gic_send_sgi(GICD_SGIR_FILTER_LIST, cpu_mask[1], SGI_PING);
		if (!WAIT_UNTIL(READ_ONCE(pong))) {
			result_na("ipi_rtt", "TIMEOUT waiting for the answer");
			return;
		}
		if (i >= cfg.warmup)
			samples[i - cfg.warmup] = since(irq_stamp(0), t0);
	}
	result("ipi_rtt", (unsigned int)cfg.iters, "insns");
}

/* ---- virtual timer ------------------------------------------------------ */

static volatile uint32_t timer_fired;

static void vtimer_irq(unsigned int intid, unsigned int src)
{
	(void)intid;
	(void)src;
	timer_set_ctl(TIMER_VIRT, 0); /* level: drop the line */
	timer_fired = 1;
}

/* The virtual timer's PPI from the "arm,armv8-timer" node (its 3rd
 * interrupt), 27 without one. */
static unsigned int find_vtimer_ppi(uint64_t dtb)
{
	int node = fdt_next_compatible(dtb, -1, "arm,armv8-timer"), len;
	const void *irq = fdt_prop(dtb, node, "interrupts", &len);

	if (!irq || len < 9 * 4 || fdt_cell(irq, 6) != 1)
		return PPI_VTIMER;
	return 16 + fdt_cell(irq, 7);
}

static void bench_vtimer(void)
{
	uint64_t i;

	gic_irq_set_priority(vtimer_ppi, IRQ_PRIO);
	gic_irq_enable(vtimer_ppi);
	for (i = 0; i < cfg.warmup + cfg.iters; i++) {
		uint64_t cval, s;
		int64_t lat;

		timer_fired = 0;
		cval = timer_count(TIMER_VIRT) + cfg.ticks;
		timer_set_cval(TIMER_VIRT, cval);
		timer_set_ctl(TIMER_VIRT, CNT_CTL_ENABLE);
		if (!WAIT_UNTIL(READ_ONCE(timer_fired))) {
			timer_set_ctl(TIMER_VIRT, 0);
			result_na("vtimer", "TIMEOUT waiting for the timer");
			return;
		}
		s = READ_ONCE(IRQ_STAMP(0));
		if (use_pmu)
			lat = PMU_SIGNED((int64_t)s + pmu_off -
					 (int64_t)(cval * ns_per_tick));
		else
			lat = (int64_t)((s - cval) * ns_per_tick);
		if (i >= cfg.warmup)
			samples[i - cfg.warmup] = lat > 0 ? (uint64_t)lat : 0;
	}
	gic_irq_disable(vtimer_ppi);
	result("vtimer", (unsigned int)cfg.iters, "insns");
}

/* ---- passthrough SPI: latency and storm --------------------------------- */

static struct virtio_dev rng;
static struct virtq_mem rng_vq;
static uint8_t rng_buf[VIRTQ_MAX][RNG_BUF] __attribute__((aligned(64)));
static volatile uint64_t rng_irqs, rng_posted, rng_completed, rng_bad;
static volatile bool storm_on;

static void rng_post(uint16_t id)
{
	virtq_set_desc(&rng, id, rng_buf[id], RNG_BUF, VRING_DESC_F_WRITE);
	virtq_post(&rng, id);
	rng_posted++;
}

static void rng_irq(unsigned int intid, unsigned int src)
{
	uint32_t id, len;
	bool kick = false;

	(void)intid;
	(void)src;
	virtio_irq_ack(&rng);
	while (virtq_harvest(&rng, &id, &len)) {
		rng_completed++;
		if (id >= rng.qsize || len < 1 || len > RNG_BUF)
			rng_bad++;
		else if (storm_on) {
			rng_post((uint16_t)id);
			kick = true;
		}
	}
	if (kick)
		virtq_kick(&rng);
	rng_irqs++;
}

static bool rng_setup(uint64_t dtb, const char **why)
{
	int ret;

	if (!virtio_find(dtb, VIRTIO_ID_RNG, 0, &rng)) {
		*why = "no virtio-rng device in the DTB";
		return false;
	}
	ret = virtio_setup(&rng, &rng_vq, STORM_QUEUE);
	if (ret) {
		*why = "virtio-rng set-up failed";
		gprintf("bench: virtio-rng at 0x%llx set-up step %d failed\n",
			ULL(rng.base), -ret);
		return false;
	}
	gprintf("bench: virtio-rng at 0x%llx intid %u %s, queue %u\n",
		ULL(rng.base), rng.intid, rng.edge ? "edge" : "level",
		rng.qsize);
	irq_set_handler(rng.intid, rng_irq);
	gic_irq_set_edge(rng.intid, rng.edge);
	gic_irq_set_priority(rng.intid, IRQ_PRIO);
	gic_irq_set_targets(rng.intid, cpu_mask[0]);
	gic_irq_enable(rng.intid);
	return true;
}

static void bench_spi(bool have_rng, const char *why)
{
	uint64_t i;

	if (!have_rng) {
		result_na("spi_latency", why);
		return;
	}
	for (i = 0; i < cfg.warmup + cfg.iters; i++) {
		uint64_t t0;

		rng_post(0);
		t0 = clk();
		virtq_kick(&rng);
		if (!WAIT_UNTIL(READ_ONCE(rng_completed) == rng_posted)) {
			result_na("spi_latency", "TIMEOUT waiting for the IRQ");
			return;
		}
		if (i >= cfg.warmup)
			samples[i - cfg.warmup] = since(irq_stamp(0), t0);
	}
	result("spi_latency", (unsigned int)cfg.iters, "insns");
}

static void bench_storm(bool have_rng, const char *why)
{
	unsigned int w, n = 0;
	uint16_t id;

	if (!have_rng) {
		result_na("storm", why);
		return;
	}
	irq_mask();
	storm_on = true;
	for (id = 0; id < rng.qsize; id++)
		rng_post(id);
	virtq_kick(&rng);
	for (w = 0; w < 1 + cfg.windows; w++) {
		uint64_t start = rng_irqs, t0 = clk(), t1, got;

		if (!WAIT_UNTIL(READ_ONCE(rng_irqs) >= start + cfg.window))
			break;
		t1 = clk();
		got = rng_irqs - start;
		if (w >= 1)
			samples[n++] = got * 1000000000ULL / since(t1, t0);
	}
	storm_on = false;
	if (!WAIT_UNTIL(READ_ONCE(rng_completed) == rng_posted))
		gprintf("bench: storm TIMEOUT draining posted=%llu "
			"completed=%llu\n",
			ULL(rng_posted), ULL(rng_completed));
	if (n != cfg.windows) {
		result_na("storm", "TIMEOUT waiting for interrupts");
		return;
	}
	result("storm", n, "irqs_per_1e9_insns");
}

/* ---- main --------------------------------------------------------------- */

static void read_config(uint64_t dtb)
{
	cfg.iters = bootarg_u64(dtb, "bench.iters", 1000);
	cfg.warmup = bootarg_u64(dtb, "bench.warmup", 8);
	cfg.windows = bootarg_u64(dtb, "bench.windows", 20);
	cfg.window = bootarg_u64(dtb, "bench.window", 500);
	cfg.ticks = bootarg_u64(dtb, "bench.ticks", 100);
	if (cfg.iters < 1 || cfg.iters > MAX_ITERS)
		cfg.iters = cfg.iters < 1 ? 1 : MAX_ITERS;
	if (cfg.windows < 1 || cfg.windows > MAX_WINDOWS)
		cfg.windows = cfg.windows < 1 ? 1 : MAX_WINDOWS;
	if (cfg.window < 1)
		cfg.window = 1;
	if (cfg.ticks < 2)
		cfg.ticks = 2;
}

/* vigil answers its console hypercall; Xen names itself in /hypervisor
 * (xen,enhanced domains) and answers xen_version() with 4.x; natively the
 * HVC is UNDEFINED. */
static enum env detect_env(uint64_t dtb)
{
	uint64_t ver;
	bool fault;

	if (vigil_present())
		return ENV_VIGIL;
	if (fdt_next_compatible(dtb, -1, "xen,xen") >= 0)
		return ENV_XEN;
	fault_expect();
	ver = xen_version();
	fault = fault_take(NULL);
	return !fault && ver >> 16 == 4 ? ENV_XEN : ENV_NATIVE;
}

/* The smallest cost of two back-to-back clock reads. */
static uint64_t clock_overhead(void)
{
	uint64_t best = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < 16; i++) {
		uint64_t t0 = clk(), t1 = clk();

		if (since(t1, t0) < best)
			best = since(t1, t0);
	}
	return best;
}

int main(uint64_t dtb)
{
	const char *why = "";
	bool have_vcpu1, have_rng;

	read_config(dtb);
	env = detect_env(dtb);
	ns_per_tick = 1000000000ULL / timer_freq();
	use_pmu = pmu_init_cpu();
	if (use_pmu)
		pmu_off = pmu_calibrate();
	install_vectors();
	gic_probe(dtb);
	vtimer_ppi = find_vtimer_ppi(dtb);
	nr_vcpus = fdt_nr_cpus(dtb);
	if (nr_vcpus > GUEST_MAX_VCPUS)
		nr_vcpus = GUEST_MAX_VCPUS;

	gic_dist_enable();
	gic_cpu_init(false);
	cpu_mask[0] = gic_cpu_mask();
	irq_set_handler(SGI_PING, ping_irq);
	irq_set_handler(SGI_PONG, pong_irq);
	irq_set_handler(SGI_STOP, nop_irq);
	irq_set_handler(vtimer_ppi, vtimer_irq);
	gic_irq_set_priority(SGI_PONG, IRQ_PRIO);
	gic_irq_enable(SGI_PONG);

	gprintf("bench: env=%s clock=%s insns_per_tick=%llu cntfrq=%llu "
		"vcpus=%u iters=%llu warmup=%llu windows=%llu window=%llu "
		"overhead=%llu gicd=0x%llx gicc=0x%llx\n",
		env_names[env], use_pmu ? "pmccntr" : "cntvct",
		ULL(ns_per_tick), ULL(timer_freq()), nr_vcpus, ULL(cfg.iters),
		ULL(cfg.warmup), ULL(cfg.windows), ULL(cfg.window),
		ULL(clock_overhead()), ULL(gic_dist_base), ULL(gic_cpu_base));

	have_vcpu1 = start_vcpu1();
	have_rng = rng_setup(dtb, &why);

	bench_hypercall();
	bench_psci_version();
	bench_gicd_read();
	bench_ipi(have_vcpu1);
	bench_vtimer();
	bench_spi(have_rng, why);
	bench_storm(have_rng, why);

	irq_mask();
	if (have_rng)
		gic_irq_disable(rng.intid);
	if (have_vcpu1)
		stop_vcpu1();
	gprintf("bench: done measures=%u na=%u irqs=%llu requests=%llu "
		"completions=%llu bad=%llu unexpected=%llu\n",
		measures, measures_na, ULL(rng_irqs), ULL(rng_posted),
		ULL(rng_completed), ULL(rng_bad),
		ULL(irq_stats[0].unhandled + irq_stats[1].unhandled));
	return 0;
}
