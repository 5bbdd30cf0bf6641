/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the boot configuration: the input is a host DTB.
 * Boot (core/main.c) stops unless the blob passes fdt_check_header(), is
 * version 16 or later, and passes fdt_check_full(); config_parse()
 * (core/config.c) then reads it and, for a configuration it accepts,
 * guest_dtb_build() (core/guest_dtb.c) derives every VM's DTB from it, with
 * the memory accessors it needs stubbed here.
 * config_parse() also gets the blobs only fdt_check_header() accepts
 * (libfdt's read-only calls are meant to be safe on them), as defence in
 * depth; guest_dtb_build() only the well-formed ones, as at boot (libfdt's
 * read-write calls are not: fdt_open_into() memmoved a negative size).
 *
 * Checked:
 *  - no crash and no read outside the blob: the blob ends at a guard page
 *    (libfdt is Debian's, not instrumented, so ASan alone would not see
 *    libfdt overrun it), the few bytes of alignment slack are poisoned;
 *  - a refusal is one line "config error: ..." in the error buffer;
 *  - an accepted configuration satisfies its own rules (DESIGN §6,
 *    docs/config.md), computed here without wrap-around: 1..VM_MAX_VMS VMs,
 *    vcpus in range, pinned to existing pCPUs that no two vCPUs share, RAM
 *    non-empty, 2 MiB aligned, inside one memory bank and clear of vigil,
 *    the DTB, the boot loader's initrd and every other VM; entry and initrd
 *    inside RAM; devices non-empty, not wrapping, clear of the VM's RAM, no
 *    device page or IRQ shared between VMs, no IRQ or path twice; with
 *    more than one VM, no virtio-mmio device in a VM without
 *    vigil,dma-unrestricted; every string terminated;
 *  - a guest DTB that guest_dtb_build() returns is a valid tree (when the
 *    host's was) holding exactly the VM's RAM and vCPUs, PSCI over HVC, no
 *    /hypervisor, and no device node the VM was not given.
 * Any violation aborts (a crash for libFuzzer).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libfdt.h>
#include <sanitizer/asan_interface.h>

#include "config.h"
#include "vgic.h"
#include "guest_dtb.h"
#include "host_mm_map.h"
#include "mm.h"
#include "platform_dt.h"
#include "vm.h"

#define MAX_BLOB (256 * 1024)
#define GICD_IPA 0x08000000ULL
#define GICC_IPA 0x08010000ULL

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "config_fuzz: %s\n", what);
		abort();
	}
}

/* ---- stubs for what guest_dtb.c needs from the rest of vigil ------------- */

static uint8_t *guest_dtb_buf;

uint64_t vgic_dist_ipa(void)
{
	return GICD_IPA;
}

uint64_t vgic_cpu_ipa(void)
{
	return GICC_IPA;
}

/*
 * core/guest_mem.c and core/mm.c are the real ones: guest_dtb_buf plays the
 * RAM of the guest DTB area (the top 2 MiB block of the VM's RAM, IPA ==
 * PA here), reached through the checking mm_map() window of
 * tests/unit/host_mm_map.c.
 */
static void dtb_area_is_guest_dtb_buf(const struct vm *v)
{
	const struct mem_region *r = &v->ram[0];
	uint64_t pa = (r->pa + r->size - 1) & ~(uint64_t)0x1fffff;

	mm_set_phys_offset((intptr_t)guest_dtb_buf - (intptr_t)pa);
}

/* ---- the blob, against a guard page --------------------------------------- */

static uint8_t *area; /* MAX_BLOB + slack, then a PROT_NONE page */
static size_t area_size;

static void *place_blob(const uint8_t *data, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t padded = (size + 7) & ~(size_t)7; /* libfdt wants 8-byte */
	uint8_t *p;

	if (!area) {
		area_size = (MAX_BLOB + 8 + page - 1) & ~(page - 1);
		area = mmap(NULL, area_size + page, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		check(area != MAP_FAILED, "mmap");
		check(mprotect(area + area_size, page, PROT_NONE) == 0,
		      "mprotect");
		guest_dtb_buf = malloc(GUEST_DTB_MAX);
		check(guest_dtb_buf != NULL, "malloc");
	}
	ASAN_UNPOISON_MEMORY_REGION(area, area_size);
	p = area + area_size - padded;
	memcpy(p, data, size);
	memset(p + size, 0, padded - size);
	ASAN_POISON_MEMORY_REGION(p + size, padded - size);
	return p;
}

static uint64_t cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

/* ---- the machine ---------------------------------------------------------- */

/* RAM from the DTB's memory nodes, as core/main.c reads it, else QEMU
 * virt -m 1G; vigil 0x80000 into the first bank, the DTB at +128 MiB (as
 * QEMU puts them). pCPUs and the boot loader's initrd come from the DTB as
 * core/main.c reads them (simplified). */
static void machine(const void *fdt, size_t size, struct boot_info *bi)
{
	int cpus, node, chosen, len;
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	const fdt32_t *p;

	memset(bi, 0, sizeof(*bi));
	fdt_for_each_subnode(node, fdt, 0)
	{
		const char *t = fdt_getprop(fdt, node, "device_type", &len);

		if (!t || len != 7 || memcmp(t, "memory", 7) || ac < 1 ||
		    ac > 2 || sc < 1 || sc > 2)
			continue;
		p = fdt_getprop(fdt, node, "reg", &len);
		for (int i = 0; p && i + 4 * (ac + sc) <= len;
		     i += 4 * (ac + sc)) {
			uint64_t base = cells(p + i / 4, ac);
			uint64_t sz = cells(p + i / 4 + ac, sc);

			if (bi->nr_mem == CONFIG_MAX_MEM_BANKS)
				break;
			if (sz < 0x10000000 || base + sz < base)
				continue; /* vigil needs room; no wrap */
			bi->mem[bi->nr_mem].base = base;
			bi->mem[bi->nr_mem].size = sz;
			bi->nr_mem++;
		}
	}
	if (!bi->nr_mem) {
		bi->nr_mem = 1;
		bi->mem[0].base = 0x40000000;
		bi->mem[0].size = 0x40000000;
	}
	bi->image_start = bi->mem[0].base + 0x80000;
	bi->image_end = bi->mem[0].base + 0x200000;
	bi->dtb_start = bi->mem[0].base + 0x8000000;
	bi->dtb_end = bi->dtb_start + size;
	bi->nr_pcpus = 1;
	cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus >= 0) {
		bi->nr_pcpus = 0;
		fdt_for_each_subnode(node, fdt, cpus)
		{
			const char *t =
				fdt_getprop(fdt, node, "device_type", &len);

			if (t && len == 4 && !memcmp(t, "cpu", 4) &&
			    bi->nr_pcpus < 8)
				bi->nr_pcpus++;
		}
		if (!bi->nr_pcpus)
			bi->nr_pcpus = 1;
	}
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		return;
	p = fdt_getprop(fdt, chosen, "linux,initrd-start", &len);
	if (!p || len != 8)
		return;
	bi->initrd_start = cells(p, 2);
	p = fdt_getprop(fdt, chosen, "linux,initrd-end", &len);
	if (!p || len != 8)
		return;
	bi->initrd_end = cells(p, 2);
	if (bi->initrd_end <= bi->initrd_start)
		bi->initrd_start = bi->initrd_end = 0;
}

/* ---- the accepted configuration ------------------------------------------ */

typedef unsigned __int128 u128;

/* [a, a + alen) and [b, b + blen) share a byte, computed without wrap. */
static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && (u128)a < (u128)b + blen &&
	       (u128)b < (u128)a + alen;
}

static bool inside(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a >= b && (u128)a + alen <= (u128)b + blen;
}

static bool terminated(const char *s, size_t size)
{
	return strnlen(s, size) < size;
}

/* The 4 KiB pages a device range touches, as [first, last] page numbers. */
static void dev_pages(const struct vm_device *d, uint64_t *first,
		      uint64_t *last)
{
	*first = d->base >> 12;
	*last = (uint64_t)(((u128)d->base + d->size - 1) >> 12);
}

static void check_vm_config(const struct boot_info *bi,
			    const struct hv_config *cfg, unsigned int idx)
{
	const struct vm_config *vc = &cfg->vms[idx];
	bool in_bank = false;

	check(terminated(vc->node, sizeof(vc->node)) &&
		      terminated(vc->name, sizeof(vc->name)) &&
		      terminated(vc->bootargs, sizeof(vc->bootargs)),
	      "unterminated string in a VM config");
	check(vc->nr_vcpus >= 1 && vc->nr_vcpus <= VM_MAX_VCPUS &&
		      vc->nr_vcpus <= bi->nr_pcpus,
	      "vcpus out of range");
	for (unsigned int a = 0; a < vc->nr_vcpus; a++) {
		check(vc->affinity[a] < bi->nr_pcpus,
		      "vCPU pinned to a missing pCPU");
		for (unsigned int j = 0; j <= idx; j++)
			for (unsigned int b = 0; b < cfg->vms[j].nr_vcpus; b++)
				check((j == idx && b == a) ||
					      cfg->vms[j].affinity[b] !=
						      vc->affinity[a],
				      "two vCPUs pinned to one pCPU");
	}
	check(vc->ram_size && !(vc->ram_base & 0x1fffff) &&
		      !(vc->ram_size & 0x1fffff) &&
		      (u128)vc->ram_base + vc->ram_size <= (u128)1 << 64,
	      "RAM empty, unaligned or wrapping");
	for (unsigned int i = 0; i < bi->nr_mem; i++)
		in_bank |= inside(vc->ram_base, vc->ram_size, bi->mem[i].base,
				  bi->mem[i].size);
	check(in_bank, "RAM outside every memory bank");
	check(!overlap(vc->ram_base, vc->ram_size, bi->image_start,
		       bi->image_end - bi->image_start),
	      "RAM overlaps vigil");
	check(!overlap(vc->ram_base, vc->ram_size, bi->dtb_start,
		       bi->dtb_end - bi->dtb_start),
	      "RAM overlaps the DTB");
	if (vc->initrd_from_chosen)
		check(!overlap(vc->ram_base, vc->ram_size, bi->initrd_start,
			       bi->initrd_end - bi->initrd_start),
		      "RAM overlaps the boot loader's initrd");
	check(inside(vc->entry, 1, vc->ram_base, vc->ram_size),
	      "entry outside RAM");
	if (vc->initrd_size && !vc->initrd_from_chosen)
		check(inside(vc->initrd_base, vc->initrd_size, vc->ram_base,
			     vc->ram_size),
		      "initrd outside RAM");
	if (vc->image_size) {
		check(inside(vc->image_base, vc->image_size, vc->ram_base,
			     vc->ram_size - CONFIG_GUEST_DTB_AREA),
		      "image outside RAM below the guest DTB area");
		check(inside(vc->entry, 1, vc->image_base, vc->image_size),
		      "entry outside the image");
	}
	for (unsigned int j = 0; j < idx; j++)
		check(!overlap(vc->ram_base, vc->ram_size, cfg->vms[j].ram_base,
			       cfg->vms[j].ram_size),
		      "RAM of two VMs overlaps");

	check(vc->nr_devs <= VM_MAX_DEVS, "too many devices");
	for (unsigned int a = 0; a < vc->nr_devs; a++) {
		const struct vm_device *d = &vc->devs[a];
		uint64_t f, l;

		check(terminated(d->path, sizeof(d->path)),
		      "unterminated device path");
		check(d->size && (u128)d->base + d->size <= (u128)1 << 64,
		      "device range empty or wrapping");
		check(d->nr_irqs <= VM_DEV_MAX_IRQS, "too many device IRQs");
		for (unsigned int q = 0; q < d->nr_irqs; q++)
			check(d->irqs[q] >= 32 && d->irqs[q] < 1020,
			      "device IRQ not an SPI");
		dev_pages(d, &f, &l);
		check(!overlap(f << 12, (l - f + 1) << 12, vc->ram_base,
			       vc->ram_size),
		      "device overlaps its VM's RAM");
		/* Mapped read-write into the guest: it must not reach RAM at
		 * all (vigil, the DTB, other VMs). */
		for (unsigned int i = 0; i < bi->nr_mem; i++)
			check(!overlap(f << 12, (l - f + 1) << 12,
				       bi->mem[i].base, bi->mem[i].size),
			      "device overlaps host RAM");
		for (unsigned int j = 0; j <= idx; j++) {
			const struct vm_config *o = &cfg->vms[j];

			for (unsigned int k = 0; k < o->nr_devs; k++) {
				const struct vm_device *x = &o->devs[k];
				uint64_t xf, xl;

				if (j == idx && k == a)
					continue;
				if (j == idx)
					check(strcmp(x->path, d->path) != 0,
					      "device listed twice");
				dev_pages(x, &xf, &xl);
				if (j != idx)
					check(l < xf || xl < f,
					      "two VMs share a device page");
				for (unsigned int p = 0; p < d->nr_irqs; p++)
					for (unsigned int q = 0; q < x->nr_irqs;
					     q++)
						check(d->irqs[p] != x->irqs[q],
						      "an IRQ given twice");
			}
		}
	}
}

/* No IOMMU: with more than one VM, a DMA master (a virtio-mmio transport)
 * goes only to a VM node that says vigil,dma-unrestricted. Looked up in the
 * blob again, as parse_device() found it (unless the stored path may be
 * cut short). */
static void check_dma_masters(const void *fdt, const struct hv_config *cfg)
{
	if (cfg->nr_vms < 2)
		return;
	for (unsigned int i = 0; i < cfg->nr_vms; i++) {
		const struct vm_config *vc = &cfg->vms[i];

		for (unsigned int a = 0;
		     a < vc->nr_devs && !vc->dma_unrestricted; a++) {
			const char *path = vc->devs[a].path;
			int node = fdt_path_offset(fdt, path);

			if (strlen(path) == sizeof(vc->devs[a].path) - 1)
				continue;
			check(node >= 0 && fdt_node_check_compatible(
						   fdt, node, "virtio,mmio"),
			      "a DMA master beside another VM without "
			      "vigil,dma-unrestricted");
		}
	}
}

/* CONFIG_FUZZ_VERBOSE=1: say what happened to each input (for triage). */
static void note(const char *fmt, const char *a, int b)
{
	static int verbose = -1;

	if (verbose < 0)
		verbose = getenv("CONFIG_FUZZ_VERBOSE") != NULL;
	if (verbose) {
		fprintf(stderr, fmt, a, b);
		fputc('\n', stderr);
	}
}

/* config_check_image() on @vc's image (or the word at its entry) made of
 * @n bytes of @tail, zero-padded; what it accepts has a header that says
 * so. */
static void check_image(const struct vm_config *vc, const uint8_t *tail,
			size_t n)
{
	static uint8_t *img;
	uint64_t len = vc->image_size ? vc->image_size : 4;
	char err[160];
	int r;

	if (len > 4 * 1024 * 1024)
		return; /* too big to copy every run; the header logic is the
			   same */
	img = realloc(img, (size_t)len);
	check(img != NULL, "realloc");
	memset(img, 0, (size_t)len);
	memcpy(img, tail, n < len ? n : (size_t)len);
	memset(err, 0x5a, sizeof(err));
	/* img plays the RAM at the image (or the entry point). */
	mm_set_phys_offset((intptr_t)img - (intptr_t)(vc->image_size
							      ? vc->image_base
							      : vc->entry));
	r = config_check_image(vc, err, sizeof(err));
	check(host_mm_maps_held() == 0, "image check left a mapping");
	note("image check: %s (%d)", r ? err : "accepted", r);
	if (r) {
		check(r == -EINVAL && terminated(err, sizeof(err)) &&
			      !strncmp(err, "config error: ", 14) &&
			      !strchr(err, '\n'),
		      "config_check_image refusal is not one line");
		return;
	}
	if (vc->image_size) {
		uint64_t hdr_size = 0;

		for (int i = 7; i >= 0; i--)
			hdr_size = (hdr_size << 8) | img[16 + i];
		check(vc->image_size >= 64 && !memcmp(img + 56, "ARM\x64", 4),
		      "image accepted without an arm64 Image header");
		check(!hdr_size ||
			      (hdr_size >= vc->image_size &&
			       inside(vc->image_base, hdr_size, vc->ram_base,
				      vc->ram_size - CONFIG_GUEST_DTB_AREA)),
		      "image accepted whose image_size runs into the "
		      "DTB area");
		if (vc->has_image_crc32)
			check(config_crc32(img, vc->image_size) ==
				      vc->image_crc32,
			      "image accepted with a wrong crc32");
	} else {
		check(img[0] || img[1] || img[2] || img[3],
		      "nothing at entry accepted");
	}
}

/* ---- the guest DTB -------------------------------------------------------- */

static struct vm vm;

static bool vm_owns(const char *path)
{
	for (unsigned int i = 0; i < vm.nr_devs; i++)
		if (!strcmp(vm.devs[i].path, path))
			return true;
	return false;
}

static void check_guest_dtb(const void *host)
{
	const char *dump = getenv("CONFIG_FUZZ_DUMP"); /* triage */
	const void *g = guest_dtb_buf;
	int node, len, mem = 0, ncpus = 0, n, cpus;
	static const char *const gic_compat[] = {
		"arm,cortex-a15-gic", "arm,gic-400", "arm,cortex-a7-gic"};
	char gic_path[256];
	int hgic = -1;
	const fdt32_t *reg;
	const char *s;
	int ac, sc, gic = -1;

	check(fdt_check_header(g) == 0, "guest DTB header");
	if (dump) {
		FILE *f = fopen(dump, "wb");

		if (f) {
			fwrite(g, 1, fdt_totalsize(g), f);
			fclose(f);
		}
	}
	check(fdt_totalsize(g) <= GUEST_DTB_MAX, "guest DTB too large");
	check(fdt_check_full(g, fdt_totalsize(g)) == 0,
	      "guest DTB is not a well-formed tree");
	check(fdt_path_offset(g, "/hypervisor") < 0,
	      "guest DTB keeps /hypervisor");
	/* How the guest reads a reg at the root (defaults: DT spec 2.3.5). */
	ac = fdt_address_cells(g, 0);
	sc = fdt_size_cells(g, 0);
	/* The host node vigil takes for the GIC (gic_probe() in gic/gicv2.c
	 * and set_gic() search alike) shows the vGIC if the guest keeps it;
	 * other interrupt controllers are kept as they are. */
	for (unsigned int i = 0; i < ARRAY_SIZE(gic_compat) && hgic < 0; i++)
		hgic = fdt_node_offset_by_compatible(host, -1, gic_compat[i]);
	if (hgic >= 0 &&
	    !fdt_get_path(host, hgic, gic_path, (int)sizeof(gic_path)))
		gic = fdt_path_offset(g, gic_path);
	/* Pruned, and its path reused (a host /psci that looked like a GIC
	 * gave way to vigil's own /psci): not the GIC any more. */
	if (gic >= 0 && !fdt_getprop(g, gic, "reg", NULL))
		gic = -1;
	fdt_for_each_subnode(node, g, 0)
	{
		char path[128];
		const char *t = fdt_getprop(g, node, "device_type", &len);

		if (fdt_get_path(g, node, path, sizeof(path)))
			continue;
		if (t && len == 7 && !memcmp(t, "memory", 7)) {
			mem++;
			reg = fdt_getprop(g, node, "reg", &len);
			check(ac >= 1 && ac <= 2 && sc >= 1 && sc <= 2 && reg &&
				      len == 4 * (ac + sc) &&
				      cells(reg, ac) == vm.ram[0].ipa &&
				      cells(reg + ac, sc) == vm.ram[0].size,
			      "guest memory node is not the VM's RAM "
			      "as the "
			      "guest reads it");
			continue;
		}
		if (node == gic) {
			reg = fdt_getprop(g, node, "reg", &len);
			check(reg && len == 32 && cells(reg, 2) == GICD_IPA &&
				      cells(reg + 2, 2) == 0x1000 &&
				      cells(reg + 4, 2) == GICC_IPA &&
				      cells(reg + 6, 2) == 0x2000,
			      "guest GIC is not the vGIC's distributor "
			      "and "
			      "CPU interface");
			continue;
		}
		/* Kept by design (guest_dtb.c prune_devices()). */
		if (fdt_getprop(g, node, "interrupt-controller", NULL))
			continue;
		if (fdt_getprop(g, node, "reg", NULL) && !vm_owns(path)) {
			fprintf(stderr, "config_fuzz: %s in VM '%s'\n", path,
				vm.name);
			check(false, "guest DTB shows a device the VM "
				     "was not given");
		}
	}
	check(mem == 1, "guest DTB memory nodes");
	cpus = fdt_path_offset(g, "/cpus");
	check(cpus >= 0, "guest DTB has no /cpus");
	fdt_for_each_subnode(n, g, cpus)
	{
		const char *name = fdt_get_name(g, n, NULL);

		if (!name || strncmp(name, "cpu", 3))
			continue;
		reg = fdt_getprop(g, n, "reg", &len);
		check(reg && len == 4 &&
			      fdt32_to_cpu(*reg) == (unsigned int)ncpus,
		      "guest cpu node reg");
		ncpus++;
	}
	check(ncpus == (int)vm.nr_vcpus, "guest DTB vCPU count");
	n = fdt_path_offset(g, "/psci");
	s = n >= 0 ? fdt_getprop(g, n, "method", &len) : NULL;
	check(s && len == 4 && !memcmp(s, "hvc", 4), "guest PSCI not HVC");
}

static void build_vm(const struct vm_config *vc)
{
	memset(&vm, 0, sizeof(vm));
	snprintf(vm.name, sizeof(vm.name), "%s", vc->name);
	vm.nr_vcpus = vc->nr_vcpus;
	for (unsigned int i = 0; i < vc->nr_vcpus; i++) {
		vm.vcpus[i].id = i;
		vm.vcpus[i].vm = &vm;
		vm.vcpus[i].pcpu = vc->affinity[i];
		vm.vcpus[i].vmpidr = BIT(31) | i;
	}
	vm.nr_ram = 1;
	vm.ram[0].ipa = vm.ram[0].pa = vc->ram_base;
	vm.ram[0].size = vc->ram_size;
	vm.nr_devs = vc->nr_devs;
	memcpy(vm.devs, vc->devs, sizeof(vc->devs));
	vm.entry = vc->entry;
	snprintf(vm.bootargs, sizeof(vm.bootargs), "%s", vc->bootargs);
	if (vc->initrd_size) {
		vm.initrd_ipa = vc->initrd_from_chosen ? vc->ram_base + 0x100000
						       : vc->initrd_base;
		vm.initrd_size = vc->initrd_size;
	}
}

static struct hv_config cfg;

/*
 * Paths or phandles that name two nodes: two root nodes of one name
 * (fdt_check_full() lets them pass), a node named "cpus@8000000", which
 * libfdt's lookup of "/cpus" finds too (a name without unit address matches
 * any), a phandle given twice, or a node name holding a '/'. vigil, like
 * every libfdt user, takes the first; such a host tree describes no
 * machine, and its guest DTB is not checked.
 */
static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Two nodes with one phandle (fdt_check_full() lets that pass too): the
 * GIC's phandle keeps whichever comes first. */
static bool duplicate_phandles(const void *fdt)
{
	static uint32_t ph[4096];
	unsigned int nr = 0;

	for (int n = fdt_next_node(fdt, -1, NULL); n >= 0 && nr < 4096;
	     n = fdt_next_node(fdt, n, NULL)) {
		uint32_t p = fdt_get_phandle(fdt, n);

		if (p)
			ph[nr++] = p;
	}
	qsort(ph, nr, sizeof(ph[0]), cmp_u32);
	for (unsigned int i = 1; i < nr; i++)
		if (ph[i] == ph[i - 1])
			return true;
	return false;
}

static bool ambiguous_paths(const void *fdt)
{
	static const char *const paths[] = {"cpus@", "psci@", "chosen@",
					    "hypervisor@"};
	int n, m;

	if (duplicate_phandles(fdt))
		return true;
	/* A node name with a '/' in it: paths built from names lie. */
	for (n = fdt_next_node(fdt, -1, NULL); n >= 0;
	     n = fdt_next_node(fdt, n, NULL)) {
		const char *name = fdt_get_name(fdt, n, NULL);

		if (name && strchr(name, '/'))
			return true;
	}
	fdt_for_each_subnode(n, fdt, 0)
	{
		const char *name = fdt_get_name(fdt, n, NULL);

		if (!name)
			continue;
		for (unsigned int i = 0; i < ARRAY_SIZE(paths); i++)
			if (!strncmp(name, paths[i], strlen(paths[i])))
				return true;
		for (m = fdt_next_subnode(fdt, n); m >= 0;
		     m = fdt_next_subnode(fdt, m)) {
			const char *other = fdt_get_name(fdt, m, NULL);

			if (other && !strcmp(name, other))
				return true;
		}
	}
	return false;
}

/* What boot_primary() reads first (core/platform_dt.c): a description
 * within its bounds, or one "config error:" line. */
static void check_platform(const void *fdt)
{
	static struct plat_desc d;
	char err[160];
	int r;

	memset(err, 0x5a, sizeof(err));
	err[0] = '\0';
	r = platform_dt_probe(fdt, &d, err, sizeof(err));
	check(r == 0 || r == -1, "platform_dt_probe result");
	check(terminated(err, sizeof(err)), "platform error unterminated");
	if (r) {
		check(!strncmp(err, "config error: ", 14) && !strchr(err, '\n'),
		      "a platform refusal is not one 'config error:' line");
		return;
	}
	check(d.nr_cpus <= MAX_CPUS && d.nr_mem <= CONFIG_MAX_MEM_BANKS,
	      "platform counts");
	check(terminated(d.model, sizeof(d.model)) &&
		      terminated(d.console_path, sizeof(d.console_path)),
	      "platform strings unterminated");
	for (unsigned int i = 0; i < d.nr_mem; i++)
		check(d.mem[i].size != 0, "a memory bank of size 0");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct boot_info bi;
	char err[160];
	const void *fdt;
	bool valid;
	int r;

	if (size < sizeof(struct fdt_header) || size > MAX_BLOB)
		return -1;
	fdt = place_blob(data, size);
	/* What boot_primary() checks; and the header must not claim more
	 * than there is (in memory, the blob's size is what it says). */
	if (fdt_check_header(fdt) != 0 || fdt_totalsize(fdt) > size ||
	    fdt_version(fdt) < 16)
		return -1;
	valid = fdt_check_full(fdt, size) == 0;
	machine(fdt, size, &bi);
	if (valid)
		check_platform(fdt);

	memset(err, 0x5a, sizeof(err));
	r = config_parse(fdt, &bi, &cfg, err, sizeof(err));
	check(r == 0 || r == -EINVAL, "config_parse result");
	check(terminated(err, sizeof(err)), "error message unterminated");
	if (r) {
		note("refused: %s (%d)", err, r);
		check(!strncmp(err, "config error: ", 14) && !strchr(err, '\n'),
		      "a refusal is not one 'config error:' line");
		return 0;
	}
	check(err[0] == '\0', "error message on success");
	check(cfg.nr_vms >= 1 && cfg.nr_vms <= VM_MAX_VMS, "number of VMs");
	for (unsigned int i = 0; i < cfg.nr_vms; i++)
		check_vm_config(&bi, &cfg, i);
	check_dma_masters(fdt, &cfg);

	/* What the boot loader put in RAM: the bytes after the blob. */
	for (unsigned int i = 0; i < cfg.nr_vms; i++)
		check_image(&cfg.vms[i], data + fdt_totalsize(fdt),
			    size - fdt_totalsize(fdt));

	if (!valid)
		return 0; /* boot_primary() would have stopped */
	if (ambiguous_paths(fdt))
		return 0;
	for (unsigned int i = 0; i < cfg.nr_vms; i++) {
		build_vm(&cfg.vms[i]);
		memset(err, 0x5a, sizeof(err));
		dtb_area_is_guest_dtb_buf(&vm);
		r = guest_dtb_build(&vm, fdt, err, sizeof(err));
		check(host_mm_maps_held() == 0,
		      "guest DTB copy left a mapping");
		if (r) {
			note("guest DTB refused: %s (%d)", err, r);
			check(r == -EINVAL && terminated(err, sizeof(err)) &&
				      !strchr(err, '\n'),
			      "guest_dtb_build refusal is not one line");
			continue;
		}
		check(vm.dtb_ipa >= vm.ram[0].ipa &&
			      vm.dtb_ipa + GUEST_DTB_MAX <=
				      vm.ram[0].ipa + vm.ram[0].size,
		      "guest DTB address");
		check_guest_dtb(fdt);
		note("VM '%s': guest DTB of %d bytes checked", vm.name,
		     (int)fdt_totalsize(guest_dtb_buf));
	}
	return 0;
}
