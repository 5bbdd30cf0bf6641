/* SPDX-License-Identifier: MIT */
/*
 * Syndrome decoding (arch/arm/trap.c) on real ESR_EL2 values, built field by
 * field in the comments from the ARM ARM ISS encodings, and the portable
 * data-abort path (core/trap.c) that uses it.
 */
#include <stdlib.h>
#include <string.h>

#include "arch_vcpu.h"
#include "esr.h"
#include "test.h"
#include "trap.h"
#include "vm.h"

/* ldr w1, [x2] from EL1, stage-2 translation fault level 2:
 * EC 0x24, IL, ISV, SAS 2, SRT 1, SF 0, WnR 0, DFSC 0x06. */
#define ESR_LDR_W1 0x93810006ULL
/* strb w3, [x4]: SAS 0, SRT 3, WnR, DFSC 0x07. */
#define ESR_STRB_W3 0x93030047ULL
/* ldrsh x5, [x0]: SAS 1, SSE, SRT 5, SF, DFSC 0x07. */
#define ESR_LDRSH_X5 0x93658007ULL
/* ldrsb w7, [x1]: SAS 0, SSE, SRT 7, SF 0. */
#define ESR_LDRSB_W7 0x93270007ULL
/* str x30, [x1]: SAS 3, SRT 30, SF, WnR. */
#define ESR_STR_X30 0x93de8047ULL
/* str xzr, [x1]: SAS 3, SRT 31, SF, WnR. */
#define ESR_STR_XZR 0x93df8047ULL

TEST(trap_decode_ldr_w_data_abort)
{
	struct trap_info ti;

	trap_decode(ESR_LDR_W1, &ti);
	EXPECT_EQ(ti.cls, TRAP_DABT);
	EXPECT_EQ(ti.ec, 0x24);
	EXPECT_TRUE(ti.il);
	EXPECT_TRUE(ti.isv);
	EXPECT_FALSE(ti.write);
	EXPECT_EQ(ti.size, 4);
	EXPECT_EQ(ti.reg, 1);
	EXPECT_FALSE(ti.sign_extend);
	EXPECT_FALSE(ti.sf);
	EXPECT_EQ(ti.fsc, ESR_FSC_TRANS(2));
	EXPECT_FALSE(ti.s1ptw);
	EXPECT_FALSE(ti.same_el);
}

TEST(trap_decode_strb_data_abort)
{
	struct trap_info ti;

	trap_decode(ESR_STRB_W3, &ti);
	EXPECT_EQ(ti.cls, TRAP_DABT);
	EXPECT_TRUE(ti.write);
	EXPECT_EQ(ti.size, 1);
	EXPECT_EQ(ti.reg, 3);
	EXPECT_EQ(ti.fsc, 0x07);
}

TEST(trap_decode_ldrsh_x_is_sign_extended_to_64_bits)
{
	struct trap_info ti;

	trap_decode(ESR_LDRSH_X5, &ti);
	EXPECT_FALSE(ti.write);
	EXPECT_EQ(ti.size, 2);
	EXPECT_EQ(ti.reg, 5);
	EXPECT_TRUE(ti.sign_extend);
	EXPECT_TRUE(ti.sf);
}

TEST(trap_decode_str_x30_is_a_64_bit_store)
{
	struct trap_info ti;

	trap_decode(ESR_STR_X30, &ti);
	EXPECT_TRUE(ti.write);
	EXPECT_EQ(ti.size, 8);
	EXPECT_EQ(ti.reg, 30);
	EXPECT_TRUE(ti.sf);
}

TEST(trap_decode_str_xzr_reports_register_31)
{
	struct trap_info ti;

	trap_decode(ESR_STR_XZR, &ti);
	EXPECT_EQ(ti.reg, TRAP_REG_ZERO);
	EXPECT_EQ(ti.size, 8);
}

TEST(trap_decode_data_abort_without_isv_has_no_access_details)
{
	struct trap_info ti;

	/* ldp x0, x1, [x2] on MMIO: ISV 0, WnR 0, S1PTW 0, DFSC 0x05; the
	 * SAS/SRT bits are garbage here and must be ignored. */
	trap_decode(0x92c50005ULL, &ti);
	EXPECT_EQ(ti.cls, TRAP_DABT);
	EXPECT_FALSE(ti.isv);
	EXPECT_EQ(ti.size, 0);
	EXPECT_EQ(ti.reg, 0);
	EXPECT_FALSE(ti.sign_extend);
	EXPECT_EQ(ti.fsc, ESR_FSC_TRANS(1));
}

TEST(trap_decode_data_abort_on_a_stage1_walk)
{
	struct trap_info ti;

	/* S1PTW, EA, DFSC 0x10, taken from EL2 itself (EC 0x25). */
	trap_decode(0x96000290ULL, &ti);
	EXPECT_EQ(ti.cls, TRAP_DABT);
	EXPECT_TRUE(ti.same_el);
	EXPECT_TRUE(ti.s1ptw);
	EXPECT_TRUE(ti.ea);
	EXPECT_EQ(ti.fsc, ESR_FSC_SEA);
}

TEST(trap_decode_instruction_abort)
{
	struct trap_info ti;

	/* EC 0x20, IL, S1PTW, IFSC 0x06 (translation fault level 2). */
	trap_decode(0x82000086ULL, &ti);
	EXPECT_EQ(ti.cls, TRAP_IABT);
	EXPECT_EQ(ti.ec, 0x20);
	EXPECT_FALSE(ti.same_el);
	EXPECT_TRUE(ti.s1ptw);
	EXPECT_EQ(ti.fsc, 0x06);
	EXPECT_FALSE(ti.write);
}

TEST(trap_decode_hvc64_immediate)
{
	struct trap_info ti;

	trap_decode(0x5a001234ULL, &ti); /* hvc #0x1234 */
	EXPECT_EQ(ti.cls, TRAP_HVC);
	EXPECT_EQ(ti.ec, 0x16);
	EXPECT_EQ(ti.imm16, 0x1234);
}

TEST(trap_decode_hvc32_immediate)
{
	struct trap_info ti;

	trap_decode(0x4a00beefULL, &ti); /* AArch32 hvc #0xbeef */
	EXPECT_EQ(ti.cls, TRAP_HVC);
	EXPECT_EQ(ti.ec, 0x12);
	EXPECT_EQ(ti.imm16, 0xbeef);
}

TEST(trap_decode_smc64_and_smc32)
{
	struct trap_info ti;

	trap_decode(0x5e000000ULL, &ti); /* smc #0 */
	EXPECT_EQ(ti.cls, TRAP_SMC);
	EXPECT_EQ(ti.imm16, 0);
	trap_decode(0x5e000007ULL, &ti); /* smc #7 */
	EXPECT_EQ(ti.imm16, 7);
	/* AArch32 SMC: CV 1, COND 0xe; no immediate in the syndrome. */
	trap_decode(0x4fe00000ULL, &ti);
	EXPECT_EQ(ti.cls, TRAP_SMC);
	EXPECT_EQ(ti.ec, 0x13);
	EXPECT_EQ(ti.imm16, 0);
}

TEST(trap_decode_wfi_and_wfe)
{
	struct trap_info ti;

	trap_decode(0x06000000ULL, &ti);
	EXPECT_EQ(ti.cls, TRAP_WFX);
	EXPECT_FALSE(ti.wfe);
	trap_decode(0x06000001ULL, &ti);
	EXPECT_EQ(ti.cls, TRAP_WFX);
	EXPECT_TRUE(ti.wfe);
}

TEST(trap_decode_mrs_id_aa64mmfr0_el1)
{
	struct trap_info ti;

	/* mrs x1, id_aa64mmfr0_el1: op0 3, op1 0, CRn 0, CRm 7, op2 0. */
	trap_decode(0x6230002fULL, &ti);
	EXPECT_EQ(ti.cls, TRAP_SYSREG);
	EXPECT_EQ(ti.op0, 3);
	EXPECT_EQ(ti.op1, 0);
	EXPECT_EQ(ti.crn, 0);
	EXPECT_EQ(ti.crm, 7);
	EXPECT_EQ(ti.op2, 0);
	EXPECT_EQ(ti.rt, 1);
	EXPECT_TRUE(ti.read);
}

TEST(trap_decode_msr_cntv_ctl_el0)
{
	struct trap_info ti;

	/* msr cntv_ctl_el0, x5: op0 3, op1 3, CRn 14, CRm 3, op2 1. */
	trap_decode(0x6232f8a6ULL, &ti);
	EXPECT_EQ(ti.cls, TRAP_SYSREG);
	EXPECT_EQ(ti.op0, 3);
	EXPECT_EQ(ti.op1, 3);
	EXPECT_EQ(ti.crn, 14);
	EXPECT_EQ(ti.crm, 3);
	EXPECT_EQ(ti.op2, 1);
	EXPECT_EQ(ti.rt, 5);
	EXPECT_FALSE(ti.read);
}

TEST(trap_decode_aarch32_mrc_p15)
{
	struct trap_info ti;

	/* mrc p15, 0, r2, c0, c0, 5 (MPIDR), CV 1, COND 0xe. */
	trap_decode(0x0fea0041ULL, &ti);
	EXPECT_EQ(ti.cls, TRAP_CP15);
	EXPECT_EQ(ti.op1, 0);
	EXPECT_EQ(ti.crn, 0);
	EXPECT_EQ(ti.crm, 0);
	EXPECT_EQ(ti.op2, 5);
	EXPECT_EQ(ti.rt, 2);
	EXPECT_TRUE(ti.read);
}

/* The same MRC from FIQ mode into r8, taken to AArch64 EL2: ESR_EL2's Rt
 * [9:5] names X24, the AArch64 view of r8_fiq (ARM ARM, "Mapping of
 * AArch32 registers to AArch64"). */
TEST(trap_decode_aarch32_mrc_p15_rt_is_the_aarch64_view)
{
	struct trap_info ti;

	trap_decode(0x0fea0301ULL, &ti);
	EXPECT_EQ(ti.cls, TRAP_CP15);
	EXPECT_EQ(ti.op2, 5);
	EXPECT_EQ(ti.rt, 24);
	EXPECT_TRUE(ti.read);
}

TEST(trap_decode_aarch32_mcrr_p15)
{
	struct trap_info ti;

	/* mcrr p15, 0, r0, r1, c2 (TTBR0). */
	trap_decode(0x13e00404ULL, &ti);
	EXPECT_EQ(ti.cls, TRAP_CP15_64);
	EXPECT_EQ(ti.op1, 0);
	EXPECT_EQ(ti.rt, 0);
	EXPECT_EQ(ti.rt2, 1);
	EXPECT_EQ(ti.crm, 2);
	EXPECT_FALSE(ti.read);
}

TEST(trap_decode_unknown_classes)
{
	struct trap_info ti;

	trap_decode(0x02000000ULL, &ti); /* EC 0 */
	EXPECT_EQ(ti.cls, TRAP_UNKNOWN);
	EXPECT_EQ(ti.ec, 0);
	trap_decode(0x56000000ULL, &ti); /* SVC64: never routed to EL2 */
	EXPECT_EQ(ti.cls, TRAP_UNKNOWN);
	EXPECT_EQ(ti.ec, 0x15);
	trap_decode(0xbe000000ULL, &ti); /* SError */
	EXPECT_EQ(ti.cls, TRAP_UNKNOWN);
	EXPECT_EQ(ti.ec, 0x2f);
}

TEST(trap_decode_ignores_esr_bits_above_31)
{
	struct trap_info ti;

	/* ESR_EL2[36:32] is ISS2 (FEAT_LS64 etc.): not part of EC. */
	trap_decode(0x1f00000000ULL | ESR_LDR_W1, &ti);
	EXPECT_EQ(ti.cls, TRAP_DABT);
	EXPECT_EQ(ti.iss, 0x1810006);
}

TEST(mmio_load_extend_zero_extends_by_default)
{
	EXPECT_EQ(mmio_load_extend(0xabcd8765, 2, false, false), 0x8765);
	EXPECT_EQ(mmio_load_extend(0xabcd8765, 2, false, true), 0x8765);
	EXPECT_EQ(mmio_load_extend(0x1122334455667788ULL, 1, false, true),
		  0x88);
	EXPECT_EQ(mmio_load_extend(0xffffffff80000000ULL, 4, false, false),
		  0x80000000);
	EXPECT_EQ(mmio_load_extend(0x8877665544332211ULL, 8, false, true),
		  0x8877665544332211ULL);
}

TEST(mmio_load_extend_ldrsb_w_sign_extends_to_32_bits)
{
	EXPECT_EQ(mmio_load_extend(0x80, 1, true, false), 0xffffff80);
	EXPECT_EQ(mmio_load_extend(0x7f, 1, true, false), 0x7f);
}

TEST(mmio_load_extend_ldrsb_x_sign_extends_to_64_bits)
{
	EXPECT_EQ(mmio_load_extend(0x1280, 1, true, true),
		  0xffffffffffffff80ULL);
}

TEST(mmio_load_extend_ldrsh_and_ldrsw)
{
	EXPECT_EQ(mmio_load_extend(0x8001, 2, true, true),
		  0xffffffffffff8001ULL);
	EXPECT_EQ(mmio_load_extend(0x7fff, 2, true, true), 0x7fff);
	EXPECT_EQ(mmio_load_extend(0x80000000, 4, true, true),
		  0xffffffff80000000ULL);
	EXPECT_EQ(mmio_load_extend(0x8001, 2, true, false), 0xffff8001);
}

TEST(mmio_store_value_truncates_to_the_access_size)
{
	EXPECT_EQ(mmio_store_value(0x1122334455667788ULL, 1), 0x88);
	EXPECT_EQ(mmio_store_value(0x1122334455667788ULL, 2), 0x7788);
	EXPECT_EQ(mmio_store_value(0x1122334455667788ULL, 4), 0x55667788);
	EXPECT_EQ(mmio_store_value(0x1122334455667788ULL, 8),
		  0x1122334455667788ULL);
}

/* ---- trap_emulate_mmio: the data-abort path of the trap handler ---------- */

struct rec_dev {
	unsigned int calls;
	uint64_t offset, written, read_value;
	unsigned int size;
	bool write;
};

static int rec_access(void *opaque, struct vcpu *v, uint64_t offset,
		      unsigned int size, bool write, uint64_t *val)
{
	struct rec_dev *d = opaque;

	d->calls++;
	d->offset = offset;
	d->size = size;
	d->write = write;
	if (write)
		d->written = *val;
	else
		*val = d->read_value;
	return 0;
}

static struct vm tvm;

/* A vCPU whose VM's bus has @dev at 0x08000000, its registers zeroed. */
static struct vcpu *rec_vcpu(struct mmio_bus *bus, struct rec_dev *dev)
{
	memset(&tvm, 0, sizeof(tvm));
	tvm.mmio = bus;
	tvm.nr_vcpus = 1;
	tvm.vcpus[0].vm = &tvm;
	mmio_bus_init(bus);
	mmio_register(bus, 0x08000000, 0x1000, rec_access, dev, 0);
	return &tvm.vcpus[0];
}

TEST(trap_emulate_mmio_ldrsh_x_sign_extends_into_the_register)
{
	struct mmio_bus bus;
	struct rec_dev dev = {.read_value = 0x12348001};
	struct vcpu *v;
	struct trap_info ti;

	v = rec_vcpu(&bus, &dev);
	vcpu_set_reg(v, 5, 0x5555);
	trap_decode(ESR_LDRSH_X5, &ti);
	EXPECT_EQ(trap_emulate_mmio(v, &ti, 0x08000104, false), MMIO_HANDLED);
	EXPECT_EQ(dev.calls, 1);
	EXPECT_EQ(dev.offset, 0x104);
	EXPECT_EQ(dev.size, 2);
	/* An X register: 64 bits where the hypervisor's registers have them. */
	EXPECT_EQ(vcpu_get_reg(v, 5), (vreg_t)0xffffffffffff8001ULL);
}

TEST(trap_emulate_mmio_strb_sends_the_low_byte)
{
	struct mmio_bus bus;
	struct rec_dev dev = {0};
	struct vcpu *v;
	struct trap_info ti;

	v = rec_vcpu(&bus, &dev);
	vcpu_set_reg(v, 3, 0xaabbccdd);
	trap_decode(ESR_STRB_W3, &ti);
	EXPECT_EQ(trap_emulate_mmio(v, &ti, 0x08000800, false), MMIO_HANDLED);
	EXPECT_TRUE(dev.write);
	EXPECT_EQ(dev.written, 0xdd);
	EXPECT_EQ(vcpu_get_reg(v, 3), 0xaabbccdd);
}

TEST(trap_emulate_mmio_str_xzr_writes_zero)
{
	struct mmio_bus bus;
	struct rec_dev dev = {.written = 1};
	struct vcpu *v;
	struct trap_info ti;

	v = rec_vcpu(&bus, &dev);
	for (unsigned int i = 0; i < 31; i++)
		vcpu_set_reg(v, i, ~(vreg_t)0);
	trap_decode(ESR_STR_XZR, &ti);
	EXPECT_EQ(trap_emulate_mmio(v, &ti, 0x08000008, false), MMIO_HANDLED);
	EXPECT_EQ(dev.written, 0);
}

TEST(trap_emulate_mmio_never_dispatches_an_abort_without_isv)
{
	struct mmio_bus bus;
	struct rec_dev dev = {.read_value = 7};
	struct vcpu *v;
	struct trap_info ti;

	v = rec_vcpu(&bus, &dev);
	/* ldp on the distributor: ISV 0, the SAS/SRT bits are garbage. */
	trap_decode(0x92c50005ULL, &ti);
	EXPECT_EQ(trap_emulate_mmio(v, &ti, 0x08000000, false), MMIO_FAULT);
	/* A fault on a stage-1 walk, even with ISV set. */
	trap_decode(ESR_LDR_W1 | ESR_ABT_S1PTW, &ti);
	EXPECT_EQ(trap_emulate_mmio(v, &ti, 0x08000000, false), MMIO_FAULT);
	/* Not a data abort at all. */
	trap_decode(0x5a001234ULL, &ti);
	EXPECT_EQ(trap_emulate_mmio(v, &ti, 0x08000000, false), MMIO_FAULT);
	EXPECT_EQ(dev.calls, 0);
	EXPECT_EQ(vcpu_get_reg(v, 1), 0);
}

TEST(trap_emulate_mmio_leaves_the_register_alone_when_unhandled)
{
	struct mmio_bus bus;
	struct rec_dev dev = {.read_value = 7};
	struct vcpu *v;
	struct trap_info ti;

	v = rec_vcpu(&bus, &dev);
	vcpu_set_reg(v, 1, 0x1111);
	trap_decode(ESR_LDR_W1, &ti);
	EXPECT_EQ(trap_emulate_mmio(v, &ti, 0x09000000, false), MMIO_UNHANDLED);
	/* Straddles the region's end. */
	EXPECT_EQ(trap_emulate_mmio(v, &ti, 0x08000ffe, false), MMIO_FAULT);
	EXPECT_EQ(dev.calls, 0);
	EXPECT_EQ(vcpu_get_reg(v, 1), 0x1111);
}

TEST(trap_emulate_mmio_ldrsb_w_sign_extends_to_32_bits_only)
{
	struct mmio_bus bus;
	struct rec_dev dev = {.read_value = 0x1280};
	struct vcpu *v;
	struct trap_info ti;

	v = rec_vcpu(&bus, &dev);
	vcpu_set_reg(v, 7, ~(vreg_t)0);
	trap_decode(ESR_LDRSB_W7, &ti);
	EXPECT_EQ(trap_emulate_mmio(v, &ti, 0x08000004, false), MMIO_HANDLED);
	/* A W register: the upper half of X7 is zero. */
	EXPECT_EQ(vcpu_get_reg(v, 7), 0xffffff80);
}

TEST(trap_emulate_mmio_with_lrs_loaded_retries_an_unmarked_region)
{
	struct mmio_bus bus;
	struct rec_dev dev = {.read_value = 7};
	struct vcpu *v;
	struct trap_info ti;

	v = rec_vcpu(&bus, &dev);
	vcpu_set_reg(v, 1, 0x1111);
	trap_decode(ESR_LDR_W1, &ti);
	EXPECT_EQ(trap_emulate_mmio(v, &ti, 0x08000000, true), MMIO_RETRY);
	EXPECT_EQ(dev.calls, 0);
	EXPECT_EQ(vcpu_get_reg(v, 1), 0x1111);
}
