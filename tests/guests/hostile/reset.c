/* SPDX-License-Identifier: MIT */
/*
 * The hostile guest resets its own VM (PSCI SYSTEM_RESET) once it has
 * tried everything, while the bystander keeps running, and checks on the
 * next boot that it starts from scratch: its image restored, a fresh vGIC,
 * vCPU 1 off, FP/SIMD registers zero, and boot seeds it has not seen
 * before. The results of the first boot wait beyond the image, in RAM that
 * vigil's reset leaves alone (it restores the image and the DTB).
 */
#include "hostile.h"

#define RESET_MAGIC 0x7465736572766d68UL /* "hmvreset" */

extern char __image_end[];

struct reset_mark {
	uint64_t magic;
	uint32_t passed, failed;
	uint64_t aborts, undefs;
	char rng[40], kaslr[40];
};

/* 1 MiB past the image (and its .bss and stacks). */
static struct reset_mark *mark(void)
{
	uintptr_t end = (uintptr_t)__image_end;

	return (struct reset_mark *)((end + 0xfffff) / 0x1000 * 0x1000 +
				     0x100000);
}

/* Initialised data the first boot changes: the reset must restore it. */
static volatile uint32_t image_data = 0x600d1dea;

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

void reset_vm(unsigned int passed, unsigned int failed, uint64_t aborts,
	      uint64_t undefs)
{
	struct reset_mark *m = mark();

	m->passed = passed;
	m->failed = failed;
	m->aborts = aborts;
	m->undefs = undefs;
	memcpy(m->rng, dtb_rng, sizeof(m->rng));
	memcpy(m->kaslr, dtb_kaslr, sizeof(m->kaslr));
	image_data = 0xdeadbeef;
	dsb_sy();
	m->magic = RESET_MAGIC;
	dsb_sy();
	gprintf("hostile: SYSTEM_RESET\n");
	fpsimd_dirty();
	hvc_call(PSCI_0_2_SYSTEM_RESET, 0, 0, 0);
	gprintf("hostile: SYSTEM_RESET returned\n");
	guest_halt();
}

void cases_after_reset(uint64_t dtb, unsigned int *passed, unsigned int *failed,
		       uint64_t *aborts, uint64_t *undefs)
{
	struct reset_mark *m = mark();
	unsigned int enabled = 0;
	int state;

	cases_dtb(dtb, false);
	result("reset.new_boot_seeds",
	       strcmp(m->rng, dtb_rng) && strcmp(m->kaslr, dtb_kaslr),
	       "rng-seed %s -> %s, kaslr-seed %s -> %s", m->rng, dtb_rng,
	       m->kaslr, dtb_kaslr);
	result("reset.image_restored", image_data == 0x600d1dea,
	       "initialised data=0x%x", image_data);
	state = psci_affinity_info(vcpu_mpidr(1), 0);
	result("reset.vcpu1_off", state == PSCI_AFF_OFF, "affinity_info=%d",
	       state);
	for (unsigned int w = 1; w < gic_nr_irqs() / 32; w++)
		enabled |= gicd_read(GICD_ISENABLER + 4 * w);
	result("reset.vgic_fresh",
	       gicd_read(GICD_CTLR) == 0 && enabled == 0 &&
		       gicd_read8(GICD_IPRIORITYR + 40) == 0 &&
		       gicd_read8(GICD_ITARGETSR + 41) == 0,
	       "ctlr=0x%x spis-enabled=0x%x prio40=0x%x targets41=0x%x",
	       gicd_read(GICD_CTLR), enabled, gicd_read8(GICD_IPRIORITYR + 40),
	       gicd_read8(GICD_ITARGETSR + 41));
	*passed += m->passed;
	*failed += m->failed;
	*aborts += m->aborts;
	*undefs += m->undefs;
	m->magic = 0;
}
