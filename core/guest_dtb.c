/* SPDX-License-Identifier: MIT */
/* The guest's device tree, derived from the host's with libfdt. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "config.h"
#include "gicv2_regs.h"
#include "platform_dt.h"
#include "vgic.h"
#include "guest_dtb.h"
#include "mm.h"
#include "percpu.h"
#include "siphash.h"
#include "spinlock.h"
#include "vm.h"
#include "vuart.h"

#define DTB_ERR(r, what)                                                      \
	do {                                                                  \
		snprintf(err, errlen, "VM '%s': guest DTB: %s: %s", vm->name, \
			 what, fdt_strerror(r));                              \
		return -EINVAL;                                               \
	} while (0)

/*
 * Delete every child of @parent whose name starts with @prefix. Deleting a
 * node inside @parent moves nothing before it: @parent's offset holds, and
 * the walk goes on from the previous sibling (a path lookup per deletion
 * walked every root node before /cpus each time: 0.9 M instructions on
 * QEMU virt, issue 16).
 */
static int del_children(void *fdt, int parent, const char *prefix)
{
	size_t pl = strlen(prefix);
	int prev = -1, n;

	for (n = fdt_first_subnode(fdt, parent); n >= 0;
	     n = prev < 0 ? fdt_first_subnode(fdt, parent)
			  : fdt_next_subnode(fdt, prev)) {
		const char *name = fdt_get_name(fdt, n, NULL);

		if (name && !strncmp(name, prefix, pl)) {
			int r = fdt_del_node(fdt, n);

			if (r)
				return r;
		} else {
			prev = n;
		}
	}
	return n == -FDT_ERR_NOTFOUND ? 0 : n;
}

/* Whether root node @n describes RAM: named memory@<addr> or, whatever its
 * name, with device_type "memory" (what a guest kernel goes by). */
static bool is_memory_node(const void *fdt, int n)
{
	const char *name = fdt_get_name(fdt, n, NULL);
	const char *type;
	int len;

	if (name && !strncmp(name, "memory", 6))
		return true;
	type = fdt_getprop(fdt, n, "device_type", &len);
	return type && len >= 7 && !memcmp(type, "memory", 7);
}

/* Append @v to @reg as @cells cells (1 or 2); false if it does not fit. */
static bool put_cells(fdt32_t *reg, int *i, uint64_t v, int cells)
{
	if (cells == 2)
		reg[(*i)++] = cpu_to_fdt32((uint32_t)(v >> 32));
	else if (v >> 32)
		return false;
	reg[(*i)++] = cpu_to_fdt32((uint32_t)v);
	return true;
}

static int set_memory(struct vm *vm, void *fdt)
{
	char name[32];
	fdt32_t reg[4];
	int root = 0, prev = -1, n, r, i = 0;
	/* The guest reads reg with the root's cells (DT spec defaults 2 and
	 * 1; libfdt refuses a malformed count). */
	int ac = fdt_address_cells(fdt, root), sc = fdt_size_cells(fdt, root);

	if (ac < 0)
		return ac;
	if (sc < 0)
		return sc;
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2 ||
	    !put_cells(reg, &i, vm->ram[0].ipa, ac) ||
	    !put_cells(reg, &i, vm->ram[0].size, sc))
		return -FDT_ERR_BADNCELLS;

	/* Drop every host memory node: the guest's RAM is one new node. A
	 * deletion moves nothing before it: the walk goes on from the
	 * previous sibling. */
	for (n = fdt_first_subnode(fdt, root); n >= 0;
	     n = prev < 0 ? fdt_first_subnode(fdt, root)
			  : fdt_next_subnode(fdt, prev)) {
		if (!is_memory_node(fdt, n))
			prev = n;
		else if ((r = fdt_del_node(fdt, n)))
			return r;
	}
	if (n != -FDT_ERR_NOTFOUND)
		return n;
	snprintf(name, sizeof(name), "memory@%llx",
		 (unsigned long long)vm->ram[0].ipa);
	n = fdt_add_subnode(fdt, root, name);
	if (n < 0)
		return n;
	r = fdt_setprop_string(fdt, n, "device_type", "memory");
	if (r)
		return r;
	return fdt_setprop(fdt, n, "reg", reg, (int)(i * sizeof(reg[0])));
}

/*
 * The compatible of the host's cpu node whose reg is @mpidr, into @out;
 * false if there is none. A vCPU shows the kind of core it runs on: on
 * big.LITTLE boards the guest's errata workarounds and cache set-up
 * follow it (and the guest reads that core's MIDR: the arch port gives
 * each vCPU its pCPU's own).
 */
static bool host_cpu_compatible(const void *fdt, int cpus, uint64_t mpidr,
				char *out, size_t outlen)
{
	const fdt32_t *ac = fdt_getprop(fdt, cpus, "#address-cells", NULL);
	int cells = ac ? (int)fdt32_to_cpu(*ac) : 1, n, len;

	if (cells < 1 || cells > 2)
		return false;
	fdt_for_each_subnode(n, fdt, cpus)
	{
		const fdt32_t *reg = fdt_getprop(fdt, n, "reg", &len);
		const char *c;
		uint64_t id;

		if (!reg || len < 4 * cells)
			continue;
		id = fdt32_to_cpu(reg[0]);
		if (cells == 2)
			id = id << 32 | fdt32_to_cpu(reg[1]);
		if ((id & MPIDR_HWID_MASK) != mpidr)
			continue;
		c = fdt_getprop(fdt, n, "compatible", &len);
		if (!c || len <= 0 || (size_t)len > outlen)
			return false;
		memcpy(out, c, (size_t)len);
		return true;
	}
	return false;
}

static int set_cpus(struct vm *vm, void *fdt)
{
	char compat[64] = "arm,armv8", vcompat[VM_MAX_VCPUS][64];
	int cpus, n, r, len;
	const char *c;

	cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0)
		return cpus;
	fdt_for_each_subnode(n, fdt, cpus)
	{
		c = fdt_getprop(fdt, n, "compatible", &len);
		if (c && len > 0 && len <= (int)sizeof(compat)) {
			memcpy(compat, c, (size_t)len);
			break;
		}
	}
	/* Each vCPU's pCPU's, the first one's where the host has none. */
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (!host_cpu_compatible(fdt, cpus,
					 pcpu_get(vm->vcpus[i].pcpu)->mpidr,
					 vcompat[i], sizeof(vcompat[i])))
			memcpy(vcompat[i], compat, sizeof(compat));
	/* Edits inside /cpus leave its offset as it is. */
	r = del_children(fdt, cpus, "cpu");
	if (r)
		return r;
	/* Add in reverse: fdt_add_subnode puts new nodes first. */
	for (int i = (int)vm->nr_vcpus - 1; i >= 0; i--) {
		char name[16];

		snprintf(name, sizeof(name), "cpu@%x", i);
		n = fdt_add_subnode(fdt, cpus, name);
		if (n < 0)
			return n;
		if ((r = fdt_setprop_string(fdt, n, "device_type", "cpu")) ||
		    (r = fdt_setprop(
			     fdt, n, "compatible", vcompat[i],
			     (int)strnlen(vcompat[i], sizeof(vcompat[i])) +
				     1)) ||
		    (r = fdt_setprop_u32(fdt, n, "reg",
					 (uint32_t)(vm->vcpus[i].vmpidr &
						    MPIDR_HWID_MASK))) ||
		    (r = fdt_setprop_string(fdt, n, "enable-method", "psci")))
			return r;
	}
	if ((r = fdt_setprop_u32(fdt, cpus, "#address-cells", 1)) ||
	    (r = fdt_setprop_u32(fdt, cpus, "#size-cells", 0)))
		return r;
	return 0;
}

static int set_psci(void *fdt)
{
	int n = fdt_path_offset(fdt, "/psci");

	if (n < 0) {
		n = fdt_add_subnode(fdt, 0, "psci");
		if (n < 0)
			return n;
		int r = fdt_setprop_string(fdt, n, "compatible",
					   "arm,psci-1.0");
		if (r)
			return r;
	}
	return fdt_setprop_string(fdt, n, "method", "hvc");
}

/*
 * Whether a property of @node that names a provider by phandle in its
 * first cell names one the guest's tree lacks: gpios and every *-gpios
 * (a Pi's Bluetooth shutdown-gpios), mboxes (the Pi's firmware node,
 * whose mailbox is vigil's), and thermal-sensors (Juno's /thermal-zones,
 * whose sensors are the SCP firmware's: dtc warns of the dangling phandle,
 * and a zone's cooling-maps name the host's cpu nodes).
 */
static bool refs_dangle(const void *fdt, int node)
{
	int p;

	fdt_for_each_property_offset(p, fdt, node)
	{
		const char *name;
		const fdt32_t *v;
		size_t nl;
		int len;

		v = fdt_getprop_by_offset(fdt, p, &name, &len);
		if (!v || !name || len < 4)
			continue;
		nl = strlen(name);
		if ((nl < 5 || strcmp(name + nl - 5, "gpios")) &&
		    strcmp(name, "mboxes") && strcmp(name, "thermal-sensors"))
			continue;
		if (fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(v[0])) < 0)
			return true;
	}
	return false;
}

/* Whether @node or a child has such a reference. */
static bool gpios_dangle(const void *fdt, int node)
{
	int c;

	if (refs_dangle(fdt, node))
		return true;
	fdt_for_each_subnode(c, fdt, node)
	{
		if (gpios_dangle(fdt, c))
			return true;
	}
	return false;
}

static bool vm_has_device(const struct vm *vm, const char *path)
{
	for (unsigned int i = 0; i < vm->nr_devs; i++)
		if (!strcmp(vm->devs[i].path, path))
			return true;
	return false;
}

/*
 * Keep only what the guest owns, under @bus (the root, then every bus
 * below it): a node with a reg (a device, an interrupt controller too)
 * goes unless it is memory, the GIC or one of the VM's passthrough devices, which keeps its whole
 * subtree; a bus (ranges, no reg) keeps what the VM owns of it and goes
 * when nothing is left; a node whose gpios point at a removed controller
 * goes with it. The buses above an owned device stay, with their ranges:
 * the guest translates its reg as the host does (stage 2 maps IPA == PA).
 */
static const char *const gic_compat[] = {"arm,cortex-a15-gic", "arm,gic-400",
					 "arm,cortex-a7-gic"};

static bool is_gic(const void *fdt, int n)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(gic_compat); i++)
		if (!fdt_node_check_compatible(fdt, n, gic_compat[i]))
			return true;
	return false;
}

#define PRUNE_MAX_DEPTH 8 /* buses below the root; a deeper tree is refused */

/*
 * One pass over @bus's children, whose path is @bus_path ("" for the
 * root). A deletion moves every later node down onto the deleted one's
 * offset, and nothing before it: the walk goes on from the previous
 * sibling, whose offset still holds (restarting from the first child made
 * this quadratic, with a path lookup from the root per node: 22 M
 * instructions for QEMU virt's tree, issue 16).
 */
/*
 * A node whose gpios point at a controller the walk removed goes with it:
 * a second pass over @bus's children, after the devices went (the
 * controller may come after its user in the tree), until a pass removes
 * no node with a phandle (one removal can orphan another node's gpios).
 */
static int prune_dangling(void *fdt, int bus);

/*
 * A device the walk kept (it has a reg: the VM owns it), or a bus, stays
 * even if a child refers to a removed provider; such children go. A Pi's
 * PL011 holds the board's Bluetooth chip as a serdev child, which would
 * claim the port from the guest's console; its shutdown-gpios name the
 * firmware's GPIOs, gone with the firmware's mailbox. Any other node goes
 * whole (QEMU virt's gpio-keys, whose keys use the host's GPIO block).
 */
static bool prune_one(void *fdt, int n, int *err)
{
	if ((fdt_getprop(fdt, n, "reg", NULL) ||
	     fdt_getprop(fdt, n, "ranges", NULL)) &&
	    !refs_dangle(fdt, n)) {
		*err = prune_dangling(fdt, n);
		return false;
	}
	return gpios_dangle(fdt, n);
}

/*
 * Whether @node or a node below it has a phandle: only then can its
 * removal leave another node's reference dangling, and call for another
 * pass (QEMU virt's gpio-keys has none: the second pass its removal made
 * cost 0.6 M instructions; issue 16).
 */
static bool subtree_has_phandle(const void *fdt, int node)
{
	int n = node, depth = 0;

	do {
		if (fdt_get_phandle(fdt, n))
			return true;
		n = fdt_next_node(fdt, n, &depth);
	} while (n >= 0 && depth > 0);
	return false;
}

static int prune_dangling(void *fdt, int bus)
{
	bool again = true;

	while (again) {
		int prev = -1, n, r = 0;

		again = false;
		for (n = fdt_first_subnode(fdt, bus); n >= 0;
		     n = prev < 0 ? fdt_first_subnode(fdt, bus)
				  : fdt_next_subnode(fdt, prev)) {
			if (prune_one(fdt, n, &r)) {
				if (subtree_has_phandle(fdt, n))
					again = true;
				r = fdt_del_node(fdt, n);
			} else {
				prev = n;
			}
			if (r)
				return r;
		}
		if (n != -FDT_ERR_NOTFOUND)
			return n;
	}
	return 0;
}

static int prune_bus(struct vm *vm, void *fdt, int bus, const char *bus_path,
		     uint32_t gic_phandle, int depth)
{
	int prev = -1, n;

	if (depth > PRUNE_MAX_DEPTH)
		return -FDT_ERR_BADSTRUCTURE; /* bounds vigil's stack */

	for (n = fdt_first_subnode(fdt, bus); n >= 0;
	     n = prev < 0 ? fdt_first_subnode(fdt, bus)
			  : fdt_next_subnode(fdt, prev)) {
		char path[64];
		const char *type, *name = fdt_get_name(fdt, n, NULL);
		bool drop = false, too_long;

		if (!name) {
			prev = n;
			continue;
		}
		too_long = snprintf(path, sizeof(path), "%s/%s", bus_path,
				    name) >= (int)sizeof(path);
		type = fdt_getprop(fdt, n, "device_type", NULL);
		/* Memory stays, and the GIC (set_gic() rewrote it), and an
		 * interrupt controller without registers; one with registers
		 * is a device like any other (the Pi's brcmstb L2
		 * controllers: a guest told of them touches MMIO it does not
		 * have). */
		if ((type && !strcmp(type, "memory")) ||
		    (gic_phandle && fdt_get_phandle(fdt, n) == gic_phandle) ||
		    (fdt_getprop(fdt, n, "interrupt-controller", NULL) &&
		     (!fdt_getprop(fdt, n, "reg", NULL) || is_gic(fdt, n)))) {
			prev = n;
			continue;
		}
		if (too_long) {
			/* No VM device has so long a path (struct
			 * vm_device): nothing in it is the VM's. Juno's
			 * GPIO block, 70 characters deep under its
			 * motherboard buses, stayed, a device the guest
			 * does not have. */
			drop = true;
		} else if (fdt_getprop(fdt, n, "reg", NULL)) {
			drop = !vm_has_device(vm, path);
		} else if (fdt_getprop(fdt, n, "ranges", NULL)) {
			/* Deleting below n moves nothing before it: n and
			 * prev hold. */
			int r = prune_bus(vm, fdt, n, path, gic_phandle,
					  depth + 1);

			if (r)
				return r;
			drop = fdt_first_subnode(fdt, n) < 0;
		}
		if (drop) {
			int r = fdt_del_node(fdt, n);

			if (r)
				return r;
		} else {
			prev = n;
		}
	}
	if (n != -FDT_ERR_NOTFOUND)
		return n;
	return prune_dangling(fdt, bus);
}

/* Whether one of the @len bytes of phandles at @v names a missing node. */
static bool phandles_dangle(const void *fdt, const fdt32_t *v, int len)
{
	for (int i = 0; i < len / 4; i++)
		if (fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(v[i])) < 0)
			return true;
	return false;
}

/*
 * Pin multiplexing is the host's (the firmware set the pins before vigil
 * ran): a kept device whose pinctrl-N name pin configurations of a pin
 * controller the VM does not own loses its pinctrl properties, or its
 * driver would wait for that controller for ever.
 */
static int drop_dangling_pinctrl(void *fdt, int n)
{
	bool dangle = false;
	int p, r;

	fdt_for_each_property_offset(p, fdt, n)
	{
		const char *name;
		const fdt32_t *v;
		int len;

		v = fdt_getprop_by_offset(fdt, p, &name, &len);
		if (v && name && !strncmp(name, "pinctrl-", 8) &&
		    strcmp(name, "pinctrl-names") &&
		    phandles_dangle(fdt, v, len))
			dangle = true;
	}
	if (!dangle)
		return 0;
	for (char i = '0'; i <= '9'; i++) {
		char name[] = {'p', 'i', 'n', 'c', 't', 'r', 'l', '-', i, 0};

		r = fdt_delprop(fdt, n, name);
		if (r && r != -FDT_ERR_NOTFOUND)
			return r;
	}
	r = fdt_delprop(fdt, n, "pinctrl-names");
	return r == -FDT_ERR_NOTFOUND ? 0 : r;
}

/*
 * A kept PL011 whose clocks come from a provider the VM does not own (a
 * Pi's clock manager, or its firmware) gets a fixed clock instead: Linux's
 * amba-pl011 needs uartclk's rate for the baud divisors, and a bus clock
 * (apb_pclk) to probe at all. The DTB names the rate nowhere; 48 MHz is
 * the reference clock the Pi's firmware gives the PL011 (its
 * init_uart_clock) and what QEMU's raspi4b assumes; a UART under QEMU
 * ignores it. Every entry of clocks (one per clock-names string) gets it.
 */
#define GUEST_UARTCLK_HZ 48000000U

static bool pl011_clocks_dangle(const void *fdt, int n)
{
	const fdt32_t *clk;
	int len;

	if (fdt_node_check_compatible(fdt, n, "arm,pl011"))
		return false;
	clk = fdt_getprop(fdt, n, "clocks", &len);
	return clk && len >= 4 &&
	       fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(clk[0])) < 0;
}

/* The fixed clock's node, at the root; its phandle in @ph. */
static int add_uartclk(void *fdt, uint32_t *ph)
{
	int c, r;

	r = fdt_generate_phandle(fdt, ph);
	if (r)
		return r;
	c = fdt_add_subnode(fdt, 0, "vigil-uartclk");
	if (c < 0)
		return c;
	if ((r = fdt_setprop_string(fdt, c, "compatible", "fixed-clock")) ||
	    (r = fdt_setprop_u32(fdt, c, "#clock-cells", 0)) ||
	    (r = fdt_setprop_u32(fdt, c, "clock-frequency", GUEST_UARTCLK_HZ)))
		return r;
	return fdt_setprop_u32(fdt, c, "phandle", *ph);
}

/* One kept device's fix-ups; @n may move (a new clock node). */
static int fix_one_device(void *fdt, int *n, const char *path, uint32_t *clk)
{
	int names, r;
	fdt32_t cells[4];

	r = drop_dangling_pinctrl(fdt, *n);
	if (r || !pl011_clocks_dangle(fdt, *n))
		return r;
	if (!*clk) {
		/* A new node moves the offsets after it. */
		if ((r = add_uartclk(fdt, clk)))
			return r;
		*n = fdt_path_offset(fdt, path);
		if (*n < 0)
			return *n;
	}
	names = fdt_stringlist_count(fdt, *n, "clock-names");
	if (names < 1 || names > (int)ARRAY_SIZE(cells))
		names = 1;
	for (int j = 0; j < names; j++)
		cells[j] = cpu_to_fdt32(*clk);
	return fdt_setprop(fdt, *n, "clocks", cells, names * 4);
}

/*
 * What a kept device refers to that the VM does not have: one walk over
 * the tree, each node's path built from its parent's, the VM's devices
 * found by path on the way (a path lookup from the root per device walked
 * every root node before it: 2.7 M instructions for QEMU virt's 30-odd
 * virtio devices, issue 16). Editing a node's properties moves only what
 * comes after the node, so the walk goes on from it.
 */
static int fix_device_refs(struct vm *vm, void *fdt)
{
	char path[64];
	/* A path that fits has at most this many levels ("/a" each). */
	int plen[sizeof(path) / 2 + 1] = {0};
	uint32_t clk = 0;
	int n, depth = 0, r;

	for (n = fdt_next_node(fdt, 0, &depth); n >= 0 && depth > 0;
	     n = fdt_next_node(fdt, n, &depth)) {
		const char *name = fdt_get_name(fdt, n, NULL);
		int l;

		if (depth >= (int)ARRAY_SIZE(plen))
			continue; /* deeper than any device's path */
		l = snprintf(path + plen[depth - 1],
			     sizeof(path) - (size_t)plen[depth - 1], "/%s",
			     name ? name : "");
		if (!name || l < 0 ||
		    plen[depth - 1] + l >= (int)sizeof(path)) {
			/* No device has so long a path, nor one below it. */
			plen[depth] = (int)sizeof(path);
			continue;
		}
		plen[depth] = plen[depth - 1] + l;
		if (!vm_has_device(vm, path))
			continue;
		r = fix_one_device(fdt, &n, path, &clk);
		if (r)
			return r;
	}
	return n == -FDT_ERR_NOTFOUND || n >= 0 ? 0 : n;
}

static int prune_devices(struct vm *vm, void *fdt, int gic)
{
	return prune_bus(vm, fdt, 0, "", fdt_get_phandle(fdt, gic), 0);
}

/* Size cells @sc (1 or 2) at @p: @v. */
static void put_size(fdt32_t *p, int sc, uint32_t v)
{
	if (sc == 2)
		*p++ = cpu_to_fdt32(0);
	*p = cpu_to_fdt32(v);
}

/*
 * The guest's GIC: distributor and CPU interface only (GICV stands behind
 * the CPU interface address); no GICH/GICV, no maintenance IRQ. The node
 * stays where it is, on its bus, with the host's first two reg entries:
 * the guest's IPAs of both frames are the host's physical addresses, so
 * the bus's ranges (the Pi's /soc maps 0x40000000 to 0xff800000) translate
 * them alike. Only the sizes change.
 */
static int set_gic(void *fdt, int *gic_out)
{
	int gic = -1, bus, r, ac = 2, sc = 1, len, w;
	fdt32_t reg[8];
	const fdt32_t *p;
	uint64_t d, c;

	for (unsigned int i = 0; i < ARRAY_SIZE(gic_compat) && gic < 0; i++)
		gic = fdt_node_offset_by_compatible(fdt, -1, gic_compat[i]);
	*gic_out = gic;
	if (gic < 0)
		return gic;
	/* A parent lookup walks the tree from the root: once. */
	bus = dt_parent(fdt, gic);
	p = fdt_getprop(fdt, bus, "#address-cells", NULL);
	if (p)
		ac = (int)fdt32_to_cpu(*p);
	p = fdt_getprop(fdt, bus, "#size-cells", NULL);
	if (p)
		sc = (int)fdt32_to_cpu(*p);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return -FDT_ERR_BADNCELLS;
	w = ac + sc;
	p = fdt_getprop(fdt, gic, "reg", &len);
	if (!p || len < 2 * w * 4)
		return -FDT_ERR_BADVALUE;
	if (dt_reg_phys_at(fdt, gic, bus, 0, &d, NULL) ||
	    d != vgic_dist_ipa() ||
	    dt_reg_phys_at(fdt, gic, bus, 1, &c, NULL) || c != vgic_cpu_ipa())
		return -FDT_ERR_BADVALUE;
	memcpy(reg, p, 2 * w * 4); /* before setprop moves the property */
	put_size(reg + ac, sc, GICD_SIZE);
	put_size(reg + w + ac, sc, GICC_SIZE); /* the GICV frame */
	r = fdt_setprop(fdt, gic, "reg", reg, 2 * w * 4);
	if (r)
		return r;
	/* Children (QEMU's GICv2m MSI frame) are host hardware too. */
	for (int c = fdt_first_subnode(fdt, gic); c >= 0;
	     c = fdt_first_subnode(fdt, gic)) {
		r = fdt_del_node(fdt, c);
		if (r)
			return r;
	}
	r = fdt_delprop(fdt, gic, "interrupts");
	return r == -FDT_ERR_NOTFOUND ? 0 : r;
}

/*
 * Boot seeds. A boot loader's /chosen rng-seed and kaslr-seed are secrets
 * of whoever boots with them: copied into every guest DTB, each VM would
 * know the others' (Linux credits rng-seed to its entropy pool and takes
 * its KASLR offset from kaslr-seed), and a VM would get the same seeds
 * again at every reset. Each guest DTB gets instead, for each seed
 * property the host has, as many bytes of SipHash-2-4 under a key drawn
 * from all the host's seed bytes, over (VM index, DTB build, property,
 * block). One VM's seeds tell nothing about the key, hence nothing about
 * another VM's or its own next ones.
 */
#define SEED_MAX 512

static const char *const seed_props[] = {"rng-seed", "kaslr-seed"};

static void seed_key(const void *fdt, int chosen, uint8_t key[16])
{
	/* Public: the key's secrecy comes from the host seed bytes. */
	static const uint8_t kdf[16] = "vigil seed kdf 1";
	uint8_t material[2 * SEED_MAX + 1];
	size_t n = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(seed_props); i++) {
		int len;
		const void *p = fdt_getprop(fdt, chosen, seed_props[i], &len);

		if (p && len > 0 && len <= SEED_MAX) {
			memcpy(material + n, p, (size_t)len);
			n += (size_t)len;
		}
	}
	for (unsigned int half = 0; half < 2; half++) {
		uint64_t h;

		material[n] = (uint8_t)half;
		h = siphash24(kdf, material, n + 1);
		memcpy(key + 8 * half, &h, 8);
	}
	memset(material, 0, sizeof(material));
}

static int set_seeds(struct vm *vm, void *fdt, int chosen)
{
	uint8_t key[16], out[SEED_MAX];
	int r = 0;

	seed_key(fdt, chosen, key);
	for (unsigned int i = 0; i < ARRAY_SIZE(seed_props) && !r; i++) {
		int len;
		const void *p = fdt_getprop(fdt, chosen, seed_props[i], &len);

		if (!p)
			continue;
		if (len <= 0 || len > SEED_MAX) {
			r = fdt_delprop(fdt, chosen, seed_props[i]);
			continue;
		}
		for (int off = 0; off < len; off += 8) {
			uint64_t in[4] = {vm->id, vm->dtb_builds, i,
					  (uint64_t)off / 8};
			uint64_t h = siphash24(key, in, sizeof(in));

			memcpy(out + off, &h, MIN(8, len - off));
		}
		r = fdt_setprop_inplace(fdt, chosen, seed_props[i], out, len);
	}
	memset(key, 0, sizeof(key));
	return r;
}

/* The vUART's clock: a PL011 needs "uartclk" (for its baud divisors) and
 * the AMBA bus "apb_pclk"; one fixed 24 MHz clock, as QEMU virt gives. */
#define VUART_CLK_HZ 24000000

/*
 * The vUART as the node a PL011 has (Linux's
 * Documentation/devicetree/bindings/serial/pl011.yaml): at the root, with
 * its own fixed clock, and /aliases/serial0 naming it. Its name goes in
 * @path for stdout-path.
 */
static int set_vuart(struct vm *vm, void *fdt, char *path, size_t pathlen)
{
	static const char names[] = "uartclk\0apb_pclk";
	static const char compat[] = "arm,pl011\0arm,primecell";
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	int n, clk, aliases, r, i = 0;
	fdt32_t reg[4], irq[3], clocks[2];
	uint32_t phandle;

	if (ac < 0)
		return ac;
	if (sc < 0)
		return sc;
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2 ||
	    !put_cells(reg, &i, vm->vuart->ipa, ac) ||
	    !put_cells(reg, &i, VUART_SIZE, sc))
		return -FDT_ERR_BADNCELLS;
	r = fdt_generate_phandle(fdt, &phandle);
	if (r)
		return r;
	clk = fdt_add_subnode(fdt, 0, "vuart-clk");
	if (clk < 0)
		return clk;
	if ((r = fdt_setprop_string(fdt, clk, "compatible", "fixed-clock")) ||
	    (r = fdt_setprop_u32(fdt, clk, "#clock-cells", 0)) ||
	    (r = fdt_setprop_u32(fdt, clk, "clock-frequency", VUART_CLK_HZ)) ||
	    (r = fdt_setprop_u32(fdt, clk, "phandle", phandle)))
		return r;
	snprintf(path, pathlen, "/serial@%llx",
		 (unsigned long long)vm->vuart->ipa);
	n = fdt_add_subnode(fdt, 0, path + 1);
	if (n < 0)
		return n;
	/* GIC binding: SPI (0), INTID - 32, level-high (4). */
	irq[0] = cpu_to_fdt32(0);
	irq[1] = cpu_to_fdt32(vm->vuart->intid - 32);
	irq[2] = cpu_to_fdt32(4);
	clocks[0] = clocks[1] = cpu_to_fdt32(phandle);
	if ((r = fdt_setprop(fdt, n, "compatible", compat, sizeof(compat))) ||
	    (r = fdt_setprop(fdt, n, "reg", reg, (int)(i * sizeof(reg[0])))) ||
	    (r = fdt_setprop(fdt, n, "interrupts", irq, sizeof(irq))) ||
	    (r = fdt_setprop(fdt, n, "clocks", clocks, sizeof(clocks))) ||
	    (r = fdt_setprop(fdt, n, "clock-names", names, sizeof(names))))
		return r;
	aliases = fdt_path_offset(fdt, "/aliases");
	if (aliases < 0)
		aliases = fdt_add_subnode(fdt, 0, "aliases");
	if (aliases < 0)
		return aliases;
	return fdt_setprop_string(fdt, aliases, "serial0", path);
}

/*
 * An alias names a node by path: one whose node the pruning removed would
 * tell the guest what the host has and another VM may own (a Pi's serial0
 * is the PL011), and shift Linux's numbering of what it does own. It goes.
 */
static int prune_aliases(void *fdt)
{
	int n = fdt_path_offset(fdt, "/aliases"), p;

	if (n < 0)
		return 0;
	for (p = fdt_first_property_offset(fdt, n); p >= 0;) {
		const char *name, *path;
		int len, r;

		path = fdt_getprop_by_offset(fdt, p, &name, &len);
		if (!path || len < 2 || path[len - 1] ||
		    fdt_path_offset(fdt, path) >= 0) {
			p = fdt_next_property_offset(fdt, p);
			continue;
		}
		/* Deleting moves the later properties onto this offset. */
		r = fdt_delprop(fdt, n, name);
		if (r)
			return r;
		p = fdt_first_property_offset(fdt, n);
	}
	return p == -FDT_ERR_NOTFOUND ? 0 : p;
}

static int set_chosen(struct vm *vm, void *fdt, const char *vuart_path)
{
	int n = fdt_path_offset(fdt, "/chosen"), r;

	if (n < 0)
		n = fdt_add_subnode(fdt, 0, "chosen");
	if (n < 0)
		return n;
	fdt_delprop(fdt, n, "linux,initrd-start");
	fdt_delprop(fdt, n, "linux,initrd-end");
	r = set_seeds(vm, fdt, n);
	if (r)
		return r;
	if (vm->bootargs[0]) {
		r = fdt_setprop_string(fdt, n, "bootargs", vm->bootargs);
		if (r)
			return r;
	}
	if (vm->initrd_size) {
		r = fdt_setprop_u64(fdt, n, "linux,initrd-start",
				    vm->initrd_ipa);
		if (!r)
			r = fdt_setprop_u64(fdt, n, "linux,initrd-end",
					    vm->initrd_ipa + vm->initrd_size);
		if (r)
			return r;
	}
	if (vuart_path)
		return fdt_setprop_string(fdt, n, "stdout-path", vuart_path);
	/* A console on a UART the guest does not own would be a lie. */
	{
		const char *sp = fdt_getprop(fdt, n, "stdout-path", NULL);
		char path[64];

		if (sp) {
			snprintf(path, sizeof(path), "%.*s",
				 (int)strcspn(sp, ":"), sp);
			if (!vm_has_device(vm, path))
				fdt_delprop(fdt, n, "stdout-path");
		}
	}
	return 0;
}

/* Derive @vm's tree from @host_fdt into @fdt, GUEST_DTB_MAX bytes. */
static int build(struct vm *vm, const void *host_fdt, void *fdt, char *err,
		 size_t errlen)
{
	char vuart[48];
	int r, n, gic;

	r = fdt_open_into(host_fdt, fdt, GUEST_DTB_MAX);
	if (r)
		DTB_ERR(r, "copy");
	n = fdt_path_offset(fdt, "/hypervisor");
	if (n >= 0 && (r = fdt_del_node(fdt, n)))
		DTB_ERR(r, "/hypervisor");
	if ((r = set_memory(vm, fdt)))
		DTB_ERR(r, "/memory");
	if ((r = set_cpus(vm, fdt)))
		DTB_ERR(r, "/cpus");
	if ((r = set_gic(fdt, &gic)))
		DTB_ERR(r, "GIC node");
	if ((r = prune_devices(vm, fdt, gic)))
		DTB_ERR(r, "devices");
	if ((r = fix_device_refs(vm, fdt)))
		DTB_ERR(r, "device references");
	if ((r = prune_aliases(fdt)))
		DTB_ERR(r, "/aliases");
	/* After the pruning: the guest's PSCI is vigil's, whatever the host
	 * node looked like (one with a reg went with the devices). */
	if ((r = set_psci(fdt)))
		DTB_ERR(r, "/psci");
	if (vm->vuart && (r = set_vuart(vm, fdt, vuart, sizeof(vuart))))
		DTB_ERR(r, "vUART");
	if ((r = set_chosen(vm, fdt, vm->vuart ? vuart : NULL)))
		DTB_ERR(r, "/chosen");
	if ((r = fdt_pack(fdt)))
		DTB_ERR(r, "pack");
	return 0;
}

/*
 * libfdt edits a tree in place, in one contiguous buffer: the guest's RAM
 * need not be mapped whole (include/mm.h), so the tree is built here, in
 * vigil's image, and copied into the guest once packed. Builds are rare
 * (boot, SYSTEM_RESET), so the VMs share one buffer; dtb_scratch_lock
 * guards it.
 */
static uint8_t dtb_scratch[GUEST_DTB_MAX] __aligned(8);
static struct spinlock dtb_scratch_lock = SPINLOCK_INIT;

int guest_dtb_build(struct vm *vm, const void *host_fdt, char *err,
		    size_t errlen)
{
	const struct mem_region *ram = &vm->ram[0];
	/* The top of the RAM its boot arguments can point at. */
	uint64_t end = config_boot_ram_end(ram->ipa, ram->size, vm->aarch32);
	uint64_t ipa = ALIGN_DOWN(end - 1, 0x200000);
	unsigned long flags;
	int r;

	if (end - ram->ipa < 2 * 0x200000) {
		snprintf(err, errlen, "VM '%s': RAM too small for its DTB",
			 vm->name);
		return -EINVAL;
	}
	if (!vm_ipa_is_ram(vm, ipa, GUEST_DTB_MAX)) {
		snprintf(err, errlen,
			 "VM '%s': guest DTB: 0x%llx+1 MiB is not all RAM",
			 vm->name, (unsigned long long)ipa);
		return -EINVAL;
	}
	flags = spin_lock_irqsave(&dtb_scratch_lock);
	r = build(vm, host_fdt, dtb_scratch, err, errlen);
	if (!r)
		r = vm_copy_to_guest(vm, ipa, dtb_scratch,
				     fdt_totalsize(dtb_scratch));
	spin_unlock_irqrestore(&dtb_scratch_lock, flags);
	if (r)
		return r;
	vm->dtb_ipa = ipa;
	vm->dtb_builds++;
	return 0;
}
