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
 * unless dst lies inside [src, src + n), then backwards, byte by byte
 * (libfdt's moves inside one DTB are short).
 */
	.globl	memmove
	.type	memmove, %function
memmove:
	sub	x3, x0, x1
	cmp	x3, x2
	b.hs	memcpy			/* dst - src >= n (unsigned): no overlap */
	cbz	x2, 2f
	add	x1, x1, x2
	add	x3, x0, x2
1:	ldrb	w4, [x1, #-1]!
	strb	w4, [x3, #-1]!
	subs	x2, x2, #1
	b.ne	1b
2:	ret
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
	b.eq	.Lset_16
	strb	w4, [x3], #1
	sub	x2, x2, #1
	b	.Lset_head
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
