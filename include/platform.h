/* SPDX-License-Identifier: MIT */
/*
 * A board as one data file (platforms/<name>/platform.c): the UART for the
 * messages before the DTB is read, and the early EL2 memory map. Everything
 * else comes from the DTB (core/platform_dt.c); the GIC's quirks from the
 * GIC model the driver finds (gic/gicv2.c).
 */
#ifndef VIGIL_PLATFORM_H
#define VIGIL_PLATFORM_H

#include "compiler.h"

enum uart_kind {
	UART_PL011,
	UART_8250
};

struct plat_region {
	uint64_t base, size;
	bool device; /* Device-nGnRE instead of Normal write-back */
};

struct platform {
	const char *name;
	enum uart_kind uart_kind;
	uint64_t uart;
	/* Coarse map (1 GiB granules) the boot CPU enables before it can parse
	 * the DTB; the precise map replaces it. */
	const struct plat_region *early_map;
	unsigned int nr_early_map;
};

extern const struct platform platform;

#endif
