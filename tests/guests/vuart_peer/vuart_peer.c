/* SPDX-License-Identifier: MIT */
/*
 * vuart_peer: the VM beside tests/guests/vuart that keeps taking input. It
 * polls its vUART (RX interrupts enabled in UARTIMSC, as a driver that
 * reads, but taken by polling) and answers each line with
 * `peer: got '<line>'`; the line "off" powers it off (SYSTEM_OFF).
 */
#include "guest.h"

#define VUART_PA 0x09000000UL
#define DR 0x000
#define FR 0x018
#define LCR_H 0x02c
#define IMSC 0x038
#define FR_RXFE 0x10

static uint32_t rd32(unsigned int off)
{
	return *(volatile uint32_t *)(VUART_PA + off);
}

static void wr32(unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(VUART_PA + off) = v;
}

int main(uint64_t dtb)
{
	char line[80];
	unsigned int len = 0;

	(void)dtb;
	wr32(LCR_H, 0x70);	 /* FIFOs on, 8 bits */
	wr32(IMSC, 0x10 | 0x40); /* RX | RT */
	gprintf("peer: reading\n");
	for (;;) {
		uint32_t c;

		while (rd32(FR) & FR_RXFE)
			cpu_relax();
		c = rd32(DR) & 0xff;
		if (c != '\n' && c != '\r') {
			if (len < sizeof(line) - 1)
				line[len++] = (char)c;
			continue;
		}
		line[len] = '\0';
		gprintf("peer: got '%s'\n", line);
		if (!strcmp(line, "off"))
			psci_system_off();
		len = 0;
	}
}
