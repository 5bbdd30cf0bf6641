/* SPDX-License-Identifier: MIT */
/*
 * What vigil answers: the guest DTB it was given, PSCI with bad arguments
 * (PSCI 1.0, ARM DEN 0022D §5), SMCCC calls vigil does not implement
 * (SMCCC §7: NOT_SUPPORTED = -1) through HVC and SMC, and the console
 * hypercall pointed at memory that is not the guest's.
 */
#include "hostile.h"

uint64_t ram_base, ram_size;
char dtb_rng[40], dtb_kaslr[40];

/* Where a vCPU that CPU_ON wrongly started would go: the library's entry,
 * which reports a vCPU started with no function and turns it off. */
extern char guest_secondary_start[];
#define secondary_entry ((uint64_t)(uintptr_t)guest_secondary_start)

long smc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ __volatile__("smc #0"
			     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			     :
			     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			       "x12", "x13", "x14", "x15", "x16", "x17",
			       "memory");
	return (long)x0;
}

/* HVC with a non-zero immediate: SMCCC reserves it; vigil ignores it. */
static long hvc_imm_call(uint64_t fid)
{
	register uint64_t x0 __asm__("x0") = fid;

	__asm__ __volatile__("hvc #0x1234"
			     : "+r"(x0)
			     :
			     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8",
			       "x9", "x10", "x11", "x12", "x13", "x14", "x15",
			       "x16", "x17", "memory");
	return (long)x0;
}

/* ---- the guest DTB ---- */

static bool dtb_contains(uint64_t dtb, const char *s)
{
	uint32_t size = __builtin_bswap32(((volatile uint32_t *)dtb)[1]);
	size_t n = strlen(s);

	for (uint32_t i = 0; i + n <= size; i++)
		if (!memcmp((const void *)(dtb + i), s, n))
			return true;
	return false;
}

static void print_seed(uint64_t dtb, int chosen, const char *name, char *out,
		       size_t len)
{
	int plen = 0, n = 0;
	const uint8_t *p = chosen >= 0 ? fdt_prop(dtb, chosen, name, &plen) : 0;

	snprintf(out, len, "none");
	for (int i = 0; p && i < plen && i < 16 && n + 3 < (int)len; i++)
		n += snprintf(out + n, len - (size_t)n, "%02x", p[i]);
}

/* What the guest DTB shows: only this VM's RAM, nothing of the other VM's
 * configuration or devices. */
static void check_dtb_contents(uint64_t dtb, const void *reg, int len,
			       int entry)
{
	extern char _start[];
	uint64_t img = (uint64_t)(uintptr_t)_start;
	static const char *const foreign[] = {
		"hypervisor",
		"bystander",
		FOREIGN_DEVICE,
		"vigil,vm",
	};
	bool found = false;

	result("dtb.memory_is_own",
	       reg && len == entry && img >= ram_base &&
		       img < ram_base + ram_size &&
		       !(VIGIL_PA >= ram_base &&
			 VIGIL_PA < ram_base + ram_size) &&
		       ram_base + ram_size <= OTHER_VM_PA,
	       "memory=0x%lx+0x%lx ranges=%d", (unsigned long)ram_base,
	       (unsigned long)ram_size, len / entry);
	for (unsigned int i = 0; i < ARRAY_SIZE(foreign); i++) {
		bool f = dtb_contains(dtb, foreign[i]);

		if (f)
			gprintf("hostile: DTB mentions \"%s\"\n", foreign[i]);
		found |= f;
	}
	result("dtb.no_foreign_config", !found,
	       "no /hypervisor node, other VM or its devices in the DTB");
}

void cases_dtb(uint64_t dtb, bool report)
{
	int mem = fdt_path(dtb, "/memory"), chosen = fdt_path(dtb, "/chosen");
	int root = fdt_path(dtb, "/"), len = 0;
	const void *reg = mem >= 0 ? fdt_prop(dtb, mem, "reg", &len) : NULL;
	const void *acp = fdt_prop(dtb, root, "#address-cells", NULL);
	const void *scp = fdt_prop(dtb, root, "#size-cells", NULL);
	/* The root's cells: 2 and 2 on QEMU virt, 2 and 1 on a Pi 4. */
	unsigned int ac = acp ? fdt_cell(acp, 0) : 2;
	unsigned int sc = scp ? fdt_cell(scp, 0) : 1;
	int entry = (int)(4 * (ac + sc));

	if (reg && ac >= 1 && ac <= 2 && sc >= 1 && sc <= 2 && len == entry) {
		ram_base = fdt_cells(reg, 0, ac);
		ram_size = fdt_cells(reg, ac, sc);
	}
	if (report)
		check_dtb_contents(dtb, reg, len, entry);
	print_seed(dtb, chosen, "rng-seed", dtb_rng, sizeof(dtb_rng));
	print_seed(dtb, chosen, "kaslr-seed", dtb_kaslr, sizeof(dtb_kaslr));
	/* Compared with the bystander's by the test: never the same. */
	gprintf("hostile info: rng-seed=%s kaslr-seed=%s\n", dtb_rng,
		dtb_kaslr);
}

/* ---- PSCI ---- */

static bool vcpu1_off(void)
{
	return psci_affinity_info(vcpu_mpidr(1), 0) == PSCI_AFF_OFF;
}

/* Expects @ret == @want; on a mismatch notes @arg in @bad. */
static void expect(long ret, long want, uint64_t arg, unsigned int *nbad,
		   uint64_t *bad, long *got)
{
	if (ret == want)
		return;
	if (!*nbad) {
		*bad = arg;
		*got = ret;
	}
	(*nbad)++;
}

void cases_psci_alone(uint64_t dtb)
{
	static const uint64_t bad_mpidr[] = {
		2,
		7,
		0x100,
		0x10000,
		0x100000000UL,
		0x80000001UL,
		0xff000000UL,
		~0UL,
	};
	uint64_t bad_entry[] = {
		0,
		VIGIL_PA,
		RAM_PA,
		HOST_DTB_PA,
		GICC_PA,
		OTHER_VM_PA,
		FREE_RAM_PA,
		ram_base + 2, /* not 4-byte aligned */
		ram_base + ram_size,
		ram_base + ram_size - 2,
		~3UL,
	};
	static const uint32_t unknown_fn[] = {
		0x00000000, 0x80000000, 0x80008000, 0x84000005,
		0x8400000B, 0x8400000C, 0x8400000E, 0x8400001F,
		0xC400000E, 0xC4000013, 0xC6000000, 0xFFFFFFFF,
	};
	unsigned int nbad = 0;
	uint64_t bad = 0;
	long got = 0;
	int r;

	(void)dtb;
	r = psci_cpu_off();
	result("psci.cpu_off_last_vcpu", r == PSCI_DENIED,
	       "-> %d (%s), still running", r, psci_strerror(r));

	for (unsigned int i = 0; i < ARRAY_SIZE(bad_entry); i++)
		expect(psci_cpu_on(vcpu_mpidr(1), bad_entry[i], 1),
		       PSCI_INVALID_ADDRESS, bad_entry[i], &nbad, &bad, &got);
	result("psci.cpu_on_entry_outside_ram", nbad == 0 && vcpu1_off(),
	       "%u entries -> INVALID_ADDRESS; bad=%u (0x%lx -> %ld); vcpu1 "
	       "off=%d",
	       (unsigned int)ARRAY_SIZE(bad_entry), nbad, (unsigned long)bad,
	       got, vcpu1_off());

	nbad = 0;
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_mpidr); i++)
		expect(psci_cpu_on(bad_mpidr[i], secondary_entry, 1),
		       PSCI_INVALID_PARAMETERS, bad_mpidr[i], &nbad, &bad,
		       &got);
	result("psci.cpu_on_bad_mpidr", nbad == 0,
	       "%u mpidrs -> INVALID_PARAMETERS; bad=%u (0x%lx -> %ld)",
	       (unsigned int)ARRAY_SIZE(bad_mpidr), nbad, (unsigned long)bad,
	       got);

	r = psci_cpu_on(vcpu_mpidr(0), secondary_entry, 0);
	result("psci.cpu_on_self_already_on", r == PSCI_ALREADY_ON,
	       "-> %d (%s)", r, psci_strerror(r));

	nbad = 0;
	/* Levels 1-3 name vCPU 0's cluster and beyond (docs/vgic.md). */
	for (unsigned int level = 1; level <= 3; level++)
		expect(psci_affinity_info(vcpu_mpidr(0), level), PSCI_AFF_ON,
		       level, &nbad, &bad, &got);
	expect(psci_affinity_info(vcpu_mpidr(0), 4), PSCI_INVALID_PARAMETERS, 4,
	       &nbad, &bad, &got);
	expect(hvc_call(PSCI_0_2_AFFINITY_INFO_64, 0, 0xffffffffUL, 0),
	       PSCI_INVALID_PARAMETERS, 0xffffffffUL, &nbad, &bad, &got);
	expect(hvc_call(PSCI_0_2_AFFINITY_INFO_64, 0, 1UL << 32, 0),
	       PSCI_INVALID_PARAMETERS, 1UL << 32, &nbad, &bad, &got);
	result("psci.affinity_info_bad_level", nbad == 0,
	       "levels 1-3 -> ON; 4, 0xffffffff, 1<<32 -> INVALID_PARAMETERS; "
	       "bad=%u "
	       "(%lu -> %ld)",
	       nbad, (unsigned long)bad, got);

	nbad = 0;
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_mpidr); i++)
		expect(psci_affinity_info(bad_mpidr[i], 0),
		       PSCI_INVALID_PARAMETERS, bad_mpidr[i], &nbad, &bad,
		       &got);
	result("psci.affinity_info_bad_mpidr", nbad == 0,
	       "%u mpidrs -> INVALID_PARAMETERS; bad=%u (0x%lx -> %ld)",
	       (unsigned int)ARRAY_SIZE(bad_mpidr), nbad, (unsigned long)bad,
	       got);

	nbad = 0;
	for (unsigned int i = 0; i < ARRAY_SIZE(unknown_fn); i++)
		expect(psci_features(unknown_fn[i]), PSCI_NOT_SUPPORTED,
		       unknown_fn[i], &nbad, &bad, &got);
	r = psci_features(PSCI_0_2_CPU_ON_64);
	result("psci.features_unknown", nbad == 0 && r == PSCI_SUCCESS,
	       "%u ids -> NOT_SUPPORTED; bad=%u (0x%lx -> %ld); CPU_ON_64 "
	       "-> %d",
	       (unsigned int)ARRAY_SIZE(unknown_fn), nbad, (unsigned long)bad,
	       got, r);
}

void cases_psci_helpers(void)
{
	int r = psci_cpu_on(vcpu_mpidr(1), secondary_entry, 1);
	int state = psci_affinity_info(vcpu_mpidr(1), 0);

	result("psci.cpu_on_running_already_on", r == PSCI_ALREADY_ON,
	       "vcpu1 -> %d (%s), affinity_info=%d", r, psci_strerror(r),
	       state);
}

/* ---- SMCCC function ids nobody implements ---- */

static void case_unknown_ids(void)
{
	static const uint32_t hvc_ids[] = {
		0x00000000, 0x04000000, 0x3fffffff, 0x80000000, 0x80000001,
		0x80008000, 0x81000000, 0x82000000, 0x83000000, 0x84000005,
		0x8400001F, 0x85000000, 0x86000000, 0xB0000000, 0xBF00FFFF,
		0xC2000000, 0xC400000E, 0xC6000003, 0xC600FFFF, 0xFFFFFFFF,
	};
	static const uint32_t smc_ids[] = {
		0x00000000, 0x80000000, 0x82000000, 0x84000005,
		0xC2000000, 0xC6000003, 0xFFFFFFFF,
	};
	unsigned int nbad = 0;
	uint64_t bad = 0;
	long got = 0, v;

	for (unsigned int i = 0; i < ARRAY_SIZE(hvc_ids); i++)
		expect(hvc_call(hvc_ids[i], 1, 2, 3), SMCCC_NOT_SUPPORTED,
		       hvc_ids[i], &nbad, &bad, &got);
	result("hvc.unknown_function_ids", nbad == 0,
	       "%u ids -> NOT_SUPPORTED; bad=%u (0x%lx -> %ld)",
	       (unsigned int)ARRAY_SIZE(hvc_ids), nbad, (unsigned long)bad,
	       got);

	nbad = 0;
	for (unsigned int i = 0; i < ARRAY_SIZE(smc_ids); i++)
		expect(smc_call(smc_ids[i], 1, 2, 3), SMCCC_NOT_SUPPORTED,
		       smc_ids[i], &nbad, &bad, &got);
	v = smc_call(PSCI_0_2_VERSION, 0, 0, 0);
	result("smc.unknown_function_ids", nbad == 0 && v == 0x10001,
	       "%u ids -> NOT_SUPPORTED; bad=%u (0x%lx -> %ld); "
	       "PSCI_VERSION by SMC -> 0x%lx",
	       (unsigned int)ARRAY_SIZE(smc_ids), nbad, (unsigned long)bad, got,
	       v);

	v = hvc_imm_call(PSCI_0_2_VERSION);
	result("hvc.nonzero_immediate", v == 0x10001,
	       "HVC #0x1234 PSCI_VERSION -> 0x%lx", v);
	/* SMCCC: the function id is W0; the upper half of X0 is ignored. */
	v = hvc_call(0xdead000000000000UL | PSCI_0_2_VERSION, 0, 0, 0);
	result("hvc.fid_upper_bits_ignored", v == 0x10001,
	       "x0=0xdead000084000000 -> 0x%lx", v);
}

/* ---- the console hypercall ---- */

static long console_raw(uint64_t ipa, uint64_t len)
{
	return hvc_call(VIGIL_HC_CONSOLE_WRITE, ipa, len, 0);
}

static void case_console(void)
{
	static const char ctrl[] = "\x1b[2J\x07"
				   "ctrl-test\r\n";
	static const char spoof[] = "spoof-test\n[cpu0] vigil: stats cpu0: "
				    "exits=0 hvc=0 aborts_injected=999999 "
				    "undefs_injected=999999 "
				    "softirq_high_water=0\n";
	static char buf[VIGIL_CONSOLE_MAX + 16];
	uint64_t ram_end = ram_base + ram_size;
	struct {
		const char *what;
		uint64_t ipa, len;
	} bad[] = {
		{"vigil", VIGIL_PA, 64},
		{"vigil-pool", RAM_PA, 64},
		{"host-dtb", HOST_DTB_PA, 64},
		{"other-vm", OTHER_CANARY_PA, 16},
		{"free-ram", FREE_RAM_PA, 16},
		{"device", GICC_PA, 16},
		{"straddles-ram-end", ram_end - 8, 16},
		{"too-long", (uint64_t)(uintptr_t)buf, VIGIL_CONSOLE_MAX + 1},
		{"huge-length", (uint64_t)(uintptr_t)buf, 1UL << 63},
		{"wraps", ~0xfUL, 0x20},
	};
	unsigned int nbad = 0;
	long r;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		r = console_raw(bad[i].ipa, bad[i].len);
		if (r != SMCCC_INVALID) {
			gprintf("hostile: console %s 0x%lx+0x%lx -> %ld\n",
				bad[i].what, (unsigned long)bad[i].ipa,
				(unsigned long)bad[i].len, r);
			nbad++;
		}
	}
	result("console.not_own_memory", nbad == 0,
	       "%u buffers -> INVALID; bad=%u", (unsigned int)ARRAY_SIZE(bad),
	       nbad);

	r = console_raw((uint64_t)(uintptr_t)buf, 0);
	result("console.empty", r == 0, "len 0 -> %ld", r);
	r = console_raw((uint64_t)(uintptr_t)ctrl, sizeof(ctrl) - 1);
	result("console.control_chars", r == (long)sizeof(ctrl) - 1,
	       "-> %ld (the test checks they came out as '?')", r);
	r = console_raw((uint64_t)(uintptr_t)spoof, sizeof(spoof) - 1);
	result("console.spoofed_vigil_line", r == (long)sizeof(spoof) - 1,
	       "-> %ld (the test checks it carries this VM's prefix)", r);
}

void cases_calls(uint64_t dtb)
{
	(void)dtb;
	case_unknown_ids();
	case_console();
}
