/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "arch_image.h"
#include "config.h"
#include "mm.h"
#include "platform_dt.h"

/* One line: names and paths come from the DTB and may hold anything. */
static void cfg_err_one_line(char *err)
{
	for (; *err; err++)
		if ((unsigned char)*err < 0x20 || (unsigned char)*err >= 0x7f)
			*err = '?';
}

#define CFG_ERR(...)                                \
	do {                                        \
		snprintf(err, errlen, __VA_ARGS__); \
		cfg_err_one_line(err);              \
		return -EINVAL;                     \
	} while (0)

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static bool in_memory(const struct boot_info *bi, uint64_t base, uint64_t size)
{
	for (unsigned int i = 0; i < bi->nr_mem; i++)
		if (base >= bi->mem[i].base &&
		    base + size <= bi->mem[i].base + bi->mem[i].size)
			return true;
	return false;
}

/* A property of exactly @cells 32-bit cells holding (base, size) pairs of
 * two cells each, or a single two-cell address. */
static int get_u64_prop(const void *fdt, int node, const char *name,
			uint64_t *out, int count)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return -ENOENT;
	if (len != count * 8)
		return -EINVAL;
	for (int i = 0; i < count; i++)
		out[i] = read_cells(p + 2 * i, 2);
	return 0;
}

/* An AArch32 guest's r2 and, with its MMU off, its PC: 32 bits. */
#define AARCH32_BOOT_LIMIT 0x100000000ULL

uint64_t config_boot_ram_end(uint64_t ram_base, uint64_t ram_size, bool aarch32)
{
	uint64_t end = ram_base + ram_size;

	if (!aarch32 || end <= AARCH32_BOOT_LIMIT)
		return end;
	return ram_base < AARCH32_BOOT_LIMIT ? AARCH32_BOOT_LIMIT : ram_base;
}

static int parse_devices(const void *fdt, int node, struct vm_config *vc,
			 char *err, size_t errlen);
static int parse_boot(const void *fdt, int node, struct vm_config *vc,
		      char *err, size_t errlen);

/* `image = <base size>`: inside the VM's memory, below the guest DTB. */
static int parse_image(const void *fdt, int node, struct vm_config *vc,
		       char *err, size_t errlen)
{
	uint64_t img[2],
		dtb_area = config_boot_ram_end(vc->ram_base, vc->ram_size,
					       vc->aarch32) -
			   CONFIG_GUEST_DTB_AREA;
	const fdt32_t *p;
	int len, r;

	r = get_u64_prop(fdt, node, "image", img, 2);
	if (r == -EINVAL)
		CFG_ERR("config error: %s: image is not <base size> (2 cells "
			"each)",
			vc->node);
	p = fdt_getprop(fdt, node, "image-crc32", &len);
	if (p && (len != 4 || r))
		CFG_ERR("config error: %s: image-crc32 is not one cell after "
			"an image",
			vc->node);
	if (r)
		return 0;
	if (!img[1] || img[0] < vc->ram_base ||
	    img[0] - vc->ram_base > vc->ram_size ||
	    img[1] > vc->ram_base + vc->ram_size - img[0])
		CFG_ERR("config error: %s: image 0x%llx+0x%llx lies outside "
			"its memory",
			vc->node, (unsigned long long)img[0],
			(unsigned long long)img[1]);
	if (img[0] + img[1] > dtb_area)
		CFG_ERR("config error: %s: image 0x%llx-0x%llx overlaps the "
			"guest DTB area from 0x%llx",
			vc->node, (unsigned long long)img[0],
			(unsigned long long)(img[0] + img[1] - 1),
			(unsigned long long)dtb_area);
	vc->image_base = img[0];
	vc->image_size = img[1];
	if (p) {
		vc->has_image_crc32 = true;
		vc->image_crc32 = fdt32_to_cpu(*p);
	}
	return 0;
}

/* The VM's name prefixes its console lines: printable, no separators. */
static int parse_label(const char *s, int len, struct vm_config *vc, char *err,
		       size_t errlen)
{
	if (len < 2 || s[len - 1] != '\0' || (size_t)len > sizeof(vc->name))
		CFG_ERR("config error: %s: label must be a string of 1..%u "
			"characters",
			vc->node, (unsigned int)sizeof(vc->name) - 1);
	for (int i = 0; i < len - 1; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.'))
			CFG_ERR("config error: %s: label may hold only "
				"letters, digits, '_', '-' and '.'",
				vc->node);
	}
	memcpy(vc->name, s, (size_t)len);
	return 0;
}

/* `vigil,console`: one of three strings. */
static int parse_console(const char *s, int len, struct vm_config *vc,
			 char *err, size_t errlen)
{
	static const struct {
		const char *name;
		enum vm_console console;
	} kinds[] = {
		{"vuart", VM_CONSOLE_VUART},
		{"passthrough", VM_CONSOLE_PASSTHROUGH},
		{"hypercall", VM_CONSOLE_HYPERCALL},
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(kinds); i++)
		if (len == (int)strlen(kinds[i].name) + 1 &&
		    !memcmp(s, kinds[i].name, (size_t)len)) {
			vc->console = kinds[i].console;
			return 0;
		}
	CFG_ERR("config error: %s: vigil,console must be \"vuart\", "
		"\"passthrough\" or \"hypercall\"",
		vc->node);
}

unsigned int config_pcpu_of(const struct boot_info *bi, unsigned int dtb_index)
{
	if (dtb_index == bi->boot_cpu_dtb_index)
		return 0;
	return dtb_index < bi->boot_cpu_dtb_index ? dtb_index + 1 : dtb_index;
}

bool config_same_cluster(const struct boot_info *bi, unsigned int a,
			 unsigned int b)
{
	uint32_t ma, mb;

	if (a >= MAX_CPUS || b >= MAX_CPUS)
		return false;
	ma = bi->pcpu[a].midr;
	mb = bi->pcpu[b].midr;
	return MPIDR_CLUSTER(bi->pcpu[a].mpidr) ==
		       MPIDR_CLUSTER(bi->pcpu[b].mpidr) &&
	       (!ma || !mb ||
		(ma & MIDR_IMPL_PART_MASK) == (mb & MIDR_IMPL_PART_MASK));
}

/*
 * A VM without cpu-affinity: its vCPUs on the first @n pCPUs (in logical
 * order) of the boot CPU's cluster, pCPU 0's, so big and LITTLE never mix
 * unasked; on a machine of one cluster, vCPU i on pCPU i. Returns how many
 * it placed, fewer than @n if the cluster is smaller.
 */
static unsigned int default_affinity(const struct boot_info *bi, unsigned int n,
				     unsigned int *affinity)
{
	unsigned int k = 0;

	for (unsigned int p = 0; p < bi->nr_pcpus && k < n; p++)
		if (config_same_cluster(bi, 0, p))
			affinity[k++] = p;
	return k;
}

static int parse_vm(const void *fdt, int node, const struct boot_info *bi,
		    struct vm_config *vc, char *err, size_t errlen)
{
	const fdt32_t *p;
	const char *s;
	uint64_t mem[2], entry;
	int len, r;

	if (fdt_node_check_compatible(fdt, node, "vigil,vm"))
		CFG_ERR("config error: %s: compatible missing or not "
			"\"vigil,vm\"",
			vc->node);
	p = fdt_getprop(fdt, node, "vcpus", &len);
	if (!p || len != 4)
		CFG_ERR("config error: %s: vcpus missing or not one cell",
			vc->node);
	vc->nr_vcpus = fdt32_to_cpu(*p);
	if (vc->nr_vcpus == 0 || vc->nr_vcpus > VM_MAX_VCPUS)
		CFG_ERR("config error: %s: vcpus = %u, must be 1..%u", vc->node,
			vc->nr_vcpus, VM_MAX_VCPUS);
	if (vc->nr_vcpus > bi->nr_pcpus)
		CFG_ERR("config error: %s: vcpus = %u but only %u pCPUs "
			"(static pinning)",
			vc->node, vc->nr_vcpus, bi->nr_pcpus);

	p = fdt_getprop(fdt, node, "cpu-affinity", &len);
	if (p) {
		if (len != (int)(4 * vc->nr_vcpus))
			CFG_ERR("config error: %s: cpu-affinity has %d cells, "
				"vcpus = %u",
				vc->node, len / 4, vc->nr_vcpus);
		for (unsigned int i = 0; i < vc->nr_vcpus; i++) {
			uint32_t cpu = fdt32_to_cpu(p[i]);

			if (cpu >= bi->nr_pcpus)
				CFG_ERR("config error: %s: cpu-affinity names "
					"pCPU %u, only %u exist",
					vc->node, cpu, bi->nr_pcpus);
			vc->affinity[i] = config_pcpu_of(bi, cpu);
		}
	} else if (default_affinity(bi, vc->nr_vcpus, vc->affinity) !=
		   vc->nr_vcpus) {
		CFG_ERR("config error: %s: vcpus = %u but the boot CPU's "
			"cluster has %u pCPUs: give cpu-affinity",
			vc->node, vc->nr_vcpus,
			default_affinity(bi, VM_MAX_VCPUS, vc->affinity));
	}
	/* Boolean, as vigil,dma-unrestricted. */
	if (fdt_getprop(fdt, node, "vigil,hmp-unsafe", &len)) {
		if (len != 0)
			CFG_ERR("config error: %s: vigil,hmp-unsafe takes no "
				"value",
				vc->node);
		vc->hmp_unsafe = true;
	}
	for (unsigned int i = 1; i < vc->nr_vcpus && !vc->hmp_unsafe; i++) {
		unsigned int a = vc->affinity[0], b = vc->affinity[i];

		if (!config_same_cluster(bi, a, b))
			CFG_ERR("config error: %s: cpu-affinity mixes "
				"clusters: "
				"MPIDR 0x%llx (MIDR 0x%08x) and MPIDR 0x%llx "
				"(MIDR 0x%08x); give vigil,hmp-unsafe to allow "
				"it",
				vc->node, (unsigned long long)bi->pcpu[a].mpidr,
				bi->pcpu[a].midr,
				(unsigned long long)bi->pcpu[b].mpidr,
				bi->pcpu[b].midr);
	}

	/* Boolean: AArch32 at EL1, where the CPU has it (include/
	 * arch_image.h). */
	vc->aarch32 = arch_guest_aarch32();
	if (fdt_getprop(fdt, node, "vigil,aarch32", &len)) {
		if (len != 0)
			CFG_ERR("config error: %s: vigil,aarch32 takes no "
				"value",
				vc->node);
		if (!arch_el1_aarch32_supported())
			CFG_ERR("config error: %s: vigil,aarch32 but the CPU "
				"has no AArch32 at EL1",
				vc->node);
		vc->aarch32 = true;
	}

	p = fdt_getprop(fdt, node, "memory", &len);
	if (!p || len != 16)
		CFG_ERR("config error: %s: memory missing or not "
			"<base-hi base-lo size-hi size-lo>",
			vc->node);
	mem[0] = read_cells(p, 2);
	mem[1] = read_cells(p + 2, 2);
	vc->ram_base = mem[0];
	vc->ram_size = mem[1];
	if (!vc->ram_size || !IS_ALIGNED(vc->ram_base, 0x200000) ||
	    !IS_ALIGNED(vc->ram_size, 0x200000) ||
	    vc->ram_base + vc->ram_size < vc->ram_base)
		CFG_ERR("config error: %s: memory 0x%llx+0x%llx must be "
			"non-empty and 2 MiB aligned",
			vc->node, (unsigned long long)vc->ram_base,
			(unsigned long long)vc->ram_size);
	/* As core/guest_dtb.c asks of any VM: 2 MiB for the DTB and more
	 * below it, here where an AArch32 guest can reach them. (A VM
	 * smaller than that anywhere is guest_dtb_build()'s to refuse.) */
	if (config_boot_ram_end(vc->ram_base, vc->ram_size, vc->aarch32) <
		    vc->ram_base + vc->ram_size &&
	    config_boot_ram_end(vc->ram_base, vc->ram_size, vc->aarch32) -
			    vc->ram_base <
		    2 * CONFIG_GUEST_DTB_AREA)
		CFG_ERR("config error: %s: memory 0x%llx-0x%llx has less "
			"than 4 MiB below 4 GiB, where an AArch32 guest's "
			"entry and DTB must lie",
			vc->node, (unsigned long long)vc->ram_base,
			(unsigned long long)(vc->ram_base + vc->ram_size - 1));

	r = parse_image(fdt, node, vc, err, errlen);
	if (r)
		return r;
	vc->entry = vc->image_size ? vc->image_base : vc->ram_base;
	r = get_u64_prop(fdt, node, "entry", &entry, 1);
	if (r == -EINVAL)
		CFG_ERR("config error: %s: entry is not <hi lo>", vc->node);
	if (r == 0)
		vc->entry = entry;
	if (vc->entry < vc->ram_base ||
	    vc->entry >= vc->ram_base + vc->ram_size)
		CFG_ERR("config error: %s: entry 0x%llx lies outside its "
			"memory",
			vc->node, (unsigned long long)vc->entry);
	if (vc->entry >=
	    config_boot_ram_end(vc->ram_base, vc->ram_size, vc->aarch32))
		CFG_ERR("config error: %s: entry 0x%llx lies above 4 GiB: an "
			"AArch32 guest starts with 32-bit addresses",
			vc->node, (unsigned long long)vc->entry);
	if (vc->image_size && (vc->entry < vc->image_base ||
			       vc->entry - vc->image_base >= vc->image_size))
		CFG_ERR("config error: %s: entry 0x%llx lies outside its "
			"image",
			vc->node, (unsigned long long)vc->entry);

	s = fdt_getprop(fdt, node, "label", &len);
	if (s) {
		r = parse_label(s, len, vc, err, errlen);
		if (r)
			return r;
	}
	/* Boolean: `= <0>` must not read as consent. */
	if (fdt_getprop(fdt, node, "vigil,dma-unrestricted", &len)) {
		if (len != 0)
			CFG_ERR("config error: %s: vigil,dma-unrestricted "
				"takes no value",
				vc->node);
		vc->dma_unrestricted = true;
	}
	s = fdt_getprop(fdt, node, "vigil,console", &len);
	if (s) {
		r = parse_console(s, len, vc, err, errlen);
		if (r)
			return r;
	}
	r = parse_boot(fdt, node, vc, err, errlen);
	if (!r)
		r = parse_devices(fdt, node, vc, err, errlen);
	return r;
}

static int fdt_cells_of(const void *fdt, int node, const char *name, int dflt)
{
	const fdt32_t *p = fdt_getprop(fdt, node, name, NULL);

	return p ? (int)fdt32_to_cpu(*p) : dflt;
}

/*
 * Compatibles of devices that master DMA. vigil has no IOMMU: such a device
 * reads and writes whatever physical address its guest programs into it,
 * and stage 2 does not stand in the way, so it reaches vigil and every VM.
 * With more than one VM, a VM node is given one only if it says
 * `vigil,dma-unrestricted` (check_dma()). Add a compatible here for every
 * bus master a platform's DTB can pass through.
 */
static const char *const dma_master_compat[] = {
	/* virtio 1.1 §2.6, §4.2.2: the device reads and writes its
	 * virtqueues' rings and buffers at the addresses the driver writes
	 * to QueueDescLow... and into the descriptors (on QEMU virt: every
	 * -device virtio-*-device behind a transport). */
	"virtio,mmio",
};

static bool dev_is_dma_master(const void *fdt, int node)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(dma_master_compat); i++)
		if (!fdt_node_check_compatible(fdt, node, dma_master_compat[i]))
			return true;
	return false;
}

/* A passthrough device, the node @node at @path whose parent is @parent:
 * its first reg range, translated to a physical address, and its SPIs. */
static int parse_device_at(const void *fdt, int node, int parent,
			   const char *path, const char *vmnode,
			   struct vm_device *d, char *err, size_t errlen)
{
	int ac, sc, len, stop;
	const fdt32_t *reg, *irq;
	const char *why;

	snprintf(d->path, sizeof(d->path), "%s", path);
	ac = fdt_cells_of(fdt, parent, "#address-cells", 2);
	sc = fdt_cells_of(fdt, parent, "#size-cells", 1);
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || ac < 1 || ac > 2 || sc < 1 || sc > 2 || len < (ac + sc) * 4)
		CFG_ERR("config error: %s: devices: %s has no usable reg",
			vmnode, path);
	d->base = read_cells(reg, ac);
	d->size = read_cells(reg + ac, sc);
	d->dma_master = dev_is_dma_master(fdt, node);
	if (!d->size)
		CFG_ERR("config error: %s: devices: %s has an empty reg",
			vmnode, path);
	why = dt_translate(fdt, parent, &d->base, d->size, &stop);
	if (why) {
		char bus[64];

		if (fdt_get_path(fdt, stop, bus, sizeof(bus)))
			snprintf(bus, sizeof(bus), "its bus");
		CFG_ERR("config error: %s: devices: %s: bus %s %s", vmnode,
			path, bus, why);
	}
	if (d->base + (d->size - 1) < d->base)
		CFG_ERR("config error: %s: devices: %s: reg 0x%llx+0x%llx "
			"wraps past the end of the address space",
			vmnode, path, (unsigned long long)d->base,
			(unsigned long long)d->size);
	d->nr_irqs = 0;
	irq = fdt_getprop(fdt, node, "interrupts", &len);
	for (int i = 0; irq && i + 12 <= len; i += 12) {
		uint32_t type = fdt32_to_cpu(irq[i / 4]);
		uint32_t num = fdt32_to_cpu(irq[i / 4 + 1]);

		/* GIC binding: <type num flags>, type 0 = SPI (INTID num+32) */
		if (type != 0 || num > 987)
			CFG_ERR("config error: %s: devices: %s has an "
				"interrupt that is not an SPI",
				vmnode, path);
		if (d->nr_irqs == VM_DEV_MAX_IRQS)
			CFG_ERR("config error: %s: devices: %s has more than "
				"%u interrupts",
				vmnode, path, VM_DEV_MAX_IRQS);
		d->irqs[d->nr_irqs++] = num + 32;
	}
	return 0;
}

/* The device named by @path (a VM's devices property). */
static int parse_device(const void *fdt, const char *path, const char *vmnode,
			struct vm_device *d, char *err, size_t errlen)
{
	int node = fdt_path_offset(fdt, path);

	if (node < 0)
		CFG_ERR("config error: %s: devices: no node %s in the DTB",
			vmnode, path);
	return parse_device_at(fdt, node, dt_parent(fdt, node), path, vmnode, d,
			       err, errlen);
}

static int parse_devices(const void *fdt, int node, struct vm_config *vc,
			 char *err, size_t errlen)
{
	int len, r;
	const char *list = fdt_getprop(fdt, node, "devices", &len);

	for (int off = 0; list && off < len;
	     off += (int)strnlen(list + off, (size_t)(len - off)) + 1) {
		if (!list[off])
			continue;
		if (vc->nr_devs == VM_MAX_DEVS)
			CFG_ERR("config error: %s: devices: more than %u",
				vc->node, VM_MAX_DEVS);
		r = parse_device(fdt, list + off, vc->node,
				 &vc->devs[vc->nr_devs], err, errlen);
		if (r)
			return r;
		vc->nr_devs++;
	}
	return 0;
}

/* The default VM gets the console UART, the RTC and every virtio-mmio
 * transport the board has. */
static const char *const default_dev_compat[] = {"arm,pl011", "arm,pl031",
						 "virtio,mmio"};

/* Whether @node is in use: no status, or "okay" ("ok" in older trees;
 * DT spec v0.4 §2.3.4). */
static bool node_enabled(const void *fdt, int node)
{
	const char *st = fdt_getprop(fdt, node, "status", NULL);

	return !st || !strcmp(st, "okay") || !strcmp(st, "ok");
}

/* Deepest node default_devices() looks at (the root is depth 0). */
#define DEFAULT_DEV_MAX_DEPTH 8

static int default_devices(const void *fdt, struct vm_config *vc, char *err,
			   size_t errlen)
{
	/* The path and offset of the node at each depth of the walk: built
	 * on the way down, so a device costs no lookup from the root (one
	 * path and two parent lookups a device were 9.5 M instructions on
	 * QEMU virt's tree, issue 16). */
	int offs[DEFAULT_DEV_MAX_DEPTH + 1] = {0};
	/* The path of the node at depth d is path[0 .. end[d]); end[d] < 0:
	 * too long (a device's is at most 63 bytes), so is all below it. */
	int end[DEFAULT_DEV_MAX_DEPTH + 1] = {0};
	char path[64];
	int node, r, depth = 0;

	/*
	 * Every node below the root, in tree order: boards put devices under
	 * a bus. Stop where the root ends (depth drops to -1): on a node
	 * after it (a malformed tree) libfdt 1.6.1 reads below its buffer
	 * (found by the config fuzzer).
	 */
	for (node = fdt_next_node(fdt, 0, &depth); node >= 0 && depth > 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		const char *name = fdt_get_name(fdt, node, NULL), *compat;
		bool want = false;
		int at, n, clen;

		if (depth > DEFAULT_DEV_MAX_DEPTH || !name)
			continue;
		at = end[depth - 1];
		offs[depth] = node;
		n = at < 0 ? -1
			   : snprintf(path + at, sizeof(path) - (size_t)at,
				      "/%s", name);
		end[depth] = n < 0 || at + n >= (int)sizeof(path) ? -1 : at + n;
		if (end[depth] < 0)
			continue;
		/* The property read once, not once per compatible. */
		compat = fdt_getprop(fdt, node, "compatible", &clen);
		for (unsigned int i = 0;
		     compat && i < ARRAY_SIZE(default_dev_compat); i++)
			if (fdt_stringlist_contains(compat, clen,
						    default_dev_compat[i]))
				want = true;
		if (!want || !node_enabled(fdt, node) ||
		    vc->nr_devs == VM_MAX_DEVS)
			continue;
		r = parse_device_at(fdt, node, offs[depth - 1], path, vc->node,
				    &vc->devs[vc->nr_devs], err, errlen);
		if (r)
			return r;
		vc->nr_devs++;
	}
	return 0;
}

static int parse_boot(const void *fdt, int node, struct vm_config *vc,
		      char *err, size_t errlen)
{
	uint64_t initrd[2];
	const char *args;
	int len, r;

	r = get_u64_prop(fdt, node, "initrd", initrd, 2);
	if (r == -EINVAL)
		CFG_ERR("config error: %s: initrd is not <base size> (2 cells "
			"each)",
			vc->node);
	if (r == 0) {
		vc->initrd_base = initrd[0];
		vc->initrd_size = initrd[1];
		/* Compared without a sum that could wrap past 2^64. */
		if (!vc->initrd_size || vc->initrd_base < vc->ram_base ||
		    vc->initrd_base - vc->ram_base > vc->ram_size ||
		    vc->initrd_size >
			    vc->ram_size - (vc->initrd_base - vc->ram_base))
			CFG_ERR("config error: %s: initrd 0x%llx+0x%llx lies "
				"outside its memory",
				vc->node, (unsigned long long)vc->initrd_base,
				(unsigned long long)vc->initrd_size);
		/* Its address goes in the DTB, for an AArch32 guest with
		 * its MMU off: below 4 GiB as the DTB. */
		if (vc->initrd_base + vc->initrd_size >
		    config_boot_ram_end(vc->ram_base, vc->ram_size,
					vc->aarch32))
			CFG_ERR("config error: %s: initrd 0x%llx+0x%llx "
				"reaches above 4 GiB, out of an AArch32 "
				"guest's reach",
				vc->node, (unsigned long long)vc->initrd_base,
				(unsigned long long)vc->initrd_size);
	}
	args = fdt_getprop(fdt, node, "bootargs", &len);
	if (args && len > 0) {
		if (len > (int)sizeof(vc->bootargs))
			CFG_ERR("config error: %s: bootargs longer than %u "
				"bytes",
				vc->node, (unsigned int)sizeof(vc->bootargs));
		snprintf(vc->bootargs, sizeof(vc->bootargs), "%.*s", len, args);
	}
	return 0;
}

/* Two VMs must not share a device, an IRQ, or a 4 KiB MMIO page; no device
 * page may be RAM (it is mapped read-write into the guest). */
static int check_devices(const struct boot_info *bi,
			 const struct hv_config *cfg, unsigned int idx,
			 char *err, size_t errlen)
{
	const struct vm_config *vc = &cfg->vms[idx];

	for (unsigned int a = 0; a < vc->nr_devs; a++) {
		const struct vm_device *d = &vc->devs[a];
		uint64_t b = ALIGN_DOWN(d->base, 0x1000ULL);
		uint64_t e = ALIGN_UP(d->base + d->size, 0x1000ULL);

		if (ranges_overlap(b, e - b, vc->ram_base, vc->ram_size))
			CFG_ERR("config error: %s: device %s overlaps its "
				"memory",
				vc->node, d->path);
		for (unsigned int m = 0; m < bi->nr_mem; m++)
			if (ranges_overlap(b, e - b, bi->mem[m].base,
					   bi->mem[m].size))
				CFG_ERR("config error: %s: device %s at "
					"0x%llx+0x%llx lies in RAM (/memory)",
					vc->node, d->path,
					(unsigned long long)d->base,
					(unsigned long long)d->size);
		for (unsigned int j = 0; j <= idx; j++) {
			const struct vm_config *o = &cfg->vms[j];

			for (unsigned int k = 0; k < o->nr_devs; k++) {
				const struct vm_device *x = &o->devs[k];
				uint64_t xb = ALIGN_DOWN(x->base, 0x1000ULL);
				uint64_t xe =
					ALIGN_UP(x->base + x->size, 0x1000ULL);

				if (j == idx && k >= a)
					break;
				if (j == idx && !strcmp(x->path, d->path))
					CFG_ERR("config error: %s: device %s "
						"listed twice",
						vc->node, d->path);
				if (j != idx &&
				    ranges_overlap(b, e - b, xb, xe - xb))
					CFG_ERR("config error: %s: device %s "
						"shares MMIO with %s of %s",
						vc->node, d->path, x->path,
						o->node);
				for (unsigned int p = 0; p < d->nr_irqs; p++)
					for (unsigned int q = 0; q < x->nr_irqs;
					     q++)
						if (d->irqs[p] == x->irqs[q])
							CFG_ERR("config error: "
								"%s: IRQ %u of "
								"%s is given "
								"to %s too",
								vc->node,
								d->irqs[p],
								d->path,
								x->path);
			}
		}
	}
	return 0;
}

static int check_vm(const struct boot_info *bi, const struct hv_config *cfg,
		    unsigned int idx, char *err, size_t errlen)
{
	const struct vm_config *vc = &cfg->vms[idx];

	if (ranges_overlap(vc->ram_base, vc->ram_size, bi->image_start,
			   bi->image_end - bi->image_start))
		CFG_ERR("config error: %s: memory 0x%llx-0x%llx overlaps "
			"vigil's image 0x%llx-0x%llx",
			vc->node, (unsigned long long)vc->ram_base,
			(unsigned long long)(vc->ram_base + vc->ram_size - 1),
			(unsigned long long)bi->image_start,
			(unsigned long long)(bi->image_end - 1));
	if (ranges_overlap(vc->ram_base, vc->ram_size, bi->dtb_start,
			   bi->dtb_end - bi->dtb_start))
		CFG_ERR("config error: %s: memory 0x%llx-0x%llx overlaps "
			"the DTB at 0x%llx",
			vc->node, (unsigned long long)vc->ram_base,
			(unsigned long long)(vc->ram_base + vc->ram_size - 1),
			(unsigned long long)bi->dtb_start);
	if (!in_memory(bi, vc->ram_base, vc->ram_size))
		CFG_ERR("config error: %s: memory 0x%llx-0x%llx is not "
			"inside one /memory bank",
			vc->node, (unsigned long long)vc->ram_base,
			(unsigned long long)(vc->ram_base + vc->ram_size - 1));
	if (vc->image_size && vc->initrd_size && !vc->initrd_from_chosen &&
	    ranges_overlap(vc->image_base, vc->image_size, vc->initrd_base,
			   vc->initrd_size))
		CFG_ERR("config error: %s: image and initrd overlap", vc->node);
	for (unsigned int j = 0; j < idx; j++) {
		const struct vm_config *o = &cfg->vms[j];

		if (!strcmp(vc->name, o->name))
			CFG_ERR("config error: %s: label \"%s\" is %s's too",
				vc->node, vc->name, o->node);
		if (ranges_overlap(vc->ram_base, vc->ram_size, o->ram_base,
				   o->ram_size))
			CFG_ERR("config error: %s: memory overlaps %s's",
				vc->node, o->node);
		for (unsigned int a = 0; a < vc->nr_vcpus; a++)
			for (unsigned int b = 0; b < o->nr_vcpus; b++)
				if (vc->affinity[a] == o->affinity[b])
					CFG_ERR("config error: %s: pCPU %u "
						"already runs a vCPU of %s "
						"(static pinning)",
						vc->node, vc->affinity[a],
						o->node);
	}
	for (unsigned int a = 0; a < vc->nr_vcpus; a++)
		for (unsigned int b = 0; b < a; b++)
			if (vc->affinity[a] == vc->affinity[b])
				CFG_ERR("config error: %s: cpu-affinity names "
					"pCPU %u twice (static pinning)",
					vc->node, vc->affinity[a]);
	if (vc->initrd_from_chosen &&
	    ranges_overlap(vc->ram_base, vc->ram_size, bi->initrd_start,
			   bi->initrd_end - bi->initrd_start))
		CFG_ERR("config error: %s: memory overlaps the boot loader's "
			"initrd at 0x%llx",
			vc->node, (unsigned long long)bi->initrd_start);
	return check_devices(bi, cfg, idx, err, errlen);
}

/*
 * No IOMMU: a DMA master reaches all physical memory. A VM alone with one
 * can reach only vigil besides itself, and vigil serves only that VM (the
 * default VM has every virtio-mmio transport); beside other VMs it reads
 * and writes theirs, so its node must say it is trusted with them.
 */
static int check_dma(const struct hv_config *cfg, char *err, size_t errlen)
{
	if (cfg->nr_vms < 2)
		return 0;
	for (unsigned int i = 0; i < cfg->nr_vms; i++) {
		const struct vm_config *vc = &cfg->vms[i];

		for (unsigned int a = 0; a < vc->nr_devs; a++)
			if (vc->devs[a].dma_master && !vc->dma_unrestricted)
				CFG_ERR("config error: %s: device %s can DMA "
					"to all memory (no IOMMU): with %u VMs "
					"it needs vigil,dma-unrestricted",
					vc->node, vc->devs[a].path,
					cfg->nr_vms);
	}
	return 0;
}

/* ---- the console UART ------------------------------------------------ */

/*
 * The console UART: the node /chosen/stdout-path names (a path or an
 * alias, options after ':'; DT spec v0.4 §3.6), if it is a PL011 with a
 * usable reg and an SPI. Without one no VM can have a vUART.
 */
static void find_console_uart(const void *fdt, struct hv_config *cfg)
{
	char path[64], err[8];
	const char *sp;
	const char *colon;
	int chosen, len, node;
	size_t n;

	chosen = fdt_path_offset(fdt, "/chosen");
	sp = chosen >= 0 ? fdt_getprop(fdt, chosen, "stdout-path", &len) : NULL;
	if (!sp || len <= 0)
		return;
	n = strnlen(sp, (size_t)len);
	colon = memchr(sp, ':', n);
	if (colon)
		n = (size_t)(colon - sp);
	if (n == 0 || n >= sizeof(path))
		return;
	memcpy(path, sp, n);
	path[n] = '\0';
	node = fdt_path_offset(fdt, path);
	if (node < 0 || fdt_node_check_compatible(fdt, node, "arm,pl011") ||
	    fdt_get_path(fdt, node, path, sizeof(path)))
		return;
	/* The node is known: no second lookup by its path. */
	if (parse_device_at(fdt, node, dt_parent(fdt, node), path, "/chosen",
			    &cfg->uart, err, sizeof(err)) ||
	    !cfg->uart.nr_irqs || !IS_ALIGNED(cfg->uart.base, 0x1000ULL))
		return;
	cfg->has_uart = true;
}

static bool lists_uart(const struct hv_config *cfg, const struct vm_config *vc)
{
	for (unsigned int i = 0; cfg->has_uart && i < vc->nr_devs; i++)
		if (vc->devs[i].base == cfg->uart.base)
			return true;
	return false;
}

/* An explicit "passthrough" gives the VM the console UART as a device
 * (before check_vm() checks devices against the other VMs'). */
static int console_passthrough(struct hv_config *cfg, struct vm_config *vc,
			       char *err, size_t errlen)
{
	if (vc->console != VM_CONSOLE_PASSTHROUGH || lists_uart(cfg, vc))
		return 0;
	if (!cfg->has_uart)
		CFG_ERR("config error: %s: vigil,console = \"passthrough\" "
			"needs a PL011 console UART (/chosen/stdout-path)",
			vc->node);
	if (vc->nr_devs == VM_MAX_DEVS)
		CFG_ERR("config error: %s: devices: more than %u", vc->node,
			VM_MAX_DEVS);
	vc->devs[vc->nr_devs++] = cfg->uart;
	return 0;
}

/*
 * Every VM's console, once all are read. The VM whose devices hold the
 * console UART has it (passthrough); VMs that do not say get a vUART
 * each when there are several and none owns the UART, else the console
 * hypercall only. A vUART needs the UART (vigil reads its input) and sits
 * at its address, with its SPI.
 */
static int resolve_consoles(struct hv_config *cfg, char *err, size_t errlen)
{
	const struct vm_config *owner = NULL;

	for (unsigned int i = 0; i < cfg->nr_vms; i++) {
		struct vm_config *vc = &cfg->vms[i];

		if (!lists_uart(cfg, vc))
			continue;
		if (vc->console != VM_CONSOLE_DEFAULT &&
		    vc->console != VM_CONSOLE_PASSTHROUGH)
			CFG_ERR("config error: %s: devices give it the console "
				"UART %s: vigil,console must be "
				"\"passthrough\"",
				vc->node, cfg->uart.path);
		vc->console = VM_CONSOLE_PASSTHROUGH;
		owner = vc;
	}
	for (unsigned int i = 0; i < cfg->nr_vms; i++) {
		struct vm_config *vc = &cfg->vms[i];

		if (vc->console == VM_CONSOLE_DEFAULT)
			vc->console = cfg->nr_vms > 1 && !owner && cfg->has_uart
					      ? VM_CONSOLE_VUART
					      : VM_CONSOLE_HYPERCALL;
		if (vc->console != VM_CONSOLE_VUART)
			continue;
		if (!cfg->has_uart)
			CFG_ERR("config error: %s: vigil,console = \"vuart\" "
				"needs a PL011 console UART "
				"(/chosen/stdout-path)",
				vc->node);
		if (owner)
			CFG_ERR("config error: %s: vigil,console = \"vuart\" "
				"but %s owns the console UART (passthrough)",
				vc->node, owner->node);
		for (unsigned int d = 0; d < vc->nr_devs; d++) {
			const struct vm_device *x = &vc->devs[d];
			uint64_t b = ALIGN_DOWN(x->base, 0x1000ULL);
			uint64_t e = ALIGN_UP(x->base + x->size, 0x1000ULL);

			if (ranges_overlap(b, e - b, cfg->uart.base, 0x1000))
				CFG_ERR("config error: %s: device %s shares "
					"a page with its vUART at 0x%llx",
					vc->node, x->path,
					(unsigned long long)cfg->uart.base);
		}
		vc->vuart_ipa = cfg->uart.base;
		vc->vuart_intid = cfg->uart.irqs[0];
	}
	return 0;
}

static int default_config(const void *fdt, const struct boot_info *bi,
			  struct hv_config *cfg, char *err, size_t errlen)
{
	struct vm_config *vc = &cfg->vms[0];
	uint64_t bank_end, top;
	unsigned int bank = 0;
	const char *args;
	int chosen, len, r;

	if (bi->nr_mem == 0)
		CFG_ERR("config error: /memory: no memory bank");
	cfg->nr_vms = 1;
	snprintf(vc->node, sizeof(vc->node), "(default VM)");
	snprintf(vc->name, sizeof(vc->name), "vm0");
	vc->aarch32 = arch_guest_aarch32();
	/* The boot CPU's cluster (default_affinity()). */
	vc->nr_vcpus = default_affinity(bi, VM_MAX_VCPUS, vc->affinity);
	/* Above what the boot loader placed: vigil, the DTB, an initrd
	 * (which the VM gets a copy of), at the next 256 MiB boundary, in
	 * the bank that holds vigil. */
	top = MAX(bi->image_end, bi->dtb_end);
	top = MAX(top, bi->initrd_end);
	vc->ram_base = ALIGN_UP(top, CONFIG_DEFAULT_RAM_ALIGN);
	for (unsigned int i = 0; i < bi->nr_mem; i++)
		if (bi->image_start >= bi->mem[i].base &&
		    bi->image_start - bi->mem[i].base < bi->mem[i].size)
			bank = i;
	/* Up to the bank's last whole 2 MiB: stage 2 maps RAM in blocks,
	 * and an unaligned end would map what lies past the bank. */
	bank_end = ALIGN_DOWN(bi->mem[bank].base + bi->mem[bank].size,
			      0x200000ULL);
	if (bank_end <= vc->ram_base)
		CFG_ERR("config error: /memory: no RAM left for the default "
			"VM above 0x%llx (vigil, the DTB and the initrd): give "
			"a /hypervisor node",
			(unsigned long long)vc->ram_base);
	vc->ram_size = bank_end - vc->ram_base;
	vc->entry = vc->ram_base;
	chosen = fdt_path_offset(fdt, "/chosen");
	args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", &len) : NULL;
	if (args && len > 0)
		snprintf(vc->bootargs, sizeof(vc->bootargs), "%.*s", len, args);
	if (bi->initrd_end > bi->initrd_start) {
		vc->initrd_from_chosen = true;
		vc->initrd_size = bi->initrd_end - bi->initrd_start;
	}
	r = default_devices(fdt, vc, err, errlen);
	if (!r)
		r = check_vm(bi, cfg, 0, err, errlen);
	return r ? r : resolve_consoles(cfg, err, errlen);
}

int config_parse(const void *fdt, const struct boot_info *bi,
		 struct hv_config *cfg, char *err, size_t errlen)
{
	int hv, node, r;

	memset(cfg, 0, sizeof(*cfg));
	err[0] = '\0';
	find_console_uart(fdt, cfg);
	hv = fdt_path_offset(fdt, "/hypervisor");
	if (hv < 0)
		return default_config(fdt, bi, cfg, err, errlen);
	if (fdt_node_check_compatible(fdt, hv, "vigil,hypervisor"))
		CFG_ERR("config error: /hypervisor: compatible missing or not "
			"\"vigil,hypervisor\"");

	fdt_for_each_subnode(node, fdt, hv)
	{
		struct vm_config *vc;
		const char *name = fdt_get_name(fdt, node, NULL);

		if (strncmp(name, "vm", 2) != 0)
			continue;
		if (cfg->nr_vms == VM_MAX_VMS)
			CFG_ERR("config error: /hypervisor/%s: more than %u "
				"VMs",
				name, VM_MAX_VMS);
		vc = &cfg->vms[cfg->nr_vms];
		snprintf(vc->node, sizeof(vc->node), "/hypervisor/%s", name);
		snprintf(vc->name, sizeof(vc->name), "vm%u", cfg->nr_vms);
		r = parse_vm(fdt, node, bi, vc, err, errlen);
		if (!r)
			r = console_passthrough(cfg, vc, err, errlen);
		if (r)
			return r;
		r = check_vm(bi, cfg, cfg->nr_vms, err, errlen);
		if (r)
			return r;
		cfg->nr_vms++;
	}
	if (cfg->nr_vms == 0)
		CFG_ERR("config error: /hypervisor: no vm@N node");
	r = check_dma(cfg, err, errlen);
	return r ? r : resolve_consoles(cfg, err, errlen);
}

/* ---- what the boot loader put in RAM ---------------------------------- */

uint32_t config_crc32_update(uint32_t crc, const void *buf, uint64_t len)
{
	static uint32_t table[256];
	const uint8_t *p = buf;

	if (!table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = (c & 1) ? 0xedb88320U ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	crc ^= 0xffffffffU;
	for (uint64_t i = 0; i < len; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return crc ^ 0xffffffffU;
}

uint32_t config_crc32(const void *buf, uint64_t len)
{
	return config_crc32_update(0, buf, len);
}

/* CRC-32 of physical [pa, pa + len): guest RAM, one page mapped at a time. */
static uint32_t crc32_phys(uint64_t pa, uint64_t len)
{
	uint32_t crc = 0;

	while (len) {
		size_t n = (size_t)MIN(len, PAGE_SIZE - (pa & (PAGE_SIZE - 1)));
		const void *p = mm_map(pa, n);

		crc = config_crc32_update(crc, p, n);
		mm_unmap(p);
		pa += n;
		len -= n;
	}
	return crc;
}

/* The header is the profile's (include/arch_image.h): an arm64 Image, a
 * zImage. A loader that put nothing there leaves zeroes, or stale RAM. */
int config_check_image(const struct vm_config *vc, char *err, size_t errlen)
{
	uint8_t b[ARCH_IMAGE_HDR_SIZE];
	struct arch_image hdr;
	uint64_t image_size, room;
	uint32_t first, crc;

	if (!vc->image_size) {
		mm_copy_from_phys(&first, vc->entry, sizeof(first));
		if (!first)
			CFG_ERR("config error: %s: nothing loaded at entry "
				"0x%llx (first word 0): image missing",
				vc->node, (unsigned long long)vc->entry);
		return 0;
	}
	if (vc->image_size < ARCH_IMAGE_HDR_SIZE)
		CFG_ERR("config error: %s: image of %llu bytes is too small "
			"for an %s header",
			vc->node, (unsigned long long)vc->image_size,
			arch_image_kind(vc->aarch32));
	mm_copy_from_phys(b, vc->image_base, sizeof(b));
	if (arch_image_parse(b, sizeof(b), vc->aarch32, &hdr))
		CFG_ERR("config error: %s: image at 0x%llx has no %s "
			"header (magic 0x%08x): image missing",
			vc->node, (unsigned long long)vc->image_base,
			arch_image_kind(vc->aarch32), hdr.magic);
	image_size = hdr.size;
	room = config_boot_ram_end(vc->ram_base, vc->ram_size, vc->aarch32) -
	       CONFIG_GUEST_DTB_AREA - vc->image_base;
	if (image_size && image_size < vc->image_size)
		CFG_ERR("config error: %s: image is 0x%llx bytes but its "
			"header's image_size is 0x%llx",
			vc->node, (unsigned long long)vc->image_size,
			(unsigned long long)image_size);
	if (image_size > room)
		CFG_ERR("config error: %s: image_size 0x%llx from 0x%llx runs "
			"into the guest DTB area (0x%llx bytes free)",
			vc->node, (unsigned long long)image_size,
			(unsigned long long)vc->image_base,
			(unsigned long long)room);
	if (vc->has_image_crc32) {
		crc = crc32_phys(vc->image_base, vc->image_size);
		if (crc != vc->image_crc32)
			CFG_ERR("config error: %s: image crc32 0x%08x, "
				"image-crc32 says 0x%08x: truncated or "
				"corrupted",
				vc->node, crc, vc->image_crc32);
	}
	return 0;
}
