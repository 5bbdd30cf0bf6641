/* SPDX-License-Identifier: MIT */
/* Single accesses of a known instruction form, with fault capture. */
#include "hostile.h"

/* Each probe records the address of the accessing instruction (label 1)
 * so the injected exception's ELR can be checked exactly. */
#define PROBE_LOAD(insn)                             \
	__asm__ __volatile__("adr %1, 1f\n1:\t" insn \
			     : "+r"(v), "=&r"(pc)    \
			     : "r"(addr)             \
			     : "x9", "memory")
#define PROBE_STORE(insn)                            \
	__asm__ __volatile__("adr %0, 1f\n1:\t" insn \
			     : "=&r"(pc)             \
			     : "r"(addr), "r"(val)   \
			     : "memory")

static const char *const names[] = {
	[LD8] = "ldrb",	   [LD16] = "ldrh", [LD32] = "ldr-w",
	[LD64] = "ldr-x",  [LDP32] = "ldp", [LDAR32] = "ldar",
	[ST8] = "strb",	   [ST16] = "strh", [ST32] = "str-w",
	[ST64] = "str-x",  [STP32] = "stp", [STLR32] = "stlr",
	[FETCH] = "fetch",
};

const char *access_name(enum access a)
{
	return names[a];
}

bool access_is_write(enum access a)
{
	return a >= ST8 && a <= STLR32;
}

/* Calls @addr; a fetch abort resumes at the return address. */
static void exec_at(uint64_t addr)
{
	register uint64_t target __asm__("x16") = addr;

	__asm__ __volatile__("blr x16" : "+r"(target) : : "x30", "memory");
}

static bool is_abort(const struct fault *f)
{
	unsigned int ec = ESR_EC(f->esr);

	return (ec == 0x20 || ec == 0x21 || ec == 0x24 || ec == 0x25) &&
	       (f->esr & 0x3f) == DFSC_SYNC_EXT_ABORT;
}

void probe(enum access a, uint64_t addr, uint64_t val, struct probe *p)
{
	uint64_t v = POISON, pc = 0;

	if (a == FETCH) {
		fault_expect_return();
		exec_at(addr);
		pc = addr;
	} else {
		fault_expect();
	}
	switch (a) {
	case LD8:
		PROBE_LOAD("ldrb %w0, [%2]");
		break;
	case LD16:
		PROBE_LOAD("ldrh %w0, [%2]");
		break;
	case LD32:
		PROBE_LOAD("ldr %w0, [%2]");
		break;
	case LD64:
		PROBE_LOAD("ldr %0, [%2]");
		break;
	case LDP32:
		PROBE_LOAD("ldp %w0, w9, [%2]");
		break;
	case LDAR32:
		PROBE_LOAD("ldar %w0, [%2]");
		break;
	case ST8:
		PROBE_STORE("strb %w2, [%1]");
		break;
	case ST16:
		PROBE_STORE("strh %w2, [%1]");
		break;
	case ST32:
		PROBE_STORE("str %w2, [%1]");
		break;
	case ST64:
		PROBE_STORE("str %2, [%1]");
		break;
	case STP32:
		PROBE_STORE("stp %w2, %w2, [%1]");
		break;
	case STLR32:
		PROBE_STORE("stlr %w2, [%1]");
		break;
	case FETCH:
		break;
	}
	p->faulted = fault_take(&p->f);
	p->val = v;
	p->pc = pc;
	if (p->faulted && is_abort(&p->f))
		count_abort();
}

bool probe_is_sea(const struct probe *p, enum access a, uint64_t addr)
{
	uint64_t esr;

	if (a == FETCH)
		esr = ESR_SEA_IABT_EL1;
	else
		esr = ESR_SEA_DABT_EL1 | (access_is_write(a) ? ESR_WNR : 0);
	return p->faulted && p->f.esr == esr && p->f.far == addr &&
	       p->f.elr == p->pc && p->f.type == EXC_SYNC_SPX &&
	       (access_is_write(a) || a == FETCH || p->val == POISON);
}

/* ---- EL0 (el0.S) ---- */

void el0_enter(void (*fn)(void), uint64_t sp, uint64_t arg);
extern char el0_exit[];

#define EL0_STACK 4096
#define SVC64 0x15

static uint8_t el0_stacks[GUEST_MAX_VCPUS][EL0_STACK]
	__attribute__((aligned(16)));
static struct el0_slot {
	volatile bool active, faulted;
	struct fault f;
} el0_slots[GUEST_MAX_VCPUS];

/* Every exception from EL0 ends the EL0 run: back to el0_exit at EL1h. */
bool guest_lower_el_sync(struct exc_frame *frame)
{
	struct el0_slot *s = &el0_slots[this_vcpu()];
	uint64_t esr = read_sysreg(esr_el1);

	if (!s->active)
		return false;
	s->active = false;
	if (ESR_EC(esr) != SVC64) {
		s->faulted = true;
		s->f.esr = esr;
		s->f.far = read_sysreg(far_el1);
		s->f.elr = frame->elr;
		s->f.type = EXC_SYNC_LOWER;
		if (is_abort(&s->f))
			count_abort();
	}
	frame->elr = (uint64_t)(uintptr_t)el0_exit;
	frame->spsr = 0x3c5; /* EL1h, DAIF masked */
	return true;
}

bool el0_run(void (*fn)(void), uint64_t arg, struct fault *f)
{
	unsigned int me = this_vcpu();
	struct el0_slot *s = &el0_slots[me];

	s->faulted = false;
	s->active = true;
	dsb_sy();
	el0_enter(fn, (uint64_t)(uintptr_t)&el0_stacks[me][EL0_STACK], arg);
	s->active = false;
	if (s->faulted && f)
		*f = s->f;
	return s->faulted;
}
