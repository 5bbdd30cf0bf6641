/* SPDX-License-Identifier: MIT */
/* Building VMs from the configuration: RAM, stage 2, vCPUs, guest DTB. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arch.h"
#include "arch_image.h"
#include "arch_vcpu.h"
#include "bootstats.h"
#include "config.h"
#include "console.h"
#include "gic.h"
#include "gicv2_regs.h"
#include "guest_dtb.h"
#include "irq.h"
#include "hvcall.h"
#include "mm.h"
#include "mmio.h"
#include "percpu.h"
#include "printk.h"
#include "sched.h"
#include "stage2.h"
#include "vgic.h"
#include "vm.h"
#include "vuart.h"

struct vm vms[VM_MAX_VMS];
unsigned int nr_vms;
static struct mmio_bus mmio_buses[VM_MAX_VMS];
static struct vuart vuarts[VM_MAX_VMS];

static int vm_map_ram(struct vm *vm, const struct mem_region *r)
{
	return s2_map(vm, r->ipa, r->pa, r->size, S2_MEM_NORMAL);
}

/* Copy the boot loader's initrd just below the guest DTB, in the upper
 * half of the VM's boot RAM (config_boot_ram_end()). */
static int vm_place_initrd(struct vm *vm, const struct vm_config *vc,
			   const struct boot_info *bi, char *err, size_t errlen)
{
	uint64_t end = config_boot_ram_end(vm->ram[0].ipa, vm->ram[0].size,
					   vm->aarch32);
	uint64_t top = ALIGN_DOWN(end - 1, 0x200000ULL);
	uint64_t ipa, dst;

	if (vc->initrd_size && !vc->initrd_from_chosen) {
		vm->initrd_ipa = vc->initrd_base;
		vm->initrd_size = vc->initrd_size;
		return 0;
	}
	if (!vc->initrd_from_chosen)
		return 0;
	ipa = ALIGN_DOWN(top - vc->initrd_size, 0x200000ULL);
	if (ipa < vm->ram[0].ipa + (end - vm->ram[0].ipa) / 2 ||
	    vm_ipa_to_pa(vm, ipa, vc->initrd_size, &dst)) {
		snprintf(err, errlen,
			 "config error: %s: initrd of %llu bytes does not fit "
			 "in the upper half of its memory",
			 vc->node, (unsigned long long)vc->initrd_size);
		return -EINVAL;
	}
	/* Neither end need be mapped: page by page through the window. */
	mm_copy_phys(dst, bi->initrd_start, vc->initrd_size);
	vm->initrd_ipa = ipa;
	vm->initrd_size = vc->initrd_size;
	return 0;
}

/* Map each passthrough device's pages (IPA == PA) and route its SPIs. */
static int vm_attach_devices(struct vm *vm, const struct vm_config *vc,
			     char *err, size_t errlen)
{
	for (unsigned int i = 0; i < vc->nr_devs; i++) {
		const struct vm_device *d = &vc->devs[i];
		uint64_t b = ALIGN_DOWN(d->base, 0x1000ULL);
		uint64_t e = ALIGN_UP(d->base + d->size, 0x1000ULL);
		int r = 0;

		vm->devs[vm->nr_devs++] = *d;
		/* Devices sharing a page (virtio-mmio, 0x200 apart) are
		 * mapped once. */
		for (uint64_t a = b; !r && a < e; a += 0x1000)
			if (!s2_is_mapped(vm, a))
				r = s2_map_device(vm, a, a, 0x1000);
		for (unsigned int j = 0; !r && j < d->nr_irqs; j++)
			r = vgic_pt_bind(vm, d->irqs[j], d->irqs[j]);
		if (r) {
			snprintf(err, errlen,
				 "config error: %s: device %s: passthrough "
				 "failed (%d)",
				 vc->node, d->path, r);
			return r;
		}
	}
	return 0;
}

/* The vGIC, and the GICV frame (with GICC_DIR in its second 4 KiB page)
 * mapped where the guest's GICC is. */
static int vm_attach_gic(struct vm *vm, char *err, size_t errlen)
{
	int r = vgic_vm_attach(vm);

	if (!r)
		r = s2_map_device(vm, vgic_cpu_ipa(), gic_info()->gicv,
				  GICV_SIZE);
	if (r)
		snprintf(err, errlen, "VM '%s': vGIC set-up failed (%d)",
			 vm->name, r);
	return r;
}

/* What SYSTEM_RESET copies back when the image's header does not give its
 * size: a bare-metal payload has no header, and some headers leave the
 * size 0 (arm64 kernels before 3.17). */
#define IMAGE_DEFAULT_SIZE 0x200000ULL

/* The bytes to keep for a reset: what the image's header says it occupies,
 * at least what the configuration loaded (a header that does not say, as
 * pre-3.17 arm64 kernels, would otherwise get IMAGE_DEFAULT_SIZE and come
 * back truncated), IMAGE_DEFAULT_SIZE for a bare-metal payload. */
static uint64_t vm_image_size(struct vm *vm, const struct vm_config *vc)
{
	uint8_t h[ARCH_IMAGE_HDR_SIZE];
	struct arch_image img;
	uint64_t size;

	if (vm_copy_from_guest(vm, h, vm->entry, sizeof(h)))
		return 0;
	if (arch_image_parse(h, sizeof(h), vm->aarch32, &img) || !img.size)
		size = IMAGE_DEFAULT_SIZE;
	else
		size = img.size;
	size = MAX(size, vc->image_size);
	/* Never past the end of RAM. */
	while (size && !vm_ipa_is_ram(vm, vm->entry, size))
		size -= 0x1000;
	return size;
}

/* A copy of [ipa, ipa + size) of @vm's RAM in vigil's heap, or 0. */
static uint64_t save_copy(struct vm *vm, uint64_t ipa, uint64_t size)
{
	unsigned int pages =
		(unsigned int)(ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
	/* Filled whole by the copy below: not zeroed first. */
	uint64_t pa = mm_alloc_pages_unzeroed(pages, 1);

	if (pa && vm_copy_from_guest(vm, mm_heap_virt(pa), ipa, size)) {
		mm_free_pages(pa, pages);
		pa = 0;
	}
	return pa;
}

/* Keep what SYSTEM_RESET needs to boot the VM again as it first did. */
static int vm_save_images(struct vm *vm, const struct vm_config *vc, char *err,
			  size_t errlen)
{
	vm->image_size = vm_image_size(vm, vc);
	vm->image_save_pa =
		vm->image_size ? save_copy(vm, vm->entry, vm->image_size) : 0;
	if (vm->initrd_size)
		vm->initrd_save_pa =
			save_copy(vm, vm->initrd_ipa, vm->initrd_size);
	if (!vm->image_save_pa || (vm->initrd_size && !vm->initrd_save_pa)) {
		snprintf(err, errlen,
			 "%s: no memory left for a reset copy of its images",
			 vc->node);
		return -ENOMEM;
	}
	return 0;
}

int vm_create(const struct vm_config *vc, const struct boot_info *bi,
	      const void *host_fdt, char *err, size_t errlen)
{
	struct vm *vm = &vms[nr_vms];
	int r;

	memset(vm, 0, sizeof(*vm));
	vm->id = nr_vms;
	vm->vmid = (uint16_t)(nr_vms + 1);
	snprintf(vm->name, sizeof(vm->name), "%s", vc->name);
	vm->mmio = &mmio_buses[nr_vms];
	spin_init(&vm->mmio->lock);
	vm->ram[0] =
		(struct mem_region){vc->ram_base, vc->ram_base, vc->ram_size};
	vm->nr_ram = 1;
	vm->entry = vc->entry;

	r = s2_init(vm);
	if (!r)
		r = vm_map_ram(vm, &vm->ram[0]);
	if (r) {
		snprintf(err, errlen, "%s: stage-2 set-up failed (%d)",
			 vc->node, r);
		return r;
	}
	boot_mark("stage2");

	vm->nr_vcpus = vc->nr_vcpus;
	vm->aarch32 = vc->aarch32;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->id = i;
		v->vm = vm;
		v->pcpu = vc->affinity[i];
		/* MPIDR_EL1 bit 31 is RES1; Aff0 is the vCPU index. */
		v->vmpidr = BIT(31) | i;
		spin_init(&v->power_lock);
		v->state = VCPU_OFFLINE;
		v->running_on = -1;
		pcpu_get(v->pcpu)->vcpu = v;
	}

	snprintf(vm->bootargs, sizeof(vm->bootargs), "%s", vc->bootargs);
	r = vm_attach_gic(vm, err, errlen);
	vm->console = vc->console;
	if (!r && vc->console == VM_CONSOLE_VUART) {
		vm->vuart = &vuarts[vm->id];
		r = vuart_init(vm->vuart, vm, vc->vuart_ipa, vc->vuart_intid);
		if (r)
			snprintf(err, errlen, "%s: vUART set-up failed (%d)",
				 vc->node, r);
	}
	if (!r)
		r = vm_attach_devices(vm, vc, err, errlen);
	if (!r) {
		boot_mark("devices");
		r = vm_place_initrd(vm, vc, bi, err, errlen);
	}
	if (!r) {
		boot_mark("initrd");
		r = vm_save_images(vm, vc, err, errlen);
	}
	if (!r) {
		boot_mark("reset-copies");
		r = guest_dtb_build(vm, host_fdt, err, errlen);
	}
	if (r)
		return r;
	boot_mark("guest-dtb");
	vm->host_fdt = host_fdt;
	nr_vms++;
	pr_info("VM %u '%s': %u vCPUs, RAM 0x%llx-0x%llx, entry 0x%llx, "
		"DTB at 0x%llx",
		vm->id, vm->name, vm->nr_vcpus,
		(unsigned long long)vc->ram_base,
		(unsigned long long)(vc->ram_base + vc->ram_size - 1),
		(unsigned long long)vm->entry, (unsigned long long)vm->dtb_ipa);
	return 0;
}

/* Start vCPU 0 of every VM at its entry, its DTB in the first argument
 * register. */
void vms_start(void)
{
	/* A guest that owns vigil's UART has it to itself: vigil stays quiet
	 * but for errors until the last VM is off. */
	for (unsigned int i = 0; i < nr_vms; i++)
		for (unsigned int d = 0; d < vms[i].nr_devs; d++)
			if (vms[i].devs[d].base <= console_base() &&
			    console_base() <
				    vms[i].devs[d].base + vms[i].devs[d].size) {
				pr_info("VM %u '%s' owns the console UART: "
					"vigil is quiet until it powers off",
					i, vms[i].name);
				console_set_quiet(true);
			}
	/* With a vUART anywhere, the UART's input is vigil's to hand out. */
	for (unsigned int i = 0; i < nr_vms; i++)
		if (vms[i].vuart)
			vuart_input_add(vms[i].vuart);
	if (vuart_input_focus() &&
	    vuart_input_start(vuart_input_focus()->intid))
		pr_err("console input: the UART's IRQ %u refused",
		       vuart_input_focus()->intid);
	for (unsigned int i = 0; i < nr_vms; i++)
		vcpu_power_on(&vms[i].vcpus[0], vms[i].entry, vms[i].dtb_ipa,
			      true);
}

/* Stop every vCPU of @vm but @self and wait until none is in guest mode. */
static void vm_stop_vcpus(struct vm *vm, struct vcpu *self)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		int running;
		unsigned long flags;

		/* running_on is read in the same power_lock section that
		 * sets OFFLINE: see sched_run_vcpu(). */
		flags = spin_lock_irqsave(&v->power_lock);
		v->state = VCPU_OFFLINE;
		v->on_pending = false;
		running = v->running_on;
		spin_unlock_irqrestore(&v->power_lock, flags);
		if (v != self && running >= 0 &&
		    (unsigned int)running != arch_cpu_id())
			pcpu_kick((unsigned int)running);
	}
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		while (v != self && READ_ONCE(v->running_on) >= 0)
			arch_cpu_relax();
	}
}

void vm_reset(struct vcpu *self)
{
	struct vm *vm = self->vm;
	char err[160];

	if (__atomic_exchange_n(&vm->resetting, true, __ATOMIC_ACQ_REL))
		return; /* another vCPU of the VM is resetting it */
	vm_stop_vcpus(vm, self);
	vgic_vm_reset(vm);
	if (vm->vuart)
		vuart_reset(vm->vuart);
	/* Both ranges were checked when the copies were saved. */
	vm_copy_to_guest(vm, vm->entry, mm_heap_virt(vm->image_save_pa),
			 vm->image_size);
	if (vm->initrd_size)
		vm_copy_to_guest(vm, vm->initrd_ipa,
				 mm_heap_virt(vm->initrd_save_pa),
				 vm->initrd_size);
	if (guest_dtb_build(vm, vm->host_fdt, err, sizeof(err))) {
		pr_err("VM %u '%s': reset failed: %s", vm->id, vm->name, err);
		vm_power_off(vm, self);
		return;
	}
	vm->resets++;
	pr_info("VM %u '%s' reset (%lu)", vm->id, vm->name, vm->resets);
	WRITE_ONCE(vm->resetting, false);
	vcpu_power_on(&vm->vcpus[0], vm->entry, vm->dtb_ipa, true);
}

void vm_power_off(struct vm *vm, struct vcpu *self)
{
	unsigned int all_off = 1;

	WRITE_ONCE(vm->powered_off, true);
	/* Wait for every vCPU to leave guest mode: their list registers are
	 * then read back, so the counters below see every EOI. */
	vm_stop_vcpus(vm, self);
	/* Its input goes nowhere now, and must not hold up the others'. */
	if (vm->vuart)
		vuart_reset(vm->vuart);
	pr_info("VM %u '%s' powered off", vm->id, vm->name);
	for (unsigned int i = 0; i < nr_vms; i++)
		if (!READ_ONCE(vms[i].powered_off))
			all_off = 0;
	if (all_off) {
		console_set_quiet(false);
		vigil_print_stats();
		pr_info("last VM off: powering off");
		arch_system_off();
	}
}
