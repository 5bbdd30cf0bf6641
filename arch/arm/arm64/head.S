/* SPDX-License-Identifier: MIT */
/*
 * vigil's entry: an arm64 Image header (Documentation/arm64/booting.rst) so
 * QEMU -kernel, U-Boot booti and the Pi firmware load it like a kernel and
 * jump to it at EL2 with x0 = physical address of the DTB.
 */
#include "percpu.h"

#define STACK_SIZE 16384

	.section .text.head, "ax"
	.globl _start
_start:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0x80000			/* text_offset */
	.quad	__image_size		/* image_size, from the linker script */
	.quad	0x2			/* flags: little endian, 4 KiB pages */
	.quad	0, 0, 0			/* res2-4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

primary_entry:
	msr	daifset, #0xf
	mov	x19, x0			/* DTB */
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

	/* Zero .bss with the MMU off: aligned 8-byte stores only. */
	adrp	x2, __bss_start
	add	x2, x2, :lo12:__bss_start
	adrp	x3, __bss_end
	add	x3, x3, :lo12:__bss_end
1:	cmp	x2, x3
	b.hs	2f
	str	xzr, [x2], #8
	b	1b
2:
	adrp	x2, el2_vectors
	add	x2, x2, :lo12:el2_vectors
	msr	vbar_el2, x2
	isb
	mov	x0, x19
	bl	boot_primary
	b	halt

wrong_el:
	mov	x0, x1
	bl	early_wrong_el
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
