/* SPDX-License-Identifier: MIT */
/*
 * Integer helpers GCC may call that libgcc implements with SIMD on AArch64
 * (__popcountdi2 uses CNT on a v register). vigil's own definitions come
 * first at link time, so the guest's FP/SIMD registers stay untouched.
 */
int __popcountdi2(long long x);

int __popcountdi2(long long x)
{
	unsigned long long v = (unsigned long long)x;

	v = v - ((v >> 1) & 0x5555555555555555ULL);
	v = (v & 0x3333333333333333ULL) + ((v >> 2) & 0x3333333333333333ULL);
	v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (int)((v * 0x0101010101010101ULL) >> 56);
}
