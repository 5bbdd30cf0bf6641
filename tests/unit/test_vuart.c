/* SPDX-License-Identifier: MIT */
/* The vUART (core/vuart.c): PL011 registers (DDI 0183G), output lines,
 * console input with its switch sequence and flow control. */
#include <errno.h>

#include "gich_model.h"
#include "arch_vcpu.h"
#include "host_arch.h"
#include "htimer.h"
#include "mmio.h"
#include "test.h"
#include "vgic.h"
#include "vm.h"
#include "vuart.h"

#define IPA 0x09000000ULL
#define INTID 33

static struct vm vms_t[3];
static struct mmio_bus buses[3];
static struct vuart uarts[3];

/* ---- fakes of core/console.c ------------------------------------------ */

static char console_out[8192];
static size_t console_len;
static const void *open_owner;

void console_write_line(const void *owner, const char *prefix, const char *s,
			size_t len, bool eol)
{
	char *o = console_out + console_len;
	size_t room = sizeof(console_out) - console_len - 1;
	int n;

	if (open_owner && open_owner != owner)
		n = snprintf(o, room, "\n");
	else
		n = 0;
	if (open_owner != owner)
		n += snprintf(o + n, room - (size_t)n, "%s| ", prefix);
	n += snprintf(o + n, room - (size_t)n, "%.*s%s", (int)len, s,
		      eol ? "\n" : "");
	console_len += (size_t)n;
	open_owner = eol ? NULL : owner;
}

/* What was written (not inlined: the checks' messages stay short). */
__attribute__((noinline)) static const char *out(void)
{
	return console_out;
}

/* The physical UART: a queue of received bytes, and its RX mask. */
/* core/run.c's, which the unit tests do not build: the console key. */
static unsigned int profile_prints;

void exit_profile_print_all(void)
{
	profile_prints++;
}

static uint8_t phys_rx[70000];
static size_t phys_head, phys_len;
static bool phys_irq_on;
static unsigned int phys_irq_toggles;

int console_getc(void)
{
	return phys_head < phys_len ? phys_rx[phys_head++] : -1;
}

void console_rx_irq_enable(bool on)
{
	phys_irq_on = on;
	phys_irq_toggles++;
}

static void phys_type(const char *s, size_t len)
{
	memcpy(phys_rx + phys_len, s, len);
	phys_len += len;
}

/* ---- helpers ----------------------------------------------------------- */

static void setup(unsigned int n)
{
	console_len = 0;
	console_out[0] = '\0';
	open_owner = NULL;
	phys_head = phys_len = 0;
	phys_irq_on = false;
	phys_irq_toggles = 0;
	vuart_input_clear();
	htimer_init(0); /* the HYP timer's PPI (26) handled by core/htimer.c */
	htimer_cancel(HTIMER_VUART);
	for (unsigned int i = 0; i < n; i++) {
		gm_vm_setup(&vms_t[i], 2, 64, 4);
		vms_t[i].id = i;
		vms_t[i].powered_off = false;
		snprintf(vms_t[i].name, sizeof(vms_t[i].name), "vm%u", i);
		mmio_bus_init(&buses[i]);
		vms_t[i].mmio = &buses[i];
		if (vuart_init(&uarts[i], &vms_t[i], IPA, INTID))
			test_fail(__FILE__, __LINE__, "vuart_init failed");
	}
}

static uint32_t rd(struct vuart *u, unsigned int off, unsigned int size)
{
	uint64_t v = 0xdeadbeef;

	if (vuart_mmio(u, &u->vm->vcpus[0], off, size, false, &v))
		test_fail(__FILE__, __LINE__, "read refused");
	return (uint32_t)v;
}

static void wr(struct vuart *u, unsigned int off, unsigned int size,
	       uint32_t val)
{
	uint64_t v = val;

	if (vuart_mmio(u, &u->vm->vcpus[0], off, size, true, &v))
		test_fail(__FILE__, __LINE__, "write refused");
}

static void puts_dr(struct vuart *u, const char *s)
{
	while (*s)
		wr(u, UART_DR, 1, (uint8_t)*s++);
}

static bool spi_high(struct vuart *u)
{
	struct vgic_irq *irq = vgic_get_irq(u->vm, NULL, INTID);

	return (irq->flags & VGIC_IRQ_LINE) != 0;
}

/* ---- reset values and identification ----------------------------------- */

TEST(vuart_registers_reset_as_the_trm_says)
{
	struct vuart *u = &uarts[0];

	setup(1);
	EXPECT_EQ(rd(u, UART_FR, 4), 0x90); /* TXFE | RXFE */
	EXPECT_EQ(rd(u, UART_CR, 4), 0x300);
	EXPECT_EQ(rd(u, UART_IFLS, 4), 0x12);
	EXPECT_EQ(rd(u, UART_LCR_H, 4), 0);
	EXPECT_EQ(rd(u, UART_IMSC, 4), 0);
	EXPECT_EQ(rd(u, UART_RIS, 4), 0);
	EXPECT_EQ(rd(u, UART_MIS, 4), 0);
	EXPECT_EQ(rd(u, UART_RSR_ECR, 4), 0);
	EXPECT_EQ(rd(u, UART_DMACR, 4), 0);
	EXPECT_FALSE(spi_high(u));
}

TEST(vuart_id_registers_name_a_pl011_r1p5)
{
	static const uint32_t id[8] = {0x11, 0x10, 0x34, 0x00,
				       0x0d, 0xf0, 0x05, 0xb1};
	struct vuart *u = &uarts[0];

	setup(1);
	for (unsigned int i = 0; i < 8; i++)
		EXPECT_EQ(rd(u, UART_PERIPHID0 + 4 * i, 4), id[i]);
}

TEST(vuart_config_registers_keep_their_implemented_bits)
{
	struct vuart *u = &uarts[0];

	setup(1);
	wr(u, UART_IBRD, 4, 0xffffffff);
	wr(u, UART_FBRD, 4, 0xffffffff);
	wr(u, UART_LCR_H, 4, 0xffffffff);
	wr(u, UART_CR, 4, 0xffffffff);
	wr(u, UART_IFLS, 4, 0xffffffff);
	wr(u, UART_DMACR, 4, 0xffffffff);
	wr(u, UART_ILPR, 4, 0xffffffff);
	EXPECT_EQ(rd(u, UART_IBRD, 4), 0xffff);
	EXPECT_EQ(rd(u, UART_FBRD, 4), 0x3f);
	EXPECT_EQ(rd(u, UART_LCR_H, 4), 0xff);
	EXPECT_EQ(rd(u, UART_CR, 4), 0xff87);
	EXPECT_EQ(rd(u, UART_IFLS, 4), 0x3f);
	EXPECT_EQ(rd(u, UART_DMACR, 4), 0x7);
	EXPECT_EQ(rd(u, UART_ILPR, 4), 0xff);
}

TEST(vuart_takes_the_16_and_8_bit_accesses_linux_makes)
{
	struct vuart *u = &uarts[0];

	setup(1);
	wr(u, UART_CR, 2, 0x301);
	EXPECT_EQ(rd(u, UART_CR, 2), 0x301);
	EXPECT_EQ(rd(u, UART_FR, 1), 0x90);
	wr(u, UART_DR, 1, 'A');
	wr(u, UART_DR, 2, '\n');
	EXPECT_STREQ(out(), "vm0| A\n");
}

/* ---- bad accesses ------------------------------------------------------ */

TEST(vuart_refuses_64_bit_and_misaligned_accesses)
{
	struct vuart *u = &uarts[0];
	uint64_t v = 0;

	setup(1);
	EXPECT_EQ(vuart_mmio(u, &vms_t[0].vcpus[0], UART_CR, 8, false, &v),
		  -EINVAL);
	EXPECT_EQ(vuart_mmio(u, &vms_t[0].vcpus[0], UART_CR, 8, true, &v),
		  -EINVAL);
	EXPECT_EQ(vuart_mmio(u, &vms_t[0].vcpus[0], UART_CR + 2, 4, false, &v),
		  -EINVAL);
	EXPECT_EQ(vuart_mmio(u, &vms_t[0].vcpus[0], UART_CR + 1, 2, true, &v),
		  -EINVAL);
	/* Through the bus: a fault, which the trap layer turns into an
	 * abort; the state is untouched. */
	v = 0;
	EXPECT_EQ(mmio_dispatch(&buses[0], &vms_t[0].vcpus[0], IPA + UART_CR, 8,
				true, &v, false),
		  MMIO_FAULT);
	EXPECT_EQ(rd(u, UART_CR, 4), 0x300);
}

TEST(vuart_read_only_registers_ignore_writes)
{
	struct vuart *u = &uarts[0];

	setup(1);
	wr(u, UART_FR, 4, 0xffffffff);
	wr(u, UART_RIS, 4, 0xffffffff);
	wr(u, UART_MIS, 4, 0xffffffff);
	wr(u, UART_PERIPHID0 + 8, 4, 0);
	wr(u, UART_PCELLID0, 4, 0);
	EXPECT_EQ(rd(u, UART_FR, 4), 0x90);
	EXPECT_EQ(rd(u, UART_RIS, 4), 0);
	EXPECT_EQ(rd(u, UART_MIS, 4), 0);
	EXPECT_EQ(rd(u, UART_PERIPHID0 + 8, 4), 0x34);
	EXPECT_EQ(rd(u, UART_PCELLID0, 4), 0x0d);
	EXPECT_FALSE(spi_high(u));
}

TEST(vuart_reserved_offsets_and_upper_lanes_are_raz_wi)
{
	static const unsigned int reserved[] = {0x008, 0x00c, 0x010, 0x014,
						0x01c, 0x04c, 0x080, 0x08c,
						0x100, 0xfd0, 0xfdc};
	struct vuart *u = &uarts[0];

	setup(1);
	for (unsigned int i = 0; i < ARRAY_SIZE(reserved); i++) {
		wr(u, reserved[i], 4, 0xffffffff);
		EXPECT_EQ(rd(u, reserved[i], 4), 0);
	}
	EXPECT_EQ(rd(u, UART_ICR, 4), 0); /* write-only */
	EXPECT_EQ(rd(u, UART_CR + 1, 1), 0);
	wr(u, UART_CR + 1, 1, 0xff);
	wr(u, UART_DR + 2, 2, 'x');
	EXPECT_EQ(rd(u, UART_CR, 4), 0x300);
	EXPECT_EQ(u->tx_bytes, 0);
	EXPECT_EQ(rd(u, UART_RIS, 4), 0);
}

TEST(vuart_region_takes_the_full_exit)
{
	uint64_t v = 0;

	setup(1);
	/* Its accesses change an SPI's level: never with the LRs loaded. */
	EXPECT_EQ(mmio_dispatch(&buses[0], &vms_t[0].vcpus[0], IPA + UART_FR, 4,
				false, &v, true),
		  MMIO_RETRY);
	EXPECT_EQ(mmio_dispatch(&buses[0], &vms_t[0].vcpus[0], IPA + UART_FR, 4,
				false, &v, false),
		  MMIO_HANDLED);
	EXPECT_EQ(v, 0x90);
}

/* ---- output ------------------------------------------------------------ */

TEST(vuart_output_goes_out_a_line_at_a_time_with_the_vm_name)
{
	setup(2);
	puts_dr(&uarts[0], "hel");
	puts_dr(&uarts[1], "other\r\n");
	puts_dr(&uarts[0], "lo\r\n");
	EXPECT_STREQ(out(), "vm1| other\nvm0| hello\n");
	EXPECT_EQ(uarts[0].tx_bytes, 7);
}

TEST(vuart_tx_mask_flushes_a_partial_line_for_prompts_and_echo)
{
	setup(2);
	wr(&uarts[0], UART_IMSC, 4, UART_INT_TX | UART_INT_RX);
	puts_dr(&uarts[0], "~ # ");
	wr(&uarts[0], UART_IMSC, 4, UART_INT_RX); /* pl011_stop_tx() */
	EXPECT_STREQ(out(), "vm0| ~ # ");
	puts_dr(&uarts[0], "l");
	wr(&uarts[0], UART_IMSC, 4, UART_INT_RX);
	EXPECT_STREQ(out(), "vm0| ~ # l");
	puts_dr(&uarts[1], "x\n");
	EXPECT_STREQ(out(), "vm0| ~ # l\nvm1| x\n");
}

TEST(vuart_output_drops_escape_sequences_and_controls)
{
	setup(1);
	puts_dr(&uarts[0], "a\x1b[1;32mb\x1b[0m\x07\x01"
			   "c\x1b"
			   "7d\tx\x7f\x80y\n");
	EXPECT_STREQ(out(), "vm0| abcd\tx??y\n");
}

TEST(vuart_backspace_takes_back_a_buffered_byte)
{
	setup(1);
	puts_dr(&uarts[0], "lx\b \bs\n");
	EXPECT_STREQ(out(), "vm0| ls\n");
}

TEST(vuart_long_line_goes_out_in_pieces_of_line_max)
{
	char line[VUART_LINE_MAX + 6], expect[2 * VUART_LINE_MAX];

	setup(1);
	memset(line, 'z', VUART_LINE_MAX + 5);
	line[VUART_LINE_MAX + 5] = '\0';
	puts_dr(&uarts[0], line);
	puts_dr(&uarts[0], "\n");
	snprintf(expect, sizeof(expect), "vm0| %.*s\nvm0| zzzzz\n",
		 VUART_LINE_MAX, line);
	EXPECT_STREQ(out(), expect);
}

TEST(vuart_tx_raises_txris_until_icr_clears_it)
{
	struct vuart *u = &uarts[0];

	setup(1);
	wr(u, UART_IMSC, 4, UART_INT_TX);
	EXPECT_FALSE(spi_high(u));
	wr(u, UART_DR, 4, 'a');
	EXPECT_EQ(rd(u, UART_RIS, 4), UART_INT_TX);
	EXPECT_EQ(rd(u, UART_MIS, 4), UART_INT_TX);
	EXPECT_TRUE(spi_high(u));
	EXPECT_EQ(rd(u, UART_FR, 4), 0x90); /* sent at once */
	wr(u, UART_ICR, 4, UART_INT_TX);
	EXPECT_EQ(rd(u, UART_RIS, 4), 0);
	EXPECT_FALSE(spi_high(u));
}

/* ---- RX FIFO ----------------------------------------------------------- */

TEST(vuart_rx_byte_raises_rt_and_reads_back_in_order)
{
	struct vuart *u = &uarts[0];

	setup(1);
	wr(u, UART_LCR_H, 4, UART_LCRH_FEN | 0x60);
	wr(u, UART_IMSC, 4, UART_INT_RX | UART_INT_RT);
	EXPECT_EQ(vuart_rx_push(u, 'h'), 0);
	EXPECT_EQ(vuart_rx_push(u, 'i'), 0);
	EXPECT_EQ(rd(u, UART_FR, 4), 0x80); /* TXFE, not RXFE */
	EXPECT_EQ(rd(u, UART_RIS, 4), UART_INT_RT);
	EXPECT_TRUE(spi_high(u));
	EXPECT_EQ(rd(u, UART_DR, 4), 'h');
	EXPECT_TRUE(spi_high(u));
	EXPECT_EQ(rd(u, UART_DR, 4), 'i');
	EXPECT_EQ(rd(u, UART_RIS, 4), 0);
	EXPECT_FALSE(spi_high(u));
	EXPECT_EQ(rd(u, UART_FR, 4), 0x90);
	EXPECT_EQ(rd(u, UART_DR, 4), 0); /* empty */
}

TEST(vuart_rx_interrupt_follows_the_trigger_level)
{
	struct vuart *u = &uarts[0];

	setup(1);
	wr(u, UART_LCR_H, 4, UART_LCRH_FEN);
	wr(u, UART_IMSC, 4, UART_INT_RX); /* IFLS 0x12: RX at 16 */
	wr(u, UART_ICR, 4, UART_INT_ALL);
	for (int i = 0; i < 15; i++)
		vuart_rx_push(u, (uint8_t)('a' + i));
	EXPECT_EQ(rd(u, UART_RIS, 4), UART_INT_RT);
	EXPECT_FALSE(spi_high(u));
	vuart_rx_push(u, 'p');
	EXPECT_EQ(rd(u, UART_RIS, 4), UART_INT_RX | UART_INT_RT);
	EXPECT_TRUE(spi_high(u));
	EXPECT_EQ(rd(u, UART_DR, 4), 'a');
	EXPECT_EQ(rd(u, UART_RIS, 4), UART_INT_RT);
	EXPECT_FALSE(spi_high(u));
	/* 1/8 (code 0): 4 entries; 15 are there already. */
	wr(u, UART_IFLS, 4, 0x00);
	EXPECT_EQ(rd(u, UART_RIS, 4), UART_INT_RX | UART_INT_RT);
	EXPECT_TRUE(spi_high(u));
}

TEST(vuart_rx_fifo_fills_at_32_and_sets_rxff)
{
	struct vuart *u = &uarts[0];

	setup(1);
	wr(u, UART_LCR_H, 4, UART_LCRH_FEN);
	for (int i = 0; i < 32; i++)
		EXPECT_EQ(vuart_rx_push(u, (uint8_t)i), 0);
	EXPECT_EQ(rd(u, UART_FR, 4), 0xc0); /* TXFE | RXFF */
	EXPECT_EQ(vuart_rx_push(u, 0xaa), -ENOSPC);
	EXPECT_EQ(vuart_rx_space(u), 0);
	EXPECT_EQ(rd(u, UART_DR, 4), 0);
	EXPECT_EQ(rd(u, UART_FR, 4), 0x80);
	EXPECT_EQ(vuart_rx_space(u), 1);
	EXPECT_EQ(u->rx_bytes, 32);
}

TEST(vuart_without_fifo_holds_one_byte)
{
	struct vuart *u = &uarts[0];

	setup(1);
	wr(u, UART_IMSC, 4, UART_INT_RX);
	EXPECT_EQ(vuart_rx_push(u, 'x'), 0);
	EXPECT_EQ(rd(u, UART_FR, 4), 0xc0);
	EXPECT_EQ(rd(u, UART_RIS, 4), UART_INT_RX | UART_INT_RT);
	EXPECT_TRUE(spi_high(u));
	EXPECT_EQ(vuart_rx_push(u, 'y'), -ENOSPC);
	EXPECT_EQ(rd(u, UART_DR, 4), 'x');
	EXPECT_FALSE(spi_high(u));
}

TEST(vuart_overrun_marks_the_last_entry_and_rsr_until_ecr)
{
	struct vuart *u = &uarts[0];

	setup(1);
	wr(u, UART_IMSC, 4, UART_INT_OE);
	vuart_rx_push(u, 'x');
	vuart_rx_force(u, 'y'); /* FIFOs off: full with one */
	EXPECT_EQ(rd(u, UART_RIS, 4), UART_INT_OE | UART_INT_RX | UART_INT_RT);
	EXPECT_EQ(rd(u, UART_MIS, 4), UART_INT_OE);
	EXPECT_TRUE(spi_high(u));
	EXPECT_EQ(rd(u, UART_DR, 4), UART_DR_OE | 'x');
	EXPECT_EQ(rd(u, UART_RSR_ECR, 4), UART_RSR_OE);
	wr(u, UART_RSR_ECR, 4, 0);
	EXPECT_EQ(rd(u, UART_RSR_ECR, 4), 0);
	wr(u, UART_ICR, 4, UART_INT_OE);
	EXPECT_FALSE(spi_high(u));
	EXPECT_EQ(u->rx_overruns, 1);
}

TEST(vuart_fen_change_flushes_the_rx_fifo)
{
	struct vuart *u = &uarts[0];

	setup(1);
	wr(u, UART_LCR_H, 4, UART_LCRH_FEN);
	vuart_rx_push(u, 'a');
	vuart_rx_push(u, 'b');
	wr(u, UART_LCR_H, 4, 0x60);
	EXPECT_EQ(rd(u, UART_FR, 4), 0x90);
	EXPECT_EQ(rd(u, UART_RIS, 4), 0);
}

TEST(vuart_reset_empties_the_fifo_lowers_the_spi_and_ends_the_line)
{
	struct vuart *u = &uarts[0];

	setup(1);
	wr(u, UART_LCR_H, 4, UART_LCRH_FEN);
	wr(u, UART_IMSC, 4, UART_INT_RT);
	vuart_rx_push(u, 'a');
	puts_dr(u, "half");
	EXPECT_TRUE(spi_high(u));
	vuart_reset(u);
	EXPECT_FALSE(spi_high(u));
	EXPECT_EQ(rd(u, UART_FR, 4), 0x90);
	EXPECT_EQ(rd(u, UART_IMSC, 4), 0);
	EXPECT_EQ(rd(u, UART_LCR_H, 4), 0);
	EXPECT_STREQ(out(), "vm0| half");
}

/* ---- console input ----------------------------------------------------- */

static void listen(struct vuart *u)
{
	wr(u, UART_LCR_H, 4, UART_LCRH_FEN | 0x60);
	wr(u, UART_IMSC, 4, UART_INT_RX | UART_INT_RT);
}

TEST(vuart_input_goes_to_the_focus_and_ctrl_a_x3_cycles_it)
{
	setup(2);
	vuart_input_add(&uarts[0]);
	vuart_input_add(&uarts[1]);
	listen(&uarts[0]);
	listen(&uarts[1]);
	EXPECT_TRUE(vuart_input_focus() == &uarts[0]);
	phys_type("a\x01\x01\x01"
		  "b",
		  5);
	vuart_input_pull();
	EXPECT_TRUE(vuart_input_focus() == &uarts[1]);
	EXPECT_STREQ(host_last_log(),
		     "console input: VM 1 'vm1' (Ctrl-A three times switches)");
	EXPECT_EQ(uarts[0].rx_count, 1);
	EXPECT_EQ(rd(&uarts[0], UART_DR, 4), 'a');
	EXPECT_EQ(uarts[1].rx_count, 1);
	EXPECT_EQ(rd(&uarts[1], UART_DR, 4), 'b');
	phys_type("\x01\x01\x01"
		  "c",
		  4);
	vuart_input_pull();
	EXPECT_TRUE(vuart_input_focus() == &uarts[0]);
	EXPECT_EQ(rd(&uarts[0], UART_DR, 4), 'c');
	EXPECT_EQ(uarts[1].rx_count, 0);
	EXPECT_TRUE(phys_irq_on == false && phys_irq_toggles == 0);
}

TEST(vuart_input_fewer_than_three_ctrl_a_reach_the_guest)
{
	setup(2);
	vuart_input_add(&uarts[0]);
	vuart_input_add(&uarts[1]);
	listen(&uarts[0]);
	phys_type("\x01\x01x", 3);
	vuart_input_pull();
	EXPECT_TRUE(vuart_input_focus() == &uarts[0]);
	EXPECT_EQ(rd(&uarts[0], UART_DR, 4), 0x01);
	EXPECT_EQ(rd(&uarts[0], UART_DR, 4), 0x01);
	EXPECT_EQ(rd(&uarts[0], UART_DR, 4), 'x');
	EXPECT_EQ(rd(&uarts[0], UART_FR, 4), 0x90);
}

TEST(vuart_input_ctrl_a_twice_then_p_prints_the_exit_profile)
{
	unsigned int before = profile_prints;

	setup(2);
	vuart_input_add(&uarts[0]);
	vuart_input_add(&uarts[1]);
	listen(&uarts[0]);
	phys_type("\x01\x01p", 3);
	vuart_input_pull();
	EXPECT_EQ(profile_prints, before + 1);
	EXPECT_TRUE(vuart_input_focus() == &uarts[0]);
	EXPECT_EQ(uarts[0].rx_count, 0);
	/* One Ctrl-A and p, or p alone: keystrokes for the guest. */
	phys_type("\x01pp", 3);
	vuart_input_pull();
	EXPECT_EQ(profile_prints, before + 1);
	EXPECT_EQ(rd(&uarts[0], UART_DR, 4), 0x01);
	EXPECT_EQ(rd(&uarts[0], UART_DR, 4), 'p');
	EXPECT_EQ(rd(&uarts[0], UART_DR, 4), 'p');
	EXPECT_EQ(rd(&uarts[0], UART_FR, 4), 0x90);
}

/* 64 KiB typed into a guest that reads as its interrupt says: the FIFO
 * fills (RXFF), vigil masks the UART's RX, every read lets more in, and
 * not a byte is lost or reordered. */
TEST(vuart_input_flood_loses_nothing_with_flow_control)
{
	struct vuart *u = &uarts[0];
	size_t got = 0, bad = 0;

	setup(2);
	vuart_input_add(&uarts[0]);
	vuart_input_add(&uarts[1]);
	listen(u);
	listen(&uarts[1]);
	for (size_t i = 0; i < 65536; i++)
		phys_rx[i] = (uint8_t)('0' + i % 64); /* no Ctrl-A */
	phys_len = 65536;
	vuart_input_pull();
	EXPECT_EQ(u->rx_count, 32);
	EXPECT_EQ(rd(u, UART_FR, 4), 0xc0);
	EXPECT_FALSE(phys_irq_on);
	while (spi_high(u)) {
		while (!(rd(u, UART_FR, 4) & UART_FR_RXFE)) {
			uint32_t c = rd(u, UART_DR, 4);

			if (c != (uint32_t)('0' + got % 64))
				bad++;
			got++;
		}
	}
	EXPECT_EQ(got, 65536);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(u->rx_overruns, 0);
	/* Masked once when the FIFO first filled; every read then pulled
	 * one more byte in; unmasked when the UART ran dry. */
	EXPECT_EQ(phys_irq_toggles, 2);
	EXPECT_TRUE(phys_irq_on);
	EXPECT_EQ(uarts[1].rx_bytes, 0);
}

TEST(vuart_input_to_a_guest_not_listening_overruns_without_stalling)
{
	struct vuart *u = &uarts[0];

	setup(1);
	vuart_input_add(u);
	wr(u, UART_LCR_H, 4, UART_LCRH_FEN);
	for (size_t i = 0; i < 32 + VUART_HOLD + 8; i++)
		phys_rx[i] = 'q';
	phys_len = 32 + VUART_HOLD + 8;
	vuart_input_pull();
	EXPECT_EQ(phys_head, phys_len); /* all read: the UART is not held up */
	EXPECT_EQ(u->rx_count, 32);
	EXPECT_EQ(u->hold_count, VUART_HOLD);
	EXPECT_EQ(u->rx_overruns, 8);
	EXPECT_EQ(rd(u, UART_RIS, 4) & UART_INT_OE, UART_INT_OE);
	EXPECT_EQ(host_hyp_timer(), 0);
}

TEST(vuart_input_registers_the_uart_irq_as_a_level_to_cpu0)
{
	setup(1);
	EXPECT_EQ(vuart_input_start(33), 0);
	EXPECT_TRUE(host_irq_handler(33) != NULL);
	EXPECT_TRUE(gm_pirqs[33].enabled);
	EXPECT_FALSE(gm_pirqs[33].edge);
	EXPECT_EQ(gm_pirqs[33].target, 0);
	EXPECT_TRUE(phys_irq_on);
}

/* A guest that resets with its FIFO full and input held back: nobody
 * would read its FIFO to let that input in, so the reset takes it (a
 * guest not listening yet loses it), and the UART's RX is unmasked. */
TEST(vuart_input_held_for_a_full_fifo_is_released_by_its_reset)
{
	struct vuart *u = &uarts[0];

	setup(1);
	vuart_input_add(u);
	listen(u);
	for (size_t i = 0; i < 32 + VUART_HOLD + 8; i++)
		phys_rx[i] = 'r';
	phys_len = 32 + VUART_HOLD + 8;
	vuart_input_pull();
	EXPECT_EQ(u->rx_count, 32);
	EXPECT_EQ(u->hold_count, VUART_HOLD);
	EXPECT_FALSE(phys_irq_on);
	vuart_reset(u);
	EXPECT_EQ(phys_head, phys_len);
	EXPECT_TRUE(phys_irq_on);
	EXPECT_EQ(u->rx_count, 1); /* FIFOs off after reset: one byte */
	EXPECT_EQ(u->hold_count, 7);
	EXPECT_EQ(u->rx_bytes, 32 + VUART_HOLD + 8);
	EXPECT_EQ(u->rx_overruns, 0);
}

/* ---- a guest that stops reading ---------------------------------------- */

#define STALL_TICKS (62500000ULL / 1000 * VUART_STALL_MS)

static void type_pattern(size_t n)
{
	for (size_t i = 0; i < n; i++)
		phys_rx[phys_len++] = (uint8_t)('A' + i % 26);
}

static void fire_hyp_timer(void)
{
	irq_handler_fn fn = host_irq_handler(PPI_HTIMER);

	if (!fn)
		test_fail(__FILE__, __LINE__, "no HYP timer handler");
	else
		fn(PPI_HTIMER, NULL, NULL);
}

/* The focus takes RX interrupts but never reads: its FIFO and held input
 * fill, the UART pauses, and VUART_STALL_MS later the HYP timer finds no
 * read since: the UART is read again, the switch key gets through, what
 * does not fit is lost as overruns; the guest's first read reports it and
 * it then gets the first FIFO + VUART_HOLD bytes, in order, the last one
 * flagged OE. */
TEST(vuart_input_to_a_guest_that_stops_reading_is_held_then_lost)
{
	struct vuart *u = &uarts[0];
	size_t got = 0, bad = 0;
	uint32_t c = 0;

	setup(2);
	EXPECT_EQ(vuart_input_start(33), 0);
	vuart_input_add(&uarts[0]);
	vuart_input_add(&uarts[1]);
	listen(u);
	listen(&uarts[1]);
	type_pattern(32 + VUART_HOLD + 100);
	phys_type("\x01\x01\x01z", 4);
	vuart_input_pull();
	EXPECT_EQ(phys_head, 32 + VUART_HOLD + 1); /* one read, held */
	EXPECT_FALSE(phys_irq_on);
	EXPECT_TRUE(host_hyp_timer() != 0);
	EXPECT_TRUE(host_irq_handler(PPI_HTIMER) != NULL);
	/* Early: it only goes again. */
	fire_hyp_timer();
	EXPECT_TRUE(host_hyp_timer() != 0);
	EXPECT_FALSE(phys_irq_on);
	EXPECT_FALSE(u->stalled);
	host_counter_advance(STALL_TICKS);
	fire_hyp_timer();
	EXPECT_TRUE(u->stalled);
	EXPECT_TRUE(phys_irq_on);
	EXPECT_EQ(phys_head, phys_len);
	EXPECT_EQ(u->rx_overruns, 100);
	EXPECT_EQ(u->rx_bytes, 32 + VUART_HOLD);
	EXPECT_EQ(u->rx_held, VUART_HOLD);
	EXPECT_TRUE(vuart_input_focus() == &uarts[1]);
	EXPECT_STREQ(host_last_log(),
		     "console input: VM 1 'vm1' (Ctrl-A three times switches)");
	EXPECT_EQ(rd(&uarts[1], UART_DR, 4), 'z');
	EXPECT_EQ(rd(u, UART_RIS, 4) & UART_INT_OE, UART_INT_OE);
	/* Still not reading: more input for it is lost at once. */
	phys_type("\x01\x01\x01", 3);
	type_pattern(5);
	vuart_input_pull();
	EXPECT_TRUE(vuart_input_focus() == u);
	EXPECT_EQ(u->rx_overruns, 105);
	EXPECT_TRUE(phys_irq_on);
	for (;;) {
		c = rd(u, UART_DR, 4);
		if (got == 0)
			EXPECT_STREQ(host_last_log(),
				     "console input: VM 0 'vm0' reads its "
				     "vUART again: 105 bytes were lost");
		if ((c & 0xff) != (uint32_t)('A' + got % 26))
			bad++;
		got++;
		if (rd(u, UART_FR, 4) & UART_FR_RXFE)
			break;
		if (c & UART_DR_OE)
			bad++; /* only on the last byte */
	}
	EXPECT_EQ(got, 32 + VUART_HOLD);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(c, UART_DR_OE | (uint32_t)('A' + (got - 1) % 26));
	EXPECT_FALSE(u->stalled);
	/* Reading again: flow control again, nothing lost. */
	type_pattern(32 + VUART_HOLD + 1);
	vuart_input_pull();
	EXPECT_FALSE(phys_irq_on);
	EXPECT_EQ(u->rx_overruns, 105);
}

/* Each read that finds the guest still full starts the count again: a
 * slow reader is never declared stalled. */
TEST(vuart_input_pause_counts_from_the_guests_last_read)
{
	struct vuart *u = &uarts[0];
	uint64_t first;

	setup(1);
	EXPECT_EQ(vuart_input_start(33), 0);
	vuart_input_add(u);
	listen(u);
	type_pattern(32 + VUART_HOLD + 10);
	vuart_input_pull();
	first = host_hyp_timer();
	EXPECT_TRUE(first != 0);
	host_counter_advance(STALL_TICKS - 1000);
	rd(u, UART_DR, 4); /* one more byte in, still full */
	EXPECT_FALSE(phys_irq_on);
	EXPECT_EQ(host_hyp_timer(), first); /* armed once per pause */
	host_counter_advance(1000);
	fire_hyp_timer(); /* the first end: passed, but moved on */
	EXPECT_FALSE(u->stalled);
	EXPECT_FALSE(phys_irq_on);
	EXPECT_TRUE(host_hyp_timer() > first); /* again, for the new end */
	host_counter_advance(STALL_TICKS);
	fire_hyp_timer();
	EXPECT_TRUE(u->stalled);
	EXPECT_TRUE(phys_irq_on);
	EXPECT_EQ(u->rx_overruns, 9);
}

/* ---- the focus skips VMs that are off ---------------------------------- */

TEST(vuart_input_focus_skips_vms_that_are_off)
{
	setup(3);
	EXPECT_EQ(vuart_input_start(33), 0);
	for (unsigned int i = 0; i < 3; i++) {
		vuart_input_add(&uarts[i]);
		listen(&uarts[i]);
	}
	vms_t[1].powered_off = true;
	vuart_reset(&uarts[1]); /* as vm_power_off() does */
	phys_type("\x01\x01\x01", 3);
	vuart_input_pull();
	EXPECT_TRUE(vuart_input_focus() == &uarts[2]);
	phys_type("\x01\x01\x01", 3);
	vuart_input_pull();
	EXPECT_TRUE(vuart_input_focus() == &uarts[0]);
	EXPECT_STREQ(host_last_log(),
		     "console input: VM 0 'vm0' (Ctrl-A three times switches)");
	phys_type("\x01\x01\x01"
		  "a",
		  4);
	vuart_input_pull();
	EXPECT_EQ(rd(&uarts[2], UART_DR, 4), 'a');
	EXPECT_EQ(uarts[1].rx_bytes, 0);
	/* The focused VM goes off: the focus moves on by itself. */
	vms_t[2].powered_off = true;
	vuart_reset(&uarts[2]);
	EXPECT_TRUE(vuart_input_focus() == &uarts[0]);
	EXPECT_STREQ(host_last_log(),
		     "console input: VM 0 'vm0' (every other VM is off)");
	phys_type("\x01\x01\x01"
		  "b",
		  4);
	vuart_input_pull();
	EXPECT_TRUE(vuart_input_focus() == &uarts[0]);
	EXPECT_STREQ(host_last_log(),
		     "console input: VM 0 'vm0' (every other VM is off)");
	EXPECT_EQ(rd(&uarts[0], UART_DR, 4), 'b');
	vms_t[0].powered_off = true;
	vuart_reset(&uarts[0]);
	EXPECT_STREQ(host_last_log(),
		     "console input: none (every VM with a vUART is off)");
	phys_type("c", 1);
	vuart_input_pull();
	EXPECT_EQ(phys_head, phys_len);
	EXPECT_EQ(uarts[0].rx_count + uarts[1].rx_count + uarts[2].rx_count, 1);
}
