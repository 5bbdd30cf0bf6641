/* SPDX-License-Identifier: MIT */
/* QEMU virt, gic-version=2, virtualization=on (DESIGN §7). */
#include "platform.h"

static const struct plat_region qemu_virt_early_map[] = {
	{0x00000000, 0x40000000, true},	      /* flash, GIC, UART, virtio */
	{0x40000000, 0x3fc0000000ULL, false}, /* RAM (up to 255 GiB) */
};

const struct platform platform = {
	.name = "qemu-virt",
	.uart_kind = UART_PL011,
	.uart = 0x09000000,
	.early_map = qemu_virt_early_map,
	.nr_early_map = ARRAY_SIZE(qemu_virt_early_map),
};
