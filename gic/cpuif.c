/* SPDX-License-Identifier: MIT */
/*
 * Where a GICv2 CPU interface's two 4 KiB pages are (include/gic.h,
 * gic_cpuif_locate()): the physical GICC, and the GICV frame vigil maps
 * as a guest's GICC. Both must be one 8 KiB window, GICC_DIR in its
 * second page (GICv2 §4.4.15, §5.3).
 *
 * A GIC-400 on a 64 KiB-granule interconnect (Arm's Juno, the GIC-400 TRM
 * §3.1) repeats each 4 KiB page over a whole 64 KiB: page 0 at every 4 KiB
 * of the first 64 KiB, page 1 of the second. Its 8 KiB window is then the
 * last alias of page 0 and the first of page 1, base + 0xf000. DTBs say it
 * three ways: that window itself (Juno's: reg 0x2c02f000, 8 KiB), the
 * whole 128 KiB, or only the first 4 KiB page. The last two are told apart
 * as Linux's GIC driver does (drivers/irqchip/irq-gic.c,
 * gic_check_eoimode()): by finding the CPU interface's identification
 * register, GICC_IIDR, where each layout puts a copy of page 0.
 */
#include <errno.h>

#include "gic.h"
#include "gicv2_regs.h"

#define SZ_4K 0x1000ULL
#define SZ_8K 0x2000ULL
#define SZ_64K 0x10000ULL
#define SZ_128K 0x20000ULL

/* GICC_IIDR (§4.4.16): Implementer [11:0] Arm (0x43b), ArchitectureVersion
 * [19:16] 2, [23:20] 0; Revision [15:12] and ProductID [31:24] may be
 * anything. The GICV frame's copy at the same offset reads the same. */
#define IIDR_V2_MASK 0x00ff0fffU
#define IIDR_V2_ARM 0x0002043bU

static bool is_gicv2_page(uint64_t page, gic_read32_fn rd, void *ctx)
{
	return (rd(page + GICC_IIDR, ctx) & IIDR_V2_MASK) == IIDR_V2_ARM;
}

int gic_cpuif_locate(uint64_t base, uint64_t size, gic_read32_fn rd, void *ctx,
		     uint64_t *window)
{
	if (size < SZ_8K) {
		/* Only page 0 listed. Nothing to find unless it is a GICv2
		 * at all; then a second page 0 right after it means the
		 * 64 KiB aliasing, anything else the plain layout the DTB
		 * shortened. */
		if (!size || !is_gicv2_page(base, rd, ctx))
			return -ENODEV;
		if (!is_gicv2_page(base + SZ_4K, rd, ctx)) {
			*window = base;
			return 0;
		}
		size = SZ_128K;
	}
	if (size == SZ_128K) {
		/* Page 0 at both ends of the first 64 KiB, or it is not the
		 * aliased layout and there is no telling where page 1 is. */
		if (!is_gicv2_page(base, rd, ctx) ||
		    !is_gicv2_page(base + SZ_64K - SZ_4K, rd, ctx))
			return -ENODEV;
		*window = base + SZ_64K - SZ_4K;
		return 0;
	}
	*window = base;
	return 0;
}
