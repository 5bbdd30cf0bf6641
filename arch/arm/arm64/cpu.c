/* SPDX-License-Identifier: MIT */
/* Per-CPU data, the arch.h services and EL2 set-up common to every CPU. */
#include "arch.h"
#include "arch_image.h"
#include "asm/entry.h"
#include "asm/sysreg.h"
#include "console.h"
#include "irq.h"
#include "mm.h"
#include "percpu.h"
#include "printk.h"
#include "psci_fw.h"

static struct pcpu pcpus[MAX_CPUS];
unsigned int nr_pcpus = 1;

struct pcpu *pcpu_get(unsigned int id)
{
	return id < MAX_CPUS ? &pcpus[id] : NULL;
}

/* Make @id's per-CPU block the calling CPU's (TPIDR_EL2). */
void arch_cpu_set_percpu(unsigned int id)
{
	struct pcpu *p = &pcpus[id];

	p->self = p;
	p->id = id;
	p->mpidr = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
	p->midr = (uint32_t)read_sysreg(midr_el1);
	write_sysreg(tpidr_el2, p);
}

/* ARMv8-A: exception level 2. */
const char *arch_priv_level_name(void)
{
	return "EL2";
}

/* ID_AA64PFR0_EL1.EL1 [7:4] (ARM ARM D19.2.64): 0b0001 AArch64 only,
 * 0b0010 AArch64 and AArch32. */
bool arch_el1_aarch32_supported(void)
{
	return ((read_sysreg(id_aa64pfr0_el1) >> 4) & 0xf) == 2;
}

/* The logical index the next spin-table CPU takes (head.S,
 * spin_table_entry); one CPU is released at a time. */
uint64_t spin_table_id;

static void dcache_clean_poc(const volatile void *p)
{
	__asm__ __volatile__("dc cvac, %0" : : "r"(p) : "memory");
}

/*
 * Documentation/arm64/booting.rst, spin-table: the CPU polls its
 * cpu-release-addr in WFE with its MMU and caches off, so both the entry
 * and its index are cleaned to the point of coherency before the SEV.
 */
void arch_cpu_spin_release(uint64_t release_addr, unsigned int id)
{
	volatile uint64_t *rel = mm_map(release_addr, sizeof(uint64_t));

	WRITE_ONCE(spin_table_id, id);
	dcache_clean_poc(&spin_table_id);
	*rel = (uint64_t)(uintptr_t)spin_table_entry;
	dcache_clean_poc(rel);
	dsb(sy);
	__asm__ __volatile__("sev" ::: "memory");
	mm_unmap((const void *)rel);
}

static const char *const hyp_trap_names[] = {"synchronous", "IRQ", "SError",
					     "unexpected"};

void hyp_trap(uint64_t kind, struct hyp_frame *f)
{
	/* IRQs are open at EL2 only in the idle loop and around softirqs,
	 * where no vCPU's list registers are loaded. */
	if (kind == HYP_TRAP_IRQ) {
		irq_handle_all(NULL);
		return;
	}
	panic("%s exception at EL2: ESR=0x%lx ELR=0x%lx FAR=0x%lx SPSR=0x%lx "
	      "x0=0x%lx x1=0x%lx x29=0x%lx x30=0x%lx",
	      hyp_trap_names[kind < 4 ? kind : 3],
	      (unsigned long)read_sysreg(esr_el2), (unsigned long)f->elr,
	      (unsigned long)read_sysreg(far_el2), (unsigned long)f->spsr,
	      (unsigned long)f->x[0], (unsigned long)f->x[1],
	      (unsigned long)f->x[29], (unsigned long)f->x[30]);
}

/* Stack-protector symbols libfdt.a expects (vigil builds without it). */
uintptr_t __stack_chk_guard = 0x595e9fbd94fda766ULL;
void __stack_chk_fail(void)
{
	panic("stack smashing detected");
}
