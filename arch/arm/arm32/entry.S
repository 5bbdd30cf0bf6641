/* SPDX-License-Identifier: MIT */
/*
 * The HYP vector table (HVBAR, ARM ARM B1.8.1) and the guest world switch.
 *
 * arch_guest_enter(arch) saves vigil's callee-saved registers on the HYP
 * stack, loads every PL1 mode's banked SP, LR and SPSR, r8-r12_fiq, User
 * SP and LR, ELR_hyp and SPSR_hyp from @arch's register file (its first
 * member, struct vcpu_regs), then r0-r12, and ERETs. A trap from the
 * guest enters at the Hyp Trap vector, a physical IRQ (HCR.IMO) at the
 * IRQ one: both store the guest's registers back into this pCPU's
 * pcpu->guest_regs, pop vigil's registers and return from
 * arch_guest_enter() with an exit code (enum exit_kind). SP_hyp is
 * untouched while the guest runs, so the frame is still there; LR in HYP
 * mode is LR_usr, which is why it is on that frame and not in a register.
 * SPSR_hyp is reached as the current mode's SPSR: its banked form (MSR
 * SPSR_hyp) is UNPREDICTABLE in HYP mode itself, and QEMU undefines it;
 * ELR_hyp has no other form.
 */
#include "asm/entry.h"
#include "asm/vcpu.h"

	.arch_extension virt
	.text
	.arm

	.globl arch_guest_enter
arch_guest_enter:
	push	{r4-r12, lr}
	mrc	p15, 4, r1, c13, c0, 2		/* HTPIDR: this pcpu */
	str	r0, [r1, #PCPU_GUEST_REGS_A32]
	add	r12, r0, #VCPU_REGS_BANKED
	ldm	r12!, {r2-r4}
	msr	SP_svc, r2
	msr	LR_svc, r3
	msr	SPSR_svc, r4
	ldm	r12!, {r2-r4}
	msr	SP_abt, r2
	msr	LR_abt, r3
	msr	SPSR_abt, r4
	ldm	r12!, {r2-r4}
	msr	SP_und, r2
	msr	LR_und, r3
	msr	SPSR_und, r4
	ldm	r12!, {r2-r4}
	msr	SP_irq, r2
	msr	LR_irq, r3
	msr	SPSR_irq, r4
	ldm	r12!, {r2-r4}
	msr	SP_fiq, r2
	msr	LR_fiq, r3
	msr	SPSR_fiq, r4
	ldm	r12, {r2-r6}
	msr	r8_fiq, r2
	msr	r9_fiq, r3
	msr	r10_fiq, r4
	msr	r11_fiq, r5
	msr	r12_fiq, r6
	ldr	r2, [r0, #VCPU_REGS_SP_USR]
	msr	SP_usr, r2
	ldr	lr, [r0, #VCPU_REGS_SP_USR + 4]	/* LR_usr */
	ldr	r2, [r0, #VCPU_REGS_PC]
	msr	ELR_hyp, r2
	ldr	r2, [r0, #VCPU_REGS_CPSR]
	msr	spsr_cxsf, r2
	ldm	r0, {r0-r12}
	eret

/* r1 = exit code; the guest's r0 and r1 are on the HYP stack. */
guest_exit_common:
	mrc	p15, 4, r0, c13, c0, 2
	ldr	r0, [r0, #PCPU_GUEST_REGS_A32]
	add	r0, r0, #8
	stm	r0, {r2-r12}
	sub	r0, r0, #8
	pop	{r2, r3}
	stm	r0, {r2, r3}
	mrs	r2, SP_usr
	str	r2, [r0, #VCPU_REGS_SP_USR]
	str	lr, [r0, #VCPU_REGS_SP_USR + 4]
	mrs	r2, ELR_hyp
	str	r2, [r0, #VCPU_REGS_PC]
	mrs	r2, spsr
	str	r2, [r0, #VCPU_REGS_CPSR]
	add	r12, r0, #VCPU_REGS_BANKED
	mrs	r2, SP_svc
	mrs	r3, LR_svc
	mrs	r4, SPSR_svc
	stm	r12!, {r2-r4}
	mrs	r2, SP_abt
	mrs	r3, LR_abt
	mrs	r4, SPSR_abt
	stm	r12!, {r2-r4}
	mrs	r2, SP_und
	mrs	r3, LR_und
	mrs	r4, SPSR_und
	stm	r12!, {r2-r4}
	mrs	r2, SP_irq
	mrs	r3, LR_irq
	mrs	r4, SPSR_irq
	stm	r12!, {r2-r4}
	mrs	r2, SP_fiq
	mrs	r3, LR_fiq
	mrs	r4, SPSR_fiq
	stm	r12!, {r2-r4}
	mrs	r2, r8_fiq
	mrs	r3, r9_fiq
	mrs	r4, r10_fiq
	mrs	r5, r11_fiq
	mrs	r6, r12_fiq
	stm	r12, {r2-r6}
	mov	r0, r1
	pop	{r4-r12, pc}

/*
 * An exception taken in HYP mode itself: save r0-r12, LR, ELR_hyp and
 * SPSR_hyp (struct hyp_frame), let C handle it (an IRQ) or report it, and
 * return. The frame keeps SP 8-byte aligned for the C call.
 */
.macro hyp_self kind
	sub	sp, sp, #8
	push	{r0-r12, lr}
	mrs	r0, ELR_hyp
	mrs	r1, spsr
	add	r2, sp, #56
	stm	r2, {r0, r1}
	mov	r0, #\kind
	mov	r1, sp
	bl	hyp_trap
	add	r2, sp, #56
	ldm	r2, {r0, r1}
	msr	ELR_hyp, r0
	msr	spsr_cxsf, r1
	pop	{r0-r12, lr}
	add	sp, sp, #8
	eret
.endm

hyp_undef:
	hyp_self HYP_TRAP_UNDEF
hyp_svc:
	hyp_self HYP_TRAP_SVC
hyp_pabt:
	hyp_self HYP_TRAP_PABT
hyp_dabt:
	hyp_self HYP_TRAP_DABT
hyp_bad:
	hyp_self HYP_TRAP_BAD
hyp_irq_self:
	hyp_self HYP_TRAP_IRQ

/* Every synchronous exception from the guest: HVC, trapped instructions,
 * stage-2 aborts (HSR says which). */
guest_trap:
	push	{r0, r1}
	mov	r1, #GUEST_EXIT_SYNC
	b	guest_exit_common

/* IRQ: the guest's if SPSR_hyp's mode is not HYP. */
hyp_irq:
	push	{r0, r1}
	mrs	r0, spsr
	and	r0, r0, #0x1f
	cmp	r0, #0x1a
	beq	1f
	mov	r1, #GUEST_EXIT_IRQ
	b	guest_exit_common
1:	pop	{r0, r1}
	b	hyp_irq_self

hyp_fiq:
	push	{r0, r1}
	mrs	r0, spsr
	and	r0, r0, #0x1f
	cmp	r0, #0x1a
	beq	1f
	mov	r1, #GUEST_EXIT_FIQ
	b	guest_exit_common
1:	pop	{r0, r1}
	b	hyp_bad

	.balign	32
	.globl hyp_vectors
hyp_vectors:
	b	hyp_bad			/* 0x00: reset, unused */
	b	hyp_undef		/* 0x04: undefined, in HYP */
	b	hyp_svc			/* 0x08: SVC or HVC, in HYP */
	b	hyp_pabt		/* 0x0c: prefetch abort, in HYP */
	b	hyp_dabt		/* 0x10: data abort, in HYP */
	b	guest_trap		/* 0x14: Hyp Trap, from the guest */
	b	hyp_irq			/* 0x18 */
	b	hyp_fiq			/* 0x1c */
