/* SPDX-License-Identifier: MIT */
/*
 * The bare-metal guest library: start-up (start.S, with an arm64 Image
 * header so QEMU -kernel also boots a guest natively), console output
 * through vigil's hypercall or natively the PL011 (console.c), a small
 * printf, PSCI calls, exception capture, a bakery lock, a read-only FDT
 * walker with /chosen/bootargs parameters (fdt.c). GICv2, IRQ dispatch and
 * generic timers: guest_gic.h; a virtio-mmio driver core: guest_virtio.h.
 *
 * Guests run at EL1 with the MMU off, so every data access is
 * Device-nGnRnE: no unaligned accesses (-mstrict-align) and no exclusives.
 * vCPUs share state through plain volatile stores, one slot per vCPU.
 */
#ifndef GUEST_H
#define GUEST_H

/* Per-vCPU stacks live in .stacks, one GUEST_STACK_SIZE slot per index. */
#define GUEST_MAX_VCPUS 8
#define GUEST_STACK_SIZE 0x4000

/* Exception types passed to guest_exception(): VBAR_EL1 offset / 0x80. */
#define EXC_SYNC_SP0 0
#define EXC_SYNC_SPX 4
#define EXC_IRQ_SPX 5
#define EXC_FIQ_SPX 6
#define EXC_SERROR_SPX 7
#define EXC_SYNC_LOWER 8 /* from EL0 (AArch64); A32: an SVC */

#ifndef __ASSEMBLY__

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hypercall.h"

#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __noreturn __attribute__((noreturn))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* A 64-bit value for %llu/%llx: uint64_t is unsigned long on AArch64,
 * unsigned long long in A32, and printf wants one spelling. */
#define ULL(x) ((unsigned long long)(x))

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#ifdef __arm__
/*
 * A32 (arm32 vigil's guests, in SVC mode): the AArch64 register names the
 * library and tests use, read and written through their CP15 (or CPSR)
 * equivalents: read_sysreg(mpidr_el1) is MRC p15 MPIDR, esr_el1 and
 * far_el1 are the data abort's DFSR and DFAR, tpidr_el1 is TPIDRPRW,
 * daif is CPSR.
 */
#define A32_CP32(name, op1, crn, crm, op2)                                    \
	static inline unsigned long a32_read_##name(void)                     \
	{                                                                     \
		unsigned long v;                                              \
		__asm__ __volatile__("mrc p15, " #op1 ", %0, " #crn ", " #crm \
				     ", " #op2                                \
				     : "=r"(v));                              \
		return v;                                                     \
	}                                                                     \
	static inline void a32_write_##name(unsigned long v)                  \
	{                                                                     \
		__asm__ __volatile__("mcr p15, " #op1 ", %0, " #crn ", " #crm \
				     ", " #op2 ::"r"(v)                       \
				     : "memory");                             \
	}
A32_CP32(mpidr_el1, 0, c0, c0, 5)
A32_CP32(sctlr_el1, 0, c1, c0, 0)
A32_CP32(esr_el1, 0, c5, c0, 0)
A32_CP32(ifsr, 0, c5, c0, 1)
A32_CP32(far_el1, 0, c6, c0, 0)
A32_CP32(ifar, 0, c6, c0, 2)
A32_CP32(vbar_el1, 0, c12, c0, 0)
A32_CP32(tpidr_el1, 0, c13, c0, 4)
A32_CP32(cntfrq_el0, 0, c14, c0, 0)
A32_CP32(cntv_ctl_el0, 0, c14, c3, 1)
A32_CP32(cntp_ctl_el0, 0, c14, c2, 1)
static inline uint64_t a32_read_cntvct_el0(void)
{
	uint64_t v;

	__asm__ __volatile__("mrrc p15, 1, %Q0, %R0, c14" : "=r"(v));
	return v;
}
static inline uint64_t a32_read_cntpct_el0(void)
{
	uint64_t v;

	__asm__ __volatile__("mrrc p15, 0, %Q0, %R0, c14" : "=r"(v));
	return v;
}
static inline uint64_t a32_read_cntp_cval_el0(void)
{
	uint64_t v;

	__asm__ __volatile__("mrrc p15, 2, %Q0, %R0, c14" : "=r"(v));
	return v;
}
static inline void a32_write_cntp_cval_el0(uint64_t v)
{
	__asm__ __volatile__("mcrr p15, 2, %Q0, %R0, c14" ::"r"(v) : "memory");
}
static inline uint64_t a32_read_cntv_cval_el0(void)
{
	uint64_t v;

	__asm__ __volatile__("mrrc p15, 3, %Q0, %R0, c14" : "=r"(v));
	return v;
}
static inline void a32_write_cntv_cval_el0(uint64_t v)
{
	__asm__ __volatile__("mcrr p15, 3, %Q0, %R0, c14" ::"r"(v) : "memory");
}
static inline unsigned long a32_read_daif(void)
{
	unsigned long v;

	__asm__ __volatile__("mrs %0, cpsr" : "=r"(v));
	return v;
}
#define read_sysreg(r) a32_read_##r()
#define write_sysreg(v, r) a32_write_##r(v)
#else
#define read_sysreg(r)                                           \
	({                                                       \
		uint64_t __v;                                    \
		__asm__ __volatile__("mrs %0, " #r : "=r"(__v)); \
		__v;                                             \
	})
#define write_sysreg(v, r) \
	__asm__ __volatile__("msr " #r ", %0" ::"r"((uint64_t)(v)) : "memory")
#endif

#define dsb_sy() __asm__ __volatile__("dsb sy" ::: "memory")
#define dmb_sy() __asm__ __volatile__("dmb sy" ::: "memory")
#define isb() __asm__ __volatile__("isb" ::: "memory")
#define cpu_relax() __asm__ __volatile__("yield" ::: "memory")

#ifdef __arm__
/* Saved by the A32 vectors (start.S): the vector offset, r0-r12, SVC's
 * LR, the CPSR the exception was taken with, then what SRS stored (the
 * return address and SPSR). */
struct exc_frame {
	unsigned long pad0;
	unsigned long
		vec; /* 0x04 undef, 0x0c prefetch abort, 0x10 data abort */
	unsigned long x[14];
	unsigned long cpsr; /* on exception entry: its mode and masks */
	unsigned long pad1;
	unsigned long elr;
	unsigned long spsr;
};
#define EXC_FRAME_LR(f) ((f)->x[13])
#else
/* Saved by the exception vectors (start.S); the layout is fixed there. */
struct exc_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};
#define EXC_FRAME_LR(f) ((f)->x[30])
#endif

/* What one synchronous exception looked like (unsigned long: the
 * registers' width, 64 bits on AArch64). */
struct fault {
	unsigned long esr;
	unsigned long far;
	unsigned long elr;
	unsigned long spsr; /* the interrupted state (SPSR_EL1 / SPSR) */
	/* A32: the CPSR on exception entry (the mode it was taken to, its
	 * masks), and the vector offset; 0 on AArch64. */
	unsigned long cpsr, vec;
	/* EXC_SYNC_SPX, or EXC_SYNC_SP0 when taken at EL1t */
	unsigned int type;
};

/* ESR_ELx fields used by tests (ARM ARM D17.2.37). */
#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_IL (1UL << 25)
#define ESR_EC_DABT_CUR 0x25
#define ESR_DABT_WNR (1UL << 6)
#define ESR_DABT_DFSC(esr) ((esr)&0x3f)
#define DFSC_SYNC_EXT_ABORT 0x10

/* ---- PSTATE.I ---- */

#ifdef __arm__
/* Masks IRQs; returns the CPSR to give back to irq_restore(). */
static inline uint64_t irq_save(void)
{
	uint32_t cpsr = a32_read_daif();

	__asm__ __volatile__("cpsid i" ::: "memory");
	return cpsr;
}
static inline void irq_restore(uint64_t cpsr)
{
	if (cpsr & (1U << 7))
		__asm__ __volatile__("cpsid i" ::: "memory");
	else
		__asm__ __volatile__("cpsie i" ::: "memory");
}
static inline void irq_unmask(void)
{
	__asm__ __volatile__("cpsie i" ::: "memory");
}
static inline void irq_mask(void)
{
	__asm__ __volatile__("cpsid i" ::: "memory");
}
#else
/* Masks IRQs; returns the DAIF bits to give back to irq_restore(). */
static inline uint64_t irq_save(void)
{
	uint64_t daif = read_sysreg(daif);

	__asm__ __volatile__("msr daifset, #2" ::: "memory");
	return daif;
}
static inline void irq_restore(uint64_t daif)
{
	write_sysreg(daif, daif);
}
static inline void irq_unmask(void)
{
	__asm__ __volatile__("msr daifclr, #2" ::: "memory");
}
static inline void irq_mask(void)
{
	__asm__ __volatile__("msr daifset, #2" ::: "memory");
}
#endif
static inline void wfi(void)
{
	__asm__ __volatile__("dsb sy; wfi" ::: "memory");
}

/* ---- provided by the guest program ---- */

/* Runs on vCPU 0 with x0 from entry (the guest DTB IPA). Returning powers
 * the system off. */
int main(uint64_t dtb);

/* ---- start-up and vCPUs ---- */

/* The DTB pointer vCPU 0 was entered with (x0), or 0. */
extern uint64_t guest_dtb;
#ifdef __arm__
/* The boot vCPU's r0 and r1 at entry (Linux boot protocol: 0 and ~0). */
extern uint32_t guest_boot_regs[2];
#endif

/* Index of the calling vCPU (0 = boot vCPU), kept in TPIDR_EL1. */
static inline unsigned int this_vcpu(void)
{
	return (unsigned int)read_sysreg(tpidr_el1);
}

/* MPIDR that vigil gives vCPU @idx: Aff0 = idx. */
static inline unsigned long vcpu_mpidr(unsigned int idx)
{
	return idx;
}

/* PSCI CPU_ON of vCPU @idx; it runs @fn(idx) on its own stack and is turned
 * off by CPU_OFF when @fn returns. Returns the PSCI result. */
int vcpu_start(unsigned int idx, void (*fn)(unsigned int idx));

/* Virtual counter (always readable at EL1) for bounded waits. */
static inline uint64_t counter_read(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

/* Counter value @ms milliseconds from now. */
uint64_t deadline_ms(unsigned int ms);
static inline bool deadline_passed(uint64_t deadline)
{
	return counter_read() >= deadline;
}

/* ---- locking (lock.c) ---- */

/* Lamport's bakery lock: works with plain loads and stores, as the MMU is
 * off (Device memory, no exclusives). Not recursive; a lock also taken in
 * IRQ context must be taken with IRQs masked. */
struct bakery_lock {
	volatile uint32_t choosing[GUEST_MAX_VCPUS];
	volatile uint32_t number[GUEST_MAX_VCPUS];
};
void bakery_lock(struct bakery_lock *l);
void bakery_unlock(struct bakery_lock *l);

/* ---- console ---- */

/* Called once on vCPU 0 before main(): probes VIGIL_HC_VERSION. If the HVC
 * faults (natively QEMU answers a non-PSCI HVC with an UNDEFINED exception)
 * the console falls back to writing the PL011. */
void console_init(void);
/* True when the vigil console hypercall answered, i.e. we run under vigil. */
bool vigil_present(void);

/* One VIGIL_HC_CONSOLE_WRITE: at most VIGIL_CONSOLE_MAX bytes printed as one
 * unit. Returns the hypercall's result. */
long console_write(const char *buf, size_t len);
/* Formats into one buffer and writes it with a single hypercall, so one call
 * with one line is one atomic line on vigil's console. Output longer than
 * VIGIL_CONSOLE_MAX is truncated. Supports %d %i %u %x %X %p %s %c %% with
 * flags '0' and '-', a field width, and the l/ll/z length modifiers. */
int gprintf(const char *fmt, ...) __printf(1, 2);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* ---- hypercalls and PSCI ---- */

/* SMCCC call through HVC #0: function id in x0, arguments in x1..x3. */
long hvc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

uint32_t psci_version(void);
int psci_features(uint32_t fid);
int psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context_id);
int psci_cpu_off(void);
int psci_affinity_info(uint64_t mpidr, unsigned int lowest_level);
__noreturn void psci_system_off(void);
/* "SUCCESS", "INVALID_PARAMETERS", ... for printing PSCI results. */
const char *psci_strerror(int ret);

/* ---- exceptions ---- */

/* Arms fault capture on this vCPU: the next synchronous exception taken
 * at EL1 (SP_EL1 or SP_EL0) is recorded and its instruction skipped
 * (ELR_EL1 += 4) instead of being reported as unexpected. */
void fault_expect(void);
/* Like fault_expect(), for a call (BLR) to code that faults on fetch: the
 * fault is recorded and execution resumes at x30, the return address of
 * the BLR, as if the callee had returned. */
void fault_expect_return(void);
/* Disarms capture. Returns true and fills @f if a fault was taken since
 * fault_expect(). */
bool fault_take(struct fault *f);

/* Called from the vectors for every exception; may edit @frame. */
void guest_exception(struct exc_frame *frame, unsigned int type);
/* Hook for IRQs (weak; the default reports an unexpected exception). */
void guest_irq(struct exc_frame *frame);
/* Hook for synchronous exceptions from EL0, and in A32 for SVC (the way
 * back from USR mode) (weak; the default returns false: unexpected).
 * Returns true if it handled @frame. */
bool guest_lower_el_sync(struct exc_frame *frame);

__noreturn void guest_halt(void);

/* ---- flattened device tree (fdt.c): read-only, no libfdt ---- */

/* Offsets are byte offsets of an FDT_BEGIN_NODE token in the structure
 * block; -1 means none. Every function checks the header first. */
bool fdt_valid(uint64_t fdt);
/* The node at @path ("/", "/chosen", "/intc"); a path component without
 * '@' also matches a node name with a unit address ("intc@8000000"). */
int fdt_path(uint64_t fdt, const char *path);
/* The next node after @after (-1: from the start) whose "compatible" list
 * contains @compat. */
int fdt_next_compatible(uint64_t fdt, int after, const char *compat);
/* Property @name of @node: a pointer to its value and its length. */
const void *fdt_prop(uint64_t fdt, int node, const char *name, int *len);
/* Big-endian cell @i of a property value (4-byte aligned in an FDT). */
uint32_t fdt_cell(const void *prop, unsigned int i);
/* @n cells from cell @i as one number (n = 1 or 2). */
uint64_t fdt_cells(const void *prop, unsigned int i, unsigned int n);
/* The number of /cpus children named cpu@..., or 0. */
unsigned int fdt_nr_cpus(uint64_t fdt);
/* The node @node is a child of, or -1. */
int fdt_parent(uint64_t fdt, int node);
/* Entry @idx of @node's reg translated through every bus's ranges to a
 * CPU (here: intermediate physical) address; 0 if it cannot be. */
uint64_t fdt_reg_addr(uint64_t fdt, int node, unsigned int idx);
/* Reads "@key=<number>" from /chosen/bootargs (decimal or 0x-hex);
 * returns @dflt when the DTB, the property or the key is missing. */
uint64_t bootarg_u64(uint64_t fdt, const char *key, uint64_t dflt);

/* ---- freestanding string functions (GCC may emit calls to these) ---- */
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif /* !__ASSEMBLY__ */
#endif
