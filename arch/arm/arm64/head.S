/* SPDX-License-Identifier: MIT */
/*
 * vigil's entry: an arm64 Image header (Documentation/arm64/booting.rst) so
 * QEMU -kernel, U-Boot booti and the Pi firmware load it like a kernel and
 * jump to it at EL2 with x0 = physical address of the DTB.
 */
#include "percpu.h"

#define STACK_SIZE 16384
#define R_AARCH64_RELATIVE 1027

	.section .text.head, "ax"
	.globl _start
_start:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0x80000			/* text_offset */
	.quad	__image_size		/* image_size, from the linker script */
	/* flags: little endian, 4 KiB pages, anywhere in RAM (bit 3: it
	 * relocates itself, below) */
	.quad	0xa
	.quad	0, 0, 0			/* res2-4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

primary_entry:
	msr	daifset, #0xf
	msr	tpidr_el2, xzr		/* no per-CPU data yet: arch_cpu_id() 0 */
	mov	x19, x0			/* DTB */

	/*
	 * Relocate for where the loader put us, before anything reads an
	 * address from data: every .rela.dyn entry is R_AARCH64_RELATIVE,
	 * *(offset + delta) = addend + delta (ELF for the Arm 64-bit
	 * Architecture, §5.7.13). With the MMU off every access is Device:
	 * the entries and the pointers they patch are 8-byte aligned.
	 */
	adr	x1, _start
	ldr	x2, =VIGIL_LOAD_ADDR
	sub	x1, x1, x2		/* delta */
	adrp	x3, __rela_start
	add	x3, x3, :lo12:__rela_start
	adrp	x4, __rela_end
	add	x4, x4, :lo12:__rela_end
3:	cmp	x3, x4
	b.hs	5f
	ldp	x5, x6, [x3], #16	/* r_offset, r_info */
	ldr	x7, [x3], #8		/* r_addend */
	cbz	w6, 3b			/* R_AARCH64_NONE */
	cmp	w6, #R_AARCH64_RELATIVE
	b.ne	halt			/* nothing else is expected */
	add	x7, x7, x1
	str	x7, [x5, x1]
	b	3b
5:
	mrs	x1, CurrentEL
	lsr	x1, x1, #2
	and	x1, x1, #3
	/* Stack of CPU 0 at the top of the first stack slot. */
	adrp	x2, __stacks_start
	add	x2, x2, :lo12:__stacks_start
	add	x2, x2, #STACK_SIZE
	mov	sp, x2
	cmp	x1, #2
	b.ne	wrong_el

	/*
	 * Zero .bss with the MMU off: aligned stores only, 64 bytes a round
	 * (vigil.lds.S aligns both ends to 64). 8 bytes a round took 0.74 M
	 * instructions for its 1.4 MiB (issue 16).
	 */
	adrp	x2, __bss_start
	add	x2, x2, :lo12:__bss_start
	adrp	x3, __bss_end
	add	x3, x3, :lo12:__bss_end
1:	cmp	x2, x3
	b.hs	2f
	stp	xzr, xzr, [x2]
	stp	xzr, xzr, [x2, #16]
	stp	xzr, xzr, [x2, #32]
	stp	xzr, xzr, [x2, #48]
	add	x2, x2, #64
	b	1b
2:
	adrp	x2, el2_vectors
	add	x2, x2, :lo12:el2_vectors
	msr	vbar_el2, x2
	isb
	mov	x0, x19
	bl	boot_primary
	b	halt

/* Entered at EL1 or EL3: vigil cannot run, and before the DTB is read it
 * knows no UART to say so on. */
wrong_el:
	b	halt

/*
 * A CPU released from a spin table (arch_cpu_spin_release()) enters here at
 * EL2, MMU off, with nothing useful in its registers: its logical index is
 * the word the boot CPU cleaned to memory for it.
 */
	.globl spin_table_entry
spin_table_entry:
	adrp	x0, spin_table_id
	ldr	x0, [x0, :lo12:spin_table_id]
	b	secondary_entry

/*
 * Secondary CPUs enter here from PSCI CPU_ON (at EL2, MMU off) with
 * x0 = their logical CPU index (the context id vigil passed).
 */
	.globl secondary_entry
secondary_entry:
	msr	daifset, #0xf
	msr	tpidr_el2, xzr		/* UNKNOWN at reset (see primary_entry) */
	adrp	x2, __stacks_start
	add	x2, x2, :lo12:__stacks_start
	mov	x3, #STACK_SIZE
	madd	x2, x0, x3, x2
	add	x2, x2, #STACK_SIZE
	mov	sp, x2
	adrp	x2, el2_vectors
	add	x2, x2, :lo12:el2_vectors
	msr	vbar_el2, x2
	isb
	bl	boot_secondary
halt:
	wfe
	b	halt
	.ltorg
