/* SPDX-License-Identifier: MIT */
/* Exception handling: expected faults are recorded and skipped, anything
 * else is reported and powers the system off so a test fails fast. */
#include "guest.h"

/* Per vCPU; written by the vCPU itself (and its own exception handler). */
static struct fault_slot {
	volatile bool armed;
	volatile bool taken;
	volatile bool resume_lr; /* resume at x30, not after the instruction */
	struct fault fault;
} fault_slots[GUEST_MAX_VCPUS];

void fault_expect(void)
{
	struct fault_slot *slot = &fault_slots[this_vcpu()];

	slot->taken = false;
	slot->resume_lr = false;
	slot->armed = true;
	dsb_sy();
}

void fault_expect_return(void)
{
	struct fault_slot *slot = &fault_slots[this_vcpu()];

	slot->taken = false;
	slot->resume_lr = true;
	slot->armed = true;
	dsb_sy();
}

bool fault_take(struct fault *f)
{
	struct fault_slot *slot = &fault_slots[this_vcpu()];
	bool taken;

	dsb_sy();
	slot->armed = false;
	slot->resume_lr = false;
	taken = slot->taken;
	slot->taken = false;
	if (taken && f)
		*f = slot->fault;
	return taken;
}

static __noreturn void exception_unexpected(struct exc_frame *frame,
					    unsigned int type)
{
	gprintf("UNEXPECTED exception on vcpu %u: type=%u esr=0x%lx "
		"far=0x%lx elr=0x%lx spsr=0x%lx\n",
		this_vcpu(), type, read_sysreg(esr_el1), read_sysreg(far_el1),
		frame->elr, frame->spsr);
	psci_system_off();
}

__attribute__((weak)) void guest_irq(struct exc_frame *frame)
{
	exception_unexpected(frame, EXC_IRQ_SPX);
}

__attribute__((weak)) bool guest_lower_el_sync(struct exc_frame *frame)
{
	(void)frame;
	return false;
}

void guest_exception(struct exc_frame *frame, unsigned int type)
{
	struct fault_slot *slot = &fault_slots[this_vcpu()];

	if (type == EXC_IRQ_SPX) {
		guest_irq(frame);
		return;
	}
	if (type == EXC_SYNC_LOWER && guest_lower_el_sync(frame))
		return;
	if ((type != EXC_SYNC_SPX && type != EXC_SYNC_SP0) || !slot->armed ||
	    slot->taken)
		exception_unexpected(frame, type);

#ifdef __arm__
	/* A32: the abort's DFSR/DFAR or IFSR/IFAR; an undef has neither. */
	slot->fault.esr = frame->vec == 0x10   ? read_sysreg(esr_el1)
			  : frame->vec == 0x0c ? read_sysreg(ifsr)
					       : 0;
	slot->fault.far = frame->vec == 0x10   ? read_sysreg(far_el1)
			  : frame->vec == 0x0c ? read_sysreg(ifar)
					       : 0;
	slot->fault.cpsr = frame->cpsr;
	slot->fault.vec = frame->vec;
#else
	slot->fault.esr = read_sysreg(esr_el1);
	slot->fault.far = read_sysreg(far_el1);
#endif
	slot->fault.elr = frame->elr;
	slot->fault.spsr = frame->spsr;
	slot->fault.type = type;
	slot->taken = true;
	if (slot->resume_lr) {
		frame->elr = EXC_FRAME_LR(frame); /* back to the caller */
#ifdef __arm__
		/* In the caller's instruction set: LR bit 0 is T32. */
		frame->spsr =
			(frame->spsr & ~(1UL << 5)) | ((frame->elr & 1) << 5);
		frame->elr &= ~1UL;
#endif
	} else
		frame->elr += 4; /* A64, A32: after the faulting insn */
}
