/* SPDX-License-Identifier: MIT */
/*
 * Once it has tried everything, the hostile guest resets its own VM three
 * times, while the bystander keeps running, and checks after each reset
 * that the next boot starts from scratch: its image restored, a fresh vGIC
 * (distributor and its CPU interface), vCPU 1 off, FP/SIMD registers zero,
 * and boot seeds it has not seen before. The three resets (`resets`
 * below) are SYSTEM_RESET, then SYSTEM_RESET2's one architectural type,
 * SYSTEM_WARM_RESET (PSCI 1.1 §5.11), through each of its function IDs:
 * SMC64 by HVC from vCPU 0 with vCPU 1 running, and SMC32 by a trapped SMC
 * from vCPU 1 with vCPU 0 running, with a nonzero cookie (ignored for an
 * architectural reset, §5.11) and junk above W1 and W2 (an SMC32 call
 * takes 32-bit arguments, SMCCC §2.6). The results of the earlier boots
 * wait beyond the image, in RAM that vigil's reset leaves alone (it
 * restores the image and the DTB).
 */
#include "hostile.h"

#define RESET_MAGIC 0x7465736572766d68UL /* "hmvreset" */
#define NR_RESETS 3
#define SPI_A 40 /* no target: pending only */
#define SPI_B 41 /* to vCPU 1: pending in its list registers */
#define PPI_VTIMER 27

extern char __image_end[];

static const struct reset_kind {
	const char *name; /* the prefix of the cases after it */
	uint32_t fid;
	bool smc, from_vcpu1;
	uint64_t type, cookie;
} resets[NR_RESETS] = {
	{"reset", PSCI_0_2_SYSTEM_RESET, false, false, 0, 0},
	{"reset2_64", PSCI_1_1_SYSTEM_RESET2_64, false, false, 0, 0},
	{"reset2_32", PSCI_1_1_SYSTEM_RESET2, true, true, 0xffffffff00000000UL,
	 0x5a5a5a5ac0ffee01UL},
};

struct reset_mark {
	uint64_t magic;
	uint32_t resets; /* done so far */
	uint32_t passed, failed;
	uint64_t aborts, undefs;
	char rng[NR_RESETS][40], kaslr[NR_RESETS][40];
};

/* 1 MiB past the image (and its .bss and stacks). */
static struct reset_mark *mark(void)
{
	uintptr_t end = (uintptr_t)__image_end;

	return (struct reset_mark *)((end + 0xfffff) / 0x1000 * 0x1000 +
				     0x100000);
}

/* Initialised data each boot changes: the reset must restore it. */
static volatile uint32_t image_data = 0x600d1dea;

/* vCPU 1 in the boots after a reset: the reset to come, up, then go. */
static volatile uint32_t vcpu1_next, vcpu1_up, vcpu1_go;

bool after_reset(void)
{
	return mark()->magic == RESET_MAGIC;
}

static void fpsimd_dirty(void)
{
	uint64_t pattern = 0xf00dfacecafe0000UL;

	write_sysreg(3UL << 20, cpacr_el1);
	isb();
#define DIRTY(n)                                                        \
	__asm__ __volatile__("fmov d" #n ", %0\n\tmov v" #n ".d[1], %0" \
			     :                                          \
			     : "r"(pattern + n))
	DIRTY(0);
	DIRTY(1);
	DIRTY(2);
	DIRTY(3);
	DIRTY(7);
	DIRTY(8);
	DIRTY(15);
	DIRTY(16);
	DIRTY(30);
	DIRTY(31);
#undef DIRTY
	write_sysreg(0x3000000UL, fpcr); /* RMode: towards zero */
}

static long reset_call(const struct reset_kind *r)
{
	gprintf("hostile: %s from vcpu%u\n", r->name, this_vcpu());
	fpsimd_dirty();
	if (r->smc)
		return smc_call(r->fid, r->type, r->cookie, 0);
	return hvc_call(r->fid, r->type, r->cookie, 0);
}

/* vCPU 1's part: FP/SIMD checked (only while vCPU 0 waits), then dirty;
 * it resets the VM itself or waits for vCPU 0 to. */
static void vcpu1_before_reset(unsigned int idx)
{
	const struct reset_kind *r = &resets[vcpu1_next];
	uint64_t deadline = deadline_ms(10000);
	char who[40];

	snprintf(who, sizeof(who), "vcpu1_after_%s",
		 resets[vcpu1_next - 1].name);
	case_fpsimd_clean(who);
	fpsimd_dirty();
	WRITE_ONCE(vcpu1_up, 1);
	while (!READ_ONCE(vcpu1_go) && !deadline_passed(deadline))
		cpu_relax();
	if (r->from_vcpu1) {
		long ret = reset_call(r);

		gprintf("hostile: %s returned %ld\n", r->name, ret);
		return;
	}
	while (!deadline_passed(deadline))
		cpu_relax();
	gprintf("hostile: TIMEOUT vcpu%u: no %s\n", idx, r->name);
}

/* A boot after a reset: vCPU 1 on, and vGIC state a reset must drop. */
static bool dirty_for_next_reset(void)
{
	uint64_t deadline = deadline_ms(5000);
	int f32 = psci_features(PSCI_1_1_SYSTEM_RESET2);
	int f64 = psci_features(PSCI_1_1_SYSTEM_RESET2_64);
	int r;

	if (mark()->resets == 1)
		result("reset2.features",
		       f32 == PSCI_SUCCESS && f64 == PSCI_SUCCESS,
		       "smc32=%d smc64=%d", f32, f64);
	vcpu1_next = mark()->resets;
	dsb_sy();
	r = vcpu_start(1, vcpu1_before_reset);
	while (r == PSCI_SUCCESS && !READ_ONCE(vcpu1_up) &&
	       !deadline_passed(deadline))
		cpu_relax();
	if (r != PSCI_SUCCESS || !READ_ONCE(vcpu1_up)) {
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

bool reset_vm(unsigned int *passed, unsigned int *failed, uint64_t *aborts,
	      uint64_t *undefs)
{
	struct reset_mark *m = mark();
	const struct reset_kind *r;
	uint64_t deadline;
	long ret;

	if (!after_reset())
		memset(m, 0, sizeof(*m));
	if (m->resets == NR_RESETS) {
		*passed += m->passed;
		*failed += m->failed;
		*aborts += m->aborts;
		*undefs += m->undefs;
		m->magic = 0;
		return true;
	}
	r = &resets[m->resets];
	if (m->resets && !dirty_for_next_reset())
		return false;
	m->passed += *passed;
	m->failed += *failed;
	m->aborts += *aborts;
	m->undefs += *undefs;
	memcpy(m->rng[m->resets], dtb_rng, sizeof(m->rng[0]));
	memcpy(m->kaslr[m->resets], dtb_kaslr, sizeof(m->kaslr[0]));
	m->resets++;
	image_data = 0xdeadbeef;
	dsb_sy();
	m->magic = RESET_MAGIC;
	dsb_sy();
	if (r->from_vcpu1) {
		/* Running, FP/SIMD dirty, when vCPU 1 resets the VM. */
		fpsimd_dirty();
		WRITE_ONCE(vcpu1_go, 1);
		deadline = deadline_ms(5000);
		while (!deadline_passed(deadline))
			cpu_relax();
		gprintf("hostile: TIMEOUT vcpu0: no %s\n", r->name);
		return false;
	}
	WRITE_ONCE(vcpu1_go, 1);
	ret = reset_call(r);
	gprintf("hostile: %s returned %ld\n", r->name, ret);
	return false;
}

/* "<reset>.<what>": a case after the last reset done. */
static const char *case_name(char *buf, size_t size, const char *what)
{
	snprintf(buf, size, "%s.%s", resets[mark()->resets - 1].name, what);
	return buf;
}

void cases_after_reset(uint64_t dtb)
{
	struct reset_mark *m = mark();
	unsigned int last = m->resets - 1, enabled = 0, pending = 0;
	unsigned int active = 0;
	bool seeds_new = true;
	char nm[48];
	int state;

	/* Before anything can have used FP/SIMD in this boot. */
	snprintf(nm, sizeof(nm), "vcpu0_after_%s", resets[last].name);
	case_fpsimd_clean(nm);
	gic_probe(dtb);
	cases_dtb(dtb, false);
	for (unsigned int i = 0; i <= last; i++)
		seeds_new = seeds_new && strcmp(m->rng[i], dtb_rng) &&
			    strcmp(m->kaslr[i], dtb_kaslr);
	result(case_name(nm, sizeof(nm), "new_boot_seeds"), seeds_new,
	       "rng-seed %s -> %s, kaslr-seed %s -> %s (%u boots before)",
	       m->rng[last], dtb_rng, m->kaslr[last], dtb_kaslr, last + 1);
	result(case_name(nm, sizeof(nm), "image_restored"),
	       image_data == 0x600d1dea, "initialised data=0x%x", image_data);
	state = psci_affinity_info(vcpu_mpidr(1), 0);
	result(case_name(nm, sizeof(nm), "vcpu1_off"), state == PSCI_AFF_OFF,
	       "affinity_info=%d", state);
	for (unsigned int w = 1; w < gic_nr_irqs() / 32; w++) {
		enabled |= gicd_read(GICD_ISENABLER + 4 * w);
		pending |= gicd_read(GICD_ISPENDR + 4 * w);
		active |= gicd_read(GICD_ISACTIVER + 4 * w);
	}
	result(case_name(nm, sizeof(nm), "vgic_fresh"),
	       gicd_read(GICD_CTLR) == 0 && enabled == 0 && pending == 0 &&
		       active == 0 &&
		       gicd_read8(GICD_IPRIORITYR + SPI_A) == 0 &&
		       gicd_read8(GICD_ITARGETSR + SPI_B) == 0 &&
		       (gicd_read(GICD_ISENABLER) >> 16) == 0 &&
		       gicd_read8(GICD_IPRIORITYR + PPI_VTIMER) == 0,
	       "ctlr=0x%x spis-enabled=0x%x pending=0x%x active=0x%x "
	       "prio%u=0x%x targets%u=0x%x isenabler0=0x%x prio%u=0x%x",
	       gicd_read(GICD_CTLR), enabled, pending, active, SPI_A,
	       gicd_read8(GICD_IPRIORITYR + SPI_A), SPI_B,
	       gicd_read8(GICD_ITARGETSR + SPI_B), gicd_read(GICD_ISENABLER),
	       PPI_VTIMER, gicd_read8(GICD_IPRIORITYR + PPI_VTIMER));
	/* The guest's GICC is vigil's GICV: its state is the vCPU's VMCR. */
	result(case_name(nm, sizeof(nm), "gicv_fresh"),
	       gicc_read(GICC_CTLR) == 0 && gicc_read(GICC_PMR) == 0,
	       "gicc_ctlr=0x%x gicc_pmr=0x%x", gicc_read(GICC_CTLR),
	       gicc_read(GICC_PMR));
}
