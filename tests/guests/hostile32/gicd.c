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
	unsigned int bad = 0,
		     nr_irqs = 32 * ((gicd_read(GICD_TYPER) & 0x1f) + 1);
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
	bad = 0;
	for (uint32_t w = nr_irqs / 32; w < 32; w++) {
		gicd_write(GICD_ISENABLER + 4 * w, 0xffffffff);
		gicd_write(GICD_ISPENDR + 4 * w, 0xffffffff);
		gicd_write(GICD_IPRIORITYR + 32 * w, 0xffffffff);
		if (gicd_read(GICD_ISENABLER + 4 * w) ||
		    gicd_read(GICD_ISPENDR + 4 * w) ||
		    gicd_read(GICD_IPRIORITYR + 32 * w))
			bad++;
	}
	gicd_write(GICD_ICENABLER, 0xffff);
	v = gicd_read(GICD_ISENABLER) & 0xffff;
	result("gicd.sgis_stay_enabled", v == 0xffff, "isenabler0=0x%x", v);
	bad = 0;
	result("gicd.beyond_itlines_raz_wi", bad == 0 && nr_irqs < 1024,
	       "intids=%u bad=%u", nr_irqs, bad);
	snap_check("gicd.ro.state_unchanged");
}

void cases_gicd(void)
{
	cases_widths();
	case_bytes_allowed();
	cases_read_only();
}
