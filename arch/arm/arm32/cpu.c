/* SPDX-License-Identifier: MIT */
/* Per-CPU data, the arch.h services and HYP set-up common to every CPU. */
#include "arch.h"
#include "asm/entry.h"
#include "asm/sysreg.h"
#include "console.h"
#include "irq.h"
#include "percpu.h"
#include "platform.h"
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
	write_sysreg(HTPIDR, p);
	isb();
}

/* Entered in a mode other than HYP: say so on the platform's UART. */
void early_wrong_mode(uint32_t cpsr)
{
	console_init(platform.uart_kind, platform.uart);
	printk(LOG_ERR, "not entered in HYP mode (CPSR=0x%x): cannot run",
	       (unsigned int)cpsr);
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
