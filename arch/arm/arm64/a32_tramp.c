/* SPDX-License-Identifier: MIT */
/* The AArch32 injection trampoline's pure parts (asm/a32_tramp.h). */
#include "asm/a32_tramp.h"

void a32_tramp_fill(uint32_t *page)
{
	unsigned int i;

	for (i = 0; i < A32_TRAMP_T32 / 4; i++)
		page[i] = A32_UDF_A1;
	for (; i < 4096 / 4; i++)
		page[i] = A32_UDF_T1 | (A32_UDF_T1 << 16);
}

uint64_t a32_tramp_place(bool (*busy)(void *ctx, uint64_t ipa, uint64_t *below),
			 void *ctx)
{
	uint64_t ipa = (1UL << 32) - A32_TRAMP_SIZE, b;

	for (;;) {
		if (!busy(ctx, ipa + A32_TRAMP_TRAP, &b) && !busy(ctx, ipa, &b))
			return ipa;
		/* Below what takes the page, on the pair's alignment. */
		b &= ~(A32_TRAMP_SIZE - 1);
		if (b < A32_TRAMP_SIZE)
			return A32_TRAMP_NONE;
		ipa = b - A32_TRAMP_SIZE;
	}
}
