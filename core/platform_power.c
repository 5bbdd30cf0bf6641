/* SPDX-License-Identifier: MIT */
/*
 * Turning the machine off or resetting it where the firmware offers no
 * PSCI: the BCM2835/BCM2711 power-management watchdog, the Raspberry Pi's
 * (the DTB's brcm,bcm2835-pm-wdt / brcm,bcm2835-pm node). The sequence is
 * the one Linux's bcm2835_wdt driver and the Pi firmware agree on: a
 * watchdog of a few ticks with a full reset, and, to stay off, the reset
 * status's boot partition set to 63, which the firmware reads as halt
 * (and QEMU's raspi machines as a shutdown).
 */
#include "arch.h"
#include "platform_dt.h"

#define PM_PASSWORD 0x5a000000U
#define PM_RSTC 0x1c
#define PM_RSTC_WRCFG_CLR 0xffffffcfU
#define PM_RSTC_WRCFG_FULL_RESET 0x00000020U
#define PM_RSTS 0x20
/* Partition 63: its six bits spread over every other bit of [11:0]. */
#define PM_RSTS_PARTITION_HALT 0x555U
#define PM_WDOG 0x24
#define PM_WDOG_TICKS 10 /* of 16 us */

static uint64_t pm_base;

void platform_power_init(const struct plat_desc *d)
{
	pm_base = d->pm_wdt;
}

static uint32_t pm_rd(uint32_t off)
{
	return *(volatile uint32_t *)(uintptr_t)(pm_base + off);
}

static void pm_wr(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(pm_base + off) = v;
}

static void pm_reset(void)
{
	pm_wr(PM_WDOG, PM_PASSWORD | PM_WDOG_TICKS);
	pm_wr(PM_RSTC, (pm_rd(PM_RSTC) & PM_RSTC_WRCFG_CLR) | PM_PASSWORD |
			       PM_RSTC_WRCFG_FULL_RESET);
}

bool platform_power_off(void)
{
	if (!pm_base)
		return false;
	pm_wr(PM_RSTS,
	      (pm_rd(PM_RSTS) & 0xfffU) | PM_PASSWORD | PM_RSTS_PARTITION_HALT);
	pm_reset();
	return true;
}

bool platform_reset(void)
{
	if (!pm_base)
		return false;
	pm_reset();
	return true;
}
