/* SPDX-License-Identifier: MIT */
/*
 * void vfp_reset_state(void)
 *
 * Give this pCPU's VFP/Advanced SIMD registers their vCPU-reset values:
 * d0-d31 (d0-d15 on a D16 unit) and FPSCR zero, FPEXC zero (EN clear, its
 * reset value: DDI 0406C, the FPEXC register). vigil keeps no copy of a
 * guest's VFP registers; they stay in the pCPU across exits. A pCPU runs
 * one VM's vCPU, but a VM reset (SYSTEM_RESET, a later CPU_ON of the same
 * vCPU) reuses the pCPU, and whatever the guest's previous incarnation or
 * the firmware before vigil left there must not reach the new boot.
 *
 * The only VFP instructions in vigil's image: tools/check-no-fp.sh allows
 * this function, and in it only VMRS, VMSR and VMOV. HYP mode reaches the
 * unit while HCPTR.TCP10/TCP11 are clear (arch_hyp_init_cpu()). Whether
 * there is a unit at all is read from CPACR: its cp10/cp11 fields are
 * RAZ/WI without one (B4.1.40); the guest's CPACR is put back.
 */
	.syntax unified
	.arm
	.fpu	vfpv3
	.text
	.globl vfp_reset_state
vfp_reset_state:
	mrc	p15, 0, r2, c1, c0, 2		@ CPACR
	orr	r3, r2, #(0xf << 20)		@ cp10, cp11: full access
	mcr	p15, 0, r3, c1, c0, 2
	isb
	mrc	p15, 0, r3, c1, c0, 2
	mcr	p15, 0, r2, c1, c0, 2		@ the guest's again
	isb
	tst	r3, #(0xf << 20)
	bxeq	lr				@ no VFP unit
	mov	r0, #0
	mov	r1, #(1 << 30)			@ FPEXC.EN: registers usable
	vmsr	fpexc, r1
	isb
	vmov	d0, r0, r0
	vmov	d1, r0, r0
	vmov	d2, r0, r0
	vmov	d3, r0, r0
	vmov	d4, r0, r0
	vmov	d5, r0, r0
	vmov	d6, r0, r0
	vmov	d7, r0, r0
	vmov	d8, r0, r0
	vmov	d9, r0, r0
	vmov	d10, r0, r0
	vmov	d11, r0, r0
	vmov	d12, r0, r0
	vmov	d13, r0, r0
	vmov	d14, r0, r0
	vmov	d15, r0, r0
	vmrs	r1, mvfr0
	and	r1, r1, #0xf			@ A_SIMD registers: 2 = 32
	cmp	r1, #2
	bne	1f
	vmov	d16, r0, r0
	vmov	d17, r0, r0
	vmov	d18, r0, r0
	vmov	d19, r0, r0
	vmov	d20, r0, r0
	vmov	d21, r0, r0
	vmov	d22, r0, r0
	vmov	d23, r0, r0
	vmov	d24, r0, r0
	vmov	d25, r0, r0
	vmov	d26, r0, r0
	vmov	d27, r0, r0
	vmov	d28, r0, r0
	vmov	d29, r0, r0
	vmov	d30, r0, r0
	vmov	d31, r0, r0
1:	vmsr	fpscr, r0
	vmsr	fpexc, r0
	isb
	bx	lr
