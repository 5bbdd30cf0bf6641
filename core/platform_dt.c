/* SPDX-License-Identifier: MIT */
/*
 * The platform from the boot DTB (include/platform_dt.h): what the boot
 * code needs before anything else, read once, with every address
 * translated to a CPU physical address.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "platform_dt.h"

/* Devicetree Specification v0.4 §2.3.5: the defaults when a node omits them. */
#define DT_DEFAULT_ADDR_CELLS 2
#define DT_DEFAULT_SIZE_CELLS 1

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

/* A bus's #address-cells or #size-cells; -1 if it is one vigil cannot hold
 * in 64 bits (PCI's 3-cell addresses) or malformed. */
static int bus_cells(const void *fdt, int bus, const char *name, int dflt)
{
	int len, v;
	const fdt32_t *p = fdt_getprop(fdt, bus, name, &len);

	if (!p)
		return dflt;
	if (len != 4)
		return -1;
	v = (int)fdt32_to_cpu(*p);
	return v <= 2 ? v : -1;
}

/* Deeper nodes fall back to libfdt's two walks. */
#define DT_PARENT_MAX_DEPTH 16

int dt_parent(const void *fdt, int node)
{
	int up[DT_PARENT_MAX_DEPTH], depth = 0, n;

	for (n = 0; n >= 0 && n <= node; n = fdt_next_node(fdt, n, &depth)) {
		if (depth < 0)
			break;
		if (depth >= DT_PARENT_MAX_DEPTH)
			return fdt_parent_offset(fdt, node);
		up[depth] = n;
		if (n == node)
			return depth ? up[depth - 1] : -FDT_ERR_NOTFOUND;
	}
	return n < 0 && n != -FDT_ERR_NOTFOUND ? n : -FDT_ERR_BADOFFSET;
}

const char *dt_translate(const void *fdt, int bus, uint64_t *addr,
			 uint64_t size, int *stop)
{
	while (bus > 0) {
		int parent = dt_parent(fdt, bus), len, cac, csc, pac, w;
		const fdt32_t *r;
		bool found = false;

		*stop = bus;
		if (parent < 0)
			return "has no parent";
		r = fdt_getprop(fdt, bus, "ranges", &len);
		if (!r)
			return "has no ranges";
		if (len == 0) {
			bus = parent;
			continue;
		}
		cac = bus_cells(fdt, bus, "#address-cells",
				DT_DEFAULT_ADDR_CELLS);
		csc = bus_cells(fdt, bus, "#size-cells", DT_DEFAULT_SIZE_CELLS);
		pac = bus_cells(fdt, parent, "#address-cells",
				DT_DEFAULT_ADDR_CELLS);
		if (cac < 1 || csc < 1 || pac < 1)
			return "has ranges of more than 2 cells";
		w = cac + pac + csc;
		if (len % (4 * w))
			return "has a malformed ranges";
		for (int i = 0; !found && i < len / 4; i += w) {
			uint64_t cb = read_cells(r + i, cac);
			uint64_t pb = read_cells(r + i + cac, pac);
			uint64_t sz = read_cells(r + i + cac + pac, csc);
			uint64_t off = *addr - cb;

			if (*addr < cb || off >= sz || size > sz - off)
				continue;
			if (pb + off < pb)
				return "has a range that wraps";
			*addr = pb + off;
			found = true;
		}
		if (!found)
			return "maps no range holding it";
		bus = parent;
	}
	return NULL;
}

int dt_reg_phys(const void *fdt, int node, int idx, uint64_t *addr,
		uint64_t *size)
{
	return dt_reg_phys_at(fdt, node, dt_parent(fdt, node), idx, addr, size);
}

int dt_reg_phys_at(const void *fdt, int node, int bus, int idx, uint64_t *addr,
		   uint64_t *size)
{
	int ac, sc, len, stop;
	const fdt32_t *reg;
	uint64_t a, s;

	if (bus < 0 || idx < 0)
		return -1;
	ac = bus_cells(fdt, bus, "#address-cells", DT_DEFAULT_ADDR_CELLS);
	sc = bus_cells(fdt, bus, "#size-cells", DT_DEFAULT_SIZE_CELLS);
	if (ac < 1 || sc < 0)
		return -1;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < (idx + 1) * (ac + sc) * 4)
		return -1;
	reg += idx * (ac + sc);
	a = read_cells(reg, ac);
	s = read_cells(reg + ac, sc);
	/* Up to the root, whose address space is the CPU's. */
	if (dt_translate(fdt, bus, &a, s, &stop))
		return -1;
	*addr = a;
	if (size)
		*size = s;
	return 0;
}

static bool node_enabled(const void *fdt, int node)
{
	const char *st = fdt_getprop(fdt, node, "status", NULL);

	return !st || !strcmp(st, "okay") || !strcmp(st, "ok");
}

/*
 * The compatibles probed for, by the index of their first node in tree
 * order: one walk over the tree finds them all (a walk per compatible,
 * as fdt_node_offset_by_compatible() does, cost 1.3 M instructions on
 * QEMU virt's tree, where the Pi's two are never found; issue 16).
 */
enum {
	C_GIC400,
	C_A15_GIC,
	C_A7_GIC,
	C_ARMV8_TIMER,
	C_ARMV7_TIMER,
	C_PM_WDT,
	C_PM,
	C_NR,
};

static const char *const probed_compat[C_NR] = {
	[C_GIC400] = "arm,gic-400",
	[C_A15_GIC] = "arm,cortex-a15-gic",
	[C_A7_GIC] = "arm,cortex-a7-gic",
	[C_ARMV8_TIMER] = "arm,armv8-timer",
	[C_ARMV7_TIMER] = "arm,armv7-timer",
	[C_PM_WDT] = "brcm,bcm2835-pm-wdt",
	[C_PM] = "brcm,bcm2835-pm",
};

/* @first[i]: the first node compatible with probed_compat[i], or < 0. */
static void find_compat(const void *fdt, int first[C_NR])
{
	int n, len, left = C_NR;

	for (int i = 0; i < C_NR; i++)
		first[i] = -FDT_ERR_NOTFOUND;
	for (n = 0; n >= 0 && left; n = fdt_next_node(fdt, n, NULL)) {
		const char *c = fdt_getprop(fdt, n, "compatible", &len);

		for (int i = 0; c && i < C_NR; i++)
			if (first[i] < 0 &&
			    fdt_stringlist_contains(c, len, probed_compat[i])) {
				first[i] = n;
				left--;
			}
	}
}

static int probe_gic(const void *fdt, const int *first, struct plat_desc *d,
		     char *err, size_t errlen)
{
	uint64_t *frames[] = {&d->gicd, &d->gicc, &d->gich, &d->gicv};
	uint64_t *sizes[] = {NULL, &d->gicc_size, &d->gich_size, &d->gicv_size};
	const fdt32_t *irq;
	int node = -1, bus, len;
	char path[64];

	for (int i = C_GIC400; i <= C_A7_GIC && node < 0; i++)
		node = first[i];
	if (node < 0)
		return 0;
	d->has_gic = true;
	bus = dt_parent(fdt, node); /* a walk from the root: once */
	for (int i = 0; i < 4; i++) {
		/* GICH and GICV are optional in the binding: absent, the GIC
		 * cannot host guests, which gic_init() reports. */
		if (dt_reg_phys_at(fdt, node, bus, i, frames[i], sizes[i]) == 0)
			continue;
		if (i < 2) {
			if (fdt_get_path(fdt, node, path, sizeof(path)))
				strcpy(path, "GIC");
			snprintf(err, errlen,
				 "config error: %s: reg %d is not a CPU "
				 "address (no bus `ranges` maps it)",
				 path, i);
			return -1;
		}
	}
	/* <type num flags>, type 1 = PPI: INTID = num + 16 (the binding,
	 * Documentation/devicetree/bindings/interrupt-controller/arm,gic). */
	irq = fdt_getprop(fdt, node, "interrupts", &len);
	if (irq && len >= 12 && fdt32_to_cpu(irq[0]) == 1 &&
	    fdt32_to_cpu(irq[1]) < 16)
		d->maint_irq = fdt32_to_cpu(irq[1]) + 16;
	return 0;
}

/* The generic timer (arm,armv8-timer / arm,armv7-timer): its interrupts
 * are the secure and non-secure EL1 physical, the virtual and the EL2
 * physical timer's PPIs, in that order (the arm,arch_timer binding). */
static void probe_timer(const void *fdt, const int *first, struct plat_desc *d)
{
	int node = first[C_ARMV8_TIMER], len;
	const fdt32_t *irq;

	if (node < 0)
		node = first[C_ARMV7_TIMER];
	irq = node >= 0 ? fdt_getprop(fdt, node, "interrupts", &len) : NULL;
	if (irq && len >= 4 * 12 && fdt32_to_cpu(irq[9]) == 1 &&
	    fdt32_to_cpu(irq[10]) < 16)
		d->hyp_timer_irq = fdt32_to_cpu(irq[10]) + 16;
}

/* UARTs console.c drives, by compatible. The 8250 kind is 32-bit registers
 * four bytes apart (reg-shift 2): the Pi's mini UART always is. */
static void probe_console(const void *fdt, struct plat_desc *d)
{
	const char *path;
	int chosen, node, len;
	const fdt32_t *shift;

	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		return;
	path = fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!path || len < 1)
		return;
	/* "serial1:115200n8": the alias or path ends at the colon. */
	len = (int)strnlen(path, (size_t)len);
	len = (int)strcspn(path, ":") < len ? (int)strcspn(path, ":") : len;
	node = fdt_path_offset_namelen(fdt, path, len);
	if (node < 0 || !node_enabled(fdt, node))
		return;
	if (fdt_node_check_compatible(fdt, node, "arm,pl011") == 0) {
		d->console_kind = UART_PL011;
	} else if (fdt_node_check_compatible(fdt, node,
					     "brcm,bcm2835-aux-uart") == 0) {
		d->console_kind = UART_8250;
	} else if (fdt_node_check_compatible(fdt, node, "ns16550a") == 0) {
		shift = fdt_getprop(fdt, node, "reg-shift", &len);
		if (!shift || len != 4 || fdt32_to_cpu(*shift) != 2)
			return;
		d->console_kind = UART_8250;
	} else {
		return;
	}
	if (dt_reg_phys(fdt, node, 0, &d->console, NULL))
		return;
	if (fdt_get_path(fdt, node, d->console_path, sizeof(d->console_path)))
		d->console_path[0] = '\0';
	d->has_console = true;
}

/* Arm's part numbers (MIDR.PartNum), from each core's TRM, of the cores
 * whose compatible a DTB gives. */
static const struct {
	const char *compatible;
	uint16_t part;
} arm_parts[] = {
	{"arm,cortex-a7", 0xc07},  {"arm,cortex-a9", 0xc09},
	{"arm,cortex-a15", 0xc0f}, {"arm,cortex-a17", 0xc0e},
	{"arm,cortex-a53", 0xd03}, {"arm,cortex-a35", 0xd04},
	{"arm,cortex-a55", 0xd05}, {"arm,cortex-a57", 0xd07},
	{"arm,cortex-a72", 0xd08}, {"arm,cortex-a73", 0xd09},
	{"arm,cortex-a75", 0xd0a}, {"arm,cortex-a76", 0xd0b},
};

/* MIDR.Implementer 0x41 is Arm; Architecture 0xf: by ID registers. */
#define MIDR_IMPL_ARM 0x41U
#define MIDR_ARCH_BY_ID 0xfU

uint32_t plat_midr_of(const char *compatible)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(arm_parts); i++)
		if (!strcmp(compatible, arm_parts[i].compatible))
			return MIDR_IMPL_ARM << MIDR_IMPLEMENTER_SHIFT |
			       MIDR_ARCH_BY_ID << MIDR_ARCH_SHIFT |
			       (uint32_t)arm_parts[i].part
				       << MIDR_PARTNUM_SHIFT;
	return 0;
}

static int probe_cpus(const void *fdt, struct plat_desc *d, char *err,
		      size_t errlen)
{
	int cpus, node, ac, psci;
	const char *method;

	cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0) {
		snprintf(err, errlen,
			 "config error: /cpus: missing in the DTB");
		return -1;
	}
	ac = bus_cells(fdt, cpus, "#address-cells", 1);
	if (ac < 1) {
		snprintf(err, errlen,
			 "config error: /cpus: #address-cells must be 1 or 2");
		return -1;
	}
	fdt_for_each_subnode(node, fdt, cpus)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const fdt32_t *reg, *rel;
		struct plat_cpu *c;
		int len;

		if (!type || strcmp(type, "cpu") || !node_enabled(fdt, node))
			continue;
		reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || len < ac * 4)
			continue;
		if (d->nr_cpus == MAX_CPUS) {
			d->cpus_truncated = true;
			break;
		}
		c = &d->cpus[d->nr_cpus++];
		c->mpidr = read_cells(reg, ac) & MPIDR_HWID_MASK;
		method = fdt_getprop(fdt, node, "compatible", &len);
		if (method && len > 0)
			snprintf(c->compatible, sizeof(c->compatible), "%.*s",
				 (int)strnlen(method, (size_t)len), method);
		c->midr = plat_midr_of(c->compatible);
		method = fdt_getprop(fdt, node, "enable-method", NULL);
		if (method && !strcmp(method, "psci")) {
			c->enable = CPU_ENABLE_PSCI;
		} else if (method && !strcmp(method, "spin-table")) {
			/* booting.rst: cpu-release-addr is always 64 bits
			 * (two cells), whatever /cpus' #address-cells. */
			rel = fdt_getprop(fdt, node, "cpu-release-addr", &len);
			if (rel && (len == 8 || len == 4)) {
				c->enable = CPU_ENABLE_SPIN_TABLE;
				c->release_addr = read_cells(rel, len / 4);
			}
		}
	}

	psci = fdt_path_offset(fdt, "/psci");
	method = psci >= 0 ? fdt_getprop(fdt, psci, "method", NULL) : NULL;
	if (method && !strcmp(method, "hvc"))
		d->psci = PSCI_METHOD_HVC;
	else if (method && !strcmp(method, "smc"))
		d->psci = PSCI_METHOD_SMC;
	return 0;
}

/* Every bank of every device_type = "memory" node under the root; banks
 * of size 0 (a template the firmware fills, as Debian's Pi DTBs have) are
 * left out. */
static void probe_memory(const void *fdt, struct plat_desc *d)
{
	int node, ac, sc, len;

	ac = bus_cells(fdt, 0, "#address-cells", DT_DEFAULT_ADDR_CELLS);
	sc = bus_cells(fdt, 0, "#size-cells", DT_DEFAULT_SIZE_CELLS);
	if (ac < 1 || sc < 1)
		return;
	fdt_for_each_subnode(node, fdt, 0)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const fdt32_t *reg;

		if (!type || strcmp(type, "memory") || !node_enabled(fdt, node))
			continue;
		reg = fdt_getprop(fdt, node, "reg", &len);
		for (int i = 0; reg && i + (ac + sc) * 4 <= len;
		     i += (ac + sc) * 4) {
			const fdt32_t *p = reg + i / 4;
			uint64_t size = read_cells(p + ac, sc);

			if (!size)
				continue;
			if (d->nr_mem == CONFIG_MAX_MEM_BANKS)
				return;
			d->mem[d->nr_mem].base = read_cells(p, ac);
			d->mem[d->nr_mem].size = size;
			d->nr_mem++;
		}
	}
}

/* The BCM2835 family's power-management block, whose watchdog turns the
 * Pi off and resets it: its first reg ("pm"). */
static void probe_power(const void *fdt, const int *first, struct plat_desc *d)
{
	int node = first[C_PM_WDT];

	if (node < 0)
		node = first[C_PM];
	if (node >= 0 && node_enabled(fdt, node) &&
	    dt_reg_phys(fdt, node, 0, &d->pm_wdt, NULL))
		d->pm_wdt = 0;
}

int platform_dt_probe(const void *fdt, struct plat_desc *d, char *err,
		      size_t errlen)
{
	const char *model;
	int len, first[C_NR];

	memset(d, 0, sizeof(*d));
	find_compat(fdt, first);
	model = fdt_getprop(fdt, 0, "model", &len);
	if (!model)
		model = fdt_getprop(fdt, 0, "compatible", &len);
	if (model && len > 0)
		snprintf(d->model, sizeof(d->model), "%.*s",
			 (int)strnlen(model, (size_t)len), model);
	if (probe_gic(fdt, first, d, err, errlen) ||
	    probe_cpus(fdt, d, err, errlen))
		return -1;
	probe_console(fdt, d);
	probe_timer(fdt, first, d);
	probe_memory(fdt, d);
	probe_power(fdt, first, d);
	return 0;
}
