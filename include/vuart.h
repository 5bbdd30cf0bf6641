/* SPDX-License-Identifier: MIT */
/*
 * The vUART (core/vuart.c): an emulated PL011 (ARM DDI 0183G, PrimeCell
 * UART r1p5) per VM that asks for one (`vigil,console = "vuart"`,
 * docs/config.md). Its registers trap on the VM's MMIO bus; what the
 * guest transmits goes to vigil's console a line at a time, prefixed with
 * the VM's name; what it receives comes from the physical console UART,
 * which vigil then owns, while the VM has the input focus (Ctrl-A three
 * times cycles it). Its interrupt is a level-sensitive virtual SPI.
 */
#ifndef VIGIL_VUART_H
#define VIGIL_VUART_H

#include "compiler.h"
#include "spinlock.h"

struct vm;
struct vcpu;

#define VUART_SIZE 0x1000   /* one 4 KiB frame, as the PL011's */
#define VUART_FIFO_DEPTH 32 /* r1p5: 32-entry FIFOs (rev >= 3) */
#define VUART_LINE_MAX 120  /* output is flushed at least every this many */
/* Input the FIFO has no room for waits behind it, this many bytes at most;
 * a guest that takes RX interrupts but has not read for VUART_STALL_MS
 * while input waits loses what does not fit (docs/config.md). */
#define VUART_HOLD 1024
#define VUART_STALL_MS 1000

/* Register offsets (DDI 0183G §3.2, Table 3-1). */
#define UART_DR 0x000
#define UART_RSR_ECR 0x004
#define UART_FR 0x018
#define UART_ILPR 0x020
#define UART_IBRD 0x024
#define UART_FBRD 0x028
#define UART_LCR_H 0x02c
#define UART_CR 0x030
#define UART_IFLS 0x034
#define UART_IMSC 0x038
#define UART_RIS 0x03c
#define UART_MIS 0x040
#define UART_ICR 0x044
#define UART_DMACR 0x048
#define UART_PERIPHID0 0xfe0
#define UART_PCELLID0 0xff0

/* UARTDR read: the byte and its error bits (§3.3.1). */
#define UART_DR_OE BIT(11)
/* UARTRSR (§3.3.2). */
#define UART_RSR_OE BIT(3)
/* UARTFR (§3.3.3). */
#define UART_FR_BUSY BIT(3)
#define UART_FR_RXFE BIT(4)
#define UART_FR_TXFF BIT(5)
#define UART_FR_RXFF BIT(6)
#define UART_FR_TXFE BIT(7)
/* UARTLCR_H (§3.3.7): FEN enables the FIFOs, else 1-byte holding regs. */
#define UART_LCRH_FEN BIT(4)
/* UARTCR (§3.3.8): reset value TXE | RXE, UART disabled. */
#define UART_CR_UARTEN BIT(0)
#define UART_CR_TXE BIT(8)
#define UART_CR_RXE BIT(9)
#define UART_CR_RESET (UART_CR_TXE | UART_CR_RXE)
/* UARTIFLS (§3.3.9): reset 0x12, both trigger levels at 1/2. */
#define UART_IFLS_RESET 0x12
/* Interrupt bits of IMSC, RIS, MIS and ICR (§3.3.10-§3.3.13). */
#define UART_INT_RX BIT(4)
#define UART_INT_TX BIT(5)
#define UART_INT_RT BIT(6)
#define UART_INT_OE BIT(10)
#define UART_INT_ALL 0x7ff

/*
 * One VM's PL011. `lock` guards everything below it; it nests inside the
 * console input lock (vuart_input_*) and outside the vGIC's locks and
 * console_lock (include/spinlock.h).
 */
struct vuart {
	struct vm *vm;
	uint64_t ipa;	    /* base of the 4 KiB frame */
	unsigned int intid; /* the virtual SPI */
	struct spinlock lock;
	uint16_t cr, lcr_h, ifls, imsc, ris, ibrd, fbrd, dmacr, ilpr;
	uint8_t rsr;
	bool line; /* the SPI's level as last set */
	/* RX FIFO: a ring of (byte | error bits), rx_count entries. */
	uint16_t rx[VUART_FIFO_DEPTH];
	unsigned int rx_head, rx_count;
	/* Input received behind a full FIFO, the same way: still "on the
	 * line" for the guest. Not empty only while the FIFO is full. */
	uint16_t hold[VUART_HOLD];
	unsigned int hold_head, hold_count;
	/* Declared not reading (vuart_input_*): input that does not fit is
	 * lost until the guest reads again; rx_overruns when that began. */
	bool stalled;
	unsigned long stall_from;
	/* Output: the current line, and an escape sequence being skipped. */
	char out[VUART_LINE_MAX];
	unsigned int out_len;
	uint8_t esc; /* 0, or in ESC / CSI (see vuart_tx()) */
	/* Counters, printed at power-off; rx_held: bytes received while the
	 * FIFO was full (UARTFR.RXFF), held behind it. */
	unsigned long tx_bytes, rx_bytes, rx_held, rx_overruns;
};

/* Set @u up for @vm at @ipa with virtual SPI @intid and put it on the VM's
 * MMIO bus: 0 or the bus's -errno. */
int vuart_init(struct vuart *u, struct vm *vm, uint64_t ipa,
	       unsigned int intid);
/* Back to the reset state (SYSTEM_RESET, power-off): FIFOs and held input
 * empty, SPI low. A partial output line is written out first; input the
 * physical UART holds back for it is taken at once. A VM that is off
 * (vm->powered_off) loses the input focus to the next one. */
void vuart_reset(struct vuart *u);
/* The MMIO handler (mmio_access_fn). */
int vuart_mmio(void *opaque, struct vcpu *v, uint64_t offset, unsigned int size,
	       bool write, uint64_t *val);

/* Receive @c: 0, or -ENOSPC with the FIFO full (nothing changed). */
int vuart_rx_push(struct vuart *u, uint8_t c);
/* Free RX FIFO entries (depth 1 with the FIFOs off). */
unsigned int vuart_rx_space(struct vuart *u);
/* Receive @c into the FIFO, or behind it while it is full (up to
 * VUART_HOLD bytes, moved in as the guest reads): 0, or -ENOSPC. */
int vuart_rx_offer(struct vuart *u, uint8_t c);
/* Whether the guest takes RX interrupts (IMSC RX or RT): a full FIFO of a
 * guest that does not is overrun, not waited for. */
bool vuart_rx_listening(struct vuart *u);
/* Receive @c even with the FIFO full: then the byte is lost and the last
 * entry (held input's, if any) gets OE (§3.3.1: the FIFO is not
 * overwritten); counted in rx_overruns. */
void vuart_rx_force(struct vuart *u, uint8_t c);

/* ---- console input (the physical UART belongs to vigil) -------------- */

/* After Ctrl-A twice: print the per-exit profile (issue 16). */
#define VUART_PROFILE_CHAR 'p'
/* The Ctrl-A count that cycles the input focus. */
#define VUART_SWITCH_CHAR 0x01
#define VUART_SWITCH_COUNT 3

/* Add @u to the VMs that take input in turn; the first one added has the
 * focus. */
void vuart_input_add(struct vuart *u);
/* Forget every vUART added (the host tests, between cases). */
void vuart_input_clear(void);
/* The vUART with the input focus, or NULL. */
struct vuart *vuart_input_focus(void);

/*
 * The physical side (core/console.c implements it on the console UART; the
 * unit tests with a fake): take one received byte (-1: none), and mask or
 * unmask the UART's RX interrupts (flow control: while a vUART and its
 * held input are full, bytes wait in the UART's FIFO and its sender, for
 * VUART_STALL_MS at most without a read by the guest).
 */
int console_getc(void);
void console_rx_irq_enable(bool on);
/* Move bytes from the physical UART to the focus until one is empty or
 * full; masks the UART's RX interrupts in the second case. Called from the
 * UART's IRQ and when a vUART's guest drained its FIFO. */
void vuart_input_pull(void);
/* Make vigil the owner of the console UART's input: its SPI @irq handled
 * by vuart_input_pull(), routed to pCPU 0; and of the HYP timer's
 * HTIMER_VUART slot (core/htimer.c), which ends a pause the focused guest
 * does not end by reading. */
int vuart_input_start(unsigned int irq);

/*
 * Write one piece of a line for @owner (core/console.c): the UART is never
 * left mid-line by one writer when another writes; @prefix opens each
 * line, @eol ends it.
 */
void console_write_line(const void *owner, const char *prefix, const char *s,
			size_t len, bool eol);

#endif
