/* SPDX-License-Identifier: MIT */
/*
 * memcpy() for HYP mode. newlib's ARMv7-A memcpy (the v7-a+fp multilib
 * that armhf's libfdt forces) copies through d0-d7, which hold a guest's
 * VFP registers while vigil runs; this one uses general registers only
 * and, linked before libc.a, keeps newlib's out of the image
 * (tools/check-no-fp.sh would find it). Word copies when both pointers
 * are word aligned, bytes otherwise (-mno-unaligned-access).
 *
 * GCC must not turn the loops back into a memcpy call: the optimize
 * attribute turns off that pattern.
 */
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);

__attribute__((optimize("no-tree-loop-distribute-patterns"))) void *
memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((((uintptr_t)d | (uintptr_t)s) & 3) == 0) {
		while (n >= 16) {
			uint32_t a = ((const uint32_t *)s)[0];
			uint32_t b = ((const uint32_t *)s)[1];
			uint32_t c = ((const uint32_t *)s)[2];
			uint32_t e = ((const uint32_t *)s)[3];

			((uint32_t *)d)[0] = a;
			((uint32_t *)d)[1] = b;
			((uint32_t *)d)[2] = c;
			((uint32_t *)d)[3] = e;
			d += 16;
			s += 16;
			n -= 16;
		}
		while (n >= 4) {
			*(uint32_t *)d = *(const uint32_t *)s;
			d += 4;
			s += 4;
			n -= 4;
		}
	}
	while (n--)
		*d++ = *s++;
	return dst;
}
