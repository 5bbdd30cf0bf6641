/* SPDX-License-Identifier: MIT */
/*
 * The platform as the boot DTB describes it (core/platform_dt.c): the GIC's
 * frames, the console UART, the CPUs and how to start them, RAM. One image
 * runs on every board because the boot code asks this, not a build-time
 * table; platforms/<name>/ keeps only what a DTB cannot say.
 *
 * Addresses are CPU physical addresses: every `reg` is translated through
 * the `ranges` of the buses above it (Devicetree Specification v0.4,
 * §2.3.8), so the Raspberry Pi 4's GIC, which /soc lists at 0x40041000,
 * comes out at 0xff841000.
 */
#ifndef VIGIL_PLATFORM_DT_H
#define VIGIL_PLATFORM_DT_H

#include "compiler.h"
#include "config.h"
#include "percpu.h"
#include "platform.h"

enum cpu_enable {
	CPU_ENABLE_NONE, /* the boot CPU, or a method vigil cannot use */
	CPU_ENABLE_PSCI,
	CPU_ENABLE_SPIN_TABLE,
};

enum psci_method {
	PSCI_METHOD_NONE,
	PSCI_METHOD_HVC,
	PSCI_METHOD_SMC,
};

struct plat_cpu {
	uint64_t mpidr; /* `reg`, affinity bits only */
	enum cpu_enable enable;
	uint64_t release_addr; /* spin-table: cpu-release-addr */
	/* The node's first compatible ("arm,cortex-a72"), "" if none, and
	 * the MIDR it names: implementer and part number only (variant and
	 * revision 0), 0 for a compatible not in plat_midr_of()'s table.
	 * What each CPU reads from its own MIDR may add a revision; the part
	 * number is what tells big from LITTLE. */
	char compatible[32];
	uint32_t midr;
};

/* MIDR fields (Arm ARM D17.2.100 MIDR_EL1, G8.2.100 MIDR). */
#define MIDR_IMPLEMENTER_SHIFT 24
#define MIDR_ARCH_SHIFT 16
#define MIDR_PARTNUM_SHIFT 4
#define MIDR_PARTNUM(midr) (((midr) >> MIDR_PARTNUM_SHIFT) & 0xfffU)
#define MIDR_IMPL_PART_MASK 0xff00fff0U

/* A cluster: the CPUs whose MPIDR differs only in Aff0 (on Juno, Aff1
 * numbers the clusters: 0x0xx the big, 0x1xx the LITTLE). */
#define MPIDR_CLUSTER(mpidr) (MPIDR_HWID_MASK & ~0xffULL & (mpidr))

/* The MIDR (implementer and part number) a cpu node's compatible names,
 * 0 if vigil does not know it. */
uint32_t plat_midr_of(const char *compatible);

struct plat_desc {
	/* The GICv2 (compatible arm,gic-400 / arm,cortex-a15-gic / ...). */
	bool has_gic;
	uint64_t gicd, gicc, gich, gicv; /* 0: that frame is not listed */
	unsigned int maint_irq;		 /* INTID of the maintenance PPI */
	/* Their sizes as `reg` gives them: the CPU interface and GICV may be
	 * 4 KiB, 8 KiB or 128 KiB (a GIC-400's 64 KiB-aliased pages), which
	 * gic_init() resolves (gic/cpuif.c). */
	uint64_t gicc_size, gich_size, gicv_size;
	/* The generic timer node's fourth interrupt, the EL2 physical
	 * timer's PPI, as an INTID; 0 if the DTB does not give it. */
	unsigned int hyp_timer_irq;
	/* /chosen/stdout-path, if it names a UART vigil drives. */
	bool has_console;
	enum uart_kind console_kind;
	uint64_t console;
	char console_path[64];
	/* /cpus, in tree order (the boot CPU included). */
	unsigned int nr_cpus;
	struct plat_cpu cpus[MAX_CPUS];
	bool cpus_truncated; /* more than MAX_CPUS in the tree */
	enum psci_method psci;
	/* Every /memory bank, in tree order. */
	unsigned int nr_mem;
	struct {
		uint64_t base, size;
	} mem[CONFIG_MAX_MEM_BANKS];
	char model[64]; /* the root's `model`, or its first compatible */
	/* Where there is no PSCI: the BCM2835 power-management watchdog
	 * (core/platform_power.c), 0 if none. */
	uint64_t pm_wdt;
};

/*
 * Read the whole description. Returns 0, or -1 with one line in `err`
 * naming the node and the problem (a DTB vigil cannot boot on: no /cpus,
 * no memory, a `reg` no bus translates).
 */
int platform_dt_probe(const void *fdt, struct plat_desc *d, char *err,
		      size_t errlen);

/*
 * fdt_parent_offset() in one walk from the root instead of two (the
 * depth, then the node at that depth): the same answers.
 */
int dt_parent(const void *fdt, int node);

/*
 * The CPU physical address of entry `idx` of `node`'s `reg`, translated
 * through every parent bus's `ranges`; its size in *size if not NULL.
 * 0 on success, -1 if the entry is missing or an ancestor does not map it.
 */
int dt_reg_phys(const void *fdt, int node, int idx, uint64_t *addr,
		uint64_t *size);
/* The same, for a node whose parent @bus the caller knows. */
int dt_reg_phys_at(const void *fdt, int node, int bus, int idx, uint64_t *addr,
		   uint64_t *size);

/*
 * Translate *@addr, @size bytes at an address of the bus @bus, to a CPU
 * physical address through the ranges of @bus and of every bus above it
 * (DT spec v0.4 §2.3.8): an empty ranges is the identity, a missing one
 * means the bus is not memory mapped, and the whole range must lie inside
 * one of a bus's ranges. NULL, or why not (a phrase for an error line)
 * with *@stop the bus that stopped it.
 */
const char *dt_translate(const void *fdt, int bus, uint64_t *addr,
			 uint64_t size, int *stop);

/*
 * Power off or reset the machine without PSCI (core/platform_power.c),
 * with what platform_power_init() found; false if there is nothing to do
 * it with. They return when they worked too: the device acts a few
 * microseconds later.
 */
void platform_power_init(const struct plat_desc *d);
bool platform_power_off(void);
bool platform_reset(void);

#endif
