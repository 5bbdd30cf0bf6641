/* SPDX-License-Identifier: MIT */
/*
 * One A32 access with fault capture. The forms vigil can emulate carry
 * an instruction syndrome (HSR.ISV = 1: LDR/STR/LDRB/STRB/LDRH/STRH
 * without writeback); LDRD/STRD, LDM/STM and the writeback forms do not
 * (DDI 0406C B3.13.6), and vigil must refuse them with an abort.
 */
#include "hostile32.h"

static const char *const names[NR_ACCESS] = {
	"ldrb",		  "ldrh",	   "ldr",   "ldrd", "ldm",
	"strb",		  "strh",	   "str",   "strd", "stm",
	"ldr-post-index", "str-pre-index", "fetch",
};

const char *access_name(enum access a)
{
	return a < NR_ACCESS ? names[a] : "?";
}

bool access_is_write(enum access a)
{
	return a == STRB || a == STRH || a == STR || a == STRD || a == STM ||
	       a == STR_PRE;
}

void probe(enum access a, uint32_t addr, uint32_t val, struct probe *p)
{
	unsigned long v = POISON, pc = 0, b = addr;
	unsigned long long d = ((unsigned long long)POISON << 32) | POISON;
	register unsigned long r4 __asm__("r4") = POISON;
	register unsigned long r5 __asm__("r5") = POISON;

	p->val2 = POISON;
	if (access_is_write(a)) {
		v = val;
		d = ((unsigned long long)val << 32) | val;
		r4 = r5 = val;
	}
	if (a == STR_PRE)
		b = addr - 4;
	p->cpsr = cpsr_read();
	if (a == FETCH)
		fault_expect_return();
	else
		fault_expect();
	switch (a) {
	case LDRB:
		__asm__ __volatile__("adr %1, 1f\n1:\tldrb %0, [%2]"
				     : "+r"(v), "=&r"(pc)
				     : "r"(b)
				     : "memory");
		break;
	case LDRH:
		__asm__ __volatile__("adr %1, 1f\n1:\tldrh %0, [%2]"
				     : "+r"(v), "=&r"(pc)
				     : "r"(b)
				     : "memory");
		break;
	case LDR:
		__asm__ __volatile__("adr %1, 1f\n1:\tldr %0, [%2]"
				     : "+r"(v), "=&r"(pc)
				     : "r"(b)
				     : "memory");
		break;
	case LDRD:
		__asm__ __volatile__("adr %1, 1f\n1:\tldrd %0, %H0, [%2]"
				     : "+r"(d), "=&r"(pc)
				     : "r"(b)
				     : "memory");
		v = (unsigned long)d;
		p->val2 = (unsigned long)(d >> 32);
		break;
	case LDM:
		__asm__ __volatile__("adr %2, 1f\n1:\tldm %3, {r4, r5}"
				     : "+r"(r4), "+r"(r5), "=&r"(pc)
				     : "r"(b)
				     : "memory");
		v = r4;
		p->val2 = r5;
		break;
	case STRB:
		__asm__ __volatile__("adr %0, 1f\n1:\tstrb %1, [%2]"
				     : "=&r"(pc)
				     : "r"(v), "r"(b)
				     : "memory");
		break;
	case STRH:
		__asm__ __volatile__("adr %0, 1f\n1:\tstrh %1, [%2]"
				     : "=&r"(pc)
				     : "r"(v), "r"(b)
				     : "memory");
		break;
	case STR:
		__asm__ __volatile__("adr %0, 1f\n1:\tstr %1, [%2]"
				     : "=&r"(pc)
				     : "r"(v), "r"(b)
				     : "memory");
		break;
	case STRD:
		__asm__ __volatile__("adr %0, 1f\n1:\tstrd %1, %H1, [%2]"
				     : "=&r"(pc)
				     : "r"(d), "r"(b)
				     : "memory");
		break;
	case STM:
		__asm__ __volatile__("adr %0, 1f\n1:\tstm %3, {r4, r5}"
				     : "=&r"(pc)
				     : "r"(r4), "r"(r5), "r"(b)
				     : "memory");
		break;
	case LDR_POST:
		__asm__ __volatile__("adr %1, 1f\n1:\tldr %0, [%2], #4"
				     : "+r"(v), "=&r"(pc), "+r"(b)
				     :
				     : "memory");
		break;
	case STR_PRE:
		__asm__ __volatile__("adr %0, 1f\n1:\tstr %2, [%1, #4]!"
				     : "=&r"(pc), "+r"(b)
				     : "r"(v)
				     : "memory");
		break;
	case FETCH:
		pc = addr;
		__asm__ __volatile__("blx %0"
				     :
				     : "r"(b)
				     : "r0", "r1", "r2", "r3", "r12", "lr",
				       "memory", "cc");
		break;
	default:
		break;
	}
	p->faulted = fault_take(&p->f);
	p->val = access_is_write(a) ? POISON : v;
	p->pc = pc;
	p->base = b;
}

bool probe_is_sea(const struct probe *p, enum access a, uint32_t addr,
		  bool lpae)
{
	unsigned long fsr = (lpae ? FSR_SEA_LONG : FSR_SEA_SHORT) |
			    (access_is_write(a) ? FSR_WNR : 0);
	unsigned long vec = a == FETCH ? 0x0c : 0x10;
	unsigned long base = a == STR_PRE ? addr - 4 : addr;
	bool sea = p->faulted && p->f.vec == vec && p->f.esr == fsr;

	if (sea)
		count_abort();
	return sea && p->f.far == addr && p->f.elr == p->pc &&
	       PSR_MODE(p->f.cpsr) == MODE_ABT &&
	       (p->f.cpsr & (PSR_A | PSR_I | PSR_T)) == (PSR_A | PSR_I) &&
	       (p->f.spsr & ~PSR_NZCV) == (p->cpsr & ~PSR_NZCV) &&
	       p->val == POISON && p->val2 == POISON && p->base == base;
}

void probe_describe(const struct probe *p, char *buf, size_t len)
{
	snprintf(buf, len,
		 "faulted=%d vec=0x%lx fsr=0x%lx far=0x%lx lr-insn=0x%lx "
		 "cpsr=0x%lx spsr=0x%lx (was 0x%lx) val=0x%lx base=0x%lx",
		 p->faulted, p->f.vec, p->f.esr, p->f.far, p->f.elr - p->pc,
		 p->f.cpsr, p->f.spsr, p->cpsr, p->val, p->base);
}
