/* SPDX-License-Identifier: MIT */
/*
 * memcpy, memmove and memset for vigil at EL2, on general-purpose registers
 * only (no FP/SIMD: a guest's state lives there). They replace picolibc's,
 * which are byte loops (five instructions a byte): the reset copies of a
 * guest's kernel and initrd made at boot cost some 400 M instructions with
 * them (issue 16). vigil's objects come before libc.a at link time, so
 * these are the ones linked.
 *
 * The 16-byte loops run when source and destination are 8-byte aligned
 * after the destination is aligned, which every large copy vigil makes is
 * (pages, heap buffers); anything else goes byte by byte. Only Normal
 * memory is ever copied (RAM, after the MMU is on), where unaligned
 * accesses would be fine too, but the aligned path is the one that is
 * fast on every core.
 */
	.text

/* void *memcpy(void *dst, const void *src, size_t n) */
	.globl	memcpy
	.type	memcpy, %function
memcpy:
	mov	x3, x0			/* x3: dst cursor; x0 returned */
	cmp	x2, #16
	b.lo	.Lcpy_bytes
	/* Align the destination to 8 bytes. */
.Lcpy_head:
	tst	x3, #7
	b.eq	.Lcpy_aligned
	ldrb	w4, [x1], #1
	strb	w4, [x3], #1
	sub	x2, x2, #1
	b	.Lcpy_head
.Lcpy_aligned:
	tst	x1, #7
	b.ne	.Lcpy_bytes		/* source misaligned against dst */
	/*
	 * The bulk: 256 bytes in 36 instructions, 0.14 a byte (64 bytes in
	 * 14 were 0.22: a kernel's reset copy, 32 MiB, cost 7.4 M at boot;
	 * issue 16). Four rounds of four pairs through x4-x11.
	 */
	subs	x2, x2, #256
	b.lo	.Lcpy_256_done
.Lcpy_256:
	.irp	off, 0, 64, 128, 192
	ldp	x4, x5, [x1, #\off]
	ldp	x6, x7, [x1, #\off + 16]
	ldp	x8, x9, [x1, #\off + 32]
	ldp	x10, x11, [x1, #\off + 48]
	stp	x4, x5, [x3, #\off]
	stp	x6, x7, [x3, #\off + 16]
	stp	x8, x9, [x3, #\off + 32]
	stp	x10, x11, [x3, #\off + 48]
	.endr
	add	x1, x1, #256
	add	x3, x3, #256
	subs	x2, x2, #256
	b.hs	.Lcpy_256
.Lcpy_256_done:
	add	x2, x2, #256		/* 0..255 bytes left */
.Lcpy_64:
	cmp	x2, #64
	b.lo	.Lcpy_16
	ldp	x4, x5, [x1]
	ldp	x6, x7, [x1, #16]
	ldp	x8, x9, [x1, #32]
	ldp	x10, x11, [x1, #48]
	add	x1, x1, #64
	stp	x4, x5, [x3]
	stp	x6, x7, [x3, #16]
	stp	x8, x9, [x3, #32]
	stp	x10, x11, [x3, #48]
	add	x3, x3, #64
	sub	x2, x2, #64
	b	.Lcpy_64
.Lcpy_16:
	cmp	x2, #16
	b.lo	.Lcpy_8
	ldp	x4, x5, [x1], #16
	stp	x4, x5, [x3], #16
	sub	x2, x2, #16
	b	.Lcpy_16
.Lcpy_8:
	cmp	x2, #8
	b.lo	.Lcpy_bytes
	ldr	x4, [x1], #8
	str	x4, [x3], #8
	sub	x2, x2, #8
.Lcpy_bytes:
	cbz	x2, .Lcpy_done
	ldrb	w4, [x1], #1
	strb	w4, [x3], #1
	sub	x2, x2, #1
	b	.Lcpy_bytes
.Lcpy_done:
	ret
	.size	memcpy, . - memcpy

/*
 * void *memmove(void *dst, const void *src, size_t n): forwards (memcpy)
 * unless dst lies inside [src, src + n); then backwards, 16 bytes a step
 * when both ends are 8-byte aligned (libfdt opens a gap in a DTB this way
 * for every property or node it adds).
 */
	.globl	memmove
	.type	memmove, %function
memmove:
	sub	x3, x0, x1
	cmp	x3, x2
	b.hs	memcpy			/* dst - src >= n (unsigned): no overlap */
	add	x1, x1, x2		/* x1, x3: one past the ends */
	add	x3, x0, x2
	orr	x4, x1, x3
	tst	x4, #7
	b.ne	.Lmove_bytes
.Lmove_16:
	cmp	x2, #16
	b.lo	.Lmove_bytes
	ldp	x4, x5, [x1, #-16]!
	stp	x4, x5, [x3, #-16]!
	sub	x2, x2, #16
	b	.Lmove_16
.Lmove_bytes:
	cbz	x2, .Lmove_done
	ldrb	w4, [x1, #-1]!
	strb	w4, [x3, #-1]!
	sub	x2, x2, #1
	b	.Lmove_bytes
.Lmove_done:
	ret
	.size	memmove, . - memmove

/* void *memset(void *s, int c, size_t n) */
	.globl	memset
	.type	memset, %function
memset:
	mov	x3, x0
	and	x4, x1, #0xff
	orr	x4, x4, x4, lsl #8
	orr	x4, x4, x4, lsl #16
	orr	x4, x4, x4, lsl #32	/* the byte in all eight lanes */
	cmp	x2, #16
	b.lo	.Lset_bytes
.Lset_head:
	tst	x3, #7
	b.eq	.Lset_64
	strb	w4, [x3], #1
	sub	x2, x2, #1
	b	.Lset_head
.Lset_64:
	cmp	x2, #64
	b.lo	.Lset_16
	stp	x4, x4, [x3]
	stp	x4, x4, [x3, #16]
	stp	x4, x4, [x3, #32]
	stp	x4, x4, [x3, #48]
	add	x3, x3, #64
	sub	x2, x2, #64
	b	.Lset_64
.Lset_16:
	cmp	x2, #16
	b.lo	.Lset_8
	stp	x4, x4, [x3], #16
	sub	x2, x2, #16
	b	.Lset_16
.Lset_8:
	cmp	x2, #8
	b.lo	.Lset_bytes
	str	x4, [x3], #8
	sub	x2, x2, #8
.Lset_bytes:
	cbz	x2, .Lset_done
	strb	w4, [x3], #1
	sub	x2, x2, #1
	b	.Lset_bytes
.Lset_done:
	ret
	.size	memset, . - memset
