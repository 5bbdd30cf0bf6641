/* SPDX-License-Identifier: MIT */
/*
 * PSCI with bad arguments (PSCI 1.1, ARM DEN 0022) and SMCCC function IDs
 * nobody implements (SMCCC: NOT_SUPPORTED = -1), each through HVC and
 * through SMC (trapped by HCR.TSC), with the SMC32 calling convention;
 * and the console hypercall pointed at memory that is not the guest's.
 */
#include "hostile32.h"

extern char guest_secondary_start[];
#define SECONDARY ((uint32_t)(uintptr_t)guest_secondary_start)

long call(bool smc, uint32_t fid, uint32_t a1, uint32_t a2, uint32_t a3)
{
	register uint32_t r0 __asm__("r0") = fid;
	register uint32_t r1 __asm__("r1") = a1;
	register uint32_t r2 __asm__("r2") = a2;
	register uint32_t r3 __asm__("r3") = a3;

	if (smc)
		__asm__ __volatile__(".arch_extension sec\n\tsmc #0"
				     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
				     :
				     : "memory");
	else
		__asm__ __volatile__(".arch_extension virt\n\thvc #0"
				     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
				     :
				     : "memory");
	return (long)(int32_t)r0;
}

/* HVC with a nonzero immediate: SMCCC reserves it; vigil ignores it. */
static long hvc_imm(uint32_t fid)
{
	register uint32_t r0 __asm__("r0") = fid;

	__asm__ __volatile__(".arch_extension virt\n\thvc #0x1234"
			     : "+r"(r0)
			     :
			     : "r1", "r2", "r3", "memory");
	return (long)(int32_t)r0;
}

struct expect {
	unsigned int n, bad;
	uint32_t arg;
	long got;
};

static void expect(struct expect *e, long ret, long want, uint32_t arg)
{
	e->n++;
	if (ret == want)
		return;
	if (!e->bad++) {
		e->arg = arg;
		e->got = ret;
	}
}

static void report(const char *prefix, const char *name, struct expect *e,
		   bool also, const char *what)
{
	char cname[64];

	snprintf(cname, sizeof(cname), "%s.%s", prefix, name);
	result(cname, e->bad == 0 && also,
	       "%u calls -> %s; bad=%u (0x%x -> %ld)", e->n, what, e->bad,
	       (unsigned int)e->arg, e->got);
	memset(e, 0, sizeof(*e));
}

static bool vcpu1_off(void)
{
	return psci_affinity_info(vcpu_mpidr(1), 0) == PSCI_AFF_OFF;
}

/* With vCPU 1 off. @smc: every call through SMC (cases `psci_smc.*`). */
void cases_psci(bool smc)
{
	static const uint32_t bad_mpidr[] = {
		2, 7, 0x100, 0x10000, 0x80000001, 0xff000000, 0xffffffff,
	};
	static const uint32_t unknown_fn[] = {
		0x00000000, 0x80000000, 0x84000005, 0x8400000B, 0x8400000C,
		0x8400000E, 0x8400001F, 0xC400000E, 0xC6000000, 0xFFFFFFFF,
	};
	uint32_t bad_entry[] = {
		0,
		VIGIL_PA,
		RAM_PA,
		GICC_PA,
		OTHER_VM_PA,
		FREE_RAM_PA,
		ram_base + 2, /* A32 and not 4-byte aligned */
		ram_base + ram_size,
		ram_base + ram_size - 2,
		0xfffffffc,
	};
	const char *pfx = smc ? "psci_smc" : "psci";
	struct expect e = {0};
	long r;

	r = call(smc, PSCI_0_2_CPU_OFF, 0, 0, 0);
	expect(&e, r, PSCI_DENIED, 0);
	report(pfx, "cpu_off_last_vcpu", &e, true, "DENIED");

	for (unsigned int i = 0; i < ARRAY_SIZE(bad_entry); i++)
		expect(&e, call(smc, PSCI_0_2_CPU_ON, 1, bad_entry[i], 1),
		       PSCI_INVALID_ADDRESS, bad_entry[i]);
	report(pfx, "cpu_on_entry_outside_ram", &e, vcpu1_off(),
	       "INVALID_ADDRESS, vcpu1 off");

	for (unsigned int i = 0; i < ARRAY_SIZE(bad_mpidr); i++)
		expect(&e,
		       call(smc, PSCI_0_2_CPU_ON, bad_mpidr[i], SECONDARY, 1),
		       PSCI_INVALID_PARAMETERS, bad_mpidr[i]);
	report(pfx, "cpu_on_bad_mpidr", &e, true, "INVALID_PARAMETERS");

	expect(&e, call(smc, PSCI_0_2_CPU_ON, 0, SECONDARY, 0), PSCI_ALREADY_ON,
	       0);
	report(pfx, "cpu_on_self_already_on", &e, true, "ALREADY_ON");

	/* SMC32 AFFINITY_INFO has no Aff3: levels 1-2 only (§5.1.5). */
	for (uint32_t level = 1; level <= 2; level++)
		expect(&e, call(smc, PSCI_0_2_AFFINITY_INFO, 0, level, 0),
		       PSCI_AFF_ON, level);
	for (uint32_t level = 3; level <= 5; level++)
		expect(&e, call(smc, PSCI_0_2_AFFINITY_INFO, 0, level, 0),
		       PSCI_INVALID_PARAMETERS, level);
	expect(&e, call(smc, PSCI_0_2_AFFINITY_INFO, 0, 0xffffffff, 0),
	       PSCI_INVALID_PARAMETERS, 0xffffffff);
	report(pfx, "affinity_info_bad_level", &e, true,
	       "ON for 1-2, INVALID_PARAMETERS for 3-5 and 0xffffffff");

	for (unsigned int i = 0; i < ARRAY_SIZE(bad_mpidr); i++)
		expect(&e,
		       call(smc, PSCI_0_2_AFFINITY_INFO, bad_mpidr[i], 0, 0),
		       PSCI_INVALID_PARAMETERS, bad_mpidr[i]);
	report(pfx, "affinity_info_bad_mpidr", &e, true, "INVALID_PARAMETERS");

	for (unsigned int i = 0; i < ARRAY_SIZE(unknown_fn); i++)
		expect(&e, call(smc, PSCI_1_0_FEATURES, unknown_fn[i], 0, 0),
		       PSCI_NOT_SUPPORTED, unknown_fn[i]);
	r = call(smc, PSCI_1_0_FEATURES, PSCI_0_2_CPU_ON, 0, 0);
	report(pfx, "features_unknown", &e, r == PSCI_SUCCESS,
	       "NOT_SUPPORTED, CPU_ON SUCCESS");

	/* CPU_SUSPEND: reserved power_state bits, a level past the VM's
	 * cluster; a powerdown state with an entry outside RAM. */
	expect(&e, call(smc, PSCI_0_2_CPU_SUSPEND, 0x00020000, 0, 0),
	       PSCI_INVALID_PARAMETERS, 0x00020000);
	expect(&e, call(smc, PSCI_0_2_CPU_SUSPEND, 0x02000000, 0, 0),
	       PSCI_INVALID_PARAMETERS, 0x02000000);
	expect(&e, call(smc, PSCI_0_2_CPU_SUSPEND, 0x80000000, 0, 0),
	       PSCI_INVALID_PARAMETERS, 0x80000000);
	expect(&e, call(smc, PSCI_0_2_CPU_SUSPEND, 0x00010000, VIGIL_PA, 0),
	       PSCI_INVALID_ADDRESS, VIGIL_PA);
	report(pfx, "cpu_suspend_bad_args", &e, true,
	       "INVALID_PARAMETERS, INVALID_ADDRESS");

	/* SMC64 function IDs: an AArch32 caller has only the SMC32
	 * convention (SMCCC, ARM DEN 0028), so each is an unknown function, and
	 * PSCI_FEATURES says so; with the 32-bit IDs each of these calls
	 * would succeed (vCPU 0 is on, 0 is a valid level). */
	expect(&e, call(smc, PSCI_0_2_AFFINITY_INFO_64, 0, 0, 0),
	       PSCI_NOT_SUPPORTED, PSCI_0_2_AFFINITY_INFO_64);
	expect(&e, call(smc, PSCI_0_2_CPU_ON_64, 0, SECONDARY, 0),
	       PSCI_NOT_SUPPORTED, PSCI_0_2_CPU_ON_64);
	expect(&e, call(smc, PSCI_0_2_CPU_SUSPEND_64, 0x00010000, VIGIL_PA, 0),
	       PSCI_NOT_SUPPORTED, PSCI_0_2_CPU_SUSPEND_64);
	expect(&e, call(smc, PSCI_1_1_SYSTEM_RESET2_64, 1, 0, 0),
	       PSCI_NOT_SUPPORTED, PSCI_1_1_SYSTEM_RESET2_64);
	expect(&e, call(smc, PSCI_1_0_FEATURES, PSCI_0_2_CPU_ON_64, 0, 0),
	       PSCI_NOT_SUPPORTED, 0x8400000a);
	expect(&e,
	       call(smc, PSCI_1_0_FEATURES, PSCI_1_1_SYSTEM_RESET2_64, 0, 0),
	       PSCI_NOT_SUPPORTED, 0x8400000a);
	report(pfx, "smc64_ids_from_aarch32", &e, true, "NOT_SUPPORTED");

	/* SYSTEM_RESET2: no vendor type, no other architectural one. */
	expect(&e, call(smc, PSCI_1_1_SYSTEM_RESET2, 1, 0, 0),
	       PSCI_INVALID_PARAMETERS, 1);
	expect(&e, call(smc, PSCI_1_1_SYSTEM_RESET2, 0x80000000, 0, 0),
	       PSCI_INVALID_PARAMETERS, 0x80000000);
	expect(&e, call(smc, PSCI_1_1_SYSTEM_RESET2, 0x7fffffff, 0, 0),
	       PSCI_INVALID_PARAMETERS, 0x7fffffff);
	report(pfx, "reset2_bad_type", &e, vcpu1_off(), "INVALID_PARAMETERS");
}

static void case_unknown_ids(void)
{
	static const uint32_t ids[] = {
		0x00000000, 0x04000000, 0x3fffffff, 0x80000000, 0x80000001,
		0x80008000, 0x81000000, 0x82000000, 0x83000000, 0x84000005,
		0x8400001F, 0x85000000, 0x86000000, 0xB0000000, 0xBF00FFFF,
		0xC2000000, 0xC400000E, 0xC6000003, 0xC600FFFF, 0xFFFFFFFF,
	};
	struct expect e = {0};
	long v;

	for (unsigned int i = 0; i < ARRAY_SIZE(ids); i++)
		expect(&e, call(false, ids[i], 1, 2, 3), SMCCC_NOT_SUPPORTED,
		       ids[i]);
	report("hvc", "unknown_function_ids", &e, true, "NOT_SUPPORTED");
	for (unsigned int i = 0; i < ARRAY_SIZE(ids); i++)
		expect(&e, call(true, ids[i], 1, 2, 3), SMCCC_NOT_SUPPORTED,
		       ids[i]);
	v = call(true, PSCI_0_2_VERSION, 0, 0, 0);
	report("smc", "unknown_function_ids", &e, v == 0x10001,
	       "NOT_SUPPORTED; PSCI_VERSION 1.1");
	v = hvc_imm(PSCI_0_2_VERSION);
	result("hvc.nonzero_immediate", v == 0x10001,
	       "HVC #0x1234 PSCI_VERSION -> 0x%lx", (unsigned long)v);
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
	uint32_t ram_end = ram_base + ram_size;
	const struct {
		uint32_t ipa, len;
	} bad[] = {
		{VIGIL_PA, 64},
		{RAM_PA, 64},
		{OTHER_CANARY_PA, 16},
		{FREE_RAM_PA, 16},
		{GICC_PA, 16},
		{ram_end - 8, 16},
		{(uint32_t)(uintptr_t)buf, VIGIL_CONSOLE_MAX + 1},
		{(uint32_t)(uintptr_t)buf, 0xffffffff},
		{0xfffffff0, 0x20},
	};
	struct expect e = {0};
	long r;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		expect(&e,
		       call(false, VIGIL_HC_CONSOLE_WRITE, bad[i].ipa,
			    bad[i].len, 0),
		       SMCCC_INVALID, bad[i].ipa);
	report("console", "not_own_memory", &e, true, "INVALID");
	r = call(false, VIGIL_HC_CONSOLE_WRITE, (uint32_t)(uintptr_t)buf, 0, 0);
	result("console.empty", r == 0, "len 0 -> %ld", r);
	r = call(false, VIGIL_HC_CONSOLE_WRITE, (uint32_t)(uintptr_t)ctrl,
		 sizeof(ctrl) - 1, 0);
	result("console.control_chars", r == (long)sizeof(ctrl) - 1,
	       "-> %ld (the test checks they came out as '?')", r);
	r = call(false, VIGIL_HC_CONSOLE_WRITE, (uint32_t)(uintptr_t)spoof,
		 sizeof(spoof) - 1, 0);
	result("console.spoofed_vigil_line", r == (long)sizeof(spoof) - 1,
	       "-> %ld (the test checks it carries this VM's prefix)", r);
}

void cases_calls(void)
{
	case_unknown_ids();
	case_console();
}
