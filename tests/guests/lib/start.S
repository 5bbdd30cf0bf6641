/* SPDX-License-Identifier: MIT */
/*
 * Guest entry points and EL1 exception vectors.
 *
 * Boot vCPU: entered at _start (the image's first byte) at EL1h, MMU off,
 * x0 = IPA of the guest DTB. Secondary vCPUs: entered at
 * guest_secondary_start by PSCI CPU_ON with x0 = context id = vCPU index.
 * TPIDR_EL1 holds the vCPU index for this_vcpu().
 */
#include "guest.h"

#ifdef __arm__
/*
 * A32 (arm32 vigil): an ARM zImage header instead (eight no-ops, a branch,
 * magic 0x016f2818 at 0x24, start and end at 0x28/0x2c; the end covers
 * .bss and the stacks, what vigil's reset copy must keep). Entered in SVC
 * mode with the MMU off at its first byte: the no-ops run into the branch.
 * Boot vCPU: the Linux boot protocol's r0 = 0, r1 = ~0 (no machine type),
 * r2 = the guest DTB's IPA (r0 and r1 kept in guest_boot_regs for the
 * hello guest to check); secondaries: r0 = the context id = vCPU index. TPIDRPRW
 * holds the vCPU index for this_vcpu().
 *
 * Natively (tools/run-qemu.sh --native) QEMU loads a zImage at RAM base +
 * 0x10000 (0x40010000 on virt), not where the guest is linked (0x50000000,
 * vigil's layout): the entry copies the loaded part of the image (up to
 * .bss) to its link address and continues there, as Linux's zImage
 * relocates itself. Under vigil the image runs where it is linked and
 * nothing is copied. The copy runs position-independent (adr, literals).
 * Exceptions are handled on the SVC stack: each vector saves its return
 * state there (SRS) and switches to SVC mode, so no other mode needs a
 * stack.
 */
	.arm
	.section .text.boot, "ax"
	.global _start
_start:
	.rept	8
	mov	r0, r0
	.endr
	b	guest_entry			/* 0x20 */
	.word	0x016f2818			/* 0x24: magic */
	.word	0				/* 0x28: start */
	.word	__image_size			/* 0x2c: end, .bss included */
	.word	0x04030201			/* 0x30: little endian */

guest_entry:
	cpsid	aif
	mov	r4, r2			/* DTB, kept across the copy and .bss */
	mov	r5, r0			/* r0 and r1 of the boot protocol */
	mov	r6, r1
	adr	r0, _start		/* where we run */
	ldr	r1, =_start		/* where we are linked */
	cmp	r0, r1
	beq	2f
	ldr	r2, =__bss_start	/* end of the loaded part, 16-aligned */
	sub	r2, r2, r1
1:	ldr	r3, [r0], #4
	str	r3, [r1], #4
	subs	r2, r2, #4
	bne	1b
	dsb	sy
	mov	r0, #0
	mcr	p15, 0, r0, c7, c5, 0	/* ICIALLU: no stale code at the copy */
	mcr	p15, 0, r0, c7, c5, 6	/* BPIALL */
	dsb	sy
	isb
	ldr	pc, =2f			/* on at the link address */
2:	ldr	r1, =guest_vectors
	mcr	p15, 0, r1, c12, c0, 0	/* VBAR */
	mov	r1, #0
	mcr	p15, 0, r1, c13, c0, 4	/* TPIDRPRW */
	mrc	p15, 0, r1, c1, c0, 0	/* SCTLR: low vectors at VBAR */
	bic	r1, r1, #(1 << 13)
	mcr	p15, 0, r1, c1, c0, 0
	isb
	ldr	sp, =__stacks_start + GUEST_STACK_SIZE
	mov	fp, #0
	mov	lr, #0

	/* Only the boot vCPU zeroes .bss: secondaries start after it. */
	ldr	r1, =__bss_start
	ldr	r2, =__bss_end
	mov	r3, #0
1:	cmp	r1, r2
	strlo	r3, [r1], #4
	blo	1b
	dsb	sy
	ldr	r1, =guest_boot_regs
	str	r5, [r1]
	str	r6, [r1, #4]

	mov	r0, r4			/* guest_boot_main(uint64_t dtb) */
	mov	r1, #0
	bl	guest_boot_main
	b	guest_halt

	.text
	.global guest_secondary_start
guest_secondary_start:
	cpsid	aif
	cmp	r0, #GUEST_MAX_VCPUS
	bhs	guest_halt
	ldr	r1, =guest_vectors
	mcr	p15, 0, r1, c12, c0, 0
	mcr	p15, 0, r0, c13, c0, 4
	isb
	ldr	r1, =__stacks_start
	mov	r2, #GUEST_STACK_SIZE
	mla	r3, r0, r2, r2		/* (idx + 1) * GUEST_STACK_SIZE */
	add	sp, r1, r3
	mov	fp, #0
	mov	lr, #0
	bl	guest_secondary_main
	b	guest_halt

	.global guest_halt
	.type	guest_halt, %function
guest_halt:
	cpsid	aif
1:	wfe
	b	1b

/*
 * Each vector: LR minus the mode's offset is the preferred return address
 * (the faulting instruction for an abort or undef, the interrupted one
 * for an IRQ; ARM ARM B1.8.3); SRS pushes it with the SPSR onto the SVC
 * stack. A second SRS pushes the CPSR the exception was taken with (its
 * mode and masks, parked in LR_<mode>) the same way: SRS is the one store
 * that reaches the SVC stack from another mode, and the banked MRS that
 * could read LR_<mode> from SVC needs the Virtualization Extensions, which
 * a native run without EL2 lacks (QEMU makes it UNDEFINED there). Then
 * r0-r12, SVC's LR and the vector offset follow: a struct exc_frame, and
 * guest_exception(frame, type) runs. RFE returns to frame->elr with
 * frame->spsr.
 */
.macro ventry off, lroff, type, mode
	sub	lr, lr, #\lroff
	srsdb	sp!, #0x13		/* elr, spsr */
	.ifnc	\mode, svc
	mrs	lr, cpsr
	.endif
	srsdb	sp!, #0x13		/* cpsr (LR_<mode>), pad */
	cps	#0x13
	push	{r0-r12, lr}
	.ifc	\mode, svc
	mrs	r0, cpsr
	str	r0, [sp, #56]		/* cpsr: SVC's own */
	.endif
	mov	r1, #\off
	push	{r0, r1}		/* pad, vec */
	mov	r0, sp
	mov	r1, #\type
	bl	guest_exception
	add	sp, sp, #8
	pop	{r0-r12, lr}
	add	sp, sp, #8		/* cpsr, pad */
	rfeia	sp!
.endm

vec_undef:
	ventry	0x04, 4, EXC_SYNC_SPX, und
vec_svc:
	ventry	0x08, 0, EXC_SYNC_LOWER, svc
vec_pabt:
	ventry	0x0c, 4, EXC_SYNC_SPX, abt
vec_dabt:
	ventry	0x10, 8, EXC_SYNC_SPX, abt
vec_irq:
	ventry	0x18, 4, EXC_IRQ_SPX, irq
vec_fiq:
	ventry	0x1c, 4, EXC_FIQ_SPX, fiq
	.ltorg

	.balign	32
	.global	guest_vectors
guest_vectors:
	b	guest_halt		/* reset */
	b	vec_undef
	b	vec_svc
	b	vec_pabt
	b	vec_dabt
	b	guest_halt		/* unused */
	b	vec_irq
	b	vec_fiq

#else /* AArch64 */

/*
 * An arm64 Linux Image header (Documentation/arm64/booting.rst), so the same
 * binary also boots natively with QEMU `-kernel` (tools/run-qemu.sh
 * --native): QEMU then loads it at RAM base + text_offset (0x50000000 on
 * virt) and enters it at EL1 with x0 = DTB. Under vigil the image is loaded
 * raw at GUEST_LOAD_ADDR and entered at its first byte: the branch.
 */
	.section .text.boot, "ax"
	.global _start
_start:
	b	guest_entry			/* code0 */
	.long	0				/* code1 */
	.quad	__image_text_offset		/* from RAM base (guest.lds) */
	.quad	__image_size			/* image_size, .bss included */
	.quad	0				/* flags: LE, 4K, 2 MiB base */
	.quad	0, 0, 0				/* res2..res4 */
	.ascii	"ARM\x64"			/* magic */
	.long	0				/* res5 */

guest_entry:
	msr	daifset, #0xf
	mov	x19, x0			/* DTB, kept across .bss zeroing */
	msr	spsel, #1
	adrp	x1, guest_vectors
	add	x1, x1, :lo12:guest_vectors
	msr	vbar_el1, x1
	msr	tpidr_el1, xzr
	isb
	adrp	x1, __stacks_start
	add	x1, x1, :lo12:__stacks_start
	mov	x2, #GUEST_STACK_SIZE
	add	sp, x1, x2
	mov	x29, xzr
	mov	x30, xzr

	/* Only the boot vCPU zeroes .bss: secondaries start after it. */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	dsb	sy

	mov	x0, x19
	bl	guest_boot_main
	b	guest_halt

	.text
	.global guest_secondary_start
guest_secondary_start:
	msr	daifset, #0xf
	msr	spsel, #1
	cmp	x0, #GUEST_MAX_VCPUS
	b.hs	guest_halt
	adrp	x1, guest_vectors
	add	x1, x1, :lo12:guest_vectors
	msr	vbar_el1, x1
	msr	tpidr_el1, x0
	isb
	adrp	x1, __stacks_start
	add	x1, x1, :lo12:__stacks_start
	mov	x2, #GUEST_STACK_SIZE
	madd	x2, x0, x2, x2		/* (idx + 1) * GUEST_STACK_SIZE */
	add	sp, x1, x2
	mov	x29, xzr
	mov	x30, xzr
	bl	guest_secondary_main
	b	guest_halt

	.global guest_halt
	.type	guest_halt, %function
guest_halt:
	msr	daifset, #0xf
1:	wfe
	b	1b

/*
 * Exception vectors: every entry saves x0..x30, ELR_EL1 and SPSR_EL1 in a
 * struct exc_frame on the current stack and calls
 * guest_exception(frame, type) with type = entry offset / 0x80. The handler
 * may change frame->elr (e.g. to skip a faulting instruction).
 */
#define FRAME_SIZE (34 * 8)

.macro ventry type
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x1, #\type
	b	exc_common
.endm

	.balign	0x800
	.global	guest_vectors
guest_vectors:
	ventry	0	/* current EL, SP_EL0: sync */
	ventry	1	/* IRQ */
	ventry	2	/* FIQ */
	ventry	3	/* SError */
	ventry	4	/* current EL, SP_ELx: sync */
	ventry	5	/* IRQ */
	ventry	6	/* FIQ */
	ventry	7	/* SError */
	ventry	8	/* lower EL, AArch64 */
	ventry	9
	ventry	10
	ventry	11
	ventry	12	/* lower EL, AArch32 */
	ventry	13
	ventry	14
	ventry	15

exc_common:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x2, elr_el1
	stp	x30, x2, [sp, #240]
	mrs	x2, spsr_el1
	str	x2, [sp, #256]
	mov	x0, sp
	bl	guest_exception
	ldp	x30, x2, [sp, #240]
	msr	elr_el1, x2
	ldr	x2, [sp, #256]
	msr	spsr_el1, x2
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	add	sp, sp, #FRAME_SIZE
	eret

#endif

	/* One stack per vCPU index; not zeroed, not part of the image. */
	.section .stacks, "aw", %nobits
	.balign	16
	.global	__stacks_start
__stacks_start:
	.space	GUEST_MAX_VCPUS * GUEST_STACK_SIZE
	.global	__stacks_end
__stacks_end:
