/* SPDX-License-Identifier: MIT */
/*
 * The AArch32 injection trampoline (arch/arm/arm64/vcpu.c, docs/arm32.md
 * "QEMU loses an injected exception's SPSR"): on QEMU an exception vigil
 * injects into an AArch32 EL1 is taken in two steps. The guest is resumed
 * where it faulted, MMU off, at a page of UDF instructions vigil maps
 * read-only into its stage 2; QEMU's own exception entry takes the UDF,
 * which is what sets the SPSR; the vector fetch from the page after it,
 * which nothing maps, brings the guest back to vigil, which then moves it
 * to the exception it meant. The pure parts, here and in a32_tramp.c,
 * are unit-tested on the host.
 */
#ifndef VIGIL_ASM_A32_TRAMP_H
#define VIGIL_ASM_A32_TRAMP_H

#include "compiler.h"

/* The pair of guest pages: UDFs at the IPA, nothing mapped 4 KiB above
 * (the vectors while the guest is on the trampoline). */
#define A32_TRAMP_SIZE 0x2000UL
#define A32_TRAMP_TRAP 0x1000UL
/* A32 code starts at the page, T32 code at this offset. */
#define A32_TRAMP_T32 0x800UL
/* No place for it. */
#define A32_TRAMP_NONE (~0UL)

/* UDF #0: A1 (cond AL; DDI 0487 F5.1.262) and T1 (F3.1.259). */
#define A32_UDF_A1 0xe7f000f0U
#define A32_UDF_T1 0xde00U

/* Fill a 4 KiB page: A32 UDFs below A32_TRAMP_T32, T32 UDFs above. */
void a32_tramp_fill(uint32_t *page);

/*
 * The highest A32_TRAMP_SIZE-aligned pair of free pages below 4 GiB (the
 * guest reaches it with its MMU off, so its addresses are 32 bits wide),
 * or A32_TRAMP_NONE. @busy(ctx, ipa, &below) says whether the page at
 * @ipa is taken, and if so sets below to an address at or below @ipa to
 * go on searching under (the base of what takes it, or @ipa itself).
 */
uint64_t a32_tramp_place(bool (*busy)(void *ctx, uint64_t ipa, uint64_t *below),
			 void *ctx);

/* The guest's SCTLR for the trampoline: the MMU off (M, bit 0) and the
 * low vectors (V, bit 13), so VBAR is an IPA; TE and EE, which the
 * exception entry reads, as the guest had them. */
static inline uint64_t a32_tramp_sctlr(uint64_t sctlr)
{
	return sctlr & ~((1UL << 13) | 1UL);
}

/* Where the trampoline resumes the guest: the A32 or T32 UDFs, as the
 * state it faulted in (@cpsr's T bit) fetches. */
static inline uint64_t a32_tramp_pc(uint64_t ipa, uint32_t cpsr)
{
	return ipa + ((cpsr & (1U << 5)) ? A32_TRAMP_T32 : 0);
}

#endif
