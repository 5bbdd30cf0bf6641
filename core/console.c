/* SPDX-License-Identifier: MIT */
/* vigil's console: one UART, one lock, printk with levels and CPU prefix. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arch.h"
#include "arch_vcpu.h"
#include "console.h"
#include "printk.h"
#include "spinlock.h"
#include "vuart.h"

/* PL011 (ARM DDI 0183): data register and flag register. */
#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_FR_TXFF BIT(5)
#define PL011_FR_RXFE BIT(4)
#define PL011_LCR_H 0x2c
#define PL011_LCRH_FEN BIT(4)
#define PL011_CR 0x30
#define PL011_CR_EN (BIT(0) | BIT(8) | BIT(9)) /* UARTEN, TXE, RXE */
#define PL011_IMSC 0x38
#define PL011_INT_RX_RT (BIT(4) | BIT(6)) /* RXIM, RTIM */
/* 8250/16550 (the Pi's mini UART has the same THR/LSR layout, 32-bit). */
#define UART8250_THR 0x00
#define UART8250_LSR 0x14
#define UART8250_LSR_THRE BIT(5)

/* Formatting with the C library at run time must not disturb the guest's
 * FP registers: arch_call_fp_safe() preserves them. */
static long vsnprintf_ptr(char *buf, size_t n, const char *fmt, va_list *ap)
{
	return vsnprintf(buf, n, fmt, *ap);
}

static int vsnprintf_safe(char *buf, size_t n, const char *fmt, va_list ap)
{
	va_list copy;
	int r;

	va_copy(copy, ap);
	r = (int)arch_call_fp_safe((long (*)())vsnprintf_ptr, (long)buf,
				   (long)n, (long)fmt, (long)&copy);
	va_end(copy);
	return r;
}

static enum uart_kind uart_kind;
static volatile uint32_t *uart_base;
static bool quiet;
static int max_level = LOG_INFO;
/* Serialises whole messages on the UART. */
static struct spinlock console_lock = SPINLOCK_INIT;
static bool panicking;
/* Who left the UART in the middle of a line (console_write_line()), NULL
 * if none; guarded by console_lock. */
static const void *partial_owner;

void console_init(enum uart_kind kind, uint64_t base)
{
	uart_kind = kind;
	uart_base = (volatile uint32_t *)(uintptr_t)base;
}

uint64_t console_base(void)
{
	return (uint64_t)(uintptr_t)uart_base;
}

void console_set_quiet(bool q)
{
	quiet = q;
}

void console_set_level(int level)
{
	max_level = level;
}

static void uart_putc(char c)
{
	if (!uart_base)
		return;
	if (uart_kind == UART_PL011) {
		while (uart_base[PL011_FR / 4] & PL011_FR_TXFF)
			;
		uart_base[PL011_DR / 4] = (uint8_t)c;
	} else {
		while (!(uart_base[UART8250_LSR / 4] & UART8250_LSR_THRE))
			;
		uart_base[UART8250_THR / 4] = (uint8_t)c;
	}
}

static void uart_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

/* End a line a vUART left open before someone else writes. */
static void break_partial(const void *owner)
{
	if (partial_owner && partial_owner != owner) {
		uart_write("\n", 1);
		partial_owner = NULL;
	}
}

void console_write(const char *s, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&console_lock);

	break_partial(NULL);
	uart_write(s, len);
	spin_unlock_irqrestore(&console_lock, flags);
}

void console_write_line(const void *owner, const char *prefix, const char *s,
			size_t len, bool eol)
{
	unsigned long flags = spin_lock_irqsave(&console_lock);

	break_partial(owner);
	if (partial_owner != owner) {
		uart_write(prefix, strlen(prefix));
		uart_write("| ", 2);
	}
	uart_write(s, len);
	if (eol)
		uart_write("\n", 1);
	partial_owner = eol ? NULL : owner;
	spin_unlock_irqrestore(&console_lock, flags);
}

/* Input (the vUARTs' physical side, include/vuart.h): PL011 only. */
int console_getc(void)
{
	if (!uart_base || uart_kind != UART_PL011 ||
	    (uart_base[PL011_FR / 4] & PL011_FR_RXFE))
		return -1;
	return (int)(uart_base[PL011_DR / 4] & 0xff);
}

void console_rx_irq_enable(bool on)
{
	uint32_t imsc;

	if (!uart_base || uart_kind != UART_PL011)
		return;
	/* A loader may have left the receiver off (QEMU checks it), and
	 * its FIFO off: one byte per interrupt. Setting FEN flushes the RX
	 * FIFO once, before any input was taken. */
	if (on && (uart_base[PL011_CR / 4] & PL011_CR_EN) != PL011_CR_EN)
		uart_base[PL011_CR / 4] |= PL011_CR_EN;
	if (on && !(uart_base[PL011_LCR_H / 4] & PL011_LCRH_FEN))
		uart_base[PL011_LCR_H / 4] |= PL011_LCRH_FEN;
	/* Reading DR lowers RX and RT: no ICR write is needed. */
	imsc = uart_base[PL011_IMSC / 4];
	imsc = on ? imsc | PL011_INT_RX_RT : imsc & ~PL011_INT_RX_RT;
	uart_base[PL011_IMSC / 4] = imsc;
}

/* "[cpuN] vigil: " without printf. */
static int prefix(char *buf, unsigned int cpu)
{
	static const char tail[] = "] vigil: ";
	int n = 0;

	memcpy(buf, "[cpu", 4);
	n = 4;
	if (cpu >= 10)
		buf[n++] = (char)('0' + cpu / 10 % 10);
	buf[n++] = (char)('0' + cpu % 10);
	memcpy(buf + n, tail, sizeof(tail) - 1);
	return n + (int)sizeof(tail) - 1;
}

static void vprintk(enum log_level level, const char *fmt, va_list ap)
{
	char buf[256];
	int n, m;

	if ((int)level > max_level || (quiet && level != LOG_ERR))
		return;
	n = prefix(buf, arch_cpu_id());
	m = vsnprintf_safe(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	console_write(buf, (size_t)n);
}

void printk(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	char buf[256];
	int n;

	arch_irq_disable();
	if (__atomic_exchange_n(&panicking, true, __ATOMIC_ACQ_REL))
		arch_system_off(); /* a second CPU panicking: stop quietly */
	n = prefix(buf, arch_cpu_id());
	memcpy(buf + n, "PANIC: ", 7);
	n += 7;
	va_start(ap, fmt);
	n += vsnprintf_safe(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	/* The lock may be held by the CPU that broke: write without it. */
	uart_write(buf, (size_t)n);
	arch_system_off();
}
