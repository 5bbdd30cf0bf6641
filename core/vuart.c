/* SPDX-License-Identifier: MIT */
/*
 * The vUART: an emulated PL011 per VM (ARM DDI 0183G, PrimeCell UART r1p5;
 * section numbers below are its). Modelled as a UART whose line runs
 * infinitely fast:
 *
 *  - TX: a byte written to UARTDR leaves at once, so the TX FIFO is always
 *    empty (FR.TXFE, never TXFF or BUSY) and every write passes it through
 *    its trigger level, which raises TXRIS until UARTICR clears it
 *    (§2.8.2). The bytes go to vigil's console a line at a time, prefixed
 *    "<vm>| " as the console hypercall's (core/hvcall.c).
 *  - RX: bytes come from the physical console UART (vuart_input_*), only as
 *    fast as the guest drains the FIFO: with the FIFO and the input held
 *    behind it (VUART_HOLD) full, vigil stops reading the physical UART
 *    (flow control, nothing lost) until the guest reads, or for
 *    VUART_STALL_MS at most: then the guest is "not reading", and what
 *    does not fit is lost as an overrun until it reads. RXRIS follows
 *    the FIFO level against the trigger level (§3.3.9); RTRIS, the receive
 *    timeout, rises with every byte received (no further byte can come
 *    before the guest looks) and falls when the FIFO empties (§2.8.3).
 *  - No baud rate, no line errors, no modem lines, no DMA: IBRD, FBRD,
 *    LCR_H, ILPR and DMACR hold what is written; CR too, and its enables
 *    do not gate the emulated line (Linux's earlycon writes before any
 *    driver sets UARTEN).
 *
 * Accesses: 8, 16 or 32 bits at the register's offset (Linux's driver
 * uses 16-bit accesses, its earlycon 8-bit ones), anywhere in the frame.
 * Reserved offsets and the bytes above a register's low lane read as zero
 * and ignore writes (§3.2: "reserved ... read as zero, do not modify");
 * so do writes to the read-only registers (FR, RIS, MIS, the ID words) and
 * reads of the write-only UARTICR. A 64-bit access has no meaning on the
 * APB and is refused: the guest takes a data abort.
 */
#include <errno.h>
#include <string.h>

#include "arch.h"
#include "arch_vcpu.h"
#include "gic.h"
#include "htimer.h"
#include "irq.h"
#include "mmio.h"
#include "printk.h"
#include "vgic.h"
#include "vm.h"
#include "vuart.h"

static void input_leave(struct vuart *u);

/* PeriphID0..3 and PCellID0..3 (§4.3): part 0x011, designer ARM (0x41),
 * revision 3 (r1p5), which tells Linux the FIFOs are 32 deep. */
static const uint8_t vuart_id[8] = {0x11, 0x10, 0x34, 0x00,
				    0x0d, 0xf0, 0x05, 0xb1};

/* Trigger levels of UARTIFLS's 3-bit fields, in FIFO entries (§3.3.9):
 * 1/8, 1/4, 1/2, 3/4, 7/8 of 32; the reserved codes as 1/2. */
static unsigned int ifls_level(unsigned int code)
{
	static const uint8_t level[8] = {4, 8, 16, 24, 28, 16, 16, 16};

	return level[code & 7];
}

static unsigned int rx_depth(const struct vuart *u)
{
	return (u->lcr_h & UART_LCRH_FEN) ? VUART_FIFO_DEPTH : 1;
}

/* RX "at or above its trigger level"; with the FIFOs off, one byte is. */
static bool rx_at_trigger(const struct vuart *u)
{
	if (!(u->lcr_h & UART_LCRH_FEN))
		return u->rx_count >= 1;
	return u->rx_count >= ifls_level(u->ifls >> 3);
}

/* Drive the SPI from UARTMIS (the combined UARTINTR, §3.4). */
static void update_irq(struct vuart *u)
{
	bool level = (u->ris & u->imsc) != 0;

	if (level == u->line)
		return;
	u->line = level;
	vgic_set_level(&u->vm->vcpus[0], u->intid, level);
}

/* ---- output ---------------------------------------------------------- */

static void out_flush(struct vuart *u, bool eol)
{
	if (!u->out_len && !eol)
		return;
	console_write_line(u, u->vm->name, u->out, u->out_len, eol);
	u->out_len = 0;
}

/* Escape sequences (ECMA-48 §5.4: ESC, then '[' and parameters up to a
 * final byte 0x40..0x7e) are dropped, not printed: a guest must not drive
 * the terminal of vigil and the other VMs. */
enum {
	ESC_NONE,
	ESC_SEEN,
	ESC_CSI
};

static void vuart_tx(struct vuart *u, uint8_t c)
{
	u->tx_bytes++;
	if (u->esc == ESC_SEEN) {
		u->esc = c == '[' ? ESC_CSI : ESC_NONE;
		return;
	}
	if (u->esc == ESC_CSI) {
		if (c >= 0x40 && c <= 0x7e)
			u->esc = ESC_NONE;
		return;
	}
	switch (c) {
	case '\n':
		out_flush(u, true);
		return;
	case 0x1b:
		u->esc = ESC_SEEN;
		return;
	case '\b': /* line editing: take back what is still buffered */
		if (u->out_len)
			u->out_len--;
		return;
	case '\t':
		break;
	default:
		if (c < 0x20)
			return; /* \r and the other controls */
		if (c > 0x7e)
			c = '?';
		break;
	}
	if (u->out_len == VUART_LINE_MAX)
		out_flush(u, true); /* a long line goes out in pieces */
	u->out[u->out_len++] = (char)c;
}

/* ---- RX FIFO and the input held behind it ---------------------------- */

static unsigned int fifo_space(const struct vuart *u)
{
	unsigned int depth = rx_depth(u);

	return u->rx_count < depth ? depth - u->rx_count : 0;
}

unsigned int vuart_rx_space(struct vuart *u)
{
	unsigned long flags = spin_lock_irqsave(&u->lock);
	unsigned int space = fifo_space(u);

	spin_unlock_irqrestore(&u->lock, flags);
	return space;
}

/* Bytes vuart_rx_offer() would take now. */
static unsigned int rx_room(struct vuart *u)
{
	unsigned long flags = spin_lock_irqsave(&u->lock);
	unsigned int room = (u->hold_count ? 0 : fifo_space(u)) + VUART_HOLD -
			    u->hold_count;

	spin_unlock_irqrestore(&u->lock, flags);
	return room;
}

bool vuart_rx_listening(struct vuart *u)
{
	return (READ_ONCE(u->imsc) & (UART_INT_RX | UART_INT_RT)) != 0;
}

static void rx_received(struct vuart *u)
{
	u->ris |= UART_INT_RT;
	if (rx_at_trigger(u))
		u->ris |= UART_INT_RX;
	update_irq(u);
}

static void fifo_put(struct vuart *u, uint16_t e)
{
	u->rx[(u->rx_head + u->rx_count) % VUART_FIFO_DEPTH] = e;
	u->rx_count++;
	rx_received(u);
}

/* Held input into the FIFO, as far as it has room. */
static void hold_refill(struct vuart *u)
{
	while (u->hold_count && fifo_space(u)) {
		fifo_put(u, u->hold[u->hold_head]);
		u->hold_head = (u->hold_head + 1) % VUART_HOLD;
		u->hold_count--;
	}
}

int vuart_rx_push(struct vuart *u, uint8_t c)
{
	unsigned long flags = spin_lock_irqsave(&u->lock);
	int r = 0;

	if (!fifo_space(u)) {
		r = -ENOSPC;
	} else {
		fifo_put(u, c);
		u->rx_bytes++;
	}
	spin_unlock_irqrestore(&u->lock, flags);
	return r;
}

int vuart_rx_offer(struct vuart *u, uint8_t c)
{
	unsigned long flags = spin_lock_irqsave(&u->lock);
	int r = 0;

	if (!u->hold_count && fifo_space(u))
		fifo_put(u, c);
	else if (u->hold_count < VUART_HOLD) {
		u->hold[(u->hold_head + u->hold_count++) % VUART_HOLD] = c;
		u->rx_held++;
	} else
		r = -ENOSPC;
	if (!r)
		u->rx_bytes++;
	spin_unlock_irqrestore(&u->lock, flags);
	return r;
}

void vuart_rx_force(struct vuart *u, uint8_t c)
{
	unsigned long flags;

	if (!vuart_rx_push(u, c))
		return;
	/* §3.3.2 OE: "the data in the FIFO remains valid, the shift
	 * register is overwritten": the error goes with the last entry. */
	flags = spin_lock_irqsave(&u->lock);
	if (u->hold_count)
		u->hold[(u->hold_head + u->hold_count - 1) % VUART_HOLD] |=
			UART_DR_OE;
	else if (u->rx_count)
		u->rx[(u->rx_head + u->rx_count - 1) % VUART_FIFO_DEPTH] |=
			UART_DR_OE;
	u->rx_overruns++;
	u->ris |= UART_INT_OE;
	update_irq(u);
	spin_unlock_irqrestore(&u->lock, flags);
}

/* UARTDR read: pop one entry; its error bits go to UARTRSR too. */
static uint32_t rx_pop(struct vuart *u)
{
	uint16_t e;

	if (!u->rx_count)
		return 0;
	e = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % VUART_FIFO_DEPTH;
	u->rx_count--;
	u->rsr = (uint8_t)((e >> 8) & 0xf);
	hold_refill(u);
	if (u->stalled) {
		u->stalled = false;
		pr_info("console input: VM %u '%s' reads its vUART again: "
			"%lu bytes were lost",
			u->vm->id, u->vm->name, u->rx_overruns - u->stall_from);
	}
	if (!rx_at_trigger(u))
		u->ris &= (uint16_t)~UART_INT_RX;
	if (!u->rx_count)
		u->ris &= (uint16_t)~UART_INT_RT;
	update_irq(u);
	return e;
}

/* ---- registers ------------------------------------------------------- */

static uint32_t reg_fr(const struct vuart *u)
{
	uint32_t fr = UART_FR_TXFE;

	if (!u->rx_count)
		fr |= UART_FR_RXFE;
	if (u->rx_count >= rx_depth(u))
		fr |= UART_FR_RXFF;
	return fr;
}

static uint32_t reg_read(struct vuart *u, unsigned int off, bool *drained)
{
	switch (off) {
	case UART_DR: {
		uint32_t v = rx_pop(u);

		*drained = true;
		return v;
	}
	case UART_RSR_ECR:
		return u->rsr;
	case UART_FR:
		return reg_fr(u);
	case UART_ILPR:
		return u->ilpr;
	case UART_IBRD:
		return u->ibrd;
	case UART_FBRD:
		return u->fbrd;
	case UART_LCR_H:
		return u->lcr_h;
	case UART_CR:
		return u->cr;
	case UART_IFLS:
		return u->ifls;
	case UART_IMSC:
		return u->imsc;
	case UART_RIS:
		return u->ris;
	case UART_MIS:
		return u->ris & u->imsc;
	case UART_DMACR:
		return u->dmacr;
	}
	if (off >= UART_PERIPHID0 && off <= 0xffc)
		return vuart_id[(off - UART_PERIPHID0) / 4];
	return 0; /* reserved, test registers, ICR (write-only) */
}

static void reg_write(struct vuart *u, unsigned int off, uint32_t v)
{
	switch (off) {
	case UART_DR:
		vuart_tx(u, (uint8_t)v);
		u->ris |= UART_INT_TX;
		break;
	case UART_RSR_ECR:
		u->rsr = 0; /* any value clears the errors (§3.3.2) */
		break;
	case UART_ILPR:
		u->ilpr = v & 0xff;
		break;
	case UART_IBRD:
		u->ibrd = v & 0xffff;
		break;
	case UART_FBRD:
		u->fbrd = v & 0x3f;
		break;
	case UART_LCR_H:
		/* §3.3.7: the FIFOs are flushed when FEN changes. */
		if ((u->lcr_h ^ v) & UART_LCRH_FEN) {
			u->rx_count = 0;
			u->ris &= (uint16_t) ~(UART_INT_RX | UART_INT_RT);
		}
		u->lcr_h = v & 0xff;
		hold_refill(u); /* held input was not in the FIFO yet */
		break;
	case UART_CR:
		u->cr = v & 0xff87; /* bits 6:3 reserved */
		break;
	case UART_IFLS:
		u->ifls = v & 0x3f;
		if (rx_at_trigger(u))
			u->ris |= UART_INT_RX;
		else
			u->ris &= (uint16_t)~UART_INT_RX;
		break;
	case UART_IMSC:
		u->imsc = v & UART_INT_ALL;
		/* A driver masks TX once it has nothing left to send (Linux
		 * pl011_stop_tx()): what it wrote so far, a prompt or an
		 * echo, goes out without waiting for the end of the line. */
		if (!(v & UART_INT_TX))
			out_flush(u, false);
		break;
	case UART_ICR:
		u->ris &= (uint16_t) ~(v & UART_INT_ALL);
		break;
	case UART_DMACR:
		u->dmacr = v & 0x7;
		break;
	default:
		break; /* read-only, reserved: ignored */
	}
	update_irq(u);
}

int vuart_mmio(void *opaque, struct vcpu *v, uint64_t offset, unsigned int size,
	       bool write, uint64_t *val)
{
	struct vuart *u = opaque;
	unsigned long flags;
	bool drained = false;

	if (size > 4 || (offset & (size - 1)))
		return -EINVAL;
	if (offset & 3) { /* above a register's low lane */
		if (!write)
			*val = 0;
		return 0;
	}
	flags = spin_lock_irqsave(&u->lock);
	if (write)
		reg_write(u, (unsigned int)offset, (uint32_t)*val);
	else
		*val = reg_read(u, (unsigned int)offset, &drained);
	spin_unlock_irqrestore(&u->lock, flags);
	/* Room again: bytes held back in the physical UART may come in. */
	if (drained && vuart_input_focus() == u)
		vuart_input_pull();
	return 0;
}

/* ---- life cycle ------------------------------------------------------ */

static void regs_reset(struct vuart *u)
{
	u->cr = UART_CR_RESET;
	u->ifls = UART_IFLS_RESET;
	u->lcr_h = 0;
	u->imsc = 0;
	u->ris = 0;
	u->ibrd = 0;
	u->fbrd = 0;
	u->dmacr = 0;
	u->ilpr = 0;
	u->rsr = 0;
	u->rx_head = 0;
	u->rx_count = 0;
	u->hold_head = 0;
	u->hold_count = 0;
	u->stalled = false;
	u->esc = ESC_NONE;
}

void vuart_reset(struct vuart *u)
{
	unsigned long flags = spin_lock_irqsave(&u->lock);

	out_flush(u, false);
	regs_reset(u);
	update_irq(u);
	spin_unlock_irqrestore(&u->lock, flags);
	/* Input held back for this vUART's full FIFO would wait for reads
	 * that no longer come: take it now (a guest not listening yet
	 * loses it, as on hardware). A VM that is off takes no input: the
	 * focus moves on. */
	if (vuart_input_focus() == u) {
		if (READ_ONCE(u->vm->powered_off))
			input_leave(u);
		vuart_input_pull();
	}
}

int vuart_init(struct vuart *u, struct vm *vm, uint64_t ipa, unsigned int intid)
{
	memset(u, 0, sizeof(*u));
	spin_init(&u->lock);
	u->vm = vm;
	u->ipa = ipa;
	u->intid = intid;
	regs_reset(u);
	/*
	 * Not MMIO_REGION_LRS_LOADED_OK: an access may raise or lower the
	 * SPI, which changes the vGIC's lists; the full exit syncs the LRs
	 * first.
	 */
	return mmio_register(vm->mmio, ipa, VUART_SIZE, vuart_mmio, u, 0);
}

/* ---- console input --------------------------------------------------- */

/*
 * The VMs that take the physical console's input in turn, and the one that
 * has it. input_lock guards them, the Ctrl-A count, the reading of the
 * physical UART (one CPU at a time moves bytes, in order) and the pause.
 * It nests outside every vUART's lock.
 */
static struct vuart *inputs[VM_MAX_VMS];
static unsigned int nr_inputs, focus;
static unsigned int switch_count; /* Ctrl-As held back */
static bool rx_paused;		  /* the UART's RX interrupts are masked */
static int held = -1;	  /* read from the UART, not yet taken (vUART full) */
static uint64_t stall_at; /* the shared counter when a pause ends */
static struct spinlock input_lock = SPINLOCK_INIT;

void vuart_input_add(struct vuart *u)
{
	unsigned long flags = spin_lock_irqsave(&input_lock);

	if (nr_inputs < VM_MAX_VMS)
		inputs[nr_inputs++] = u;
	spin_unlock_irqrestore(&input_lock, flags);
}

void vuart_input_clear(void)
{
	unsigned long flags = spin_lock_irqsave(&input_lock);

	nr_inputs = 0;
	focus = 0;
	switch_count = 0;
	rx_paused = false;
	held = -1;
	stall_at = 0;
	spin_unlock_irqrestore(&input_lock, flags);
}

struct vuart *vuart_input_focus(void)
{
	unsigned int n = READ_ONCE(nr_inputs);

	return n ? READ_ONCE(inputs[READ_ONCE(focus) % n]) : NULL;
}

/* A VM that did SYSTEM_OFF never runs again: it cannot take input. */
static bool input_off(unsigned int i)
{
	return READ_ONCE(inputs[i]->vm->powered_off);
}

/* One line from vigil whenever the focus is set: who has the input. */
static void focus_notice(void)
{
	struct vuart *u = nr_inputs ? inputs[focus] : NULL;
	bool others = false;

	if (!u)
		return;
	if (input_off(focus)) {
		pr_info("console input: none (every VM with a vUART is off)");
		return;
	}
	for (unsigned int i = 0; i < nr_inputs; i++)
		if (i != focus && !input_off(i))
			others = true;
	if (nr_inputs > 1 && !others)
		pr_info("console input: VM %u '%s' (every other VM is off)",
			u->vm->id, u->vm->name);
	else
		pr_info("console input: VM %u '%s' (Ctrl-A three times "
			"switches)",
			u->vm->id, u->vm->name);
}

/* The focus to the next VM, in ring order, that is not off; it stays
 * where it is when there is none. */
static void focus_next(void)
{
	for (unsigned int i = 1; i <= nr_inputs; i++) {
		unsigned int n = (focus + i) % nr_inputs;

		if (!input_off(n)) {
			focus = n;
			break;
		}
	}
	focus_notice();
}

/* @u's VM went off (vuart_reset()): if it had the focus, the next VM
 * gets it, and input held back for @u is not waited for any more. */
static void input_leave(struct vuart *u)
{
	unsigned long flags = spin_lock_irqsave(&input_lock);

	if (nr_inputs && inputs[focus] == u) {
		held = -1; /* typed for @u: not for the next VM */
		focus_next();
	}
	spin_unlock_irqrestore(&input_lock, flags);
}

/*
 * Whether input that @u cannot take waits in the physical UART (true) or
 * is lost (false): it waits for a guest that takes RX interrupts, so its
 * driver will read, unless it was found not reading.
 */
static bool flow_controlled(struct vuart *u)
{
	return vuart_rx_listening(u) && !READ_ONCE(u->stalled);
}

/* Deliver @c to @u: true if taken or lost, false if it must wait. */
static bool deliver(struct vuart *u, uint8_t c)
{
	if (!vuart_rx_offer(u, c))
		return true;
	if (flow_controlled(u))
		return false;
	vuart_rx_force(u, c);
	return true;
}

/*
 * Hand one byte from the physical UART to the focused vUART, or act on the
 * switch sequence; input_lock held. False (byte not taken) if the focused
 * vUART wants it but has no room: the caller keeps it for later.
 */
static bool input_byte(uint8_t c)
{
	struct vuart *u = nr_inputs ? inputs[focus] : NULL;

	if (c == VUART_SWITCH_CHAR) {
		if (++switch_count == VUART_SWITCH_COUNT) {
			switch_count = 0;
			if (nr_inputs)
				focus_next();
		}
		return true;
	}
	if (switch_count == VUART_SWITCH_COUNT - 1 && c == VUART_PROFILE_CHAR) {
		switch_count = 0;
		exit_profile_print_all();
		return true;
	}
	if (!u) {
		switch_count = 0;
		return true;
	}
	/* Fewer than three Ctrl-As were keystrokes for the guest: they go
	 * in with @c, or all wait with it. */
	if (switch_count && flow_controlled(u) &&
	    rx_room(u) < switch_count + 1u)
		return false;
	for (; switch_count; switch_count--)
		deliver(u, VUART_SWITCH_CHAR);
	return deliver(u, c);
}

/* Move bytes until the UART is empty or the focus cannot take one; the
 * second case pauses the UART until the focused guest reads, or until
 * stall_at. input_lock held. */
static void input_pull_locked(void)
{
	bool paused = false;

	for (;;) {
		int c = held >= 0 ? held : console_getc();

		held = -1;
		if (c < 0)
			break;
		if (!input_byte((uint8_t)c)) {
			held = c;
			paused = true;
			break;
		}
	}
	if (paused) {
		/* Counted from the guest's last read: each read that finds it
		 * still full moves the end on. The timer is armed once per
		 * pause; stall_timer() sets it again while the end moves. */
		stall_at = arch_counter() +
			   arch_counter_freq() / 1000 * VUART_STALL_MS;
		if (!rx_paused)
			htimer_set(HTIMER_VUART, stall_at);
	}
	if (paused != rx_paused) {
		rx_paused = paused;
		console_rx_irq_enable(!paused);
	}
}

void vuart_input_pull(void)
{
	unsigned long flags = spin_lock_irqsave(&input_lock);

	input_pull_locked();
	spin_unlock_irqrestore(&input_lock, flags);
}

static enum irq_result input_irq(unsigned int irq, void *data, struct vcpu *cur)
{
	vuart_input_pull();
	return IRQ_DONE;
}

/*
 * The HYP timer of the pCPU that began a pause: if the pause still holds
 * and the focused guest has not read for VUART_STALL_MS, it is not
 * reading. Its input is then no longer waited for: the UART is read again,
 * so the switch key gets through, and what the guest has no room for is
 * lost (and counted) until it reads. If it read meanwhile, the timer goes
 * again for the moved end; after the pause, it does nothing.
 */
static void stall_timer(struct vcpu *cur)
{
	unsigned long flags;
	struct vuart *u;

	flags = spin_lock_irqsave(&input_lock);
	u = nr_inputs ? inputs[focus] : NULL;
	if (rx_paused && arch_counter() < stall_at) {
		htimer_set(HTIMER_VUART, stall_at);
	} else if (rx_paused && u) {
		spin_lock(&u->lock);
		u->stalled = true;
		u->stall_from = u->rx_overruns;
		spin_unlock(&u->lock);
		pr_info("console input: VM %u '%s' has not read its vUART for "
			"%u ms: input it has no room for is lost until it "
			"reads",
			u->vm->id, u->vm->name, VUART_STALL_MS);
		input_pull_locked();
	}
	spin_unlock_irqrestore(&input_lock, flags);
}

int vuart_input_start(unsigned int irq)
{
	int r = irq_set_handler(irq, input_irq, NULL);

	if (r)
		return r;
	htimer_register(HTIMER_VUART, stall_timer);
	/* The UART's interrupt line is a level (its UARTINTR). */
	gic_irq_set_config(irq, false);
	gic_irq_set_target(irq, 0);
	console_rx_irq_enable(true);
	gic_irq_enable(irq);
	focus_notice();
	return 0;
}
