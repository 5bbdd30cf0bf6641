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
#include "bootstats.h"
#include "config.h"
#include "console.h"
#include "gic.h"
#include "irq.h"
#include "mm.h"
#include "percpu.h"
#include "platform.h"
#include "platform_dt.h"
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
static struct plat_desc plat;

/* The boot phases' ends (include/bootstats.h); [0] is vigil's entry. */
static struct {
	const char *name;
	uint64_t at;
} boot_phases[24];
static unsigned int nr_boot_phases;

void boot_mark(const char *name)
{
	if (nr_boot_phases < ARRAY_SIZE(boot_phases)) {
		boot_phases[nr_boot_phases].name = name;
		boot_phases[nr_boot_phases].at = arch_counter();
		nr_boot_phases++;
	}
}

void boot_print_phases(void)
{
	uint64_t mhz = arch_counter_freq() / 1000000;
	char line[320];
	int n;

	if (nr_boot_phases < 2 || !mhz)
		return;
	n = snprintf(line, sizeof(line), "boot phases (us):");
	for (unsigned int i = 1; i < nr_boot_phases && n < (int)sizeof(line);
	     i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %s %llu",
			      boot_phases[i].name,
			      (unsigned long long)((boot_phases[i].at -
						    boot_phases[i - 1].at) /
						   mhz));
	if (n < (int)sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, " total %llu",
			 (unsigned long long)((boot_phases[nr_boot_phases - 1]
						       .at -
					       boot_phases[0].at) /
					      mhz));
	pr_info("%s", line);
}

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

/*
 * Add what the DTB describes to vigil's own map: RAM (rounded inwards to
 * the map's 2 MiB blocks, and only that much is used: the page allocator
 * and guest RAM), the console UART and the GIC's frames. A failure stops
 * the boot; the console it may name is not known to work yet, so say it
 * anyway after mapping what can be.
 */
static void map_platform(void)
{
	const uint64_t blk = 0x200000;
	uint64_t dev[6] = {plat.gicd,
			   plat.gicc,
			   plat.gich,
			   plat.gicv,
			   plat.has_console ? plat.console : 0,
			   plat.pm_wdt};
	unsigned int n = 0;
	bool failed = false;

	for (unsigned int i = 0; i < plat.nr_mem; i++) {
		uint64_t b = ALIGN_UP(plat.mem[i].base, blk);
		uint64_t e =
			ALIGN_DOWN(plat.mem[i].base + plat.mem[i].size, blk);

		if (e <= b)
			continue;
		if (arch_mmu_map(b, e - b, false)) {
			failed = true;
			continue;
		}
		boot.mem[n].base = b;
		boot.mem[n].size = e - b;
		n++;
	}
	boot.nr_mem = n;
	platform_power_init(&plat);
	for (unsigned int i = 0; i < ARRAY_SIZE(dev); i++)
		if (dev[i] && arch_mmu_map(dev[i], 1, true))
			failed = true;
	/* All of the CPU interface and GICV frames: gic_init() looks for
	 * a GIC-400's aliased pages across them (gic/cpuif.c). */
	if ((plat.gicc_size && arch_mmu_map(plat.gicc, plat.gicc_size, true)) ||
	    (plat.gicv_size && arch_mmu_map(plat.gicv, plat.gicv_size, true)))
		failed = true;
	if (failed) {
		if (plat.has_console)
			console_init(plat.console_kind, plat.console);
		boot_stop("config error: /memory: RAM and devices overlap in "
			  "vigil's map, or it ran out of tables");
	}
}

static void memory_from_dtb(const void *fdt)
{
	if (!boot.nr_mem)
		boot_stop("config error: /memory: no memory node in the DTB");

	mm_init();
	for (unsigned int i = 0; i < boot.nr_mem; i++) {
		uint64_t base = boot.mem[i].base;
		uint64_t end = base + boot.mem[i].size;

		/* RAM above the heap's limit is reached through mm_map(). */
		if (end > MM_HEAP_LIMIT)
			end = MM_HEAP_LIMIT;
		if (base < end)
			mm_add_region(base, end - base);
	}
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

/*
 * What this CPU's MIDR says against the part its cpu node's compatible
 * names, which placed it in a cluster for config_parse() (core/config.c):
 * a DTB that lies about big and LITTLE gets one line, and the VMs keep
 * the placement it gave.
 */
static void midr_check(unsigned int id, const struct plat_cpu *c)
{
	uint32_t midr = this_cpu()->midr;

	if (c->midr &&
	    (midr & MIDR_IMPL_PART_MASK) != (c->midr & MIDR_IMPL_PART_MASK))
		pr_warn("CPU %u (MPIDR 0x%llx): MIDR 0x%08x is not the %s its "
			"cpu node says",
			id, (unsigned long long)this_cpu()->mpidr, midr,
			c->compatible);
}

/* How each pCPU but the boot CPU is started, by logical index. */
static struct plat_cpu cpu_start[MAX_CPUS];

/* Give every CPU in /cpus a logical index: the boot CPU is 0. */
static void cpus_from_dtb(void)
{
	uint64_t self = this_cpu()->mpidr;

	if (plat.cpus_truncated)
		pr_warn("/cpus: more than %u CPUs, ignoring the rest",
			MAX_CPUS);
	nr_pcpus = 1;
	boot.pcpu[0].mpidr = self;
	for (unsigned int i = 0; i < plat.nr_cpus; i++) {
		if (plat.cpus[i].mpidr == self) {
			boot.pcpu[0].midr = plat.cpus[i].midr;
			boot.boot_cpu_dtb_index = i;
			midr_check(0, &plat.cpus[i]);
			continue;
		}
		if (nr_pcpus == MAX_CPUS)
			break;
		pcpu_get(nr_pcpus)->mpidr = plat.cpus[i].mpidr;
		cpu_start[nr_pcpus] = plat.cpus[i];
		/* What config_parse() keeps big and LITTLE apart by. */
		boot.pcpu[nr_pcpus].mpidr = plat.cpus[i].mpidr;
		boot.pcpu[nr_pcpus].midr = plat.cpus[i].midr;
		nr_pcpus++;
	}
	boot.nr_pcpus = nr_pcpus;

	if (plat.psci == PSCI_METHOD_HVC)
		psci_fw_set_conduit(PSCI_CONDUIT_HVC);
	else if (plat.psci == PSCI_METHOD_SMC)
		psci_fw_set_conduit(PSCI_CONDUIT_SMC);
	else
		psci_fw_set_conduit(PSCI_CONDUIT_NONE);
}

/* Each secondary in turn, by the method its /cpus node names; the next
 * only once it is online (a spin-table entry reads its index from one
 * shared word). */
static void cpus_start(void)
{
	for (unsigned int i = 1; i < nr_pcpus; i++) {
		struct pcpu *p = pcpu_get(i);
		int64_t r;

		if (cpu_start[i].enable == CPU_ENABLE_SPIN_TABLE) {
			arch_cpu_spin_release(cpu_start[i].release_addr, i);
			r = 0;
		} else if (cpu_start[i].enable == CPU_ENABLE_PSCI ||
			   psci_fw_conduit() != PSCI_CONDUIT_NONE) {
			/* psci, or no method vigil knows beside a /psci
			 * node: try the firmware. */
			r = psci_fw_cpu_on(p->mpidr,
					   (uint64_t)(uintptr_t)secondary_entry,
					   i);
		} else {
			pr_err("CPU %u (MPIDR 0x%llx): no enable-method vigil "
			       "can use",
			       i, (unsigned long long)p->mpidr);
			continue;
		}
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

static const char *const enable_names[] = {"none", "psci", "spin-table"};
static const char *const psci_names[] = {"none", "hvc", "smc"};

/* What the DTB said, in one place in the log. */
static void platform_print(void)
{
	pr_info("platform: console %s %s at 0x%llx; GIC frames 0x%llx "
		"0x%llx 0x%llx 0x%llx",
		plat.has_console ? plat.console_path : "(none)",
		plat.console_kind == UART_PL011 ? "PL011" : "8250",
		(unsigned long long)plat.console, (unsigned long long)plat.gicd,
		(unsigned long long)plat.gicc, (unsigned long long)plat.gich,
		(unsigned long long)plat.gicv);
	pr_info("platform: %u CPUs (%s), PSCI %s, %u memory bank(s)",
		plat.nr_cpus,
		plat.nr_cpus ? enable_names[plat.cpus[plat.nr_cpus - 1].enable]
			     : "-",
		psci_names[plat.psci], plat.nr_mem);
	for (unsigned int i = 0; i < plat.nr_mem; i++)
		pr_info("platform: memory 0x%llx-0x%llx",
			(unsigned long long)plat.mem[i].base,
			(unsigned long long)(plat.mem[i].base +
					     plat.mem[i].size - 1));
}

void boot_primary(uint64_t dtb_pa)
{
	const void *fdt = (const void *)(uintptr_t)dtb_pa;
	char err[160];
	int r;

	boot_mark("entry");
	/* No console yet: the DTB says where it is. */
	arch_mmu_early_enable(dtb_pa);
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
	boot_mark("dtb");
	if (platform_dt_probe(fdt, &plat, err, sizeof(err)))
		boot_stop(err);
	map_platform();
	if (plat.has_console)
		console_init(plat.console_kind, plat.console);
	pr_info("vigil %s on %s: %s, image at 0x%llx, DTB at 0x%llx",
		VIGIL_VERSION, plat.model, arch_priv_level_name(),
		(unsigned long long)(uintptr_t)__image_start,
		(unsigned long long)dtb_pa);
	platform_print();

	boot.image_start = (uint64_t)(uintptr_t)__image_start;
	boot.image_end = (uint64_t)(uintptr_t)__image_end;
	boot.dtb_start = dtb_pa;
	boot.dtb_end = dtb_pa + fdt_totalsize(fdt);
	initrd_from_dtb(fdt);
	memory_from_dtb(fdt);
	boot_mark("memory");
	cpus_from_dtb();
	arch_hyp_init_cpu();
	if (!plat.has_gic)
		boot_stop("config error: no GICv2 node in the DTB");
	if (irq_init(&(struct gic_frames){.gicd = plat.gicd,
					  .gicc = plat.gicc,
					  .gich = plat.gich,
					  .gicv = plat.gicv,
					  .gicc_size = plat.gicc_size,
					  .gicv_size = plat.gicv_size,
					  .maint_irq = plat.maint_irq,
					  .hyp_timer_irq = plat.hyp_timer_irq}))
		boot_stop("the GIC cannot host guests: boot stopped");
	this_cpu()->online = true;

	boot_mark("gic");
	if (config_parse(fdt, &boot, &config, err, sizeof(err)))
		boot_stop(err);
	boot_mark("config");
	for (unsigned int i = 0; i < config.nr_vms; i++) {
		const struct vm_config *vc = &config.vms[i];

		if (mm_reserve(vc->ram_base, vc->ram_size))
			boot_stop("config error: VM memory is in use by vigil");
		/* What the boot loader left there: a missing or truncated
		 * image stops the boot before any VM runs. */
		if (config_check_image(vc, err, sizeof(err)))
			boot_stop(err);
	}
	boot_mark("images");
	for (unsigned int i = 0; i < config.nr_vms; i++)
		if (vm_create(&config.vms[i], &boot, fdt, err, sizeof(err)))
			boot_stop(err);

	cpus_start();
	boot_mark("cpus");
	boot_print_phases();
	pr_info("%u CPUs online, %u VM(s); starting guests", nr_pcpus, nr_vms);
	vms_start();
	sched_run();
}

void boot_secondary(uint64_t id)
{
	arch_mmu_secondary_enable();
	arch_cpu_set_percpu((unsigned int)id);
	midr_check((unsigned int)id, &cpu_start[id]);
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
			pr_info("VM %u '%s' vuart: tx=%lu rx=%lu held=%lu "
				"overruns=%lu",
				vms[i].id, vms[i].name, vms[i].vuart->tx_bytes,
				vms[i].vuart->rx_bytes, vms[i].vuart->rx_held,
				vms[i].vuart->rx_overruns);
		vgic_print_stats(&vms[i]);
		for (unsigned int c = 0; c < vms[i].nr_vcpus; c++)
			exit_profile_print(&vms[i].vcpus[c]);
	}
	for (unsigned int i = 0; i < nr_pcpus; i++) {
		struct pcpu *p = pcpu_get(i);

		pr_info("stats cpu%u: exits=%llu hvc=%llu aborts_injected=%llu "
			"undefs_injected=%llu softirq_high_water=%u",
			i,
			(unsigned long long)(p->vcpu ? exit_profile_total(
							       p->vcpu)
						     : 0),
			(unsigned long long)p->hvc_calls,
			(unsigned long long)p->aborts_injected,
			(unsigned long long)p->undefs_injected,
			softirq_pt_high_water(i));
		pr_info("irqs cpu%u: timer=%llu maintenance=%llu kick=%llu "
			"timer_retracts=%llu poke_timer=%llu pokes=%llu",
			i, (unsigned long long)p->irqs_timer,
			(unsigned long long)p->irqs_maint,
			(unsigned long long)p->irqs_kick,
			(unsigned long long)p->timer_retracts,
			(unsigned long long)p->irqs_poke,
			(unsigned long long)p->hw_pokes);
	}
}
