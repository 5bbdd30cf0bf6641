/* SPDX-License-Identifier: MIT */
/*
 * Stage 2: every load, store and instruction fetch at an IPA that is not
 * this VM's RAM or one of its devices must come back as a synchronous
 * external abort that vigil injects (docs/design.md: ESR_EL1 EC 0x25 /
 * 0x21, FSC 0x10, FAR = the address, ELR = the faulting instruction).
 * Where it matters most: vigil's image and page pool, the host DTB, the
 * GICH and GICV frames, the other VM's RAM and devices.
 */
#include "hostile.h"

#define A_LD BIT_A(LD32)
#define A_ST BIT_A(ST32)
#define A_X BIT_A(FETCH)
#define A_ALL 0x1fffU
#define BIT_A(a) (1U << (a))

struct target {
	const char *name;
	uint64_t addr;
	unsigned int accesses; /* BIT_A(enum access) */
};

static const struct target targets[] = {
#ifdef GUEST_PLATFORM_RPI4
	/* The GIC-400's frames are 4 KiB apart: GICD + 4K is the GICC. */
	{"gicc_mapped_xn", GICC_PA, A_X},
	{"gicc_past_8k", GICC_PA + GICC_SIZE, A_LD | A_ST},
	{"gich", GICH_PA, A_LD | A_ST | A_X | BIT_A(LD64)},
	{"gich_lr0", GICH_PA + GICH_LR0, A_LD | A_ST},
	{"gicv", GICV_PA, A_LD | A_ST | A_X},
	{"gicv_dir", GICV_PA + GICV_DIR, A_LD | A_ST},
	{"vigil_console", PL011_PA, A_LD | A_ST | BIT_A(ST8)},
	{"uart_other_vm", RTC_PA, A_LD | A_ST},
	{"pcie_bridge", PCIE_MMIO_PA, A_LD | A_ST},
	{"unmapped", UNMAPPED_PA, A_ALL},
#else
	{"flash", FLASH_PA, A_LD | A_ST | A_X},
	{"gicd_past_4k", GICD_PA + GICD_SIZE, A_LD | A_ST},
	{"gicc_mapped_xn", GICC_PA, A_X},
	{"gicc_past_8k", GICC_PA + GICC_SIZE, A_LD | A_ST},
	{"gicv2m", GICV2M_PA, A_LD | A_ST},
	{"gich", GICH_PA, A_LD | A_ST | A_X | BIT_A(LD64)},
	{"gich_lr0", GICH_PA + GICH_LR0, A_LD | A_ST},
	{"gicv", GICV_PA, A_LD | A_ST | A_X},
	{"gicv_dir", GICV_PA + GICV_DIR, A_LD | A_ST},
	{"pl011_vigil_console", PL011_PA, A_LD | A_ST | BIT_A(ST8)},
	{"rtc_other_vm", RTC_PA, A_LD | A_ST},
	{"virtio", VIRTIO_PA, A_LD | A_ST},
	{"pcie_mmio", PCIE_MMIO_PA, A_LD | A_ST},
	{"unmapped", UNMAPPED_PA, A_ALL},
	{"pcie_pio", PCIE_PIO_PA, A_LD},
	{"pcie_ecam", PCIE_ECAM_PA, A_LD | A_ST},
#endif
	{"vigil_pool", RAM_PA, A_LD | A_ST | A_X},
	{"vigil_image", VIGIL_PA, A_ALL},
	{"vigil_image_4m", VIGIL_PA + 0x400000, A_LD | A_ST},
	{"host_dtb", HOST_DTB_PA, A_LD | A_ST},
	{"other_vm_image", OTHER_VM_PA, A_LD | A_ST | A_X},
	{"other_vm_canary", OTHER_CANARY_PA,
	 A_LD | A_ST | BIT_A(LD64) | BIT_A(LDP32) | A_X},
	{"free_ram", FREE_RAM_PA, A_LD | A_ST | A_X},
	{"ram_top", RAM_TOP_PA, A_LD | A_ST},
	{"above_ram", ABOVE_RAM_PA, A_LD | A_ST},
#ifdef GUEST_PLATFORM_RPI4
	{"high_pcie_window", PCIE_HIGH_PA, A_LD | A_ST},
#else
	{"high_pcie_ecam", PCIE_HIGH_PA, A_LD | A_ST},
#endif
};

static void case_target(const char *name, uint64_t addr, enum access a)
{
	char cname[64];
	struct probe p;

	probe(a, addr, 0xbad0bad0bad0bad0UL, &p);
	snprintf(cname, sizeof(cname), "mem.%s.%s", name, access_name(a));
	result(cname, probe_is_sea(&p, a, addr),
	       "addr=0x%lx faulted=%d esr=0x%lx far=0x%lx elr=0x%lx pc=0x%lx "
	       "val=0x%lx",
	       (unsigned long)addr, p.faulted, (unsigned long)p.f.esr,
	       (unsigned long)p.f.far, (unsigned long)p.f.elr,
	       (unsigned long)p.pc, (unsigned long)p.val);
}

static unsigned int pa_bits(void)
{
	static const unsigned int bits[] = {32, 36, 40, 42, 44, 48, 52};
	unsigned int f = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	return bits[f < 7 ? f : 6];
}

/* The highest IPA the guest can form with the MMU off, and one past it. */
static void case_ipa_limits(void)
{
	uint64_t top = (1UL << pa_bits()) - 0x1000;
	uint64_t beyond = 1UL << pa_bits();
	struct probe p;

	case_target("ipa_top_page", top, LD32);
	case_target("ipa_top_page", top, ST32);
	/* Past the PA size, stage 1 (MMU off) raises an address size fault
	 * itself: the access never reaches vigil. */
	probe(LD32, beyond, 0, &p);
	result("mem.ipa_beyond_pa_size.ldr-w",
	       p.faulted && ESR_EC(p.f.esr) == ESR_EC_DABT_CUR &&
		       (p.f.esr & 0x3f) <= 0x03 && p.val == POISON,
	       "pa_bits=%u addr=0x%lx faulted=%d esr=0x%lx (address size "
	       "fault at EL1)",
	       pa_bits(), (unsigned long)beyond, p.faulted,
	       (unsigned long)p.f.esr);
}

/* Its own RAM works: the checks above are not a broken probe. */
static void case_own_ram(void)
{
	static volatile uint64_t word;
	uint64_t addr = (uint64_t)(uintptr_t)&word;
	struct probe st, ld;

	probe(ST64, addr, 0x1234567887654321UL, &st);
	probe(LD64, addr, 0, &ld);
	result("mem.own_ram",
	       !st.faulted && !ld.faulted && ld.val == 0x1234567887654321UL,
	       "addr=0x%lx val=0x%lx", (unsigned long)addr,
	       (unsigned long)ld.val);
}

/* Taken at EL1 on SP_EL0 (EL1t): vigil injects to VBAR_EL1 + 0x000. */
static void case_el1t(void)
{
	uint64_t addr = UNMAPPED_PA, v = POISON, pc;
	struct fault f;
	bool faulted;

	fault_expect();
	__asm__ __volatile__("msr spsel, #0\n\t"
			     "adr %1, 1f\n"
			     "1:\tldr %w0, [%2]\n\t"
			     "msr spsel, #1"
			     : "+r"(v), "=&r"(pc)
			     : "r"(addr)
			     : "memory");
	faulted = fault_take(&f);
	if (faulted && ESR_EC(f.esr) == ESR_EC_DABT_CUR &&
	    (f.esr & 0x3f) == DFSC_SYNC_EXT_ABORT)
		count_abort();
	result("mem.unmapped.ldr-w-el1t",
	       faulted && f.type == EXC_SYNC_SP0 && f.esr == ESR_SEA_DABT_EL1 &&
		       f.far == addr && f.elr == pc && v == POISON,
	       "vector=%u esr=0x%lx far=0x%lx elr-pc=%ld", f.type,
	       (unsigned long)f.esr, (unsigned long)f.far, (long)(f.elr - pc));
}

/* From EL0: vigil injects to VBAR_EL1 + 0x400 with the lower-EL classes. */
static void case_el0(void)
{
	struct fault f;
	bool faulted;

	faulted = el0_run(el0_ldr, UNMAPPED_PA, &f);
	result("el0.unmapped.ldr",
	       faulted && f.esr == ESR_SEA_DABT_EL0 && f.far == UNMAPPED_PA &&
		       f.elr == (uint64_t)(uintptr_t)el0_ldr,
	       "esr=0x%lx far=0x%lx", (unsigned long)f.esr,
	       (unsigned long)f.far);
	faulted = el0_run(el0_str, VIGIL_PA, &f);
	result("el0.vigil_image.str",
	       faulted && f.esr == (ESR_SEA_DABT_EL0 | ESR_WNR) &&
		       f.far == VIGIL_PA &&
		       f.elr == (uint64_t)(uintptr_t)el0_str,
	       "esr=0x%lx far=0x%lx", (unsigned long)f.esr,
	       (unsigned long)f.far);
	faulted = el0_run(el0_br, OTHER_VM_PA, &f);
	result("el0.other_vm.fetch",
	       faulted && f.esr == ESR_SEA_IABT_EL0 && f.far == OTHER_VM_PA &&
		       f.elr == OTHER_VM_PA,
	       "esr=0x%lx far=0x%lx", (unsigned long)f.esr,
	       (unsigned long)f.far);
	/* HVC and SMC are UNDEFINED at EL0: the CPU says so, not vigil. */
	faulted = el0_run(el0_hvc, 0, &f);
	result("el0.hvc", faulted && f.esr == ESR_UNDEF, "faulted=%d esr=0x%lx",
	       faulted, (unsigned long)f.esr);
	faulted = el0_run(el0_smc, 0, &f);
	result("el0.smc", faulted && f.esr == ESR_UNDEF, "faulted=%d esr=0x%lx",
	       faulted, (unsigned long)f.esr);
	faulted = el0_run(el0_svc, 0, &f);
	result("el0.svc_returns", !faulted, "faulted=%d", faulted);
}

/*
 * The guest's own stage-1 tables pointing outside its RAM: with the MMU on,
 * an L1 table entry for VA 0x80000000 names a next-level table at @table;
 * the walk's read of it faults at stage 2 (S1PTW) and vigil injects an
 * external abort for the access (FAR = the VA). RAM is mapped Normal
 * non-cacheable, so nothing cached is left behind when the MMU goes off.
 */
#define S1_VA 0x80000000UL
static uint64_t s1_l1[512] __attribute__((aligned(4096)));

static void case_s1ptw(const char *name, uint64_t table)
{
	uint64_t sctlr = read_sysreg(sctlr_el1), v = POISON, pc, flags;
	struct fault f;
	bool faulted;
	char cname[64];

	s1_l1[0] = 0x00000000UL | (1UL << 10) | 1;	      /* Device */
	s1_l1[1] = 0x40000000UL | (1UL << 10) | (1 << 2) | 1; /* Normal NC */
	s1_l1[2] = table | 3;				      /* table */
	s1_l1[3] = 0;
	dsb_sy();
	flags = irq_save();
	write_sysreg(0x4400UL, mair_el1); /* attr0 Device, attr1 Normal NC */
	/* T0SZ 32 (4 GiB, start at L1), 4 KiB granule, walks NC, no TTBR1,
	 * IPS 32 bits. */
	write_sysreg(32UL | (1UL << 23), tcr_el1);
	write_sysreg((uint64_t)(uintptr_t)s1_l1, ttbr0_el1);
	__asm__ __volatile__("tlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
	write_sysreg(sctlr | 1, sctlr_el1);
	isb();
	fault_expect();
	__asm__ __volatile__("adr %1, 1f\n1:\tldr %w0, [%2]"
			     : "+r"(v), "=&r"(pc)
			     : "r"(S1_VA)
			     : "memory");
	faulted = fault_take(&f);
	write_sysreg(sctlr, sctlr_el1);
	isb();
	__asm__ __volatile__("tlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
	irq_restore(flags);
	if (faulted && (f.esr & 0x3f) == DFSC_SYNC_EXT_ABORT)
		count_abort();
	snprintf(cname, sizeof(cname), "mem.s1_table_in_%s.ldr-w", name);
	result(cname,
	       faulted && f.esr == ESR_SEA_DABT_EL1 && f.far == S1_VA &&
		       f.elr == pc && v == POISON,
	       "table=0x%lx esr=0x%lx far=0x%lx", (unsigned long)table,
	       (unsigned long)f.esr, (unsigned long)f.far);
}

/* vCPU 1 too: its aborts are counted on its own pCPU. */
static struct probe vcpu1_probe;

static void vcpu1_load(uint64_t addr)
{
	probe(LD32, addr, 0, &vcpu1_probe);
}

static void case_vcpu1(void)
{
	bool ran = run_on(1, vcpu1_load, OTHER_CANARY_PA);

	result("mem.other_vm_canary.ldr-w-vcpu1",
	       ran && probe_is_sea(&vcpu1_probe, LD32, OTHER_CANARY_PA),
	       "esr=0x%lx far=0x%lx", (unsigned long)vcpu1_probe.f.esr,
	       (unsigned long)vcpu1_probe.f.far);
}

void cases_memory(void)
{
	case_own_ram();
	for (unsigned int i = 0; i < ARRAY_SIZE(targets); i++)
		for (unsigned int a = 0; a <= FETCH; a++)
			if (targets[i].accesses & BIT_A(a))
				case_target(targets[i].name, targets[i].addr,
					    (enum access)a);
	case_ipa_limits();
	case_el1t();
	case_s1ptw("vigil_image", VIGIL_PA);
	case_s1ptw("other_vm", OTHER_VM_PA);
	case_el0();
	case_vcpu1();
}
