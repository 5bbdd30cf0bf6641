/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "config.h"

#define CFG_ERR(...)                                \
	do {                                        \
		snprintf(err, errlen, __VA_ARGS__); \
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

static int parse_vm(const void *fdt, int node, const struct boot_info *bi,
		    struct vm_config *vc, char *err, size_t errlen)
{
	const fdt32_t *p;
	const char *s;
	uint64_t mem[2], entry;
	int len, r;

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
			vc->affinity[i] = fdt32_to_cpu(p[i]);
			if (vc->affinity[i] >= bi->nr_pcpus)
				CFG_ERR("config error: %s: cpu-affinity names "
					"pCPU %u, only %u exist",
					vc->node, vc->affinity[i],
					bi->nr_pcpus);
		}
	} else {
		for (unsigned int i = 0; i < vc->nr_vcpus; i++)
			vc->affinity[i] = i;
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

	vc->entry = vc->ram_base;
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

	s = fdt_getprop(fdt, node, "label", &len);
	if (s && len > 1)
		snprintf(vc->name, sizeof(vc->name), "%.*s", len - 1, s);
	(void)bi;
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
	for (unsigned int j = 0; j < idx; j++) {
		const struct vm_config *o = &cfg->vms[j];

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
	return 0;
}

static int default_config(const struct boot_info *bi, struct hv_config *cfg,
			  char *err, size_t errlen)
{
	struct vm_config *vc = &cfg->vms[0];

	if (bi->nr_mem == 0)
		CFG_ERR("config error: /memory: no memory bank");
	cfg->nr_vms = 1;
	snprintf(vc->node, sizeof(vc->node), "(default VM)");
	snprintf(vc->name, sizeof(vc->name), "vm0");
	vc->nr_vcpus = MIN(bi->nr_pcpus, (unsigned int)VM_MAX_VCPUS);
	for (unsigned int i = 0; i < vc->nr_vcpus; i++)
		vc->affinity[i] = i;
	vc->ram_base = CONFIG_DEFAULT_RAM_BASE;
	if (bi->mem[0].base + bi->mem[0].size <= vc->ram_base)
		CFG_ERR("config error: /memory: first bank ends below the "
			"default guest RAM at 0x%llx",
			(unsigned long long)vc->ram_base);
	vc->ram_size = bi->mem[0].base + bi->mem[0].size - vc->ram_base;
	vc->entry = vc->ram_base;
	return check_vm(bi, cfg, 0, err, errlen);
}

int config_parse(const void *fdt, const struct boot_info *bi,
		 struct hv_config *cfg, char *err, size_t errlen)
{
	int hv, node, r;

	memset(cfg, 0, sizeof(*cfg));
	err[0] = '\0';
	hv = fdt_path_offset(fdt, "/hypervisor");
	if (hv < 0)
		return default_config(bi, cfg, err, errlen);

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
		if (r)
			return r;
		r = check_vm(bi, cfg, cfg->nr_vms, err, errlen);
		if (r)
			return r;
		cfg->nr_vms++;
	}
	if (cfg->nr_vms == 0)
		CFG_ERR("config error: /hypervisor: no vm@N node");
	return 0;
}
