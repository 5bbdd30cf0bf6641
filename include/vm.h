/* SPDX-License-Identifier: MIT */
/*
 * Virtual machines and their vCPUs. Generic state lives here; what the CPU
 * profile needs (register file, EL1 system registers) is embedded as
 * `struct vcpu_arch` from asm/vcpu.h (per VM, `struct vm_arch` from
 * asm/vm_arch.h), and the vGIC's per-vCPU and per-VM state as
 * `struct vgic_vcpu` / `struct vgic_dist` from vgic.h.
 */
#ifndef VIGIL_VM_H
#define VIGIL_VM_H

#include "compiler.h"
#include "spinlock.h"
#include "asm/vcpu.h"
#include "asm/vm_arch.h"
#include "trap.h"
#include "vgic.h"

struct mmio_bus;

#define VM_MAX_VCPUS 8
#define VM_MAX_VMS 4
#define VM_MAX_RAM 4
#define VM_MAX_DEVS 48
#define VM_DEV_MAX_IRQS 4
#define VM_MAX_NAME 32

enum vcpu_state {
	VCPU_OFFLINE,  /* before PSCI CPU_ON, after CPU_OFF */
	VCPU_RUNNABLE, /* may run, waits for its pCPU */
	VCPU_RUNNING,  /* executing (or about to) on its pCPU */
	VCPU_BLOCKED,  /* in WFI with nothing pending */
};

struct vm;
struct vuart;

/* Where a VM's console is (`vigil,console`, docs/config.md). */
enum vm_console {
	VM_CONSOLE_DEFAULT,	/* not said: chosen by config_parse() */
	VM_CONSOLE_HYPERCALL,	/* the console hypercall only */
	VM_CONSOLE_PASSTHROUGH, /* owns the physical console UART */
	VM_CONSOLE_VUART,	/* an emulated PL011 (core/vuart.c) */
};

struct vcpu {
	unsigned int id; /* index within the VM, also its Aff0 */
	struct vm *vm;
	unsigned int pcpu; /* physical CPU it is pinned to */
	uint64_t vmpidr;   /* MPIDR the guest reads */
	/*
	 * state and the PSCI CPU_ON request are guarded by power_lock; the
	 * pCPU that owns the vCPU polls state in its idle loop.
	 */
	struct spinlock power_lock;
	enum vcpu_state state;
	bool on_pending; /* CPU_ON accepted, entry not yet taken */
	/* ... by the boot protocol (the VM's start, SYSTEM_RESET), not by
	 * PSCI CPU_ON: an AArch32 guest gets r0 = 0, not the argument. */
	bool on_boot;
	uint64_t on_entry, on_context;
	/* pCPU currently executing the vCPU, -1 when it is not in guest mode */
	int running_on;
	struct vgic_vcpu vgic;
	/* The run loop's profile of this vCPU's exits (core/run.c): written
	 * only by its pCPU, read at power-off. prof_since: the counter at the
	 * last exit, charged to class prof_last at the next entry (0: none). */
	struct exit_profile prof;
	uint64_t prof_since;
	unsigned int prof_last;
	struct vcpu_arch arch;
};

/*
 * General-purpose register @n of @v's saved register file, by the number a
 * syndrome gives (a load's or store's Rt, a call's argument): in the
 * hypervisor's native width (vreg_t), through the profile's inline
 * accessors (asm/vcpu.h); the zero register reads as 0 and drops writes.
 * The only way portable code reaches a guest's registers.
 */
static inline vreg_t vcpu_get_reg(struct vcpu *v, unsigned int n)
{
	return arch_get_reg(&v->arch, n);
}

static inline void vcpu_set_reg(struct vcpu *v, unsigned int n, vreg_t val)
{
	arch_set_reg(&v->arch, n, val);
}

#define MPIDR_HWID_MASK 0xff00ffffffULL

/* A guest-physical range backed by host-physical memory. */
struct mem_region {
	uint64_t ipa;
	uint64_t pa;
	uint64_t size;
};

/* A passthrough device: MMIO range (IPA == PA) and its physical SPIs. */
struct vm_device {
	char path[64]; /* host DTB path */
	uint64_t base, size;
	unsigned int nr_irqs;
	unsigned int irqs[VM_DEV_MAX_IRQS];
	/* Masters DMA (core/config.c `dma_master_compat`): with no IOMMU it
	 * reaches all physical memory, not only its VM's. */
	bool dma_master;
};

struct vm {
	unsigned int id;
	char name[VM_MAX_NAME];
	uint16_t vmid;
	unsigned int nr_vcpus;
	struct vcpu vcpus[VM_MAX_VCPUS];
	unsigned int nr_ram;
	struct mem_region ram[VM_MAX_RAM];
	unsigned int nr_devs;
	struct vm_device devs[VM_MAX_DEVS];
	uint64_t entry;	  /* IPA where vCPU 0 starts */
	bool aarch32;	  /* EL1/PL1 is AArch32 (struct vm_config) */
	uint64_t dtb_ipa; /* IPA of the guest's DTB, passed in x0 */
	uint64_t initrd_ipa, initrd_size; /* for /chosen; size 0: none */
	char bootargs[256];
	struct mmio_bus *mmio; /* emulated MMIO regions */
	enum vm_console console;
	struct vuart *vuart; /* VM_CONSOLE_VUART: its PL011, else NULL */
	bool powered_off;
	bool resetting; /* SYSTEM_RESET in progress: vCPUs are stopping */
	unsigned long resets;
	/* Pristine copies for SYSTEM_RESET: the boot image (from the entry
	 * point) and the initrd, kept in vigil's memory. */
	uint64_t image_size, image_save_pa;
	uint64_t initrd_save_pa;
	const void *host_fdt;	  /* the boot DTB, to rebuild the guest's */
	unsigned long dtb_builds; /* guest DTBs built (boot, resets): seeds */
	struct vgic_dist vgic;
	struct vm_arch arch; /* stage-2 root and tables (include/stage2.h) */
};

extern struct vm vms[VM_MAX_VMS];
extern unsigned int nr_vms;

/*
 * Guest RAM (core/guest_mem.c). A range counts only if it lies wholly in
 * one of the VM's RAM regions (len 0 as len 1); anything else is -EFAULT,
 * nothing copied. Copies go page by page through mm_map(): guest RAM is
 * never dereferenced through a pointer kept by vigil.
 */
int vm_ipa_to_pa(const struct vm *vm, uint64_t ipa, uint64_t len, uint64_t *pa);
bool vm_ipa_is_ram(const struct vm *vm, uint64_t ipa, uint64_t len);
/* Copy @len bytes out of / into the VM's RAM at @ipa; 0 or -EFAULT. A copy
 * of 0 bytes succeeds wherever it points. */
int vm_copy_from_guest(const struct vm *vm, void *dst, uint64_t ipa,
		       uint64_t len);
int vm_copy_to_guest(const struct vm *vm, uint64_t ipa, const void *src,
		     uint64_t len);

struct vm_config;
struct boot_info;
/* Build the next VM from @vc; on error one line in @err. */
int vm_create(const struct vm_config *vc, const struct boot_info *bi,
	      const void *host_fdt, char *err, size_t errlen);
/* SYSTEM_RESET from vCPU @self: stop every vCPU of its VM, restore its
 * images, rebuild its DTB and start vCPU 0 again. */
void vm_reset(struct vcpu *self);
/* Power on vCPU 0 of every VM. */
void vms_start(void);
/* Print vigil's counters (at power-off). */
void vigil_print_stats(void);

#endif
