/* SPDX-License-Identifier: MIT */
/*
 * Loads, stores and fetches outside the guest's RAM and devices: each must
 * end in the synchronous external abort vigil injects (arch_inject_dabt/
 * iabt): the data or prefetch abort vector, ABT mode with A and I set, LR
 * the faulting instruction + 8 (data) or + 4 (prefetch), SPSR the CPSR it
 * ran with, DFSR/IFSR in the format TTBCR.EAE selects, DFAR/IFAR the
 * address, and no register changed. Then its own stage-1 tables (LPAE)
 * pointing outside its RAM.
 */
#include "hostile32.h"

#define A(x) (1U << (x))
#define ALL ((1U << NR_ACCESS) - 1)
#define LD_ST (A(LDR) | A(STR))

static const struct target {
	const char *name;
	uint32_t addr, accesses;
} targets[] = {
	{"flash", FLASH_PA, LD_ST | A(FETCH)},
	{"gicd_past_4k", GICD_PA + GICD_SIZE, LD_ST},
	{"gicc_mapped_xn", GICC_PA, A(FETCH)},
	{"gicc_past_8k", GICC_PA + GICC_SIZE, LD_ST},
	{"gicv2m", GICV2M_PA, LD_ST},
	{"gich", GICH_PA, LD_ST | A(LDRD) | A(FETCH)},
	{"gich_lr0", GICH_PA + GICH_LR0, LD_ST},
	{"gicv", GICV_PA, LD_ST | A(FETCH)},
	{"gicv_dir", GICV_PA + GICV_DIR, LD_ST},
	{"pl011_vigil_console", PL011_PA, LD_ST | A(STRB)},
	{"rtc_other_vm", RTC_PA, LD_ST},
	{"virtio", VIRTIO_PA, LD_ST},
	{"pcie_mmio", PCIE_MMIO_PA, LD_ST},
	{"unmapped", UNMAPPED_PA, ALL},
	{"pcie_pio", PCIE_PIO_PA, A(LDR)},
	{"pcie_ecam", PCIE_ECAM_PA, LD_ST},
	{"vigil_pool", RAM_PA, LD_ST | A(FETCH)},
	{"vigil_image", VIGIL_PA, ALL},
	{"vigil_image_4m", VIGIL_PA + 0x400000, LD_ST},
	{"host_dtb", HOST_DTB_PA, LD_ST},
	{"other_vm_image", OTHER_VM_PA, LD_ST | A(FETCH)},
	{"other_vm_canary", OTHER_CANARY_PA,
	 LD_ST | A(LDRD) | A(LDM) | A(FETCH)},
	{"free_ram", FREE_RAM_PA, LD_ST | A(FETCH)},
	{"ram_top", RAM_TOP_PA, LD_ST},
	{"above_ram", ABOVE_RAM_PA, LD_ST},
	{"ipa_top_32bit", 0xfffff000, LD_ST},
};

static void case_target(const char *prefix, const char *name, uint32_t addr,
			enum access a, bool lpae)
{
	char cname[80], d[200];
	struct probe p;
	bool ok;

	probe(a, addr, 0xa5a5a5a5, &p);
	ok = probe_is_sea(&p, a, addr, lpae);
	probe_describe(&p, d, sizeof(d));
	snprintf(cname, sizeof(cname), "%s.%s.%s", prefix, name,
		 access_name(a));
	result(cname, ok, "%s", d);
}

/* The guest's own RAM: every form works (Device memory: aligned). */
static void case_own_ram(void)
{
	static volatile uint32_t cell[4] __attribute__((aligned(8)));
	uint32_t a = (uint32_t)(uintptr_t)cell;
	unsigned int bad = 0;
	struct probe p;

	for (unsigned int k = 0; k < NR_ACCESS; k++) {
		if (k == FETCH)
			continue;
		cell[0] = cell[1] = cell[2] = 0x11223344;
		probe((enum access)k, k == STR_PRE ? a + 4 : a, 0x55667788, &p);
		if (p.faulted)
			bad++;
	}
	result("mem.own_ram", bad == 0, "%u forms, %u faulted", NR_ACCESS - 1,
	       bad);
}

static inline unsigned long ttbcr_read(void)
{
	unsigned long v;

	__asm__ __volatile__("mrc p15, 0, %0, c2, c0, 2" : "=r"(v));
	return v;
}

static inline void ttbcr_write(unsigned long v)
{
	__asm__ __volatile__("mcr p15, 0, %0, c2, c0, 2\n\tisb" ::"r"(v)
			     : "memory");
}

#define TTBCR_EAE (1UL << 31)

void cases_memory(void)
{
	unsigned long ttbcr = ttbcr_read();

	case_own_ram();
	for (unsigned int i = 0; i < ARRAY_SIZE(targets); i++)
		for (unsigned int a = 0; a < NR_ACCESS; a++)
			if (targets[i].accesses & A(a))
				case_target("mem", targets[i].name,
					    targets[i].addr, (enum access)a,
					    false);
	/* The long-descriptor format, MMU still off: TTBCR.EAE alone picks
	 * the fault status format (B4.1.52). */
	ttbcr_write(TTBCR_EAE);
	case_target("mem_lpae", "unmapped", UNMAPPED_PA, LDR, true);
	case_target("mem_lpae", "unmapped", UNMAPPED_PA, STRH, true);
	case_target("mem_lpae", "vigil_image", VIGIL_PA, LDRD, true);
	case_target("mem_lpae", "vigil_image", VIGIL_PA, STM, true);
	case_target("mem_lpae", "other_vm_image", OTHER_VM_PA, FETCH, true);
	ttbcr_write(ttbcr);
}

/*
 * The MMU case: the guest's own LPAE stage 1 (TTBCR.EAE, T0SZ 0: 4 GiB
 * from a 4-entry first-level table): VA 0-1 GiB Device, 1-2 GiB Normal
 * non-cacheable (its RAM and code), both identity; 2-3 GiB through a
 * second-level table at @table, outside its RAM, whose read by the walk
 * faults at stage 2 (HSR.S1PTW); 3-4 GiB a block at IPA 4 GiB, which no
 * VM has. Both end in the external abort for the access: DFAR the VA,
 * DFSR long-descriptor.
 */
static uint64_t s1_l1[4] __attribute__((aligned(4096)));

#define MAIR0_DEV_NC 0x4400UL /* attr0 Device-nGnRnE, attr1 Normal NC */

static void mmu_case(const char *name, enum access a, uint32_t va,
		     uint64_t table, uint64_t l1_3, unsigned long sctlr_set)
{
	unsigned long sctlr = read_sysreg(sctlr_el1), ttbcr = ttbcr_read();
	uint32_t l1 = (uint32_t)(uintptr_t)s1_l1;
	uint64_t flags;
	struct probe p;
	char d[200];
	bool ok;

	s1_l1[0] = 0x00000000ULL | (1ULL << 10) | 1;		   /* Device */
	s1_l1[1] = 0x40000000ULL | (1ULL << 10) | (1ULL << 2) | 1; /* NC */
	s1_l1[2] = table | 3;					   /* table */
	s1_l1[3] = l1_3;
	dsb_sy();
	flags = irq_save();
	__asm__ __volatile__("mcr p15, 0, %0, c10, c2, 0" ::"r"(MAIR0_DEV_NC));
	/* EAE, T0SZ 0, walks non-cacheable, EPD1: no TTBR1 walks. */
	ttbcr_write(TTBCR_EAE | (1UL << 23));
	__asm__ __volatile__("mcrr p15, 0, %0, %1, c2" ::"r"(l1), "r"(0));
	__asm__ __volatile__("mcr p15, 0, %0, c8, c7, 0\n\tdsb\n\tisb" ::"r"(0)
			     : "memory"); /* TLBIALL */
	write_sysreg(sctlr | 1 | sctlr_set, sctlr_el1);
	isb();
	probe(a, va, 0xa5a5a5a5, &p);
	write_sysreg(sctlr, sctlr_el1);
	isb();
	ttbcr_write(ttbcr);
	__asm__ __volatile__("mcr p15, 0, %0, c8, c7, 0\n\tdsb\n\tisb" ::"r"(0)
			     : "memory");
	irq_restore(flags);
	ok = probe_is_sea(&p, a, va, true);
	probe_describe(&p, d, sizeof(d));
	result(name, ok, "%s", d);
}

/*
 * SCTLR.V: the abort vigil injects goes to the high vectors, 0xffff0000,
 * not VBAR. The top 2 MiB of VA map (a second-level table) to 2 MiB of
 * the guest's RAM 8 MiB in, whose page at 0xffff0000 holds a vector table
 * that jumps to the guest's own (LDR PC: its branches are PC-relative),
 * the data abort entry through high_dabt (usr.S), which marks its use;
 * the rest of 3-4 GiB is unmapped at stage 1.
 */
static uint64_t s1_l2[512] __attribute__((aligned(4096)));
extern char high_dabt[];
extern volatile uint32_t high_dabt_hits;

static void case_high_vectors(void)
{
	extern char guest_vectors[];
	uint32_t high = ram_base + 0x800000; /* VA 0xffe00000 */
	volatile uint32_t *v =
		(volatile uint32_t *)(uintptr_t)(high + 0x1f0000);

	for (unsigned int i = 0; i < 8; i++) {
		v[i] = 0xe59ff018; /* ldr pc, [pc, #0x18]: the word 0x20 on */
		v[i + 8] = (uint32_t)(uintptr_t)guest_vectors + 4 * i;
	}
	v[8 + 4] = (uint32_t)(uintptr_t)high_dabt;
	high_dabt_hits = 0;
	for (unsigned int i = 0; i < 511; i++)
		s1_l2[i] = 0;
	s1_l2[511] = high | (1ULL << 10) | (1ULL << 2) | 1; /* Normal NC */
	dsb_sy();
	__asm__ __volatile__("mcr p15, 0, %0, c7, c5, 0\n\tisb" ::"r"(0)
			     : "memory"); /* ICIALLU */
	mmu_case("mmu.high_vectors.ldr", LDR, UNMAPPED_PA, 0,
		 (uint64_t)(uintptr_t)s1_l2 | 3, 1UL << 13);
	result("mmu.high_vectors.taken_at_0xffff0010", high_dabt_hits != 0,
	       "high vector table's data abort entry ran: %s",
	       high_dabt_hits ? "yes" : "no, VBAR's did");
}

void cases_mmu(void)
{
	uint64_t ipa_4g = 0x100000000ULL | (1ULL << 10) | 1;
	/* The arm64 guest's high_pcie_ecam target, at IPA 256 GiB + 256 MiB:
	 * above 4 GiB only a long-descriptor stage 1 reaches it (a Device
	 * block at 256 GiB, VA 3 GiB). */
	uint64_t ipa_256g = (PCIE_HIGH_PA & ~0x3fffffffULL) | (1ULL << 10) | 1;
	uint32_t ecam_va = 0xc0000000 | (uint32_t)(PCIE_HIGH_PA & 0x3fffffff);

	mmu_case("mmu.s1_table_in_vigil_image.ldr", LDR, 0x80000000, VIGIL_PA,
		 ipa_4g, 0);
	mmu_case("mmu.s1_table_in_other_vm.ldr", LDR, 0x80000000, OTHER_VM_PA,
		 ipa_4g, 0);
	mmu_case("mmu.ipa_above_4g.ldr", LDR, 0xc0000000, 0, ipa_4g, 0);
	mmu_case("mem.high_pcie_ecam.ldr", LDR, ecam_va, 0, ipa_256g, 0);
	mmu_case("mem.high_pcie_ecam.str", STR, ecam_va, 0, ipa_256g, 0);
	case_high_vectors();
}
