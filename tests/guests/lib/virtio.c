/* SPDX-License-Identifier: MIT */
/* virtio-mmio transport and split virtqueue (see virtio.h). */
#include "guest_virtio.h"

static bool probe_transport(uintptr_t base, uint32_t device_id)
{
	const struct virtio_dev d = {.base = base};
	uint32_t version;

	if (virtio_read(&d, VIRTIO_MMIO_MAGIC) != VIRTIO_MMIO_MAGIC_VALUE)
		return false;
	version = virtio_read(&d, VIRTIO_MMIO_VERSION);
	if (version != 1 && version != 2)
		return false;
	return virtio_read(&d, VIRTIO_MMIO_DEVICE_ID) == device_id;
}

static bool find_in_dtb(uint64_t dtb, uint32_t device_id, unsigned int nth,
			struct virtio_dev *dev)
{
	int root = fdt_path(dtb, "/"), node = -1, len;
	const void *ac = fdt_prop(dtb, root, "#address-cells", NULL);
	unsigned int acells = ac ? fdt_cell(ac, 0) : 2, index = 0;

	while ((node = fdt_next_compatible(dtb, node, "virtio,mmio")) >= 0) {
		const void *reg = fdt_prop(dtb, node, "reg", &len);
		const void *irq;
		uintptr_t base;
		int ilen;

		if (!reg || len < (int)(4 * acells))
			continue;
		base = (uintptr_t)fdt_cells(reg, 0, acells);
		irq = fdt_prop(dtb, node, "interrupts", &ilen);
		index++;
		if (!irq || ilen < 12 || fdt_cell(irq, 0) != 0 /* SPI */)
			continue;
		if (!probe_transport(base, device_id) || nth--)
			continue;
		dev->base = base;
		dev->index = index - 1;
		dev->intid = 32 + fdt_cell(irq, 1);
		/* Flags 1 / 2: edge; 4 / 8: level (GIC binding). */
		dev->edge = (fdt_cell(irq, 2) & 0xf) <= 2;
		return true;
	}
	return false;
}

bool virtio_find(uint64_t dtb, uint32_t device_id, unsigned int nth,
		 struct virtio_dev *dev)
{
	unsigned int i;

	memset(dev, 0, sizeof(*dev));
	if (fdt_valid(dtb))
		return find_in_dtb(dtb, device_id, nth, dev);
	for (i = 0; i < VIRTIO_MMIO_DEFAULT_COUNT; i++) {
		uintptr_t base = VIRTIO_MMIO_DEFAULT_BASE +
				 i * VIRTIO_MMIO_DEFAULT_STRIDE;

		if (!probe_transport(base, device_id) || nth--)
			continue;
		dev->base = base;
		dev->index = i;
		dev->intid = VIRTIO_MMIO_DEFAULT_INTID + i;
		dev->edge = true;
		return true;
	}
	return false;
}

int virtio_setup(struct virtio_dev *dev, struct virtq_mem *mem,
		 unsigned int qsize)
{
	uint64_t desc, avail, used;
	uint32_t max;

	dev->version = virtio_read(dev, VIRTIO_MMIO_VERSION);
	dev->device_id = virtio_read(dev, VIRTIO_MMIO_DEVICE_ID);
	memset(mem, 0, sizeof(*mem));

	virtio_write(dev, VIRTIO_MMIO_STATUS, 0); /* reset */
	virtio_write(dev, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_write(dev, VIRTIO_MMIO_STATUS,
		     VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	virtio_write(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	virtio_write(dev, VIRTIO_MMIO_DRIVER_FEATURES, 0);
	if (dev->version == 2) {
		/* VIRTIO_F_VERSION_1 is bit 32: word 1, bit 0. */
		virtio_write(dev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
		if (!(virtio_read(dev, VIRTIO_MMIO_DEVICE_FEATURES) & 1))
			return -1;
		virtio_write(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
		virtio_write(dev, VIRTIO_MMIO_DRIVER_FEATURES, 1);
		virtio_write(dev, VIRTIO_MMIO_STATUS,
			     VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				     VIRTIO_STATUS_FEATURES_OK);
		if (!(virtio_read(dev, VIRTIO_MMIO_STATUS) &
		      VIRTIO_STATUS_FEATURES_OK))
			return -2;
	} else {
		virtio_write(dev, VIRTIO_MMIO_GUEST_PAGE_SIZE, VIRTQ_PAGE);
	}

	virtio_write(dev, VIRTIO_MMIO_QUEUE_SEL, 0);
	max = virtio_read(dev, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (!max)
		return -3;
	if (qsize > max)
		qsize = max;
	if (qsize > VIRTQ_MAX)
		qsize = VIRTQ_MAX;
	dev->qsize = qsize;
	desc = (uintptr_t)mem->bytes;
	avail = desc + sizeof(struct vring_desc) * qsize;
	used = (avail + 6 + 2 * qsize + VIRTQ_PAGE - 1) &
	       ~(uint64_t)(VIRTQ_PAGE - 1);
	dev->desc = (struct vring_desc *)(uintptr_t)desc;
	dev->avail = (struct vring_avail *)(uintptr_t)avail;
	dev->used = (struct vring_used *)(uintptr_t)used;
	dev->avail_idx = 0;
	dev->last_used = 0;
	virtio_write(dev, VIRTIO_MMIO_QUEUE_NUM, qsize);
	if (dev->version == 2) {
		virtio_write(dev, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
		virtio_write(dev, VIRTIO_MMIO_QUEUE_DESC_HIGH,
			     (uint32_t)(desc >> 32));
		virtio_write(dev, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)avail);
		virtio_write(dev, VIRTIO_MMIO_QUEUE_AVAIL_HIGH,
			     (uint32_t)(avail >> 32));
		virtio_write(dev, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)used);
		virtio_write(dev, VIRTIO_MMIO_QUEUE_USED_HIGH,
			     (uint32_t)(used >> 32));
		virtio_write(dev, VIRTIO_MMIO_QUEUE_READY, 1);
	} else {
		virtio_write(dev, VIRTIO_MMIO_QUEUE_ALIGN, VIRTQ_PAGE);
		virtio_write(dev, VIRTIO_MMIO_QUEUE_PFN,
			     (uint32_t)(desc / VIRTQ_PAGE));
	}
	virtio_write(
		dev, VIRTIO_MMIO_STATUS,
		VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			(dev->version == 2 ? VIRTIO_STATUS_FEATURES_OK : 0) |
			VIRTIO_STATUS_DRIVER_OK);
	return 0;
}

void virtq_set_desc(struct virtio_dev *dev, uint16_t id, void *buf,
		    uint32_t len, uint16_t flags)
{
	struct vring_desc *d = &dev->desc[id];

	d->addr = (uintptr_t)buf;
	d->len = len;
	d->flags = flags;
	d->next = flags & VRING_DESC_F_NEXT ? (uint16_t)(id + 1) : 0;
}

void virtq_post(struct virtio_dev *dev, uint16_t id)
{
	struct vring_avail *a = dev->avail;

	a->ring[dev->avail_idx % dev->qsize] = id;
	dmb_sy(); /* the entry before the index that publishes it */
	dev->avail_idx++;
	WRITE_ONCE(a->idx, dev->avail_idx);
}

void virtq_kick(struct virtio_dev *dev)
{
	virtio_write(dev, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

bool virtq_harvest(struct virtio_dev *dev, uint32_t *id, uint32_t *len)
{
	struct vring_used *u = dev->used;
	struct vring_used_elem *e;

	if (READ_ONCE(u->idx) == dev->last_used)
		return false;
	dmb_sy(); /* the index before the entry it publishes */
	e = &u->ring[dev->last_used % dev->qsize];
	*id = READ_ONCE(e->id);
	*len = READ_ONCE(e->len);
	dev->last_used++;
	return true;
}

uint32_t virtio_irq_ack(struct virtio_dev *dev)
{
	uint32_t status = virtio_read(dev, VIRTIO_MMIO_INTERRUPT_STATUS);

	if (status)
		virtio_write(dev, VIRTIO_MMIO_INTERRUPT_ACK, status);
	return status;
}
