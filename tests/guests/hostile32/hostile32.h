/* SPDX-License-Identifier: MIT */
/*
 * hostile32: shared declarations. Each case prints one line,
 * `hostile <case>: PASS|FAIL <details>`, as tests/guests/hostile does;
 * tests/system/test_arm32_hostile.py knows every case name.
 */
#ifndef HOSTILE32_H
#define HOSTILE32_H

#include "guest_gic.h"

/* QEMU virt (arm), as the arm64 hostile guest's map; vigil's image is
 * where QEMU loads a zImage. */
#define FLASH_PA 0x00000000UL
#define GICD_PA 0x08000000UL
#define GICC_PA 0x08010000UL
#define GICV2M_PA 0x08020000UL /* MSI frame, dropped from guest DTBs */
#define GICH_PA 0x08030000UL
#define GICV_PA 0x08040000UL
#define PL011_PA 0x09000000UL
#define RTC_PA 0x09010000UL
#define VIRTIO_PA 0x0a000000UL
#define PCIE_MMIO_PA 0x10000000UL
#define PCIE_PIO_PA 0x3eff0000UL
#define PCIE_ECAM_PA 0x3f000000UL
#define UNMAPPED_PA 0x30000000UL
#define RAM_PA 0x40000000UL
#define VIGIL_PA 0x40010000UL
#define HOST_DTB_PA 0x48000000UL
#define OTHER_VM_PA 0x60000000UL
#define OTHER_CANARY_PA 0x68000000UL
#define FREE_RAM_PA 0x70000000UL
#define RAM_TOP_PA 0x7ffffffcUL
#define ABOVE_RAM_PA 0x80000000UL
#define PCIE_HIGH_PA 0x4010000000ULL /* the high ECAM: LPAE stage 1 only */

#define RTC_INTID 34	       /* the bystander's passthrough SPI */
#define PL011_INTID 33	       /* vigil's UART: no VM's */
#define FOREIGN_DEVICE "pl031" /* the bystander's RTC */

#define POISON 0x5a5a5a5aUL

/* CPSR (DDI 0406C B1.3.3). */
#define PSR_MODE(p) ((p)&0x1f)
#define MODE_SVC 0x13
#define MODE_ABT 0x17
#define MODE_UND 0x1b
#define PSR_T (1UL << 5)
#define PSR_F (1UL << 6)
#define PSR_I (1UL << 7)
#define PSR_A (1UL << 8)
#define PSR_NZCV 0xf0000000UL

/* The synchronous external abort vigil injects: DFSR/IFSR in the format
 * TTBCR.EAE selects (DFSR: B4.1.52; IFSR alike): short FS 0b01000, long STATUS
 * 0b010000 with the LPAE bit (9); WnR is bit 11 in both. */
#define FSR_SEA_SHORT 0x008UL
#define FSR_SEA_LONG 0x210UL
#define FSR_WNR (1UL << 11)
/* An alignment fault, short-descriptor format (B4.1.52). */
#define FSR_ALIGN_SHORT 0x001UL

extern unsigned int nr_vcpus;
extern uint32_t ram_base, ram_size;

bool result(const char *name, bool ok, const char *fmt, ...) __printf(3, 4);
/* What vigil must have injected, counted as the guest receives it. */
void count_abort(void);
void count_undef(void);

static inline unsigned long cpsr_read(void)
{
	unsigned long v;

	__asm__ __volatile__("mrs %0, cpsr" : "=r"(v));
	return v;
}

/* ---- accesses (probe.c) ---- */

enum access {
	LDRB,
	LDRH,
	LDR,
	LDRD,
	LDM,
	STRB,
	STRH,
	STR,
	STRD,
	STM,
	LDR_POST, /* ldr rt, [rn], #4: writeback, ISV = 0 */
	STR_PRE,  /* str rt, [rn, #4]!: the same, at addr - 4 + 4 */
	FETCH,
	NR_ACCESS,
};

struct probe {
	unsigned long val, val2; /* loaded (POISON if it faulted) */
	unsigned long pc;	 /* the accessing instruction */
	unsigned long cpsr;	 /* CPSR just before it */
	unsigned long base;	 /* the base register after it */
	bool faulted;
	struct fault f;
};

void probe(enum access a, uint32_t addr, uint32_t val, struct probe *p);
bool access_is_write(enum access a);
const char *access_name(enum access a);
/* True if @p got exactly the external abort vigil injects for @a at
 * @addr: vector, FSR (@lpae: long format), FAR, LR (the faulting
 * instruction), ABT mode with A and I set, SPSR the CPSR before, registers
 * untouched. Counts it (count_abort) when it was one. */
bool probe_is_sea(const struct probe *p, enum access a, uint32_t addr,
		  bool lpae);
/* Details for a result line. */
void probe_describe(const struct probe *p, char *buf, size_t len);

/* ---- sections ---- */
void cases_vfp_entry(const char *who);
void vfp_dirty(uint32_t seed);
void cases_psci(bool smc);
void cases_calls(void);
void cases_memory(void);
void cases_mmu(void);
void cases_cp15(void);
void cases_gicd(void);
/* The distributor cases that need vCPU 1 taking interrupts. */
void cases_gicd_helpers(void);
void cases_usr_t32(void);

long call(bool smc, uint32_t fid, uint32_t a1, uint32_t a2, uint32_t a3);

/* ---- vCPU 1 as a helper (helper.c), as the arm64 guest's ---- */
void delay_ms(unsigned int ms);
bool run_on(unsigned int vcpu, void (*fn)(uint64_t), uint64_t arg);
void run_on_post(unsigned int vcpu, void (*fn)(uint64_t), uint64_t arg);
bool run_on_wait(unsigned int vcpu);
bool run_on_all(void (*fn)(uint64_t), uint64_t arg);
bool start_helpers(void);
/* Each helper returns (CPU_OFF): psci.helper_cpu_off. */
void stop_helpers(void);
/* The arm64 guest's storm.c and dma.c. */
void cases_storm(void);
void case_dma(uint64_t dtb);

#endif
