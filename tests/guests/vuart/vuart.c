/* SPDX-License-Identifier: MIT */
/*
 * vuart: a VM's emulated PL011 (core/vuart.c) against the rules in
 * docs/config.md ("The vUART's registers") and the PL011 TRM (ARM DDI
 * 0183G), end to end, then a guest that stops reading it.
 *
 * 1. Accesses, one line each, `vuart <case>: PASS|FAIL <details>`:
 *    8-, 16- and 32-bit accesses at a register's offset are emulated; a
 *    64-bit access or a load/store pair (no syndrome) gets exactly the
 *    external abort vigil injects (ESR, FAR, ELR); an unaligned access
 *    faults (at stage 1 already, MMU off); reserved offsets, the bytes above
 *    a register's low byte lane, writes to the read-only registers (FR,
 *    RIS, MIS, the ID words) and reads of the write-only UARTICR read as
 *    zero and change nothing (every readable register is read back after
 *    each group). One line goes out through UARTDR written by bytes,
 *    halfwords and words. Then `vuart: <passed> passed, <failed> failed`.
 * 2. Not reading: the guest enables its RX interrupts (IMSC RX | RT, so
 *    vigil waits for it) but never reads UARTDR, and says
 *    `probe: not reading`. The test types the FIFO, vigil's hold and one
 *    byte more: vigil pauses, finds the guest not reading after
 *    VUART_STALL_MS, loses that byte as an overrun (UARTRIS.OE):
 *    `probe: overrun 1 ...`. The next lost byte (the test types it at the
 *    end) is the signal to read everything: `probe: drained ...`, then
 *    SYSTEM_OFF.
 */
#include "guest.h"

#define VUART_PA 0x09000000UL
#define ESR_SEA_DABT 0x96000010UL /* EC 0x25, IL, DFSC 0x10 */
#define ESR_WNR (1UL << 6)
#define DFSC_ALIGNMENT 0x21
#define POISON 0x5a5a5a5a5a5a5a5aUL

#define DR 0x000
#define RSR 0x004
#define FR 0x018
#define IBRD 0x024
#define FBRD 0x028
#define LCR_H 0x02c
#define CR 0x030
#define IMSC 0x038
#define RIS 0x03c
#define MIS 0x040
#define ICR 0x044
#define PERIPHID0 0xfe0
#define PCELLID0 0xff0

#define FR_RXFE 0x10
#define FR_RXFF 0x40
#define FR_TXFE 0x80
#define INT_RX 0x10
#define INT_TX 0x20
#define INT_RT 0x40
#define INT_OE 0x400
#define DR_OE 0x800

static unsigned int passed, failed;

static bool __printf(3, 4)
	check(const char *name, bool ok, const char *fmt, ...)
{
	char details[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(details, sizeof(details), fmt, ap);
	va_end(ap);
	gprintf("vuart %s: %s %s\n", name, ok ? "PASS" : "FAIL", details);
	if (ok)
		passed++;
	else
		failed++;
	return ok;
}

static uint32_t rd32(unsigned int off)
{
	return *(volatile uint32_t *)(VUART_PA + off);
}

static void wr32(unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(VUART_PA + off) = v;
}

/* ---- single accesses of a known form, with fault capture ---- */

enum acc {
	LDRB,
	LDRH,
	LDRW,
	LDRX,
	LDPW,
	STRB,
	STRH,
	STRW,
	STRX,
	STPW
};

static const char *const acc_names[] = {
	"ldrb", "ldrh", "ldr-w", "ldr-x", "ldp",
	"strb", "strh", "str-w", "str-x", "stp",
};

static bool acc_write(enum acc a)
{
	return a >= STRB;
}

struct probe {
	uint64_t val, pc;
	bool faulted;
	struct fault f;
};

/* Label 1 is the accessing instruction: the abort's ELR must be it. */
#define LOAD(insn)                                   \
	__asm__ __volatile__("adr %1, 1f\n1:\t" insn \
			     : "+r"(v), "=&r"(pc)    \
			     : "r"(addr)             \
			     : "x9", "memory")
#define STORE(insn)                                  \
	__asm__ __volatile__("adr %0, 1f\n1:\t" insn \
			     : "=&r"(pc)             \
			     : "r"(addr), "r"(val)   \
			     : "memory")

static void probe(enum acc a, unsigned int off, uint64_t val, struct probe *p)
{
	uint64_t addr = VUART_PA + off, v = POISON, pc = 0;

	fault_expect();
	switch (a) {
	case LDRB:
		LOAD("ldrb %w0, [%2]");
		break;
	case LDRH:
		LOAD("ldrh %w0, [%2]");
		break;
	case LDRW:
		LOAD("ldr %w0, [%2]");
		break;
	case LDRX:
		LOAD("ldr %0, [%2]");
		break;
	case LDPW:
		LOAD("ldp %w0, w9, [%2]");
		break;
	case STRB:
		STORE("strb %w2, [%1]");
		break;
	case STRH:
		STORE("strh %w2, [%1]");
		break;
	case STRW:
		STORE("str %w2, [%1]");
		break;
	case STRX:
		STORE("str %2, [%1]");
		break;
	case STPW:
		STORE("stp %w2, %w2, [%1]");
		break;
	}
	p->faulted = fault_take(&p->f);
	p->val = v;
	p->pc = pc;
}

/* ---- everything readable, to see that nothing changed ---- */

static const unsigned int snap_offs[] = {
	RSR,
	FR,
	0x020,
	IBRD,
	FBRD,
	LCR_H,
	CR,
	0x034,
	IMSC,
	RIS,
	MIS,
	0x048,
	PERIPHID0,
	PERIPHID0 + 4,
	PERIPHID0 + 8,
	PERIPHID0 + 12,
	PCELLID0,
	PCELLID0 + 4,
	PCELLID0 + 8,
	PCELLID0 + 12,
};
static uint32_t snap_before[ARRAY_SIZE(snap_offs)];

static void snap_begin(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(snap_offs); i++)
		snap_before[i] = rd32(snap_offs[i]);
}

static void snap_check(const char *name)
{
	unsigned int diffs = 0, first = 0;
	uint32_t now = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(snap_offs); i++) {
		uint32_t v = rd32(snap_offs[i]);

		if (v != snap_before[i] && !diffs++) {
			first = i;
			now = v;
		}
	}
	check(name, diffs == 0,
	      "%u registers read back, %u changed (first "
	      "0x%03x: 0x%x -> 0x%x)",
	      (unsigned int)ARRAY_SIZE(snap_offs), diffs, snap_offs[first],
	      snap_before[first], now);
}

/* ---- the cases ---- */

struct value_case {
	const char *name;
	unsigned int off;
	enum acc a;
	uint32_t want;
};

/* Emulated widths, and RAZ where nothing is (exact values). */
static const struct value_case reads[] = {
	{"fr", FR, LDRB, FR_RXFE | FR_TXFE},
	{"fr", FR, LDRH, FR_RXFE | FR_TXFE},
	{"fr", FR, LDRW, FR_RXFE | FR_TXFE},
	{"fr+1", FR + 1, LDRB, 0},
	{"fr+2", FR + 2, LDRH, 0},
	{"fr+3", FR + 3, LDRB, 0},
	{"periphid0", PERIPHID0, LDRB, 0x11},
	{"periphid1", PERIPHID0 + 4, LDRH, 0x10},
	{"periphid2", PERIPHID0 + 8, LDRW, 0x34},
	{"periphid3", PERIPHID0 + 12, LDRW, 0x00},
	{"pcellid0", PCELLID0, LDRW, 0x0d},
	{"pcellid1", PCELLID0 + 4, LDRW, 0xf0},
	{"pcellid2", PCELLID0 + 8, LDRB, 0x05},
	{"pcellid3", PCELLID0 + 12, LDRW, 0xb1},
	{"reserved.0x008", 0x008, LDRW, 0},
	{"reserved.0x00c", 0x00c, LDRB, 0},
	{"reserved.0x01c", 0x01c, LDRW, 0},
	{"reserved.0x04c", 0x04c, LDRH, 0},
	{"test.0x080", 0x080, LDRW, 0},
	{"reserved.0xfdc", 0xfdc, LDRW, 0},
	{"rsr", RSR, LDRW, 0},
};

static void cases_reads(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(reads); i++) {
		const struct value_case *c = &reads[i];
		char name[48];
		struct probe p;

		probe(c->a, c->off, 0, &p);
		snprintf(name, sizeof(name), "read.%s.%s", c->name,
			 acc_names[c->a]);
		check(name, !p.faulted && p.val == c->want,
		      "faulted=%d val=0x%lx want 0x%x", p.faulted,
		      (unsigned long)p.val, c->want);
	}
}

/* Registers that hold what is written, by each width. */
static void cases_widths(void)
{
	struct probe p;

	probe(STRH, IBRD, 0x1234, &p);
	check("write.ibrd.strh", !p.faulted && rd32(IBRD) == 0x1234,
	      "faulted=%d ibrd=0x%x", p.faulted, rd32(IBRD));
	probe(STRB, FBRD, 0x2a, &p);
	check("write.fbrd.strb", !p.faulted && rd32(FBRD) == 0x2a,
	      "faulted=%d fbrd=0x%x", p.faulted, rd32(FBRD));
	probe(STRW, LCR_H, 0x70, &p);
	probe(LDRB, LCR_H, 0, &p);
	check("write.lcr_h.str-w", !p.faulted && p.val == 0x70,
	      "faulted=%d lcr_h=0x%lx", p.faulted, (unsigned long)p.val);
}

/* One line out through UARTDR, a third each by bytes, halfwords, words:
 * the test reads `probe| vuart tx: bytes halfwords words`. */
static void case_tx(void)
{
	static const char *const parts[] = {"vuart tx: bytes ", "halfwords ",
					    "words\n"};
	static const enum acc how[] = {STRB, STRH, STRW};
	unsigned int faults = 0;
	struct probe p;

	for (unsigned int i = 0; i < 3; i++)
		for (const char *s = parts[i]; *s; s++) {
			probe(how[i], DR, (uint8_t)*s, &p);
			faults += p.faulted;
		}
	check("tx.dr.8-16-32", faults == 0 && (rd32(RIS) & INT_TX),
	      "faults=%u ris=0x%x", faults, rd32(RIS));
}

struct write_case {
	const char *name;
	unsigned int off;
	enum acc a;
	uint32_t val;
};

/* Ignored: read-only registers, reserved offsets, upper byte lanes. */
static const struct write_case ignored[] = {
	{"fr", FR, STRW, 0xffffffff},
	{"fr", FR, STRB, 0xff},
	{"ris", RIS, STRW, 0x7ff},
	{"mis", MIS, STRW, 0x7ff},
	{"periphid0", PERIPHID0, STRW, 0xff},
	{"periphid2", PERIPHID0 + 8, STRB, 0xff},
	{"pcellid0", PCELLID0, STRW, 0xff},
	{"pcellid3", PCELLID0 + 12, STRH, 0xffff},
	{"reserved.0x008", 0x008, STRW, 0xffffffff},
	{"reserved.0x01c", 0x01c, STRW, 0xffffffff},
	{"reserved.0x04c", 0x04c, STRB, 0xff},
	{"test.0x080", 0x080, STRW, 0xffffffff},
	{"reserved.0xfdc", 0xfdc, STRW, 0xffffffff},
	{"cr+1", CR + 1, STRB, 0xff},
	{"imsc+2", IMSC + 2, STRH, 0xffff},
};

static void cases_ignored(void)
{
	snap_begin();
	for (unsigned int i = 0; i < ARRAY_SIZE(ignored); i++) {
		const struct write_case *c = &ignored[i];
		char name[48];
		struct probe p;

		probe(c->a, c->off, c->val, &p);
		snprintf(name, sizeof(name), "wi.%s.%s", c->name,
			 acc_names[c->a]);
		check(name, !p.faulted, "faulted=%d esr=0x%lx", p.faulted,
		      (unsigned long)p.f.esr);
	}
	snap_check("wi.nothing_changed");
	/* UARTICR is write-only: it reads as zero with RIS.TX set. */
	{
		struct probe p;

		probe(LDRW, ICR, 0, &p);
		check("read.icr.ldr-w",
		      !p.faulted && p.val == 0 && (rd32(RIS) & INT_TX),
		      "faulted=%d val=0x%lx ris=0x%x", p.faulted,
		      (unsigned long)p.val, rd32(RIS));
	}
}

/* A 64-bit access, or a pair: the injected external abort, exactly. */
static const struct write_case aborts[] = {
	{"dr", DR, LDRX, 0},
	{"dr", DR, STRX, 0x41414141},
	{"fr", FR, LDRX, 0},
	{"cr", CR, STRX, 0},
	{"imsc", IMSC, LDPW, 0},
	{"icr", ICR, STPW, 0x7ff},
	{"periphid0", PERIPHID0, LDRX, 0},
	{"pcellid0", PCELLID0, LDRX, 0},
	{"reserved.0x008", 0x008, LDRX, 0},
};

static void cases_aborts(void)
{
	snap_begin();
	for (unsigned int i = 0; i < ARRAY_SIZE(aborts); i++) {
		const struct write_case *c = &aborts[i];
		uint64_t esr = ESR_SEA_DABT | (acc_write(c->a) ? ESR_WNR : 0);
		char name[48];
		struct probe p;

		probe(c->a, c->off, c->val, &p);
		snprintf(name, sizeof(name), "abort.%s.%s", c->name,
			 acc_names[c->a]);
		check(name,
		      p.faulted && p.f.esr == esr &&
			      p.f.far == VUART_PA + c->off && p.f.elr == p.pc &&
			      p.f.type == EXC_SYNC_SPX &&
			      (acc_write(c->a) || p.val == POISON),
		      "faulted=%d esr=0x%lx far=0x%lx elr-pc=%ld", p.faulted,
		      (unsigned long)p.f.esr, (unsigned long)p.f.far,
		      (long)(p.f.elr - p.pc));
	}
	snap_check("abort.nothing_changed");
}

/* Unaligned: Device memory with the MMU off, so the CPU faults at stage 1
 * (alignment fault) before vigil sees it; a vigil that saw one would
 * inject an external abort. A data abort either way, nothing changed. */
static void cases_unaligned(void)
{
	static const struct write_case un[] = {
		{"fr+2", FR + 2, LDRW, 0},
		{"fr+1", FR + 1, LDRH, 0},
		{"cr+1", CR + 1, STRH, 0xffff},
		{"dr+2", DR + 2, STRW, 0x41},
	};

	snap_begin();
	for (unsigned int i = 0; i < ARRAY_SIZE(un); i++) {
		const struct write_case *c = &un[i];
		unsigned int dfsc;
		char name[48];
		struct probe p;

		probe(c->a, c->off, c->val, &p);
		dfsc = p.f.esr & 0x3f;
		snprintf(name, sizeof(name), "unaligned.%s.%s", c->name,
			 acc_names[c->a]);
		check(name,
		      p.faulted && ESR_EC(p.f.esr) == ESR_EC_DABT_CUR &&
			      (dfsc == DFSC_ALIGNMENT ||
			       dfsc == DFSC_SYNC_EXT_ABORT) &&
			      p.f.far == VUART_PA + c->off,
		      "esr=0x%lx far=0x%lx", (unsigned long)p.f.esr,
		      (unsigned long)p.f.far);
	}
	snap_check("unaligned.nothing_changed");
}

/* ---- not reading ---- */

static void wait_overrun(void)
{
	while (!(rd32(RIS) & INT_OE))
		cpu_relax();
}

static __noreturn void not_reading(void)
{
	unsigned int n = 0, bad = 0, flagged = 0;
	int oe_at = -1;
	uint32_t fr, ris;

	wr32(ICR, 0x7ff);
	wr32(IMSC, INT_RX | INT_RT); /* vigil waits for a driver that reads */
	gprintf("probe: not reading\n");
	wait_overrun();
	fr = rd32(FR);
	ris = rd32(RIS);
	wr32(ICR, INT_OE);
	gprintf("probe: overrun 1 (FR=0x%x RIS=0x%x)\n", fr, ris);
	wait_overrun();
	gprintf("probe: overrun 2, reading\n");
	while (!(rd32(FR) & FR_RXFE)) {
		uint32_t c = rd32(DR);

		if ((c & 0xff) != (uint32_t)('A' + n % 26))
			bad++;
		if (c & DR_OE) {
			flagged++;
			oe_at = (int)n;
		}
		n++;
	}
	gprintf("probe: drained %u bytes, %u out of pattern, %u flagged OE "
		"(byte %d), RSR=0x%x\n",
		n, bad, flagged, oe_at, rd32(RSR));
	psci_system_off();
}

int main(uint64_t dtb)
{
	(void)dtb;
	gprintf("vuart: probing the vUART at 0x%lx\n", VUART_PA);
	wr32(ICR, 0x7ff);
	cases_reads();
	cases_widths();
	case_tx();
	cases_ignored();
	cases_aborts();
	cases_unaligned();
	gprintf("vuart: %u passed, %u failed\n", passed, failed);
	not_reading();
}
