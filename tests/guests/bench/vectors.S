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

#ifdef __arm__
/*
 * A32: one branch per vector. Each table sends the IRQ vector to an entry
 * that saves r0 and r1 below the stamp IRQ mode's SP points at (this
 * vCPU's bench_irq_slot: bench.c sets it; the library's vectors stack on
 * SVC's SP, so IRQ mode's is free), reads the clock, stores it, restores
 * r0 and r1 and continues into the library's IRQ vector. Every other
 * vector branches straight to the library's.
 */
.macro table name, entry
	.balign	32
	.global	\name
\name:
	b	guest_vectors + 0x00
	b	guest_vectors + 0x04
	b	guest_vectors + 0x08
	b	guest_vectors + 0x0c
	b	guest_vectors + 0x10
	b	guest_vectors + 0x14
	b	\entry
	b	guest_vectors + 0x1c
.endm

	.arm
	.text
	table bench_vectors_pmu, stamp_pmu
	table bench_vectors_cnt, stamp_cnt

stamp_pmu:
	stmdb	sp, {r0, r1}
	mrc	p15, 0, r0, c9, c13, 0	/* PMCCNTR */
	mov	r1, #0
	stmia	sp, {r0, r1}
	ldmdb	sp, {r0, r1}
	b	guest_vectors + 0x18

stamp_cnt:
	stmdb	sp, {r0, r1}
	mrrc	p15, 1, r0, r1, c14	/* CNTVCT */
	stmia	sp, {r0, r1}
	ldmdb	sp, {r0, r1}
	b	guest_vectors + 0x18

#else /* AArch64 */

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

#endif
