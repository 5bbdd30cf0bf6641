/* SPDX-License-Identifier: MIT */
/* Console output through VIGIL_HC_CONSOLE_WRITE: one hypercall per message,
 * so lines from different vCPUs never interleave on vigil's console. */
#include "guest.h"

#ifdef GUEST_CONSOLE_PL011
/*
 * Debug aid: -DGUEST_CONSOLE_PL011=0x09000000 writes straight to a PL011 so
 * a guest can be run natively at EL1 (QEMU virt without virtualization=on
 * answers PSCI over HVC itself) to tell guest bugs from hypervisor bugs.
 */
static void pl011_write(const char *buf, size_t len)
{
	volatile uint32_t *uart = (volatile uint32_t *)GUEST_CONSOLE_PL011;

	for (; len; len--, buf++) {
		while (uart[0x18 / 4] & (1U << 5)) /* UARTFR.TXFF */
			;
		uart[0] = (uint32_t)*buf;
	}
}
#endif

long console_write(const char *buf, size_t len)
{
	if (len > VIGIL_CONSOLE_MAX)
		len = VIGIL_CONSOLE_MAX;
#ifdef GUEST_CONSOLE_PL011
	pl011_write(buf, len);
	return (long)len;
#endif
	/* MMU off: the buffer's VA is its IPA. */
	return hvc_call(VIGIL_HC_CONSOLE_WRITE, (uintptr_t)buf, len, 0);
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
