/* SPDX-License-Identifier: MIT */
/*
 * A guest exit as the portable core sees it: what kind of exit (a trap, a
 * physical interrupt, an SError) and, for a trap, its class and decoded
 * fields. arch/ reads and decodes the syndrome (both ARM profiles share
 * its layout, so arch/arm/trap.c decodes both); core/trap.c handles the
 * trap. The fields are the syndrome's, named
 * as the ARM ARM names them, because every profile vigil has is ARM.
 */
#ifndef VIGIL_TRAP_H
#define VIGIL_TRAP_H

#include "compiler.h"
#include "mmio.h"

struct vcpu;

/* What ended a guest run (arch_guest_enter()). */
enum exit_kind {
	EXIT_TRAP,   /* a synchronous exception taken to the hypervisor */
	EXIT_IRQ,    /* a physical IRQ */
	EXIT_FIQ,    /* a physical FIQ (vigil uses none) */
	EXIT_SERROR, /* an asynchronous abort from the guest's access */
};

enum trap_class {
	TRAP_UNKNOWN, /* EC 0 or any class vigil does not handle */
	TRAP_WFX,     /* WFI / WFE */
	TRAP_HVC,     /* HVC, AArch64 or AArch32 */
	TRAP_SMC,     /* SMC, AArch64 or AArch32 */
	TRAP_SYSREG,  /* MSR / MRS / SYS, AArch64 */
	TRAP_CP15,    /* MCR / MRC p15, AArch32 */
	TRAP_CP15_64, /* MCRR / MRRC p15, AArch32 */
	TRAP_DABT,    /* data abort (stage 2 or the hypervisor's own) */
	TRAP_IABT,    /* instruction abort */
};

/* The register number a syndrome gives for the zero register (AArch64
 * XZR): vcpu_get_reg() reads it as 0, vcpu_set_reg() discards it. */
#define TRAP_REG_ZERO 31

/*
 * Aligned to 16 so that trap_decode() clears it with five inline STP XZR: at
 * its natural 4-byte alignment, under -mstrict-align, GCC called picolibc's
 * byte-wise memset, 364 of the 1,484 instructions of a null hypercall.
 */
struct trap_info {
	enum trap_class cls;
	uint32_t ec;
	uint32_t iss;
	bool il;      /* 32-bit instruction (A64, A32, T32 wide) */
	bool same_el; /* aborts: taken from the hypervisor, not a guest */
	/* TRAP_DABT (size, reg, sign_extend, sf only when isv) */
	bool isv, write, sign_extend, sf, ar, ea, cm, fnv;
	unsigned int size; /* bytes: 1, 2, 4, 8 */
	unsigned int reg;  /* SRT: 0..30, or TRAP_REG_ZERO */
	uint32_t fsc;	   /* DFSC / IFSC, also for TRAP_IABT */
	bool s1ptw;	   /* fault on a stage-1 walk, also for TRAP_IABT */
	/* TRAP_SYSREG (op0..op2, crn, crm, rt, read), TRAP_CP15 (op1, crn,
	 * crm, op2, rt, read), TRAP_CP15_64 (op1, crm, rt, rt2, read) */
	unsigned int op0, op1, crn, crm, op2, rt, rt2;
	bool read; /* MRS / MRC / MRRC */
	/* TRAP_WFX */
	bool wfe;
	/* An AArch32 conditional instruction that failed its condition
	 * check (trapped all the same): it is skipped, nothing more. */
	bool cond_failed;
	/* TRAP_HVC, TRAP_SMC (AArch64 SMC and both HVCs; 0 for SMC32) */
	uint16_t imm16;
} __attribute__((aligned(16)));

/*
 * What the per-exit profile counts an exit as (core/run.c): a trap by its
 * class (the values of enum trap_class, so no table lies between), then
 * the other exit kinds.
 */
#define EXIT_CLASS_IRQ (TRAP_IABT + 1)
#define EXIT_CLASS_SERROR (TRAP_IABT + 2) /* and FIQ */
#define NR_EXIT_CLASSES (TRAP_IABT + 3)

/* Each vCPU's exits by class, and the counter ticks from each exit to the
 * vCPU's next entry (all the hypervisor's work for it). */
struct exit_profile {
	struct exit_class_stats {
		uint64_t count, ticks;
	} cls[NR_EXIT_CLASSES];
};

/* Print @v's profile (one line); all its exits. */
void exit_profile_print(struct vcpu *v);
/* Every vCPU's, on demand (the console key, core/vuart.c); the counters of
 * running vCPUs are read as they go. */
void exit_profile_print_all(void);
uint64_t exit_profile_total(const struct vcpu *v);

/*
 * Handle the trap that ended @v's last run (core/trap.c). With
 * @lrs_loaded the vCPU's list registers are still in this pCPU's GICH and
 * IRQs are masked (the run loop's fast re-entry): only what reads and
 * changes no vGIC or scheduler state of @v is done (a constant hypercall,
 * an MMIO access its region may serve then); false, with nothing done,
 * for anything else. Without it every trap is handled: true.
 */
bool hvcall_handle(struct vcpu *v, bool lrs_loaded); /* include/hvcall.h */
/* A data abort: the MMIO access emulated, or an abort injected. */
bool trap_dabt(struct vcpu *v, bool lrs_loaded);
/* The other classes, which only the full exit handles. */
void trap_handle_synced(struct vcpu *v);

/* Inline in the run loop, which calls it on every trap (core/trap.c has
 * the bodies). */
static inline bool trap_handle(struct vcpu *v, enum trap_class cls,
			       bool lrs_loaded)
{
	switch (cls) {
	case TRAP_HVC:
		/* The return address is already past the HVC. */
		return hvcall_handle(v, lrs_loaded);
	case TRAP_DABT:
		return trap_dabt(v, lrs_loaded);
	default:
		if (lrs_loaded)
			return false;
		trap_handle_synced(v);
		return true;
	}
}

/*
 * Emulate the guest load or store that a stage-2 data abort at @ipa
 * describes, on @v's MMIO bus: a store sends register ti->reg truncated to
 * the access size, a load writes the value back into it, extended as the
 * syndrome says. Only a TRAP_DABT whose syndrome is valid (ISV) and that
 * was not taken on a stage-1 table walk reaches the bus; anything else is
 * MMIO_FAULT. On any result but MMIO_HANDLED the registers are unchanged.
 * @lrs_loaded as for trap_handle() (MMIO_RETRY: take the full exit).
 */
enum mmio_result trap_emulate_mmio(struct vcpu *v, const struct trap_info *ti,
				   uint64_t ipa, bool lrs_loaded);

/*
 * The value an emulated MMIO load writes back into the guest's register:
 * @raw truncated to @size bytes, sign-extended if @sign_extend (ISS.SSE),
 * to 64 bits if @sf (ISS.SF: X register) or 32 bits if not (W register,
 * and every AArch32 register), the upper 32 bits then being zero.
 */
uint64_t mmio_load_extend(uint64_t raw, unsigned int size, bool sign_extend,
			  bool sf);

/* The value an emulated MMIO store writes: @reg truncated to @size bytes. */
uint64_t mmio_store_value(uint64_t reg, unsigned int size);

#endif
