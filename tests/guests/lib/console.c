/* SPDX-License-Identifier: MIT */
/*
 * Console output. Under vigil: VIGIL_HC_CONSOLE_WRITE, one hypercall per
 * message, so lines from different vCPUs never interleave on vigil's
 * console. Natively (QEMU virt without virtualization=on, the guest alone at
 * EL1), QEMU answers an HVC that is not PSCI with an UNDEFINED exception:
 * console_init() probes VIGIL_HC_VERSION once and, if it faults, the
 * library writes the PL011 itself, one message at a time under a lock.
 * The UART is the DTB's first "arm,pl011" (or "arm,sbsa-uart", the kind Xen
 * emulates for a dom0less guest) node, QEMU virt's PL011 without one.
 */
#include "guest.h"

#ifndef GUEST_PL011_BASE
#define GUEST_PL011_BASE 0x09000000UL /* QEMU virt */
#endif

enum console_kind {
	CONSOLE_HVC,
	CONSOLE_PL011
};

/* Written once by vCPU 0 before any other vCPU starts. */
static enum console_kind console_kind = CONSOLE_HVC;
static uintptr_t pl011_base = GUEST_PL011_BASE;
static struct bakery_lock pl011_lock;

/* reg[0] of the first PL011-compatible node in @dtb, or 0. */
static uintptr_t uart_from_dtb(uint64_t dtb)
{
	static const char *const compat[] = {"arm,pl011", "arm,sbsa-uart"};
	int root = fdt_path(dtb, "/"), len;
	const void *ac = fdt_prop(dtb, root, "#address-cells", NULL);
	unsigned int acells = ac ? fdt_cell(ac, 0) : 2, i;

	for (i = 0; i < ARRAY_SIZE(compat); i++) {
		int node = fdt_next_compatible(dtb, -1, compat[i]);
		const void *reg = fdt_prop(dtb, node, "reg", &len);

		if (reg && (acells == 1 || acells == 2) &&
		    len >= (int)(4 * acells))
			return (uintptr_t)fdt_cells(reg, 0, acells);
	}
	return 0;
}

static void pl011_write(const char *buf, size_t len)
{
	volatile uint32_t *uart = (volatile uint32_t *)pl011_base;

	for (; len; len--, buf++) {
		while (uart[0x18 / 4] & (1U << 5)) /* UARTFR.TXFF */
			;
		uart[0] = (uint32_t)*buf;
	}
}

void console_init(void)
{
#ifdef GUEST_CONSOLE_PL011
	/* Debug aid: -DGUEST_CONSOLE_PL011 forces the PL011. */
	console_kind = CONSOLE_PL011;
#else
	long ret;

	fault_expect();
	ret = hvc_call(VIGIL_HC_VERSION, 0, 0, 0);
	if (fault_take(NULL) || ret < 0)
		console_kind = CONSOLE_PL011;
	else
		console_kind = CONSOLE_HVC;
#endif
	if (console_kind == CONSOLE_PL011) {
		uintptr_t base = uart_from_dtb(guest_dtb);

		if (base)
			pl011_base = base;
	}
	dsb_sy();
}

bool vigil_present(void)
{
	return console_kind == CONSOLE_HVC;
}

long console_write(const char *buf, size_t len)
{
	uint64_t flags;

	if (len > VIGIL_CONSOLE_MAX)
		len = VIGIL_CONSOLE_MAX;
	if (console_kind == CONSOLE_HVC) {
		/* MMU off: the buffer's VA is its IPA. */
		return hvc_call(VIGIL_HC_CONSOLE_WRITE, (uintptr_t)buf, len, 0);
	}
	/* IRQs masked: a handler printing on this vCPU must not find the
	 * lock held by the code it interrupted. */
	flags = irq_save();
	bakery_lock(&pl011_lock);
	pl011_write(buf, len);
	bakery_unlock(&pl011_lock);
	irq_restore(flags);
	return (long)len;
}

int gprintf(const char *fmt, ...)
{
	char buf[VIGIL_CONSOLE_MAX + 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > VIGIL_CONSOLE_MAX)
		n = VIGIL_CONSOLE_MAX;
	console_write(buf, (size_t)n);
	return n;
}
