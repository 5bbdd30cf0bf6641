/* SPDX-License-Identifier: MIT */
/*
 * PSCI 1.1 for guests (ARM DEN 0022D), answered by vigil through HVC or a
 * trapped SMC. vCPU power state lives in struct vcpu under power_lock.
 *
 * Where PSCI leaves a choice, vigil answers as KVM and Xen do, the
 * hypervisors guests meet most (docs/vgic.md, "PSCI choices"): a vCPU
 * counts as on from the moment a CPU_ON for it is accepted, so a second
 * CPU_ON gets ALREADY_ON (not ON_PENDING) and AFFINITY_INFO says ON.
 */
#include "arch_vcpu.h"
#include "hvcall.h"
#include "hypercall.h"
#include "printk.h"
#include "sched.h"
#include "vm.h"

static struct vcpu *vcpu_by_mpidr(struct vm *vm, uint64_t mpidr)
{
	/* Only Aff0 is used; higher affinity fields must be zero. */
	if ((mpidr & MPIDR_HWID_MASK) != (mpidr & 0xff))
		return NULL;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if ((vm->vcpus[i].vmpidr & MPIDR_HWID_MASK) == mpidr)
			return &vm->vcpus[i];
	return NULL;
}

int vcpu_power_on(struct vcpu *t, uint64_t entry, uint64_t context, bool boot)
{
	int ret = PSCI_SUCCESS;
	unsigned long flags;

	if (!vm_ipa_is_ram(t->vm, entry, 4) || (entry & 3))
		return PSCI_INVALID_ADDRESS;
	flags = spin_lock_irqsave(&t->power_lock);
	/* on_pending implies state != OFFLINE: ALREADY_ON, not ON_PENDING,
	 * which PSCI permits but guests written for KVM do not expect. */
	if (t->state != VCPU_OFFLINE)
		ret = PSCI_ALREADY_ON;
	else {
		t->on_pending = true;
		t->on_entry = entry;
		t->on_context = context;
		t->on_boot = boot;
		t->state = VCPU_RUNNABLE;
	}
	spin_unlock_irqrestore(&t->power_lock, flags);
	if (ret == PSCI_SUCCESS)
		sched_wake(t);
	return ret;
}

static int64_t psci_cpu_off(struct vcpu *v)
{
	struct vm *vm = v->vm;
	unsigned int online = 0;
	unsigned long flags;

	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (READ_ONCE(vm->vcpus[i].state) != VCPU_OFFLINE)
			online++;
	/* The last vCPU of a VM cannot go: the VM would be gone with no way
	 * back. PSCI lets CPU_OFF fail with DENIED. */
	if (online <= 1)
		return PSCI_DENIED;
	flags = spin_lock_irqsave(&v->power_lock);
	v->state = VCPU_OFFLINE;
	spin_unlock_irqrestore(&v->power_lock, flags);
	return PSCI_SUCCESS; /* not seen by the guest: the vCPU is off */
}

/*
 * PSCI 1.1 §5.1.5: ON if any vCPU whose MPIDR matches @mpidr in the
 * affinity levels >= @level is on (accepted CPU_ON included), else OFF;
 * INVALID_PARAMETERS for a level above 3 (above 2 for an SMC32 call, which
 * has no Aff3), bits set outside the affinity fields or no such vCPU.
 */
static int64_t psci_affinity_info(struct vcpu *v, uint64_t mpidr,
				  uint64_t level, bool smc64)
{
	static const uint64_t ignore[] = {0, 0xff, 0xffff, 0xffffff};
	struct vm *vm = v->vm;
	uint64_t mask;
	bool found = false;

	if (level > (smc64 ? 3 : 2) || (mpidr & ~MPIDR_HWID_MASK))
		return PSCI_INVALID_PARAMETERS;
	mask = MPIDR_HWID_MASK & ~ignore[level];
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *t = &vm->vcpus[i];

		if ((t->vmpidr & mask) != (mpidr & mask))
			continue;
		found = true;
		if (READ_ONCE(t->state) != VCPU_OFFLINE)
			return PSCI_AFF_ON;
	}
	return found ? PSCI_AFF_OFF : PSCI_INVALID_PARAMETERS;
}

/*
 * CPU_SUSPEND's power_state in the original format (PSCI 1.1 §5.4.2.1,
 * PSCI_FEATURES says so): StateID [15:0], StateType [16] (1: powerdown),
 * PowerLevel [25:24]; the other bits are reserved and must be zero. A
 * vCPU's levels are the core (0) and the one cluster of the VM (1).
 */
#define PSCI_PS_TYPE_POWERDOWN (1U << 16)
#define PSCI_PS_LEVEL(ps) (((ps) >> 24) & 3)
#define PSCI_PS_RESERVED 0xfcfe0000U

static int64_t psci_cpu_suspend(struct vcpu *v, uint32_t ps, uint64_t entry)
{
	if ((ps & PSCI_PS_RESERVED) || PSCI_PS_LEVEL(ps) > 1)
		return PSCI_INVALID_PARAMETERS;
	if ((ps & PSCI_PS_TYPE_POWERDOWN) &&
	    (!vm_ipa_is_ram(v->vm, entry, 4) || (entry & 3)))
		return PSCI_INVALID_ADDRESS;
	/* Every valid state is taken as standby: wait for an interrupt,
	 * then return SUCCESS. PSCI lets an implementation return from a
	 * powerdown request as if from standby (§5.4.2: the caller must
	 * cope with the call returning), and the vCPU keeps its context. */
	sched_block(v);
	return PSCI_SUCCESS;
}

/* SYSTEM_RESET2 (PSCI 1.1 §5.11): the one architectural reset type,
 * SYSTEM_WARM_RESET (0), resets the VM as SYSTEM_RESET does; no vendor
 * type (bit 31) is implemented. */
static int64_t psci_system_reset2(struct vcpu *v, uint64_t type)
{
	if (type != 0)
		return PSCI_INVALID_PARAMETERS;
	vm_reset(v);
	return PSCI_SUCCESS; /* not seen: the vCPU starts over */
}

/* SMCCC (ARM DEN 0028): the SMC64/HVC64 convention is for AArch64
 * callers only; to an AArch32 caller every SMC64 function ID (bit 30) is
 * unknown, as KVM answers too. */
#define SMCCC_SMC64 0x40000000U

static bool psci_smc64_from_aarch32(const struct vcpu *v, uint32_t fn)
{
	return (fn & SMCCC_SMC64) && arch_vcpu_aarch32(v);
}

static int64_t psci_features(const struct vcpu *v, uint32_t fn)
{
	if (psci_smc64_from_aarch32(v, fn))
		return PSCI_NOT_SUPPORTED;
	switch (fn) {
	case PSCI_0_2_VERSION:
	case PSCI_0_2_CPU_OFF:
	case PSCI_0_2_CPU_ON:
	case PSCI_0_2_CPU_ON_64:
	case PSCI_0_2_AFFINITY_INFO:
	case PSCI_0_2_AFFINITY_INFO_64:
	case PSCI_0_2_SYSTEM_OFF:
	case PSCI_0_2_SYSTEM_RESET:
	case PSCI_1_0_FEATURES:
	case PSCI_0_2_CPU_SUSPEND:
	case PSCI_0_2_CPU_SUSPEND_64:
	case PSCI_0_2_MIGRATE_INFO_TYPE:
	case PSCI_1_1_SYSTEM_RESET2:
	case PSCI_1_1_SYSTEM_RESET2_64:
		/* CPU_SUSPEND: 0 = original power_state format, platform
		 * coordinated mode only. */
		return PSCI_SUCCESS;
	default:
		return PSCI_NOT_SUPPORTED;
	}
}

bool psci_handle_const(struct vcpu *v, uint32_t fn)
{
	int64_t ret;

	switch (fn) {
	case PSCI_0_2_VERSION:
		ret = 0x10001; /* 1.1 */
		break;
	case PSCI_1_0_FEATURES:
		ret = psci_features(v, (uint32_t)vcpu_get_reg(v, 1));
		break;
	case PSCI_0_2_MIGRATE_INFO_TYPE:
		ret = 2; /* no Trusted OS: nothing to migrate */
		break;
	default:
		return false;
	}
	vcpu_set_reg(v, 0, (vreg_t)ret);
	return true;
}

bool psci_handle(struct vcpu *v, uint32_t fn)
{
	uint64_t a1 = vcpu_get_reg(v, 1), a2 = vcpu_get_reg(v, 2);
	uint64_t a3 = vcpu_get_reg(v, 3);
	int64_t ret;
	struct vcpu *t;

	if ((fn & 0xbf000000) == 0x84000000 && psci_smc64_from_aarch32(v, fn)) {
		vcpu_set_reg(v, 0, (vreg_t)PSCI_NOT_SUPPORTED);
		return true;
	}
	/* SMC32 calls take 32-bit arguments. */
	if (!(fn & SMCCC_SMC64)) {
		a1 = (uint32_t)a1;
		a2 = (uint32_t)a2;
		a3 = (uint32_t)a3;
	}
	switch (fn) {
	case PSCI_0_2_CPU_ON:
	case PSCI_0_2_CPU_ON_64:
		t = vcpu_by_mpidr(v->vm, a1);
		ret = t ? vcpu_power_on(t, a2, a3, false)
			: PSCI_INVALID_PARAMETERS;
		break;
	case PSCI_0_2_CPU_OFF:
		ret = psci_cpu_off(v);
		break;
	case PSCI_0_2_AFFINITY_INFO:
	case PSCI_0_2_AFFINITY_INFO_64:
		ret = psci_affinity_info(v, a1, a2,
					 fn == PSCI_0_2_AFFINITY_INFO_64);
		break;
	case PSCI_0_2_SYSTEM_OFF:
		vm_power_off(v->vm, v);
		ret = PSCI_SUCCESS;
		break;
	case PSCI_0_2_SYSTEM_RESET:
		vm_reset(v);
		ret = PSCI_SUCCESS; /* not seen: the vCPU starts over */
		break;
	case PSCI_1_1_SYSTEM_RESET2:
	case PSCI_1_1_SYSTEM_RESET2_64:
		ret = psci_system_reset2(v, a1);
		break;
	case PSCI_0_2_CPU_SUSPEND:
	case PSCI_0_2_CPU_SUSPEND_64:
		ret = psci_cpu_suspend(v, (uint32_t)a1, a2);
		break;
	default:
		if ((fn & 0xbf000000) != 0x84000000)
			return false; /* not a PSCI (owner 4) call */
		ret = PSCI_NOT_SUPPORTED;
		break;
	}
	vcpu_set_reg(v, 0, (vreg_t)ret);
	return true;
}
