/* SPDX-License-Identifier: MIT */
/*
 * The emulated distributor (vgic/dist.c, docs/vgic.md) against GICv2
 * (ARM IHI 0048B): an access of a width the register does not allow
 * (§4.1.4: words everywhere, bytes for IPRIORITYR, ITARGETSR, CPENDSGIR,
 * SPENDSGIR) comes back as an external abort; writes to read-only
 * registers, reserved space and INTIDs past ITLinesNumber are ignored
 * (RAZ/WI); ITARGETSR bits of absent CPU interfaces are RAZ/WI (§4.3.12);
 * SPIs that no device of this VM backs are lines of its own distributor
 * only. After each group the whole distributor is read back: nothing a
 * refused access touched may have changed.
 */
#include "hostile.h"

#define SPI_TEST 40
#define SGI_TEST 7
#define QUIET_MS 30
#define FOREIGN_PENDS 1000

static unsigned int nr_irqs;

/* ---- snapshot of everything readable ---- */

#define SNAP_WORDS (GICD_SIZE / 4)

/* Offsets whose value may change by itself: none while IRQs are masked
 * and nothing is pending, but SGIR and the CPU-specific banked words are
 * skipped where they are write-only. */
static bool snap_skip(uint32_t off)
{
	return off == GICD_SGIR;
}

static void snapshot(uint32_t *s)
{
	for (uint32_t i = 0; i < SNAP_WORDS; i++)
		s[i] = snap_skip(4 * i) ? 0 : gicd_read(4 * i);
}

static uint32_t snap_before[SNAP_WORDS], snap_after[SNAP_WORDS];

static void snap_begin(void)
{
	snapshot(snap_before);
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

/* ---- accesses of forbidden widths ---- */

struct bad_width {
	const char *name;
	uint32_t off;
	enum access a;
	uint64_t val;
};

static const struct bad_width bad_widths[] = {
	{"ctlr", GICD_CTLR, LD64, 0},
	{"ctlr", GICD_CTLR, ST64, 0},
	{"ctlr", GICD_CTLR, LD8, 0},
	{"ctlr", GICD_CTLR, ST8, 0},
	{"ctlr", GICD_CTLR, LD16, 0},
	{"ctlr", GICD_CTLR, ST16, 0},
	{"typer", GICD_TYPER, LD8, 0},
	{"typer", GICD_TYPER, LDP32, 0},
	{"isenabler1", GICD_ISENABLER + 4, ST8, 0xff},
	{"isenabler1", GICD_ISENABLER + 4, ST16, 0xffff},
	{"isenabler1", GICD_ISENABLER + 4, LD16, 0},
	{"isenabler0", GICD_ISENABLER, LDP32, 0},
	{"icenabler0", GICD_ICENABLER, STP32, 0xffffffff},
	{"ispendr1", GICD_ISPENDR + 4, ST8, 0xff},
	{"ipriorityr8", GICD_IPRIORITYR + 0x20, LD16, 0},
	{"ipriorityr8", GICD_IPRIORITYR + 0x20, ST16, 0xffff},
	{"ipriorityr8", GICD_IPRIORITYR + 0x20, LD64, 0},
	{"ipriorityr8", GICD_IPRIORITYR + 0x20, ST64, ~0UL},
	{"itargetsr8", GICD_ITARGETSR + 0x20, LD64, 0},
	{"itargetsr8", GICD_ITARGETSR + 0x20, ST64, ~0UL},
	{"itargetsr8", GICD_ITARGETSR + 0x20, ST16, 0x0303},
	{"icfgr2", GICD_ICFGR + 8, ST8, 0xff},
	{"icfgr2", GICD_ICFGR + 8, LD16, 0},
	{"sgir", GICD_SGIR, ST8, SGI_TEST},
	{"sgir", GICD_SGIR, ST16, SGI_TEST},
	{"sgir", GICD_SGIR, ST64, (2UL << 24) | SGI_TEST},
	{"spendsgir0", GICD_SPENDSGIR, ST16, 0x0101},
	{"spendsgir0", GICD_SPENDSGIR, ST64, 0x0101010101010101UL},
	{"pidr2", GICD_PIDR2, LD8, 0},
	{"cidr0", GICD_CIDR0, LD64, 0},
};

static void case_bad_width(const struct bad_width *b)
{
	char name[64];
	struct probe p;

	probe(b->a, GICD_PA + b->off, b->val, &p);
	snprintf(name, sizeof(name), "gicd.width.%s.%s", b->name,
		 access_name(b->a));
	result(name, probe_is_sea(&p, b->a, GICD_PA + b->off),
	       "faulted=%d esr=0x%lx far=0x%lx val=0x%lx", p.faulted,
	       (unsigned long)p.f.esr, (unsigned long)p.f.far,
	       (unsigned long)p.val);
}

/*
 * Unaligned: with the MMU off every access is to Device memory, and an
 * unaligned Device access faults at stage 1 (alignment fault, DFSC 0x21)
 * before vigil sees it; a vigil that did see one would inject an abort.
 * Either way the guest gets a data abort and the distributor is unchanged.
 */
static void case_unaligned(const char *what, uint32_t off, enum access a)
{
	char name[64];
	struct probe p;
	unsigned int dfsc;

	probe(a, GICD_PA + off, 0xffffffff, &p);
	dfsc = p.f.esr & 0x3f;
	snprintf(name, sizeof(name), "gicd.unaligned.%s.%s", what,
		 access_name(a));
	result(name,
	       p.faulted && ESR_EC(p.f.esr) == ESR_EC_DABT_CUR &&
		       (dfsc == 0x21 || dfsc == DFSC_SYNC_EXT_ABORT) &&
		       p.f.far == GICD_PA + off,
	       "esr=0x%lx (%s) far=0x%lx", (unsigned long)p.f.esr,
	       dfsc == 0x21 ? "alignment fault at EL1" : "abort from vigil",
	       (unsigned long)p.f.far);
}

/* A load or store with writeback has no instruction syndrome (ISV = 0):
 * vigil cannot emulate it and injects an abort; the base register must
 * not have moved either. */
static void case_writeback(void)
{
	uint64_t base = GICD_PA + GICD_TYPER, b = base, v = POISON, pc;
	struct fault f;
	bool faulted;

	fault_expect();
	__asm__ __volatile__("adr %2, 1f\n1:\tldr %w0, [%1], #4"
			     : "+r"(v), "+r"(b), "=&r"(pc)
			     :
			     : "memory");
	faulted = fault_take(&f);
	if (faulted && (f.esr & 0x3f) == DFSC_SYNC_EXT_ABORT)
		count_abort();
	result("gicd.writeback.ldr-post-index",
	       faulted && f.esr == ESR_SEA_DABT_EL1 && f.far == base &&
		       f.elr == pc && b == base && v == POISON,
	       "esr=0x%lx far=0x%lx base-moved=%ld", (unsigned long)f.esr,
	       (unsigned long)f.far, (long)(b - base));
	b = GICD_PA + GICD_CTLR - 4;
	fault_expect();
	__asm__ __volatile__("adr %1, 1f\n1:\tstr wzr, [%0, #4]!"
			     : "+r"(b), "=&r"(pc)
			     :
			     : "memory");
	faulted = fault_take(&f);
	if (faulted && (f.esr & 0x3f) == DFSC_SYNC_EXT_ABORT)
		count_abort();
	result("gicd.writeback.str-pre-index",
	       faulted && f.esr == (ESR_SEA_DABT_EL1 | ESR_WNR) &&
		       f.far == GICD_PA + GICD_CTLR && f.elr == pc &&
		       b == GICD_PA + GICD_CTLR - 4,
	       "esr=0x%lx far=0x%lx ctlr=0x%x", (unsigned long)f.esr,
	       (unsigned long)f.far, gicd_read(GICD_CTLR));
}

static void cases_widths(void)
{
	/* An SGI a refused SGIR write sent would show up here. */
	uint64_t acked = irq_stats[0].acked;

	snap_begin();
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_widths); i++)
		case_bad_width(&bad_widths[i]);
	case_unaligned("ipriorityr8", GICD_IPRIORITYR + 0x21, LD32);
	case_unaligned("itargetsr8", GICD_ITARGETSR + 0x22, ST32);
	case_unaligned("ctlr", GICD_CTLR + 1, LD16);
	case_unaligned("isenabler1", GICD_ISENABLER + 6, ST32);
	case_writeback();
	snap_check("gicd.width.state_unchanged");
	irq_unmask();
	delay_ms(QUIET_MS);
	irq_mask();
	result("gicd.width.no_sgi_sent", irq_stats[0].acked == acked,
	       "irqs-taken=%lu", (unsigned long)(irq_stats[0].acked - acked));
}

/* ---- LDAR / STLR are single word accesses: emulated like LDR / STR ---- */

static void case_acquire_release(void)
{
	struct probe ld, st;
	uint32_t typer = gicd_read(GICD_TYPER);

	probe(LDAR32, GICD_PA + GICD_TYPER, 0, &ld);
	probe(STLR32, GICD_PA + GICD_CTLR, 1, &st);
	result("gicd.ldar_stlr_emulated",
	       !ld.faulted && ld.val == typer && !st.faulted &&
		       gicd_read(GICD_CTLR) == 1,
	       "ldar typer=0x%lx (ldr 0x%x) stlr-faulted=%d",
	       (unsigned long)ld.val, typer, st.faulted);
}

/* ---- read-only registers, reserved space ---- */

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
	uint32_t own = gicd_read8(GICD_ITARGETSR) * 0x01010101U;
	unsigned int bad = 0;
	uint32_t v;

	snap_begin();
	result("gicd.ro.typer",
	       write_ignored(GICD_TYPER, 0xffffffff) &&
		       write_ignored(GICD_TYPER, 0),
	       "typer=0x%x", gicd_read(GICD_TYPER));
	result("gicd.ro.iidr",
	       write_ignored(GICD_IIDR, 0) &&
		       write_ignored(GICD_IIDR, 0xffffffff),
	       "iidr=0x%x", gicd_read(GICD_IIDR));
	for (uint32_t off = 0; off < 0x20; off += 4) {
		gicd_write(GICD_ITARGETSR + off, 0xffffffff);
		gicd_write8(GICD_ITARGETSR + off + 1, 0xfe);
		if (gicd_read(GICD_ITARGETSR + off) != own)
			bad++;
	}
	result("gicd.ro.itargetsr0_7", bad == 0,
	       "8 words read 0x%x after writes; bad=%u", own, bad);
	gicd_write(GICD_ICFGR, 0);
	v = gicd_read(GICD_ICFGR);
	result("gicd.ro.icfgr0_sgis", v == 0xaaaaaaaa, "icfgr0=0x%x", v);
	result("gicd.ro.icfgr1_ppis",
	       write_ignored(GICD_ICFGR + 4, 0xffffffff) &&
		       write_ignored(GICD_ICFGR + 4, 0),
	       "icfgr1=0x%x", gicd_read(GICD_ICFGR + 4));
	bad = 0;
	for (uint32_t off = GICD_PIDR4; off < GICD_SIZE; off += 4)
		if (!write_ignored(off, 0xffffffff) || !write_ignored(off, 0))
			bad++;
	result("gicd.ro.pidr_cidr", bad == 0 && gicd_read(GICD_PIDR2) == 0x2b,
	       "pidr2=0x%x bad=%u", gicd_read(GICD_PIDR2), bad);
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

/* ---- INTIDs past ITLinesNumber ---- */

static void cases_beyond_itlines(void)
{
	static const unsigned int ids[] = {300, 319,  320,  511, 512,
					   800, 1019, 1020, 1023};
	uint64_t acked = irq_stats[0].acked;
	unsigned int bad = 0, tried = 0;

	snap_begin();
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
		if (gicd_read(GICD_ISENABLER + 4 * w) ||
		    gicd_read(GICD_ISPENDR + 4 * w))
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

/* ---- ITARGETSR naming vCPUs that do not exist ---- */

static void case_itargetsr_absent(void)
{
	uint8_t all = (uint8_t)((1U << nr_vcpus) - 1);
	uint8_t r1, r2, r3;
	uint32_t w;

	gicd_write8(GICD_ITARGETSR + SPI_TEST, (uint8_t)~all);
	r1 = gicd_read8(GICD_ITARGETSR + SPI_TEST);
	gicd_write8(GICD_ITARGETSR + SPI_TEST, 0xff);
	r2 = gicd_read8(GICD_ITARGETSR + SPI_TEST);
	gicd_write8(GICD_ITARGETSR + SPI_TEST, 0x06);
	r3 = gicd_read8(GICD_ITARGETSR + SPI_TEST);
	gicd_write(GICD_ITARGETSR + (SPI_TEST & ~3U), 0xfcfcfcfc);
	w = gicd_read(GICD_ITARGETSR + (SPI_TEST & ~3U));
	result("gicd.itargetsr.absent_vcpus_raz_wi",
	       r1 == 0 && r2 == all && r3 == (0x06 & all) &&
		       w == (0xfcfcfcfcU & all * 0x01010101U),
	       "0x%02x->0x%02x 0xff->0x%02x 0x06->0x%02x word->0x%08x",
	       (uint8_t)~all, r1, r2, r3, w);
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

/* ---- SPIs no device of this VM backs ---- */

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

#include "gicd_shared.h"

void cases_gicd(void)
{
	irq_mask();
	nr_irqs = gic_nr_irqs();
	cases_widths();
	case_acquire_release();
	cases_read_only();
	cases_beyond_itlines();
	case_itargetsr_absent();
	case_no_target_waits();
	case_foreign_spi();
	case_all_spis();
	cases_sgir();
	case_gicc_unowned_eoi();
}
