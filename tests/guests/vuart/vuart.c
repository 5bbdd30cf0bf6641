/* SPDX-License-Identifier: MIT */
/*
 * vuart: a VM's emulated PL011 (core/vuart.c) against the rules in
 * docs/config.md ("The vUART's registers") and the PL011 TRM (ARM DDI
 * 0183G), end to end, then a guest that stops reading it.
 *
 * Built for A64 and for A32: the accesses are the same kinds (ld64/st64
 * are LDR/STR of an X register or LDRD/STRD, ldpair/stpair LDP/STP or
 * LDM/STM of two registers), the abort's syndrome each profile's own.
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
#define POISON 0x5a5a5a5a5a5a5a5aULL
#ifdef __aarch64__
/* ESR_EL1 of vigil's external abort: EC 0x25, IL, DFSC 0x10. */
#define SEA_READ 0x96000010UL
#define SEA_WRITE (SEA_READ | (1UL << 6)) /* WnR */
#define FSC(esr) ((esr)&0x3f)
#define FSC_SEA 0x10
#define FSC_ALIGNMENT 0x21
#define IS_DABT(esr) (ESR_EC(esr) == ESR_EC_DABT_CUR)
#else
/* DFSR, short-descriptor format (TTBCR.EAE = 0; ARM DDI 0406C B4.1.52):
 * FS 0b01000 synchronous external abort, WnR (bit 11) for a write; FS
 * 0b00001 alignment fault. Only data aborts fill it (the fault record's
 * esr is 0 for the others). */
#define SEA_READ 0x008UL
#define SEA_WRITE 0x808UL
#define FSC(esr) (((esr)&0xf) | (((esr) >> 6) & 0x10))
#define FSC_SEA 0x08
#define FSC_ALIGNMENT 0x01
#define IS_DABT(esr) ((esr) != 0)
#endif

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
	LD8,
	LD16,
	LD32,
	LD64,
	LDPAIR,
	ST8,
	ST16,
	ST32,
	ST64,
	STPAIR
};

/* 8, 16, 32, 64 bits, and a pair of 32-bit registers (A64 LDP/STP, A32
 * LDM/STM of two); A32's 64-bit access is LDRD/STRD. The last two kinds
 * have no instruction syndrome. */
static const char *const acc_names[] = {
	"ld8", "ld16", "ld32", "ld64", "ldpair",
	"st8", "st16", "st32", "st64", "stpair",
};

static bool acc_write(enum acc a)
{
	return a >= ST8;
}

struct probe {
	uint64_t val;
	unsigned long pc;
	bool faulted;
	struct fault f;
};

/* Label 1 is the accessing instruction: the abort's ELR must be it. */
#ifdef __aarch64__
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
#define LD8_I "ldrb %w0, [%2]"
#define LD16_I "ldrh %w0, [%2]"
#define LD32_I "ldr %w0, [%2]"
#define LD64_I "ldr %0, [%2]"
#define LDPAIR_I "ldp %w0, w9, [%2]"
#define ST8_I "strb %w2, [%1]"
#define ST16_I "strh %w2, [%1]"
#define ST32_I "str %w2, [%1]"
#define ST64_I "str %2, [%1]"
#define STPAIR_I "stp %w2, %w2, [%1]"
#else
/* v and val are 64 bits: %Q and %R name their low and high registers. */
#define LOAD(insn)                                   \
	__asm__ __volatile__("adr %1, 1f\n1:\t" insn \
			     : "+r"(v), "=&r"(pc)    \
			     : "r"(addr)             \
			     : "r4", "r5", "memory")
#define STORE(insn)                                           \
	__asm__ __volatile__("mov r4, %Q2\n\tmov r5, %Q2\n\t" \
			     "adr %0, 1f\n1:\t" insn          \
			     : "=&r"(pc)                      \
			     : "r"(addr), "r"(val)            \
			     : "r4", "r5", "memory")
#define LD8_I "ldrb %Q0, [%2]"
#define LD16_I "ldrh %Q0, [%2]"
#define LD32_I "ldr %Q0, [%2]"
#define LD64_I "ldrd %Q0, %R0, [%2]"
#define LDPAIR_I "ldm %2, {r4, r5}"
#define ST8_I "strb %Q2, [%1]"
#define ST16_I "strh %Q2, [%1]"
#define ST32_I "str %Q2, [%1]"
#define ST64_I "strd r4, r5, [%1]"
#define STPAIR_I "stm %1, {r4, r5}"
#endif

static void probe(enum acc a, unsigned int off, uint64_t val, struct probe *p)
{
	uintptr_t addr = VUART_PA + off;
	unsigned long pc = 0;
	uint64_t v = POISON;

	fault_expect();
	switch (a) {
	case LD8:
		LOAD(LD8_I);
		break;
	case LD16:
		LOAD(LD16_I);
		break;
	case LD32:
		LOAD(LD32_I);
		break;
	case LD64:
		LOAD(LD64_I);
		break;
	case LDPAIR:
		LOAD(LDPAIR_I);
		break;
	case ST8:
		STORE(ST8_I);
		break;
	case ST16:
		STORE(ST16_I);
		break;
	case ST32:
		STORE(ST32_I);
		break;
	case ST64:
		STORE(ST64_I);
		break;
	case STPAIR:
		STORE(STPAIR_I);
		break;
	}
	p->faulted = fault_take(&p->f);
	p->val = v;
	/* A32 loads of 32 bits or less write the low register only. */
	if (!p->faulted && a <= LD32)
		p->val = v & 0xffffffff;
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
	{"fr", FR, LD8, FR_RXFE | FR_TXFE},
	{"fr", FR, LD16, FR_RXFE | FR_TXFE},
	{"fr", FR, LD32, FR_RXFE | FR_TXFE},
	{"fr+1", FR + 1, LD8, 0},
	{"fr+2", FR + 2, LD16, 0},
	{"fr+3", FR + 3, LD8, 0},
	{"periphid0", PERIPHID0, LD8, 0x11},
	{"periphid1", PERIPHID0 + 4, LD16, 0x10},
	{"periphid2", PERIPHID0 + 8, LD32, 0x34},
	{"periphid3", PERIPHID0 + 12, LD32, 0x00},
	{"pcellid0", PCELLID0, LD32, 0x0d},
	{"pcellid1", PCELLID0 + 4, LD32, 0xf0},
	{"pcellid2", PCELLID0 + 8, LD8, 0x05},
	{"pcellid3", PCELLID0 + 12, LD32, 0xb1},
	{"reserved.0x008", 0x008, LD32, 0},
	{"reserved.0x00c", 0x00c, LD8, 0},
	{"reserved.0x01c", 0x01c, LD32, 0},
	{"reserved.0x04c", 0x04c, LD16, 0},
	{"test.0x080", 0x080, LD32, 0},
	{"reserved.0xfdc", 0xfdc, LD32, 0},
	{"rsr", RSR, LD32, 0},
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

	probe(ST16, IBRD, 0x1234, &p);
	check("write.ibrd.st16", !p.faulted && rd32(IBRD) == 0x1234,
	      "faulted=%d ibrd=0x%x", p.faulted, rd32(IBRD));
	probe(ST8, FBRD, 0x2a, &p);
	check("write.fbrd.st8", !p.faulted && rd32(FBRD) == 0x2a,
	      "faulted=%d fbrd=0x%x", p.faulted, rd32(FBRD));
	probe(ST32, LCR_H, 0x70, &p);
	probe(LD8, LCR_H, 0, &p);
	check("write.lcr_h.st32", !p.faulted && p.val == 0x70,
	      "faulted=%d lcr_h=0x%lx", p.faulted, (unsigned long)p.val);
}

/* One line out through UARTDR, a third each by bytes, halfwords, words:
 * the test reads `probe| vuart tx: bytes halfwords words`. */
static void case_tx(void)
{
	static const char *const parts[] = {"vuart tx: bytes ", "halfwords ",
					    "words\n"};
	static const enum acc how[] = {ST8, ST16, ST32};
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
	{"fr", FR, ST32, 0xffffffff},
	{"fr", FR, ST8, 0xff},
	{"ris", RIS, ST32, 0x7ff},
	{"mis", MIS, ST32, 0x7ff},
	{"periphid0", PERIPHID0, ST32, 0xff},
	{"periphid2", PERIPHID0 + 8, ST8, 0xff},
	{"pcellid0", PCELLID0, ST32, 0xff},
	{"pcellid3", PCELLID0 + 12, ST16, 0xffff},
	{"reserved.0x008", 0x008, ST32, 0xffffffff},
	{"reserved.0x01c", 0x01c, ST32, 0xffffffff},
	{"reserved.0x04c", 0x04c, ST8, 0xff},
	{"test.0x080", 0x080, ST32, 0xffffffff},
	{"reserved.0xfdc", 0xfdc, ST32, 0xffffffff},
	{"cr+1", CR + 1, ST8, 0xff},
	{"imsc+2", IMSC + 2, ST16, 0xffff},
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

		probe(LD32, ICR, 0, &p);
		check("read.icr.ld32",
		      !p.faulted && p.val == 0 && (rd32(RIS) & INT_TX),
		      "faulted=%d val=0x%lx ris=0x%x", p.faulted,
		      (unsigned long)p.val, rd32(RIS));
	}
}

/* A 64-bit access, or a pair: the injected external abort, exactly. */
static const struct write_case aborts[] = {
	{"dr", DR, LD64, 0},
	{"dr", DR, ST64, 0x41414141},
	{"fr", FR, LD64, 0},
	{"cr", CR, ST64, 0},
	{"imsc", IMSC, LDPAIR, 0},
	{"icr", ICR, STPAIR, 0x7ff},
	{"periphid0", PERIPHID0, LD64, 0},
	{"pcellid0", PCELLID0, LD64, 0},
	{"reserved.0x008", 0x008, LD64, 0},
};

static void cases_aborts(void)
{
	snap_begin();
	for (unsigned int i = 0; i < ARRAY_SIZE(aborts); i++) {
		const struct write_case *c = &aborts[i];
		unsigned long esr = acc_write(c->a) ? SEA_WRITE : SEA_READ;
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

/* Unaligned: with the MMU off every access is to Device (A64) or
 * Strongly-ordered (A32) memory, where the CPU may fault it at stage 1
 * (alignment fault) before vigil sees it; if it reaches vigil, vigil
 * injects an external abort. A data abort either way, nothing changed. */
static void cases_unaligned(void)
{
	static const struct write_case un[] = {
		{"fr+2", FR + 2, LD32, 0},
		{"fr+1", FR + 1, LD16, 0},
		{"cr+1", CR + 1, ST16, 0xffff},
		{"dr+2", DR + 2, ST32, 0x41},
	};

	snap_begin();
	for (unsigned int i = 0; i < ARRAY_SIZE(un); i++) {
		const struct write_case *c = &un[i];
		unsigned int fsc;
		char name[48];
		struct probe p;

		probe(c->a, c->off, c->val, &p);
		fsc = FSC(p.f.esr);
		snprintf(name, sizeof(name), "unaligned.%s.%s", c->name,
			 acc_names[c->a]);
		check(name,
		      p.faulted && IS_DABT(p.f.esr) &&
			      (fsc == FSC_ALIGNMENT || fsc == FSC_SEA) &&
			      p.f.far == VUART_PA + c->off,
		      "by=%s esr=0x%lx far=0x%lx",
		      fsc == FSC_SEA ? "vigil" : "cpu", (unsigned long)p.f.esr,
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
