/* SPDX-License-Identifier: MIT */
/*
 * hostile32: tests/guests/hostile's bad inputs in their AArch32 form,
 * under the arm32 vigil (tests/system/test_arm32_hostile.py runs it beside
 * the bystander guest):
 *
 * - psci.c: PSCI with bad arguments and unknown SMCCC function IDs, each
 *   through HVC and through a trapped SMC, and the console hypercall
 *   pointed at memory that is not the guest's;
 * - memory.c: loads, stores (with and without an instruction syndrome)
 *   and fetches outside its RAM, with TTBCR.EAE clear and set, and its own
 *   stage-1 tables pointing outside its RAM (the MMU case);
 * - gicd.c: distributor accesses of forbidden widths and forms, read-only
 *   registers, reserved space, INTIDs past ITLinesNumber;
 * - cp15.c: CP15 registers it must not have (PL2's, a PMU counter past
 *   PMCR.N) and writes to read-only ones;
 * - usr.c: bad accesses, HVC and SMC from USR mode, from T32 code and
 *   from vCPU 1;
 * - vfp.c: VFP state at entry, after CPU_OFF/CPU_ON and after each of its
 *   two resets of its own VM (SYSTEM_RESET by HVC, SYSTEM_RESET2 by SMC);
 * - storm.c: the arm64 guest's SGI storm, vCPU 1 a helper (helper.c) that
 *   then turns itself off;
 * - after each reset: a fresh vGIC (distributor and GICV) although the
 *   boot before left SPIs and a PPI enabled and pending, one of them
 *   targeting vCPU 1 running, new boot seeds, the image restored;
 * - dma.c, alone with bootarg hostile.dma=1: the arm64 guest's DMA from a
 *   passthrough device into the other VM.
 *
 * Every line is `hostile <case>: PASS|FAIL <details>`; after the last boot
 * `hostile: provoked aborts=<n> undefs=<n>` and `hostile: <p> passed, <f>
 * failed` for all boots, then SYSTEM_OFF.
 */
#include "hostile32.h"

#define RESET_MAGIC 0x68727374U /* "hrst" */
#define SPI_A 40		/* no target: pending only */
#define SPI_B 41		/* to vCPU 1: pending in its list registers */
#define PPI_VTIMER 27

unsigned int nr_vcpus;
uint32_t ram_base, ram_size;
static unsigned int passed, failed;
static struct {
	volatile uint32_t aborts, undefs;
} provoked[GUEST_MAX_VCPUS];

bool result(const char *name, bool ok, const char *fmt, ...)
{
	char details[240];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(details, sizeof(details), fmt, ap);
	va_end(ap);
	gprintf("hostile %s: %s %s\n", name, ok ? "PASS" : "FAIL", details);
	if (ok)
		passed++;
	else
		failed++;
	return ok;
}

void count_abort(void)
{
	provoked[this_vcpu()].aborts++;
}

void count_undef(void)
{
	provoked[this_vcpu()].undefs++;
}

/* ---- the resets: results of earlier boots wait 1 MiB past the image,
 * in RAM vigil's reset leaves alone (it restores the image and DTB) ---- */

extern char __image_end[];

static const struct reset_kind {
	const char *name;
	uint32_t fid;
	bool smc;
} resets[] = {
	{"reset", PSCI_0_2_SYSTEM_RESET, false},
	{"reset2_32", PSCI_1_1_SYSTEM_RESET2, true},
};
#define NR_RESETS ARRAY_SIZE(resets)

struct reset_mark {
	uint32_t magic, resets, passed, failed, aborts, undefs;
	/* Each boot's seeds, as read_dtb() printed them. */
	char rng[NR_RESETS][40], kaslr[NR_RESETS][40];
};

static char dtb_rng[40], dtb_kaslr[40];

static struct reset_mark *mark(void)
{
	uintptr_t end = (uintptr_t)__image_end;

	return (struct reset_mark *)((end + 0xfff) / 0x1000 * 0x1000 +
				     0x100000);
}

/* Initialised data a boot changes: each reset must restore it. */
static volatile uint32_t image_data = 0x600d1dea;

static void totals(uint32_t *aborts, uint32_t *undefs)
{
	for (unsigned int i = 0; i < GUEST_MAX_VCPUS; i++) {
		*aborts += READ_ONCE(provoked[i].aborts);
		*undefs += READ_ONCE(provoked[i].undefs);
	}
}

/* vCPU 1 through a reset: running, an SPI pending for it. */
static volatile uint32_t spinner_up;

static void spinner(unsigned int idx)
{
	uint64_t deadline = deadline_ms(10000);

	gic_cpu_init(false);
	WRITE_ONCE(spinner_up, 1);
	while (!deadline_passed(deadline))
		cpu_relax();
	gprintf("hostile: TIMEOUT vcpu%u: no reset\n", idx);
}

/* vGIC state a reset must drop (the *_fresh cases after it): vCPU 1
 * running, SPIs and the virtual timer's PPI enabled with priorities and
 * targets, both SPIs pending. */
static bool dirty_vgic(void)
{
	uint64_t deadline = deadline_ms(5000);
	int r;

	WRITE_ONCE(spinner_up, 0);
	r = vcpu_start(1, spinner);
	while (r == PSCI_SUCCESS && !READ_ONCE(spinner_up) &&
	       !deadline_passed(deadline))
		cpu_relax();
	if (r != PSCI_SUCCESS || !READ_ONCE(spinner_up)) {
		gprintf("hostile: TIMEOUT vcpu1 did not start: %d\n", r);
		return false;
	}
	gic_dist_enable();
	gic_cpu_init(false);
	gic_irq_set_priority(SPI_A, 0xa0);
	gic_irq_set_targets(SPI_B, 2);
	gic_irq_enable(SPI_A);
	gic_irq_enable(SPI_B);
	gic_irq_set_priority(PPI_VTIMER, 0x80);
	gic_irq_enable(PPI_VTIMER);
	gicd_set(GICD_ISPENDR, SPI_A);
	gicd_set(GICD_ISPENDR, SPI_B);
	return true;
}

/* Saves this boot's results and resets the VM; returns false if the
 * reset returned. */
static bool reset_vm(void)
{
	struct reset_mark *m = mark();
	const struct reset_kind *r = &resets[m->resets];
	uint32_t aborts = 0, undefs = 0;
	long ret;

	if (!dirty_vgic())
		return false;
	totals(&aborts, &undefs);
	memcpy(m->rng[m->resets], dtb_rng, sizeof(m->rng[0]));
	memcpy(m->kaslr[m->resets], dtb_kaslr, sizeof(m->kaslr[0]));
	m->passed += passed;
	m->failed += failed;
	m->aborts += aborts;
	m->undefs += undefs;
	m->resets++;
	image_data = 0xdeadbeef;
	m->magic = RESET_MAGIC;
	dsb_sy();
	gprintf("hostile: %s from vcpu%u\n", r->name, this_vcpu());
	vfp_dirty(0x1000 + m->resets);
	/* SYSTEM_RESET2 type 0 (SYSTEM_WARM_RESET) with a nonzero cookie,
	 * ignored for an architectural reset (PSCI 1.1 §5.11). */
	ret = call(r->smc, r->fid, 0, 0xc0ffee01, 0);
	m->magic = 0;
	result(r->name, false, "returned %ld", ret);
	return false;
}

static void cases_after_reset(void)
{
	struct reset_mark *m = mark();
	unsigned int last = m->resets - 1;
	const char *name = resets[last].name;
	uint32_t enabled = 0, pending = 0, active = 0;
	char who[40], cname[64];
	int state = psci_affinity_info(vcpu_mpidr(1), 0);
	bool seeds_new = true;

	snprintf(who, sizeof(who), "vcpu0_after_%s", name);
	cases_vfp_entry(who);
	for (unsigned int i = 0; i <= last; i++)
		seeds_new = seeds_new && strcmp(m->rng[i], dtb_rng) &&
			    strcmp(m->kaslr[i], dtb_kaslr);
	snprintf(cname, sizeof(cname), "%s.new_boot_seeds", name);
	result(cname, seeds_new,
	       "rng-seed %s -> %s, kaslr-seed %s -> %s (%u boots before)",
	       m->rng[last], dtb_rng, m->kaslr[last], dtb_kaslr, last + 1);
	for (unsigned int w = 1; w < gic_nr_irqs() / 32; w++) {
		enabled |= gicd_read(GICD_ISENABLER + 4 * w);
		pending |= gicd_read(GICD_ISPENDR + 4 * w);
		active |= gicd_read(GICD_ISACTIVER + 4 * w);
	}
	snprintf(cname, sizeof(cname), "%s.vgic_fresh", name);
	result(cname,
	       gicd_read(GICD_CTLR) == 0 && enabled == 0 && pending == 0 &&
		       active == 0 &&
		       gicd_read8(GICD_IPRIORITYR + SPI_A) == 0 &&
		       gicd_read8(GICD_ITARGETSR + SPI_B) == 0 &&
		       (gicd_read(GICD_ISENABLER) >> 16) == 0 &&
		       gicd_read8(GICD_IPRIORITYR + PPI_VTIMER) == 0,
	       "ctlr=0x%x spis-enabled=0x%x pending=0x%x active=0x%x "
	       "prio%u=0x%x targets%u=0x%x isenabler0=0x%x prio%u=0x%x",
	       (unsigned int)gicd_read(GICD_CTLR), (unsigned int)enabled,
	       (unsigned int)pending, (unsigned int)active, SPI_A,
	       gicd_read8(GICD_IPRIORITYR + SPI_A), SPI_B,
	       gicd_read8(GICD_ITARGETSR + SPI_B),
	       (unsigned int)gicd_read(GICD_ISENABLER), PPI_VTIMER,
	       gicd_read8(GICD_IPRIORITYR + PPI_VTIMER));
	/* The guest's GICC is vigil's GICV: its state is the vCPU's VMCR. */
	snprintf(cname, sizeof(cname), "%s.gicv_fresh", name);
	result(cname, gicc_read(GICC_CTLR) == 0 && gicc_read(GICC_PMR) == 0,
	       "gicc_ctlr=0x%x gicc_pmr=0x%x",
	       (unsigned int)gicc_read(GICC_CTLR),
	       (unsigned int)gicc_read(GICC_PMR));
	snprintf(cname, sizeof(cname), "%s.image_restored", name);
	result(cname, image_data == 0x600d1dea, "image_data=0x%x",
	       (unsigned int)image_data);
	snprintf(cname, sizeof(cname), "%s.vcpu1_off", name);
	result(cname, state == PSCI_AFF_OFF, "affinity_info=%d", state);
}

/* ---- vCPU 1: VFP at its entry, then dirty, then off; then on again ---- */

static volatile uint32_t vcpu1_done, vcpu1_up, vcpu1_go;

static void vcpu1_first(unsigned int idx)
{
	uint64_t deadline = deadline_ms(5000);

	(void)idx;
	cases_vfp_entry("vcpu1");
	vfp_dirty(0x2000);
	WRITE_ONCE(vcpu1_up, 1);
	while (!READ_ONCE(vcpu1_go) && !deadline_passed(deadline))
		cpu_relax();
	WRITE_ONCE(vcpu1_done, 1);
}

/* While vCPU 1 runs vcpu1_first(): CPU_ON of it, by HVC and SMC. */
static void case_cpu_on_running(void)
{
	extern char guest_secondary_start[];
	uint32_t entry = (uint32_t)(uintptr_t)guest_secondary_start;
	uint64_t deadline = deadline_ms(5000);
	long h, s;

	while (!READ_ONCE(vcpu1_up) && !deadline_passed(deadline))
		cpu_relax();
	h = call(false, PSCI_0_2_CPU_ON, 1, entry, 1);
	s = call(true, PSCI_0_2_CPU_ON, 1, entry, 1);
	result("psci.cpu_on_running_already_on",
	       READ_ONCE(vcpu1_up) && h == PSCI_ALREADY_ON &&
		       s == PSCI_ALREADY_ON,
	       "vcpu1 up=%u: hvc -> %ld, smc -> %ld", (unsigned int)vcpu1_up, h,
	       s);
	WRITE_ONCE(vcpu1_go, 1);
}

static void vcpu1_again(unsigned int idx)
{
	(void)idx;
	cases_vfp_entry("vcpu1_after_cpu_off_on");
	vfp_dirty(0x3000);
	WRITE_ONCE(vcpu1_done, 2);
}

static bool vcpu1_run(void (*fn)(unsigned int), uint32_t want)
{
	uint64_t deadline = deadline_ms(5000);
	int r = vcpu_start(1, fn), state;

	if (r == PSCI_SUCCESS && want == 1)
		case_cpu_on_running();
	while (r == PSCI_SUCCESS && READ_ONCE(vcpu1_done) != want &&
	       !deadline_passed(deadline))
		cpu_relax();
	do {
		state = psci_affinity_info(vcpu_mpidr(1), 0);
	} while (state != PSCI_AFF_OFF && !deadline_passed(deadline));
	if (r != PSCI_SUCCESS || state != PSCI_AFF_OFF) {
		gprintf("hostile: TIMEOUT vcpu1: cpu_on=%d state=%d\n", r,
			state);
		return false;
	}
	return true;
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

/* Its RAM, and its boot seeds (the test compares them across the VMs
 * and the boots). */
static void read_dtb(uint64_t dtb)
{
	int mem = fdt_path(dtb, "/memory"), len = 0;
	int chosen = fdt_path(dtb, "/chosen");
	const void *reg = mem >= 0 ? fdt_prop(dtb, mem, "reg", &len) : NULL;

	if (reg && len == 16) {
		ram_base = (uint32_t)fdt_cells(reg, 0, 2);
		ram_size = (uint32_t)fdt_cells(reg, 2, 2);
	}
	print_seed(dtb, chosen, "rng-seed", dtb_rng, sizeof(dtb_rng));
	print_seed(dtb, chosen, "kaslr-seed", dtb_kaslr, sizeof(dtb_kaslr));
	gprintf("hostile info: rng-seed=%s kaslr-seed=%s\n", dtb_rng,
		dtb_kaslr);
}

static bool dtb_contains(uint64_t dtb, const char *s)
{
	const char *base = (const char *)(uintptr_t)dtb;
	uint32_t size = __builtin_bswap32(((volatile uint32_t *)base)[1]);
	size_t n = strlen(s);

	for (uint32_t i = 0; i + n <= size; i++)
		if (!memcmp(base + i, s, n))
			return true;
	return false;
}

/* The arm64 guest's dtb.* cases: its DTB shows only this VM's RAM,
 * nothing of the other VM's configuration or devices. */
static void cases_dtb(uint64_t dtb)
{
	static const char *const foreign[] = {
		"hypervisor",
		"bystander",
		FOREIGN_DEVICE,
		"vigil,vm",
	};
	extern char _start[];
	uint32_t img = (uint32_t)(uintptr_t)_start;
	int mem = fdt_path(dtb, "/memory"), len = 0;
	const void *reg = mem >= 0 ? fdt_prop(dtb, mem, "reg", &len) : NULL;
	bool found = false;

	result("dtb.memory_is_own",
	       reg && len == 16 && img >= ram_base &&
		       img < ram_base + ram_size &&
		       !(VIGIL_PA >= ram_base &&
			 VIGIL_PA < ram_base + ram_size) &&
		       ram_base + ram_size <= OTHER_VM_PA,
	       "memory=0x%lx+0x%lx ranges=%d", (unsigned long)ram_base,
	       (unsigned long)ram_size, len / 16);
	for (unsigned int i = 0; i < ARRAY_SIZE(foreign); i++) {
		bool f = dtb_contains(dtb, foreign[i]);

		if (f)
			gprintf("hostile: DTB mentions \"%s\"\n", foreign[i]);
		found |= f;
	}
	result("dtb.no_foreign_config", !found,
	       "no /hypervisor node, other VM or its devices in the DTB");
}

int main(uint64_t dtb)
{
	struct reset_mark *m = mark();

	if (m->magic != RESET_MAGIC)
		memset(m, 0, sizeof(*m));
	read_dtb(dtb);
	gic_probe(dtb);
	nr_vcpus = fdt_nr_cpus(dtb);
	if (m->magic == RESET_MAGIC) {
		cases_after_reset();
		if (m->resets < NR_RESETS)
			return reset_vm();
		uint32_t aborts = m->aborts, undefs = m->undefs;

		totals(&aborts, &undefs);
		passed += m->passed;
		failed += m->failed;
		m->magic = 0;
		gprintf("hostile: provoked aborts=%u undefs=%u\n",
			(unsigned int)aborts, (unsigned int)undefs);
		gprintf("hostile: %u passed, %u failed\n", passed, failed);
		return 0;
	}
	if (bootarg_u64(dtb, "hostile.dma", 0)) {
		case_dma(dtb);
		gprintf("hostile: %u passed, %u failed\n", passed, failed);
		return 0;
	}
	cases_vfp_entry("vcpu0");
	if (nr_vcpus != 2 || ram_size == 0) {
		gprintf("hostile: needs 2 vcpus and /memory: %u 0x%x\n",
			nr_vcpus, (unsigned int)ram_size);
		return 0;
	}
	gprintf("hostile: %u vcpus, A32, trying everything a guest must not "
		"do\n",
		nr_vcpus);
	gic_dist_enable();
	gic_cpu_init(false);

	cases_dtb(dtb);
	cases_psci(false);
	cases_psci(true);
	if (!vcpu1_run(vcpu1_first, 1) || !vcpu1_run(vcpu1_again, 2))
		return 0;
	cases_calls();
	cases_memory();
	cases_mmu();
	cases_cp15();
	cases_usr_t32();
	cases_gicd();
	if (!start_helpers()) {
		result("psci.start_helpers", false, "a helper vCPU is missing");
		return 0;
	}
	cases_gicd_helpers();
	cases_storm();
	stop_helpers();
	gprintf("hostile: tried everything; vigil is still here\n");
	return reset_vm();
}
