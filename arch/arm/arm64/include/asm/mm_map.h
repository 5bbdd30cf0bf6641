/* SPDX-License-Identifier: MIT */
/*
 * mm_map()/mm_unmap() on arm64 (contract in include/mm.h): EL2's stage-1
 * map is the identity over all RAM, so a physical address is already a
 * pointer and there is nothing to take or give back.
 */
#ifndef VIGIL_ASM_MM_MAP_H
#define VIGIL_ASM_MM_MAP_H

#include "compiler.h"

static inline void *mm_map(uint64_t pa, size_t len)
{
	return (void *)(uintptr_t)pa;
}

static inline void mm_unmap(const void *va)
{
}

#endif
