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

	/* One stack per vCPU index; not zeroed, not part of the image. */
	.section .stacks, "aw", %nobits
	.balign	16
	.global	__stacks_start
__stacks_start:
	.space	GUEST_MAX_VCPUS * GUEST_STACK_SIZE
	.global	__stacks_end
__stacks_end:
