/* SPDX-License-Identifier: MIT */
/* Per-CPU data, the arch.h services and HYP set-up common to every CPU. */
#include "arch.h"
#include "arch_image.h"
#include "asm/entry.h"
#include "asm/sysreg.h"
#include "irq.h"
#include "mm.h"
#include "percpu.h"
#include "printk.h"

static struct pcpu pcpus[MAX_CPUS];
unsigned int nr_pcpus = 1;

_Static_assert(offsetof(struct pcpu, guest_regs) == PCPU_GUEST_REGS_A32,
	       "entry.S reads pcpu->guest_regs at this offset");

struct pcpu *pcpu_get(unsigned int id)
{
	return id < MAX_CPUS ? &pcpus[id] : NULL;
}

/* Make @id's per-CPU block the calling CPU's (HTPIDR). */
void arch_cpu_set_percpu(unsigned int id)
{
	struct pcpu *p = &pcpus[id];

	p->self = p;
	p->id = id;
	p->mpidr = read_sysreg(MPIDR) & MPIDR_AFF_MASK;
	p->midr = (uint32_t)read_sysreg(MIDR);
	write_sysreg(HTPIDR, p);
	isb();
}

/* ARMv7-A: the Hyp mode of the Virtualization Extensions (DDI 0406C B1.3), PL2. */
const char *arch_priv_level_name(void)
{
	return "HYP";
}

/* ARMv7-A: PL1 is AArch32 (include/arch_image.h). */
bool arch_el1_aarch32_supported(void)
{
	return true;
}

/* The logical index the next spin-table CPU takes (head.S,
 * spin_table_entry); one CPU is released at a time. */
uint32_t spin_table_id;

static void dcache_clean_poc(const volatile void *p)
{
	write_cp32(0, c7, c10, 1, (uintptr_t)p); /* DCCMVAC */
}

/*
 * The spin-table protocol as arm64 uses it (Documentation/arm64/
 * booting.rst): the CPU polls its cpu-release-addr with its MMU and caches
 * off, so the entry and the index are cleaned to the point of coherency
 * before the SEV. The entry is written as the 64-bit word arm64's
 * protocol defines: its high half is zero, so a loader that polls only
 * the low 32 bits reads the same address.
 */
void arch_cpu_spin_release(uint64_t release_addr, unsigned int id)
{
	volatile uint64_t *rel = mm_map(release_addr, sizeof(uint64_t));

	WRITE_ONCE(spin_table_id, id);
	dcache_clean_poc(&spin_table_id);
	dsb(ish);
	*rel = (uint64_t)(uintptr_t)spin_table_entry;
	dcache_clean_poc(rel);
	dsb(sy);
	sev();
	mm_unmap((const void *)rel);
}

static const char *const hyp_trap_names[] = {"undefined instruction",
					     "SVC/HVC",
					     "prefetch abort",
					     "data abort",
					     "IRQ",
					     "unexpected"};

void hyp_trap(uint32_t kind, struct hyp_frame *f)
{
	/* IRQs are open in HYP only in the idle loop and around softirqs,
	 * where no vCPU's list registers are loaded. */
	if (kind == HYP_TRAP_IRQ) {
		irq_handle_all(NULL);
		return;
	}
	panic("%s in HYP mode: HSR=0x%x ELR=0x%x HDFAR=0x%x HIFAR=0x%x "
	      "SPSR=0x%x r0=0x%x r1=0x%x r11=0x%x lr=0x%x",
	      hyp_trap_names[kind < HYP_TRAP_BAD ? kind : HYP_TRAP_BAD],
	      (unsigned int)read_sysreg(HSR), (unsigned int)f->elr,
	      (unsigned int)read_sysreg(HDFAR),
	      (unsigned int)read_sysreg(HIFAR), (unsigned int)f->spsr,
	      (unsigned int)f->r[0], (unsigned int)f->r[1],
	      (unsigned int)f->r[11], (unsigned int)f->lr);
}

/*
 * Formatting needs no guard in HYP mode: vigil, newlib's integer printf
 * and Debian's armhf libfdt contain no VFP/Advanced SIMD instruction
 * (tools/check-no-fp.sh checks the image), so the guest's VFP registers
 * are never touched. A plain call.
 */
long arch_call_fp_safe(long (*fn)(), long a0, long a1, long a2, long a3)
{
	return fn(a0, a1, a2, a3);
}

/* Stack-protector symbols libfdt.a expects (vigil builds without it). */
uintptr_t __stack_chk_guard = 0x94fda766UL;
void __stack_chk_fail(void)
{
	panic("stack smashing detected");
}
