/* SPDX-License-Identifier: MIT */
/*
 * The bench guest's EL1 vectors: the IRQ entry (current EL, SP_ELx) reads
 * the clock as its second instruction and stores it in
 * bench_irq_stamp[this vCPU], then continues into the library's IRQ entry
 * (start.S: guest_vectors), which saves the frame and runs the dispatcher.
 * Every other entry branches straight to the library's. Two tables: one
 * stamps PMCCNTR_EL0, the other CNTVCT_EL0 (when the PMU is not usable).
 */
#include "guest.h"

.macro stamp_entry type, reg
	.balign	0x80
	stp	x0, x1, [sp, #-32]!
	mrs	x0, \reg
	stp	x2, x3, [sp, #16]
	mrs	x1, tpidr_el1
	adrp	x2, bench_irq_stamp
	add	x2, x2, :lo12:bench_irq_stamp
	str	x0, [x2, x1, lsl #3]
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp], #32
	b	guest_vectors + 0x80 * \type
.endm

.macro fwd_entry type
	.balign	0x80
	b	guest_vectors + 0x80 * \type
.endm

.macro table name, reg
	.balign	0x800
	.global	\name
\name:
	fwd_entry 0
	fwd_entry 1
	fwd_entry 2
	fwd_entry 3
	fwd_entry 4
	stamp_entry EXC_IRQ_SPX, \reg
	fwd_entry 6
	fwd_entry 7
	fwd_entry 8
	fwd_entry 9
	fwd_entry 10
	fwd_entry 11
	fwd_entry 12
	fwd_entry 13
	fwd_entry 14
	fwd_entry 15
.endm

	.text
	table bench_vectors_pmu, pmccntr_el0
	table bench_vectors_cnt, cntvct_el0
