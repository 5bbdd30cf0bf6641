/* SPDX-License-Identifier: MIT */
/*
 * The hostile guest: shared declarations. Each case prints one line,
 * `hostile <case>: PASS|FAIL <details>`; tests/system/test_hostile.py knows
 * every case name.
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#include "guest_gic.h"

#ifdef GUEST_PLATFORM_RPI4
/* ---- QEMU 10's raspi4b (docs/design.md, its memory map) ---- */
#define GICD_PA 0xff841000UL
#define GICC_PA 0xff842000UL /* the guest's GICC: vigil maps GICV here */
#define GICH_PA 0xff844000UL
#define GICV_PA 0xff846000UL
#define PL011_PA 0xfe215040UL	   /* the mini UART: vigil's console */
#define RTC_PA 0xfe201000UL	   /* the PL011: the bystander VM's */
#define PCIE_MMIO_PA 0xfd500000UL  /* the PCIe bridge's registers */
#define PCIE_HIGH_PA 0x600000000UL /* its outbound window */
#define UNMAPPED_PA 0x0c000000UL   /* RAM no VM owns, below the VMs */
#define RAM_PA 0x00800000UL	   /* vigil's page allocator */
#define VIGIL_PA 0x00080000UL	   /* vigil's image */
#define HOST_DTB_PA 0x08000000UL
#define OTHER_VM_PA 0x20000000UL
#define OTHER_CANARY_PA 0x28000000UL
#define FREE_RAM_PA 0x30000000UL
#define RAM_TOP_PA 0x3bfffffcUL /* QEMU's 960 MiB */
#define ABOVE_RAM_PA 0x3c000000UL
#define RTC_INTID 153	/* GIC_SPI 121: the PL011s', the bystander's */
#define PL011_INTID 125 /* GIC_SPI 93: the mini UART's, no VM's */
#define FOREIGN_DEVICE "serial@7e201000"
#else
/* ---- QEMU virt, as vigil's docs describe it (docs/design.md) ---- */
#define FLASH_PA 0x00000000UL
#define GICD_PA 0x08000000UL
#define GICC_PA 0x08010000UL   /* the guest's GICC: vigil maps GICV here */
#define GICV2M_PA 0x08020000UL /* MSI frame, dropped from guest DTBs */
#define GICH_PA 0x08030000UL
#define GICV_PA 0x08040000UL
#define PL011_PA 0x09000000UL /* vigil's console UART, no VM's */
#define RTC_PA 0x09010000UL   /* PL031: the bystander VM's */
#define VIRTIO_PA 0x0a000000UL
#define PCIE_MMIO_PA 0x10000000UL
#define PCIE_PIO_PA 0x3eff0000UL
#define PCIE_ECAM_PA 0x3f000000UL
#define UNMAPPED_PA 0x30000000UL
#define RAM_PA 0x40000000UL   /* vigil's page allocator: stage-2 tables */
#define VIGIL_PA 0x40080000UL /* vigil's image */
#define HOST_DTB_PA 0x48000000UL
/* vm@1 (the bystander, tests/guests/bystander): its image and canary. */
#define OTHER_VM_PA 0x60000000UL
#define OTHER_CANARY_PA 0x68000000UL
#define FREE_RAM_PA 0x70000000UL /* RAM no VM owns */

#define RAM_TOP_PA 0x7ffffffcUL
#define ABOVE_RAM_PA 0x80000000UL
#define PCIE_HIGH_PA 0x4010000000UL /* the high ECAM */

#define RTC_INTID 34   /* the bystander's passthrough SPI */
#define PL011_INTID 33 /* vigil's UART: no VM's */
#define FOREIGN_DEVICE "pl031"
#endif

#define POISON 0x5a5a5a5a5a5a5a5aUL

/* ESR_EL1 values vigil injects (ARM ARM D17.2.37): IL set, ISS as below. */
#define ESR_SEA_DABT_EL1 0x96000010UL /* EC 0x25, DFSC 0x10 */
#define ESR_SEA_DABT_EL0 0x92000010UL /* EC 0x24 */
#define ESR_WNR (1UL << 6)
#define ESR_SEA_IABT_EL1 0x86000010UL /* EC 0x21, IFSC 0x10 */
#define ESR_SEA_IABT_EL0 0x82000010UL /* EC 0x20 */
#define ESR_UNDEF 0x02000000UL	      /* EC 0x00 */

extern unsigned int nr_vcpus;

/* Prints `hostile <name>: PASS|FAIL <details>` and counts it. */
bool result(const char *name, bool ok, const char *fmt, ...) __printf(3, 4);

/*
 * What vigil must have injected into this guest, counted as the guest
 * receives it: external aborts (data and instruction) and undefined
 * instructions for instructions vigil traps (HCR_EL2.TIDCP, TACR). The
 * test compares the totals with vigil's aborts_injected / undefs_injected
 * of the hostile VM's pCPUs. Undefined instructions the CPU raises at EL1
 * by itself never reach vigil and are not counted.
 */
void count_abort(void);
void count_undef(void);

/* ---- probes (probe.c, el0.S) ---- */

enum access {
	LD8,
	LD16,
	LD32,
	LD64,
	LDP32,
	LDAR32,
	ST8,
	ST16,
	ST32,
	ST64,
	STP32,
	STLR32,
	FETCH,
};

struct probe {
	uint64_t val; /* what a load returned (POISON if it faulted) */
	uint64_t pc;  /* address of the accessing instruction */
	bool faulted;
	struct fault f;
};

/* One access of kind @a at @addr (a store writes @val), with fault capture.
 * An external abort received is counted (count_abort). */
void probe(enum access a, uint64_t addr, uint64_t val, struct probe *p);
bool access_is_write(enum access a);
const char *access_name(enum access a);
/* True if @p got exactly the external abort vigil injects for an access
 * of kind @a at @addr from EL1: ESR, FAR and ELR (the faulting insn). */
bool probe_is_sea(const struct probe *p, enum access a, uint64_t addr);

/* Runs @fn at EL0 (SP_EL0 = @sp, x2 = @arg) until it executes SVC or takes
 * any exception; the exception, if not an SVC, is returned in @f. */
bool el0_run(void (*fn)(void), uint64_t arg, struct fault *f);
extern void el0_ldr(void), el0_str(void), el0_br(void), el0_hvc(void),
	el0_smc(void), el0_svc(void);
/* msr pmccfiltr_el0, x2; and mrs x3, pmccfiltr_el0 stored at [x2]. */
extern void el0_msr_pmccfiltr(void), el0_mrs_pmccfiltr(void);

/* ---- the sections ---- */

/* The DTB: RAM and seeds; with @report, its cases. */
void cases_dtb(uint64_t dtb, bool report);
void cases_psci_alone(uint64_t dtb);
void cases_psci_helpers(void);
void cases_calls(uint64_t dtb);
void cases_memory(void);
void cases_sysregs(void);
void cases_gicd(void);
void cases_storm(void);
/* The PMU behind MDCR_EL2.TPM (sysregs.c). */
void cases_pmu(void);
/* hostile.dma=1: only this (dma.c). */
void case_dma(uint64_t dtb);
/* Run first, before anything else touches FP/SIMD registers. */
void case_fpsimd_clean(const char *who);

/* ---- vCPU 1 as a helper (hostile.c) ---- */

/* Runs @fn(arg) on vCPU @vcpu and waits for it (at most 30 s). */
bool run_on(unsigned int vcpu, void (*fn)(uint64_t), uint64_t arg);
/* The two halves of run_on() for vCPU @vcpu != 0: start, then wait. */
void run_on_post(unsigned int vcpu, void (*fn)(uint64_t), uint64_t arg);
bool run_on_wait(unsigned int vcpu);
/* Runs @fn(arg) on every vCPU at once and waits for all. */
bool run_on_all(void (*fn)(uint64_t), uint64_t arg);
/* The VM's RAM, from the DTB's /memory. */
extern uint64_t ram_base, ram_size;
/* The boot seeds of its DTB, as hex (cases_dtb()). */
extern char dtb_rng[40], dtb_kaslr[40];

/* ---- SYSTEM_RESET and SYSTEM_RESET2 (reset.c) ---- */

/* True on a boot after one of the guest's own resets. */
bool after_reset(void);
/* Keeps this boot's results with the earlier boots' where a reset does not
 * reach and does the next reset, which does not return; returns true after
 * the last one, having added every earlier boot's results to @passed..,
 * and false if the reset failed (reported): the VM then powers off. */
bool reset_vm(unsigned int *passed, unsigned int *failed, uint64_t *aborts,
	      uint64_t *undefs);
/* A boot after a reset: the checks, FP/SIMD first. */
void cases_after_reset(uint64_t dtb);
/* SMCCC call through SMC #0 (trapped by vigil). */
long smc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
/* Per vCPU: SPI deliveries counted by the SPI handler. */
extern volatile uint32_t spi_rx[GUEST_MAX_VCPUS][GIC_MAX_INTID];
void spi_rx_handler(unsigned int intid, unsigned int src);
uint32_t spi_rx_count(unsigned int vcpu, unsigned int intid);
/* Waits up to @ms for vCPU @vcpu to have received @want of @intid. */
bool wait_spi(unsigned int vcpu, unsigned int intid, uint32_t want,
	      unsigned int ms);
void delay_ms(unsigned int ms);

#endif
