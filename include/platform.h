/* SPDX-License-Identifier: MIT */
/*
 * What a board is made of, as far as vigil's own drivers go. One image
 * runs on every board: where things are comes from the DTB
 * (core/platform_dt.c, include/platform_dt.h), the GIC's quirks from the
 * GIC model the driver finds (gic/gicv2.c); platforms/<name>/ keeps only
 * what a DTB cannot say (how to build and run test guests there).
 */
#ifndef VIGIL_PLATFORM_H
#define VIGIL_PLATFORM_H

#include "compiler.h"

/* The console UARTs vigil drives (core/console.c). */
enum uart_kind {
	UART_PL011,
	UART_8250
};

#endif
