/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the emulated distributor and LR management: the
 * input is a program of guest distributor accesses (any offset, width,
 * value, from any vCPU outside guest mode), injections (virtual and
 * physical), guest acknowledges / EOIs, entries / exits, kicks and
 * maintenance IRQs. After every operation the DESIGN §3.1 invariants must
 * hold; at the end, with everything enabled and targeted, draining the
 * guests must leave no IRQ pending, in flight, or physically active.
 * Any violation aborts (a crash for libFuzzer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gich.h"
#include "gich_model.h"
#include "host_arch.h"
#include "softirq.h"
#include "vgic.h"
#include "vm.h"

#define NR_VCPUS 4
#define NR_IRQS 96
#define FIRST_HW 64 /* SPIs 64..67 are passthrough of pIRQs 300..303 */
#define NR_HW 4
#define PIRQ(v) ((v)-FIRST_HW + 300)

/* tests/unit/gich_model.c reports through the unit-test framework. */
int test_current_failed;
void test_fail(const char *file, int line, const char *msg)
{
	fprintf(stderr, "%s:%d: %s\n", file, line, msg);
	abort();
}

static struct vm vm;
static bool in_guest[NR_VCPUS];
static uint32_t acked[NR_VCPUS][16];
static unsigned int depth[NR_VCPUS];
static unsigned int kicks_seen[NR_VCPUS];

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "invariant: %s (%s)\n", what, host_last_log());
		abort();
	}
}

struct input {
	const uint8_t *p;
	size_t n;
};

static uint32_t take(struct input *in, unsigned int bytes)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < bytes; i++) {
		v <<= 8;
		if (in->n) {
			v |= *in->p++;
			in->n--;
		}
	}
	return v;
}

static void enter(unsigned int c)
{
	if (!in_guest[c]) {
		gm_enter(&vm.vcpus[c]);
		in_guest[c] = true;
	}
}

static void leave(unsigned int c)
{
	if (in_guest[c]) {
		gm_exit(&vm.vcpus[c]);
		in_guest[c] = false;
	}
}

static void ack(unsigned int c)
{
	uint32_t iar;

	if (!in_guest[c] || depth[c] >= 16)
		return;
	iar = gm_guest_ack(c);
	if (iar != 1023)
		acked[c][depth[c]++] = iar;
}

static void eoi(unsigned int c)
{
	if (in_guest[c] && depth[c])
		gm_guest_eoi(c, acked[c][--depth[c]]);
}

static void phys_fire(unsigned int virq, bool assert_edge)
{
	unsigned int p = PIRQ(virq), cpu = gm_pirqs[p].target;
	unsigned long f;

	if (assert_edge)
		gm_phys_assert(p);
	host_set_cpu(cpu);
	if (!gm_phys_ack(cpu, p))
		return;
	f = arch_irq_save();
	check(vgic_pt_take(p), "bound pirq refused");
	arch_irq_restore(f);
	softirq_run();
}

static void kicks_and_maint(void)
{
	for (unsigned int c = 0; c < NR_VCPUS; c++) {
		if (host_kicks(c) != kicks_seen[c]) {
			kicks_seen[c] = host_kicks(c);
			if (in_guest[c]) {
				leave(c);
				enter(c);
			}
		}
		if (in_guest[c])
			gm_maint(&vm.vcpus[c]);
	}
}

static void dist(unsigned int c, uint32_t off, unsigned int size, bool wr,
		 uint32_t val)
{
	uint64_t v = val;
	int ret;

	if (in_guest[c])
		return; /* only a vCPU outside guest mode traps */
	host_set_cpu(c);
	ret = vgic_dist_access(&vm.vcpus[c], off, size, wr, &v);
	check(ret == 0 || ret == -22, "dist access result");
	if (ret == 0 && !wr)
		check(size == 4 || v <= 0xff, "byte read too wide");
}

static void setup(void)
{
	gm_vm_setup(&vm, NR_VCPUS, NR_IRQS, 4);
	memset(in_guest, 0, sizeof(in_guest));
	memset(depth, 0, sizeof(depth));
	memset(kicks_seen, 0, sizeof(kicks_seen));
	for (unsigned int v = FIRST_HW; v < FIRST_HW + NR_HW; v++)
		check(vgic_pt_bind(&vm, v, PIRQ(v)) == 0, "bind");
	/* A booted guest's configuration, so that every path is a few input
	 * bytes away: distributor on, SPIs enabled, edge, spread over the
	 * vCPUs, two priorities. */
	gm_wr(&vm.vcpus[0], GICD_CTLR, 4, 1);
	for (unsigned int r = 1; r < NR_IRQS / 32; r++)
		gm_wr(&vm.vcpus[0], GICD_ISENABLER + 4 * r, 4, 0xffffffff);
	for (unsigned int r = 2; r < NR_IRQS / 16; r++)
		gm_wr(&vm.vcpus[0], GICD_ICFGR + 4 * r, 4, 0xaaaaaaaa);
	for (unsigned int i = 32; i < NR_IRQS; i += 4) {
		gm_wr(&vm.vcpus[0], GICD_ITARGETSR + i, 4, 0x08040201);
		gm_wr(&vm.vcpus[0], GICD_IPRIORITYR + i, 4, 0x80a080a0);
	}
}

static void drain(void)
{
	for (unsigned int c = 0; c < NR_VCPUS; c++)
		leave(c);
	for (unsigned int c = 0; c < NR_VCPUS; c++) {
		struct vcpu *v = &vm.vcpus[c];

		gm_wr(v, GICD_CTLR, 4, 3);
		for (unsigned int r = 0; r < NR_IRQS / 32; r++) {
			gm_wr(v, GICD_ISENABLER + 4 * r, 4, 0xffffffff);
			gm_wr(v, GICD_ICACTIVER + 4 * r, 4, 0xffffffff);
		}
	}
	for (unsigned int i = 32; i < NR_IRQS; i++)
		gm_wr(&vm.vcpus[0], GICD_ITARGETSR + i, 1,
		      1u << (i % NR_VCPUS));
	for (unsigned int round = 0; round < 64; round++) {
		bool busy = false;

		for (unsigned int c = 0; c < NR_VCPUS; c++)
			busy |= !list_empty(&vm.vcpus[c].vgic.inflight);
		for (unsigned int v = FIRST_HW; v < FIRST_HW + NR_HW; v++)
			busy |= gm_pirqs[PIRQ(v)].pending;
		if (!busy)
			break;
		for (unsigned int c = 0; c < NR_VCPUS; c++) {
			enter(c);
			for (unsigned int k = 0; k < 16; k++)
				ack(c);
			while (depth[c])
				eoi(c);
			kicks_and_maint();
			leave(c);
		}
		for (unsigned int v = FIRST_HW; v < FIRST_HW + NR_HW; v++)
			phys_fire(v, false);
	}
	check(vgic_check_invariants(&vm) == 0, "after drain");
	for (unsigned int c = 0; c < NR_VCPUS; c++) {
		check(list_empty(&vm.vcpus[c].vgic.inflight), "inflight left");
		for (unsigned int r = 0; r < NR_IRQS / 32; r++)
			check(gm_rd(&vm.vcpus[c], GICD_ISPENDR + 4 * r, 4) == 0,
			      "pending left after drain");
	}
	for (unsigned int v = FIRST_HW; v < FIRST_HW + NR_HW; v++) {
		check(!gm_pirqs[PIRQ(v)].active, "physical IRQ orphaned");
		check(!gm_pirqs[PIRQ(v)].pending, "physical IRQ stuck");
	}
	check(vm.vgic.stats.moves_stranded == 0, "moves lost");
	check(vm.vgic.stats.moves_requested ==
		      vm.vgic.stats.moves_lr_pending +
			      vm.vgic.stats.moves_maint +
			      vm.vgic.stats.moves_exit,
	      "moves requested != completed");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};

	setup();
	while (in.n) {
		uint32_t op = take(&in, 1);
		unsigned int c = (op >> 4) % NR_VCPUS;

		switch (op & 0xf) {
		case 0:
		case 1:
		case 2: {
			uint32_t off = take(&in, 2) % GICD_SIZE;
			unsigned int size = 1u << (take(&in, 1) % 3);

			dist(c, off & ~(size - 1), size, op & 1, take(&in, 4));
			break;
		}
		case 3: /* write to a hot register: enables, targets, SGIR */
			dist(c,
			     (const uint32_t[]){
				     GICD_ISENABLER, GICD_ISENABLER + 4,
				     GICD_ISENABLER + 8, GICD_ITARGETSR + 32,
				     GICD_ITARGETSR + 64, GICD_SGIR,
				     GICD_ISPENDR + 4,
				     GICD_CTLR}[take(&in, 1) % 8],
			     4, true, take(&in, 4));
			break;
		case 4:
			vgic_inject(&vm.vcpus[c], 16 + take(&in, 1) % 80);
			break;
		case 5:
			phys_fire(FIRST_HW + take(&in, 1) % NR_HW, true);
			break;
		case 6:
			enter(c);
			break;
		case 7:
			leave(c);
			break;
		case 8:
		case 9:
			ack(c);
			break;
		case 10:
		case 11:
			eoi(c);
			break;
		case 12:
			dist(c,
			     GICD_ITARGETSR + 32 +
				     take(&in, 1) % (NR_IRQS - 32),
			     1, true, 1u << take(&in, 1) % NR_VCPUS);
			break;
		case 13:
			kicks_and_maint();
			break;
		case 14:
			vgic_set_level(&vm.vcpus[c], 16 + take(&in, 1) % 80,
				       op & 0x40);
			break;
		case 15:
			phys_fire(FIRST_HW + take(&in, 1) % NR_HW, false);
			break;
		}
		check(vgic_check_invariants(&vm) == 0, "after step");
		for (unsigned int v = FIRST_HW; v < FIRST_HW + NR_HW; v++)
			check(gm_pirqs[PIRQ(v)].bad_dirs == 0,
			      "physical IRQ deactivated twice");
	}
	/* Level lines low, so draining can end. */
	for (unsigned int c = 0; c < NR_VCPUS; c++)
		for (unsigned int i = 16; i < NR_IRQS; i++)
			vgic_set_level(&vm.vcpus[c], i, false);
	drain();
	return 0;
}
