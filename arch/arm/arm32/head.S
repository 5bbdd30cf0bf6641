/* SPDX-License-Identifier: MIT */
/*
 * vigil's entry in HYP mode. The image starts with an ARM zImage header
 * (Linux arch/arm/boot/compressed/head.S: eight no-ops, a branch, the
 * magic 0x016f2818 at 0x24, start and end at 0x28/0x2c), so QEMU -kernel
 * and U-Boot's bootz load it like a kernel and enter it with r0 = 0,
 * r1 = machine type, r2 = physical address of the DTB, in HYP mode when
 * the CPU has the Virtualization Extensions and the firmware stays out of
 * the way.
 */
#include "asm/entry.h"

#define STACK_SIZE 16384
/* HSCTLR with the MMU, caches and alignment checks off, little-endian,
 * exceptions in A32 state: its RES1 bits only (B4.1.66). */
#define HSCTLR_OFF 0x30c50818

	.arch_extension virt
	.section .text.head, "ax"
	.arm
	.globl _start
_start:
	.rept	8
	mov	r0, r0
	.endr
	b	primary_entry		/* 0x20 */
	.word	0x016f2818		/* 0x24: zImage magic */
	.word	0			/* 0x28: start, relative to the load */
	.word	__file_size		/* 0x2c: end: the bytes loaded */
	.word	0x04030201		/* 0x30: little endian */

primary_entry:
	cpsid	aif
	mov	r6, r2			/* DTB */
	ldr	sp, =__stacks_start + STACK_SIZE
	mrs	r0, cpsr
	and	r1, r0, #0x1f
	cmp	r1, #0x1a		/* HYP */
	bne	wrong_mode
	ldr	r1, =HSCTLR_OFF
	mcr	p15, 4, r1, c1, c0, 0
	isb

	/* Zero .bss with the MMU off: aligned word stores only. */
	ldr	r0, =__bss_start
	ldr	r1, =__bss_end
	mov	r2, #0
1:	cmp	r0, r1
	strlo	r2, [r0], #4
	blo	1b

	ldr	r0, =hyp_vectors
	mcr	p15, 4, r0, c12, c0, 0	/* HVBAR */
	isb
	mov	r0, r6			/* boot_primary(uint64_t dtb_pa) */
	mov	r1, #0
	bl	boot_primary
	b	halt

/* Entered in a mode other than HYP: vigil cannot run, and before the DTB
 * is read it knows no UART to say so on (as arm64's wrong_el). */
wrong_mode:
	b	halt

/*
 * A CPU released from a spin table (arch_cpu_spin_release()) enters here,
 * in HYP mode with its MMU off and nothing useful in its registers: its
 * logical index is the word the boot CPU cleaned to memory for it.
 */
	.text
	.globl spin_table_entry
spin_table_entry:
	ldr	r0, =spin_table_id
	ldr	r0, [r0]
	b	secondary_entry

/*
 * Secondary CPUs enter here from PSCI CPU_ON (in HYP mode, MMU off) with
 * r0 = their logical CPU index (the context id vigil passed).
 */
	.globl secondary_entry
secondary_entry:
	cpsid	aif
	ldr	r1, =HSCTLR_OFF
	mcr	p15, 4, r1, c1, c0, 0
	isb
	ldr	r1, =__stacks_start + STACK_SIZE
	mov	r2, #STACK_SIZE
	mla	sp, r0, r2, r1
	ldr	r1, =hyp_vectors
	mcr	p15, 4, r1, c12, c0, 0
	isb
	mov	r1, #0			/* boot_secondary(uint64_t id) */
	bl	boot_secondary
halt:
	wfe
	b	halt
	.ltorg
