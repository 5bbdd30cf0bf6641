/* SPDX-License-Identifier: MIT */
/*
 * DMA through a passthrough device (bootarg hostile.dma=1, with a
 * virtio-rng transport given to this VM): the guest hands the device a
 * buffer at the other VM's canary. vigil maps guest RAM IPA == PA and has
 * no IOMMU (SMMU) support, so the device writes there: a VM given a DMA
 * master can write, and read, any physical memory. Beside another VM, vigil
 * boots such a configuration only if this VM's node says
 * vigil,dma-unrestricted; tests/system/test_hostile.py gives it and expects
 * the bystander to report its canary changed (docs/security.md, "What the
 * configuration refuses").
 */
#include "guest_virtio.h"
#include "hostile.h"

#define DMA_BYTES 16

static struct virtq_mem vq_mem;
static struct virtio_dev dev;

void case_dma(uint64_t dtb)
{
	uint64_t deadline;
	uint32_t id = 0, len = 0;
	bool used = false;
	int ret;

	/* Let the bystander fill its canary first. */
	delay_ms(1000);
	if (!virtio_find(dtb, VIRTIO_ID_RNG, 0, &dev)) {
		result("dma.device_writes_other_vm_ram", false,
		       "no virtio-rng transport in the DTB");
		return;
	}
	ret = virtio_setup(&dev, &vq_mem, 4);
	if (ret) {
		result("dma.device_writes_other_vm_ram", false,
		       "virtio setup step %d", -ret);
		return;
	}
	virtq_set_desc(&dev, 0, (void *)OTHER_CANARY_PA, DMA_BYTES,
		       VRING_DESC_F_WRITE);
	virtq_post(&dev, 0);
	virtq_kick(&dev);
	deadline = deadline_ms(2000);
	while (!(used = virtq_harvest(&dev, &id, &len)) &&
	       !deadline_passed(deadline))
		cpu_relax();
	virtio_irq_ack(&dev);
	/* FAIL is the expected outcome today: the device wrote there. */
	result("dma.device_writes_other_vm_ram", !(used && len > 0),
	       "virtio-rng at 0x%lx wrote %u bytes at 0x%lx (the bystander's "
	       "canary)",
	       (unsigned long)dev.base, used ? len : 0, OTHER_CANARY_PA);
}
