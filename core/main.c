/* SPDX-License-Identifier: MIT */
/*
 * The boot sequence: console, MMU, DTB, memory, CPUs, configuration, VMs,
 * then every pCPU enters the scheduler. Secondary CPUs join through
 * boot_secondary() after PSCI CPU_ON.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "arch.h"
#include "arch_vcpu.h"
#include "config.h"
#include "console.h"
#include "irq.h"
#include "mm.h"
#include "percpu.h"
#include "platform.h"
#include "printk.h"
#include "psci_fw.h"
#include "sched.h"
#include "softirq.h"
#include "vgic.h"
#include "vm.h"
#include "vuart.h"

#define VIGIL_VERSION "0.1"

static struct boot_info boot;
static struct hv_config config;

/* Stop the boot: say why on one line, then power off. */
static void __noreturn boot_stop(const char *why)
{
	pr_err("%s", why);
	pr_err("boot stopped");
	arch_system_off();
}

static uint64_t fdt_read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

static int fdt_cells(const void *fdt, int node, const char *name, int dflt)
{
	const fdt32_t *p = fdt_getprop(fdt, node, name, NULL);

	return p ? (int)fdt32_to_cpu(*p) : dflt;
}

/* The console named by /chosen/stdout-path, if it is a UART we drive. */
static void console_from_dtb(const void *fdt)
{
	const char *path;
	char buf[64];
	int chosen, node, len, ac;
	const fdt32_t *reg;

	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		return;
	path = fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!path)
		return;
	len = (int)strcspn(path, ":");
	snprintf(buf, sizeof(buf), "%.*s", len, path);
	node = fdt_path_offset(fdt, buf);
	if (node < 0)
		return;
	if (fdt_node_check_compatible(fdt, node, "arm,pl011") != 0)
		return;
	reg = fdt_getprop(fdt, node, "reg", &len);
	ac = fdt_cells(fdt, fdt_parent_offset(fdt, node), "#address-cells", 2);
	if (reg && len >= ac * 4)
		console_init(UART_PL011, fdt_read_cells(reg, ac));
}

/* An initrd the boot loader placed (QEMU -initrd) for the default VM. */
static void initrd_from_dtb(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), len;
	const fdt32_t *s, *e;

	if (chosen < 0)
		return;
	s = fdt_getprop(fdt, chosen, "linux,initrd-start", &len);
	if (!s || (len != 4 && len != 8))
		return;
	boot.initrd_start = fdt_read_cells(s, len / 4);
	e = fdt_getprop(fdt, chosen, "linux,initrd-end", &len);
	if (!e || (len != 4 && len != 8))
		return;
	boot.initrd_end = fdt_read_cells(e, len / 4);
	if (boot.initrd_end <= boot.initrd_start)
		boot.initrd_start = boot.initrd_end = 0;
}

static void memory_from_dtb(const void *fdt)
{
	int node, ac, sc, len;

	ac = fdt_cells(fdt, 0, "#address-cells", 2);
	sc = fdt_cells(fdt, 0, "#size-cells", 1);
	fdt_for_each_subnode(node, fdt, 0)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const fdt32_t *reg;

		if (!type || strcmp(type, "memory"))
			continue;
		reg = fdt_getprop(fdt, node, "reg", &len);
		for (int i = 0; reg && i + (ac + sc) * 4 <= len;
		     i += (ac + sc) * 4) {
			const fdt32_t *p = reg + i / 4;

			if (boot.nr_mem == CONFIG_MAX_MEM_BANKS)
				break;
			boot.mem[boot.nr_mem].base = fdt_read_cells(p, ac);
			boot.mem[boot.nr_mem].size = fdt_read_cells(p + ac, sc);
			boot.nr_mem++;
		}
	}
	if (!boot.nr_mem)
		boot_stop("config error: /memory: no memory node in the DTB");

	mm_init();
	for (unsigned int i = 0; i < boot.nr_mem; i++)
		mm_add_region(boot.mem[i].base, boot.mem[i].size);
	mm_reserve(boot.image_start, boot.image_end - boot.image_start);
	mm_reserve(boot.dtb_start, boot.dtb_end - boot.dtb_start);
	if (boot.initrd_end)
		mm_reserve(boot.initrd_start,
			   boot.initrd_end - boot.initrd_start);
	for (int i = 0; i < fdt_num_mem_rsv(fdt); i++) {
		uint64_t a, s;

		if (!fdt_get_mem_rsv(fdt, i, &a, &s))
			mm_reserve(a, s);
	}
}

/* Give every CPU in /cpus a logical index: the boot CPU is 0. */
static void cpus_from_dtb(const void *fdt)
{
	uint64_t self = this_cpu()->mpidr;
	int cpus, node, ac;
	const char *method;
	int psci;

	cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0)
		boot_stop("config error: /cpus: missing in the DTB");
	ac = fdt_cells(fdt, cpus, "#address-cells", 1);
	nr_pcpus = 1;
	fdt_for_each_subnode(node, fdt, cpus)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const fdt32_t *reg;
		uint64_t mpidr;
		int len;

		if (!type || strcmp(type, "cpu"))
			continue;
		reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || len < ac * 4)
			continue;
		mpidr = fdt_read_cells(reg, ac) & MPIDR_HWID_MASK;
		if (mpidr == self)
			continue;
		if (nr_pcpus == MAX_CPUS) {
			pr_warn("/cpus: more than %u CPUs, ignoring the rest",
				MAX_CPUS);
			break;
		}
		pcpu_get(nr_pcpus)->mpidr = mpidr;
		nr_pcpus++;
	}
	boot.nr_pcpus = nr_pcpus;

	psci = fdt_path_offset(fdt, "/psci");
	method = psci >= 0 ? fdt_getprop(fdt, psci, "method", NULL) : NULL;
	if (method && !strcmp(method, "hvc"))
		psci_fw_set_conduit(PSCI_CONDUIT_HVC);
	else if (method && !strcmp(method, "smc"))
		psci_fw_set_conduit(PSCI_CONDUIT_SMC);
	else
		psci_fw_set_conduit(PSCI_CONDUIT_NONE);
}

static void cpus_start(void)
{
	for (unsigned int i = 1; i < nr_pcpus; i++) {
		struct pcpu *p = pcpu_get(i);
		int64_t r = psci_fw_cpu_on(
			p->mpidr, (uint64_t)(uintptr_t)secondary_entry, i);

		if (r != 0) {
			pr_err("CPU %u (MPIDR 0x%llx): PSCI CPU_ON failed: "
			       "%lld",
			       i, (unsigned long long)p->mpidr, (long long)r);
			continue;
		}
		while (!READ_ONCE(p->online))
			arch_cpu_relax();
	}
}

void boot_primary(uint64_t dtb_pa)
{
	const void *fdt = (const void *)(uintptr_t)dtb_pa;
	char err[160];
	int r;

	console_init(platform.uart_kind, platform.uart);
	arch_mmu_early_enable();
	arch_cpu_set_percpu(0);
	if (fdt_check_header(fdt) != 0) {
		pr_err("no valid DTB at 0x%llx (the boot loader's argument)",
		       (unsigned long long)dtb_pa);
		boot_stop("boot needs a DTB: boot vigil.bin, not the ELF");
	}
	/* The whole tree, once: libfdt's read-write calls (the guest DTBs
	 * are built with them) trust its structure, and a malformed one made
	 * fdt_open_into() memmove a negative size (found by config_fuzz).
	 * Version 16 at least: on older ones Debian's libfdt 1.6.1
	 * fdt_check_full() itself dereferences NULL (config_fuzz too); dtc,
	 * QEMU and boot loaders write 17. */
	r = fdt_version(fdt) < 16 ? -FDT_ERR_BADVERSION
				  : fdt_check_full(fdt, fdt_totalsize(fdt));
	if (r) {
		pr_err("DTB at 0x%llx: malformed tree (%s)",
		       (unsigned long long)dtb_pa, fdt_strerror(r));
		boot_stop("boot needs a well-formed DTB");
	}
	console_from_dtb(fdt);
	pr_info("vigil %s on %s: EL2, DTB at 0x%llx", VIGIL_VERSION,
		platform.name, (unsigned long long)dtb_pa);

	boot.image_start = (uint64_t)(uintptr_t)__image_start;
	boot.image_end = (uint64_t)(uintptr_t)__image_end;
	boot.dtb_start = dtb_pa;
	boot.dtb_end = dtb_pa + fdt_totalsize(fdt);
	initrd_from_dtb(fdt);
	memory_from_dtb(fdt);
	cpus_from_dtb(fdt);
	arch_hyp_init_cpu();
	if (irq_init(fdt))
		boot_stop("the GIC cannot host guests: boot stopped");
	this_cpu()->online = true;

	if (config_parse(fdt, &boot, &config, err, sizeof(err)))
		boot_stop(err);
	for (unsigned int i = 0; i < config.nr_vms; i++) {
		const struct vm_config *vc = &config.vms[i];

		if (mm_reserve(vc->ram_base, vc->ram_size))
			boot_stop("config error: VM memory is in use by vigil");
		/* What the boot loader left there: a missing or truncated
		 * image stops the boot before any VM runs. */
		if (config_check_image(vc, err, sizeof(err)))
			boot_stop(err);
	}
	for (unsigned int i = 0; i < config.nr_vms; i++)
		if (vm_create(&config.vms[i], &boot, fdt, err, sizeof(err)))
			boot_stop(err);

	cpus_start();
	pr_info("%u CPUs online, %u VM(s); starting guests", nr_pcpus, nr_vms);
	vms_start();
	sched_run();
}

void boot_secondary(uint64_t id)
{
	arch_mmu_secondary_enable();
	arch_cpu_set_percpu((unsigned int)id);
	arch_hyp_init_cpu();
	irq_init_cpu();
	WRITE_ONCE(this_cpu()->online, true);
	sched_run();
}

void vigil_print_stats(void)
{
	for (unsigned int i = 0; i < nr_vms; i++) {
		pr_info("VM %u '%s' resets=%lu", vms[i].id, vms[i].name,
			vms[i].resets);
		if (vms[i].vuart)
			pr_info("VM %u '%s' vuart: tx=%lu rx=%lu overruns=%lu",
				vms[i].id, vms[i].name, vms[i].vuart->tx_bytes,
				vms[i].vuart->rx_bytes,
				vms[i].vuart->rx_overruns);
		vgic_print_stats(&vms[i]);
	}
	for (unsigned int i = 0; i < nr_pcpus; i++) {
		struct pcpu *p = pcpu_get(i);

		pr_info("stats cpu%u: exits=%llu hvc=%llu aborts_injected=%llu "
			"undefs_injected=%llu softirq_high_water=%u",
			i, (unsigned long long)p->exits,
			(unsigned long long)p->hvc_calls,
			(unsigned long long)p->aborts_injected,
			(unsigned long long)p->undefs_injected,
			softirq_pt_high_water(i));
		pr_info("irqs cpu%u: timer=%llu maintenance=%llu kick=%llu "
			"timer_retracts=%llu",
			i, (unsigned long long)p->irqs_timer,
			(unsigned long long)p->irqs_maint,
			(unsigned long long)p->irqs_kick,
			(unsigned long long)p->timer_retracts);
	}
}
