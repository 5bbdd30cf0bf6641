/* SPDX-License-Identifier: MIT */
/* QEMU virt, gic-version=2, virtualization=on (DESIGN §7). */
#include "platform.h"

static const struct plat_region qemu_virt_early_map[] = {
	{0x00000000, 0x40000000, true},	      /* flash, GIC, UART, virtio */
	{0x40000000, 0x3fc0000000ULL, false}, /* RAM (up to 255 GiB) */
};

const struct platform platform = {
	.name = "qemu-virt",
	.gicd = 0x08000000,
	.gicc = 0x08010000,
	.gich = 0x08030000,
	.gicv = 0x08040000,
	.maint_irq = 25,
	.uart_kind = UART_PL011,
	.uart = 0x09000000,
	.early_map = qemu_virt_early_map,
	.nr_early_map = ARRAY_SIZE(qemu_virt_early_map),
	.gic_relatch_on_retarget = true,
	.gic_no_hw_lrs = true,
	.gic_one_lr_per_sgi = true,
};
