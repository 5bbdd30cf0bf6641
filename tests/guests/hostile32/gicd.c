/* SPDX-License-Identifier: MIT */
/*
 * The emulated distributor (vgic/dist.c) against GICv2 (IHI 0048B §4.1.4:
 * words everywhere, bytes for IPRIORITYR, ITARGETSR, CPENDSGIR,
 * SPENDSGIR), in A32 forms: an access of a width the register does not
 * allow, and any form without an instruction syndrome (LDRD/STRD, LDM/
 * STM, writeback), ends in an external abort; writes to read-only
 * registers, reserved offsets and INTIDs past ITLinesNumber are RAZ/WI.
 * The whole distributor is read back after each group: nothing a refused
 * access touched may have changed.
 */
#include "hostile32.h"

#define SNAP_WORDS (0x1000 / 4)
#define SGI_TEST 7
#define SPI_TEST 40

static uint32_t snap_before[SNAP_WORDS], snap_after[SNAP_WORDS];

static void snapshot(uint32_t *s)
{
	for (uint32_t i = 0; i < SNAP_WORDS; i++)
		s[i] = 4 * i == GICD_SGIR ? 0 : gicd_read(4 * i);
}

static void snap_check(const char *name)
{
	unsigned int diffs = 0, first = 0;

	snapshot(snap_after);
	for (unsigned int i = 0; i < SNAP_WORDS; i++)
		if (snap_before[i] != snap_after[i] && !diffs++)
			first = i;
	result(name, diffs == 0,
	       "%u words read back, %u changed (first 0x%03x: 0x%x -> 0x%x)",
	       SNAP_WORDS, diffs, 4 * first, snap_before[first],
	       snap_after[first]);
}

static const struct bad_width {
	const char *name;
	uint32_t off;
	enum access a;
	uint32_t val;
} bad_widths[] = {
	{"ctlr", GICD_CTLR, LDRB, 0},
	{"ctlr", GICD_CTLR, STRB, 1},
	{"ctlr", GICD_CTLR, LDRH, 0},
	{"ctlr", GICD_CTLR, STRH, 1},
	{"ctlr", GICD_CTLR, LDRD, 0},
	{"ctlr", GICD_CTLR, STRD, 0},
	{"typer", GICD_TYPER, LDRB, 0},
	{"typer", GICD_TYPER, LDM, 0},
	{"isenabler1", GICD_ISENABLER + 4, STRB, 0xff},
	{"isenabler1", GICD_ISENABLER + 4, STRH, 0xffff},
	{"isenabler1", GICD_ISENABLER + 4, LDRH, 0},
	{"isenabler0", GICD_ISENABLER, LDRD, 0},
	{"icenabler0", GICD_ICENABLER, STM, 0xffffffff},
	{"icenabler0", GICD_ICENABLER, STRD, 0xffffffff},
	{"ispendr1", GICD_ISPENDR + 4, STRB, 0xff},
	{"ipriorityr8", GICD_IPRIORITYR + 0x20, LDRH, 0},
	{"ipriorityr8", GICD_IPRIORITYR + 0x20, STRH, 0xffff},
	{"ipriorityr8", GICD_IPRIORITYR + 0x20, LDRD, 0},
	{"ipriorityr8", GICD_IPRIORITYR + 0x20, STM, 0xffffffff},
	{"itargetsr8", GICD_ITARGETSR + 0x20, LDM, 0},
	{"itargetsr8", GICD_ITARGETSR + 0x20, STRD, 0xffffffff},
	{"itargetsr8", GICD_ITARGETSR + 0x20, STRH, 0x0303},
	{"icfgr2", GICD_ICFGR + 8, STRB, 0xff},
	{"icfgr2", GICD_ICFGR + 8, LDRH, 0},
	{"sgir", GICD_SGIR, STRB, SGI_TEST},
	{"sgir", GICD_SGIR, STRH, SGI_TEST},
	{"sgir", GICD_SGIR, STRD, (2U << 24) | SGI_TEST},
	{"sgir", GICD_SGIR, STM, (2U << 24) | SGI_TEST},
	{"spendsgir0", GICD_SPENDSGIR, STRH, 0x0101},
	{"spendsgir0", GICD_SPENDSGIR, STRD, 0x01010101},
	{"pidr2", GICD_PIDR2, LDRB, 0},
	{"cidr0", 0xff0, LDRD, 0},
	/* Writeback: a word access, but no syndrome, and the base must not
	 * move. */
	{"typer", GICD_TYPER, LDR_POST, 0},
	{"ctlr", GICD_CTLR, STR_PRE, 0},
	{"isenabler1", GICD_ISENABLER + 4, STR_PRE, 0xffffffff},
};

/*
 * Unaligned: with the MMU off every access is to Device memory, and an
 * unaligned Device access raises an alignment fault at PL1 (DFSR FS
 * 0b00001, B3.12.1) before vigil sees it; a vigil that did see one would
 * inject an external abort. Either way the guest gets a data abort at the
 * address and the distributor is unchanged.
 */
static void case_unaligned(const char *what, uint32_t off, enum access a)
{
	uint32_t addr = GICD_PA + off;
	char name[64], d[200];
	struct probe p;
	bool align, ok;

	probe(a, addr, 0xffffffff, &p);
	align = p.faulted && p.f.vec == 0x10 &&
		(p.f.esr & ~FSR_WNR) == FSR_ALIGN_SHORT && p.f.far == addr &&
		p.val == POISON;
	ok = align || probe_is_sea(&p, a, addr, false);
	probe_describe(&p, d, sizeof(d));
	snprintf(name, sizeof(name), "gicd.unaligned.%s.%s", what,
		 access_name(a));
	result(name, ok, "%s (%s)", d,
	       align ? "alignment fault at PL1" : "abort from vigil");
}

static void cases_widths(void)
{
	uint64_t acked = irq_stats[0].acked;
	char name[64], d[200];
	struct probe p;

	snapshot(snap_before);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_widths); i++) {
		const struct bad_width *b = &bad_widths[i];
		bool ok;

		probe(b->a, GICD_PA + b->off, b->val, &p);
		ok = probe_is_sea(&p, b->a, GICD_PA + b->off, false);
		probe_describe(&p, d, sizeof(d));
		snprintf(name, sizeof(name), "gicd.width.%s.%s", b->name,
			 access_name(b->a));
		result(name, ok, "%s", d);
	}
	case_unaligned("ipriorityr8", GICD_IPRIORITYR + 0x21, LDR);
	case_unaligned("itargetsr8", GICD_ITARGETSR + 0x22, STR);
	case_unaligned("ctlr", GICD_CTLR + 1, LDRH);
	case_unaligned("isenabler1", GICD_ISENABLER + 6, STR);
	snap_check("gicd.width.state_unchanged");
	irq_unmask();
	for (volatile int i = 0; i < 100000; i++)
		;
	irq_mask();
	result("gicd.width.no_sgi_sent", irq_stats[0].acked == acked,
	       "irqs-taken=%lu", (unsigned long)(irq_stats[0].acked - acked));
}

/* The byte forms the registers allow: emulated, not refused. */
static void case_bytes_allowed(void)
{
	uint8_t prio, tgt;

	gicd_write8(GICD_IPRIORITYR + 0x21, 0xa0);
	prio = gicd_read8(GICD_IPRIORITYR + 0x21);
	gicd_write8(GICD_ITARGETSR + 0x21, 0x02);
	tgt = gicd_read8(GICD_ITARGETSR + 0x21);
	gicd_write8(GICD_IPRIORITYR + 0x21, 0);
	gicd_write8(GICD_ITARGETSR + 0x21, 0);
	result("gicd.byte_access_emulated", prio == 0xa0 && tgt == 0x02,
	       "ipriorityr33=0x%x itargetsr33=0x%x", prio, tgt);
}

static bool write_ignored(uint32_t off, uint32_t val)
{
	uint32_t before = gicd_read(off);

	gicd_write(off, val);
	return gicd_read(off) == before;
}

static void cases_read_only(void)
{
	static const uint32_t reserved[] = {0x00c, 0x040, 0x07c, 0xd00, 0xe00,
					    0xefc, 0xf04, 0xf0c, 0xf30, 0xfcc};
	unsigned int bad = 0;
	uint32_t own = gicd_read8(GICD_ITARGETSR) * 0x01010101U, v;

	snapshot(snap_before);
	result("gicd.ro.typer",
	       write_ignored(GICD_TYPER, 0xffffffff) &&
		       write_ignored(GICD_TYPER, 0),
	       "typer=0x%x", gicd_read(GICD_TYPER));
	result("gicd.ro.iidr",
	       write_ignored(GICD_IIDR, 0) &&
		       write_ignored(GICD_IIDR, 0xffffffff),
	       "iidr=0x%x", gicd_read(GICD_IIDR));
	for (uint32_t off = GICD_PIDR4; off < 0x1000; off += 4)
		if (!write_ignored(off, 0xffffffff) || !write_ignored(off, 0))
			bad++;
	result("gicd.ro.pidr_cidr", bad == 0 && gicd_read(GICD_PIDR2) == 0x2b,
	       "pidr2=0x%x bad=%u", gicd_read(GICD_PIDR2), bad);
	for (uint32_t off = 0; off < 0x20; off += 4) {
		gicd_write(GICD_ITARGETSR + off, 0xffffffff);
		gicd_write8(GICD_ITARGETSR + off + 1, 0xfe);
		if (gicd_read(GICD_ITARGETSR + off) != own)
			bad++;
	}
	result("gicd.ro.itargetsr0_7", bad == 0,
	       "8 words read 0x%x after writes; bad=%u", own, bad);
	bad = 0;
	gicd_write(GICD_ICFGR, 0);
	v = gicd_read(GICD_ICFGR);
	result("gicd.ro.icfgr0_sgis", v == 0xaaaaaaaa, "icfgr0=0x%x", v);
	result("gicd.ro.icfgr1_ppis",
	       write_ignored(GICD_ICFGR + 4, 0xffffffff) &&
		       write_ignored(GICD_ICFGR + 4, 0),
	       "icfgr1=0x%x", gicd_read(GICD_ICFGR + 4));
	result("gicd.wo.sgir_reads_zero", gicd_read(GICD_SGIR) == 0,
	       "sgir=0x%x", gicd_read(GICD_SGIR));
	bad = 0;
	for (unsigned int i = 0; i < ARRAY_SIZE(reserved); i++) {
		gicd_write(reserved[i], 0xffffffff);
		if (gicd_read(reserved[i]))
			bad++;
	}
	result("gicd.reserved_raz_wi", bad == 0, "%u offsets, bad=%u",
	       (unsigned int)ARRAY_SIZE(reserved), bad);
	gicd_write(GICD_ICENABLER, 0xffff);
	v = gicd_read(GICD_ISENABLER) & 0xffff;
	result("gicd.sgis_stay_enabled", v == 0xffff, "isenabler0=0x%x", v);
	snap_check("gicd.ro.state_unchanged");
}

/* ---- the arm64 guest's gicd.c cases below, in the same order ---- */

#define QUIET_MS 30

/* INTIDs past ITLinesNumber: every register RAZ/WI, nothing delivered. */
static void cases_beyond_itlines(void)
{
	static const unsigned int ids[] = {300, 319,  320,  511, 512,
					   800, 1019, 1020, 1023};
	uint64_t acked = irq_stats[0].acked;
	unsigned int bad = 0, tried = 0, nr_irqs = gic_nr_irqs();

	snapshot(snap_before);
	for (unsigned int i = 0; i < ARRAY_SIZE(ids); i++) {
		unsigned int n = ids[i];

		if (n < nr_irqs)
			continue;
		tried++;
		gicd_set(GICD_ISENABLER, n);
		gicd_set(GICD_ISPENDR, n);
		gicd_set(GICD_ISACTIVER, n);
		gicd_write8(GICD_IPRIORITYR + n, 0x10);
		gicd_write8(GICD_ITARGETSR + n, 0x01);
		gicd_write(GICD_ICFGR + 4 * (n / 16), 0xffffffff);
		gicd_set(GICD_IGROUPR, n);
		if (gicd_test(GICD_ISENABLER, n) ||
		    gicd_test(GICD_ISPENDR, n) ||
		    gicd_test(GICD_ISACTIVER, n) ||
		    gicd_test(GICD_IGROUPR, n) ||
		    gicd_read8(GICD_IPRIORITYR + n) ||
		    gicd_read8(GICD_ITARGETSR + n) ||
		    gicd_read(GICD_ICFGR + 4 * (n / 16)))
			bad++;
	}
	/* Whole words past the last implemented INTID. */
	for (uint32_t w = nr_irqs / 32; w < 32; w++) {
		gicd_write(GICD_ISENABLER + 4 * w, 0xffffffff);
		gicd_write(GICD_ISPENDR + 4 * w, 0xffffffff);
		gicd_write(GICD_IPRIORITYR + 32 * w, 0xffffffff);
		if (gicd_read(GICD_ISENABLER + 4 * w) ||
		    gicd_read(GICD_ISPENDR + 4 * w) ||
		    gicd_read(GICD_IPRIORITYR + 32 * w))
			bad++;
	}
	result("gicd.beyond_itlines_raz_wi", bad == 0 && tried > 0,
	       "itlines=%u intids=%u tried=%u bad=%u",
	       gicd_read(GICD_TYPER) & 0x1f, nr_irqs, tried, bad);
	snap_check("gicd.beyond_itlines.state_unchanged");
	irq_unmask();
	delay_ms(QUIET_MS);
	irq_mask();
	result("gicd.beyond_itlines.nothing_delivered",
	       irq_stats[0].acked == acked, "irqs-taken=%lu",
	       (unsigned long)(irq_stats[0].acked - acked));
}

/* ITARGETSR bits of absent CPU interfaces are RAZ/WI (IHI 0048B 4.3.12). */
static void case_itargetsr_absent(void)
{
	uint8_t all = (uint8_t)((1U << nr_vcpus) - 1);
	unsigned int n = SPI_TEST;
	uint8_t r1, r2, r3;
	uint32_t w;

	gicd_write8(GICD_ITARGETSR + n, (uint8_t)~all);
	r1 = gicd_read8(GICD_ITARGETSR + n);
	gicd_write8(GICD_ITARGETSR + n, 0xff);
	r2 = gicd_read8(GICD_ITARGETSR + n);
	gicd_write8(GICD_ITARGETSR + n, 0x06);
	r3 = gicd_read8(GICD_ITARGETSR + n);
	gicd_write(GICD_ITARGETSR + (n & ~3U), 0xfcfcfcfc);
	w = gicd_read(GICD_ITARGETSR + (n & ~3U));
	result("gicd.itargetsr.absent_vcpus_raz_wi",
	       r1 == 0 && r2 == all && r3 == (0x06 & all) &&
		       w == (0xfcfcfcfcU & all * 0x01010101U),
	       "0x%02x->0x%02x 0xff->0x%02x 0x06->0x%02x word->0x%08x",
	       (uint8_t)~all, r1, r2, r3, w);
}

#include "../hostile/gicd_shared.h"

/* ---- with vCPU 1 running (after start_helpers()) ---- */

#define FOREIGN_PENDS 1000

static volatile uint32_t spi_rx[GUEST_MAX_VCPUS][GIC_MAX_INTID];

static void spi_rx_handler(unsigned int intid, unsigned int src)
{
	(void)src;
	spi_rx[this_vcpu()][intid]++;
}

static uint32_t spi_rx_count(unsigned int vcpu, unsigned int intid)
{
	return READ_ONCE(spi_rx[vcpu][intid]);
}

static bool wait_spi(unsigned int vcpu, unsigned int intid, uint32_t want,
		     unsigned int ms)
{
	uint64_t deadline = deadline_ms(ms);

	while (spi_rx_count(vcpu, intid) < want && !deadline_passed(deadline))
		cpu_relax();
	return spi_rx_count(vcpu, intid) >= want;
}

/* A pending SPI whose only targets do not exist waits; it is delivered,
 * once, when a real target is named. */
static void case_no_target_waits(void)
{
	unsigned int n = SPI_TEST + 1;
	uint32_t before0 = spi_rx_count(0, n), before1 = spi_rx_count(1, n);
	bool pending, got;

	gic_irq_set_priority(n, 0x80);
	gicd_write8(GICD_ITARGETSR + n, 0xfc);
	gic_irq_enable(n);
	gicd_set(GICD_ISPENDR, n);
	irq_unmask();
	delay_ms(QUIET_MS);
	pending = gicd_test(GICD_ISPENDR, n);
	gicd_write8(GICD_ITARGETSR + n, 0x02); /* vCPU 1 */
	got = wait_spi(1, n, before1 + 1, 2000);
	delay_ms(QUIET_MS);
	irq_mask();
	gic_irq_disable(n);
	result("gicd.itargetsr.absent_target_waits",
	       pending && got && spi_rx_count(1, n) == before1 + 1 &&
		       spi_rx_count(0, n) == before0,
	       "pending-while-untargeted=%d vcpu1-got=%u vcpu0-got=%u", pending,
	       spi_rx_count(1, n) - before1, spi_rx_count(0, n) - before0);
}

/* The bystander's RTC SPI: a line of this VM's distributor only. Enabled
 * it never fires; pended by this VM it reaches this VM, exactly as often
 * as pended, and never the bystander (which counts it on its side). */
static void case_foreign_spi(void)
{
	unsigned int n = RTC_INTID;
	uint32_t before = spi_rx_count(0, n), extra;
	unsigned int got = 0;

	gic_irq_set_priority(n, 0x80);
	gic_irq_set_targets(n, 0x01);
	gic_irq_set_edge(n, true);
	gic_irq_enable(n);
	irq_unmask();
	delay_ms(QUIET_MS);
	extra = spi_rx_count(0, n) - before;
	for (unsigned int i = 1; i <= FOREIGN_PENDS; i++) {
		gicd_set(GICD_ISPENDR, n);
		if (!wait_spi(0, n, before + extra + i, 1000))
			break;
		got = i;
	}
	delay_ms(QUIET_MS);
	irq_mask();
	gic_irq_disable(n);
	result("gicd.foreign_spi.virtual_only",
	       extra == 0 && got == FOREIGN_PENDS &&
		       spi_rx_count(0, n) - before == FOREIGN_PENDS,
	       "intid=%u unprompted=%u pended=%u received=%u", n, extra,
	       FOREIGN_PENDS, spi_rx_count(0, n) - before);
}

/*
 * A banked register as the MMIO access's data register: LR in SVC mode,
 * r8 and LR in FIQ mode. vigil must emulate the access with the mode's
 * own register (ARM ARM DDI 0487 D1.20.1: on an arm64 host the syndrome
 * names SVC's LR as x18, FIQ's r8 as x24; QEMU gives the A32 numbers,
 * which vigil maps; an arm32 host reads the bank by mode). The values
 * go to SPI_TEST's priority word, whose bits all stick (multiples of 8).
 */
static uint32_t str_ldr_svc_lr(uintptr_t addr, uint32_t v)
{
	register uint32_t a __asm__("r0") = addr, x __asm__("r1") = v;

	__asm__ __volatile__("mov lr, r1\n"
			     "str lr, [r0]\n"
			     "dsb sy\n"
			     "mov lr, #0\n"
			     "ldr lr, [r0]\n"
			     "mov r1, lr\n"
			     : "+r"(x)
			     : "r"(a)
			     : "lr", "memory");
	return x;
}

/* In FIQ mode (IRQs and FIQs masked by the CPS): r8 stores, LR loads;
 * SVC's r8 and LR are untouched. */
static uint32_t str_r8_ldr_lr_fiq(uintptr_t addr, uint32_t v)
{
	register uint32_t a __asm__("r0") = addr, x __asm__("r1") = v;

	__asm__ __volatile__("cpsid if, #0x11\n"
			     "mov r8, r1\n"
			     "str r8, [r0]\n"
			     "dsb sy\n"
			     "mov lr, #0\n"
			     "ldr lr, [r0]\n"
			     "mov r1, lr\n"
			     "cps #0x13\n"
			     : "+r"(x)
			     : "r"(a)
			     : "memory");
	return x;
}

static void case_banked_rt(void)
{
	uintptr_t prio = gic_dist_base + GICD_IPRIORITYR + SPI_TEST;
	uint32_t saved = gicd_read(GICD_IPRIORITYR + SPI_TEST);
	uint32_t svc = str_ldr_svc_lr(prio, 0xa0b0c0d0);
	uint32_t svc_seen = gicd_read(GICD_IPRIORITYR + SPI_TEST);
	uint32_t fiq = str_r8_ldr_lr_fiq(prio, 0x08182838);
	uint32_t fiq_seen = gicd_read(GICD_IPRIORITYR + SPI_TEST);

	gicd_write(GICD_IPRIORITYR + SPI_TEST, saved);
	result("gicd.banked_rt",
	       svc == 0xa0b0c0d0 && svc_seen == svc && fiq == 0x08182838 &&
		       fiq_seen == fiq,
	       "svc-lr=0x%x (gicd 0x%x) fiq-r8/lr=0x%x (gicd 0x%x)", svc,
	       svc_seen, fiq, fiq_seen);
}

void cases_gicd_helpers(void)
{
	irq_set_handler(SPI_TEST + 1, spi_rx_handler);
	irq_set_handler(RTC_INTID, spi_rx_handler);
	irq_mask();
	case_no_target_waits();
	case_foreign_spi();
}

void cases_gicd(void)
{
	irq_mask();
	cases_widths();
	case_bytes_allowed();
	cases_read_only();
	cases_beyond_itlines();
	case_itargetsr_absent();
	case_all_spis();
	case_banked_rt();
	cases_sgir();
	case_gicc_unowned_eoi();
}
