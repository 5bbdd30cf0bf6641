/* SPDX-License-Identifier: MIT */
/*
 * What the portable core (core, sched, softirq, vgic) may ask of the CPU.
 * arch/arm/<profile>/ implements these on the target; tests/unit/ implements
 * them on the host with simulated CPUs (threads).
 */
#ifndef VIGIL_ARCH_H
#define VIGIL_ARCH_H

#include "compiler.h"

/* Index of the calling physical CPU (0 .. nr_cpus-1, boot CPU is 0). On
 * the target it is inline (asm/percpu.h). */
#ifdef VIGIL_HOST_TEST
unsigned int arch_cpu_id(void);
#else
#include "percpu.h"
#endif

/* Mask IRQs at the current level; return the previous mask state. Inline
 * on the target (asm/irqflags.h), like arch_cpu_relax(). */
#ifdef VIGIL_HOST_TEST
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);
void arch_irq_enable(void);
void arch_irq_disable(void);
#else
#include "asm/irqflags.h"
#endif

/* Relax inside a spin loop; order earlier stores before a later device
 * write that announces them (inline on the target). */
#ifdef VIGIL_HOST_TEST
void arch_cpu_relax(void);
void arch_wmb(void);
#endif

/* A monotonic count shared by every pCPU (the generic timer's physical
 * count) and its frequency in Hz: boot phases and the exit profile are
 * timed with it. Inline on the target (asm/irqflags.h). */
#ifdef VIGIL_HOST_TEST
uint64_t arch_counter(void);
uint64_t arch_counter_freq(void);
#endif

/*
 * vigil's own timer on this pCPU, the EL2 / HYP physical timer (CNTHP),
 * shared by its deadlines through core/htimer.c (include/htimer.h), which
 * owns its PPI: whether this port drives it; raise its PPI once the
 * shared counter (arch_counter()) reaches @cval, until stopped.
 */
bool arch_has_hyp_timer(void);
void arch_hyp_timer_set(uint64_t cval);
void arch_hyp_timer_stop(void);

/* ---- boot (core/main.c) ---- */
/* vigil's image in memory (the linker script), and where secondary CPUs
 * enter it (PSCI CPU_ON's entry address; head.S). */
extern char __image_start[], __image_end[];
extern char secondary_entry[];
/* Boot CPU: vigil's own stage-1 map with only its image and the DTB at
 * @dtb_pa in it, before the DTB is parsed; secondaries: the same tables. */
void arch_mmu_early_enable(uint64_t dtb_pa);
void arch_mmu_secondary_enable(void);
/* Boot CPU: add [@base, @base + @size) to vigil's map, identity, as
 * Device or as Normal memory, in whole 2 MiB blocks (so the caller rounds
 * RAM inwards). 0, -EBUSY if part of it is mapped otherwise, -ENOMEM when
 * the tables run out, -EINVAL past the map's reach. */
int arch_mmu_map(uint64_t base, uint64_t size, bool device);
/*
 * Start a CPU parked in a spin table (the arm64 boot protocol's
 * "spin-table" enable-method): it enters vigil as pCPU @id once the entry
 * is written to @release_addr, where it polls with its caches and MMU off.
 */
void arch_cpu_spin_release(uint64_t release_addr, unsigned int id);
/* Make per-CPU block @id the calling CPU's (this_cpu()). */
void arch_cpu_set_percpu(unsigned int id);
/* The architecture's name for the level vigil runs at, for the boot
 * banner: "EL2" (ARMv8-A), "HYP" (ARMv7-A's Hyp mode). */
const char *arch_priv_level_name(void);

/*
 * Call @fn(@a0..@a3) so that whatever it does to floating-point/SIMD
 * registers is undone after (the C library's formatting uses them on
 * AArch64, and they hold a guest's state while vigil runs).
 */
long arch_call_fp_safe(long (*fn)(), long a0, long a1, long a2, long a3);

#endif
