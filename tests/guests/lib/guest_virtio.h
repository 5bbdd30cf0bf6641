/* SPDX-License-Identifier: MIT */
/*
 * A minimal virtio-mmio driver core (virtio 1.1 §4.2 and its legacy
 * interface §4.2.4): one split virtqueue, no feature bits beyond
 * VIRTIO_F_VERSION_1 on a modern (version 2) transport. QEMU's virtio-mmio
 * is legacy (version 1) unless -global virtio-mmio.force-legacy=false;
 * both work.
 */
#ifndef GUEST_VIRTIO_H
#define GUEST_VIRTIO_H

#include "guest.h"

/* QEMU virt: 32 transports of 0x200 bytes from 0x0a000000, SPI 16 + n. */
#define VIRTIO_MMIO_DEFAULT_BASE 0x0a000000UL
#define VIRTIO_MMIO_DEFAULT_STRIDE 0x200
#define VIRTIO_MMIO_DEFAULT_COUNT 32
#define VIRTIO_MMIO_DEFAULT_INTID 48

#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG 4

#define VIRTIO_MMIO_MAGIC 0x000
#define VIRTIO_MMIO_VERSION 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE 0x028 /* legacy */
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_ALIGN 0x03c /* legacy */
#define VIRTIO_MMIO_QUEUE_PFN 0x040   /* legacy */
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW 0x090
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_USED_HIGH 0x0a4

#define VIRTIO_MMIO_MAGIC_VALUE 0x74726976 /* "virt" */

#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_FAILED 0x80

#define VIRTIO_INT_USED_RING 1
#define VIRTIO_INT_CONFIG 2

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2

/* The virtqueue size this helper uses at most. */
#define VIRTQ_MAX 64
#define VIRTQ_PAGE 4096

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vring_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[]; /* qsize entries, then used_event */
};

struct vring_used_elem {
	uint32_t id;
	uint32_t len;
};

struct vring_used {
	uint16_t flags;
	uint16_t idx;
	struct vring_used_elem ring[]; /* qsize entries, then avail_event */
};

/* Room for one virtqueue of up to VIRTQ_MAX entries in the legacy layout
 * (§2.6.2): descriptors, the avail ring right after them, the used ring at
 * the next VIRTQ_PAGE boundary. The modern transport uses the same. */
struct virtq_mem {
	uint8_t bytes[2 * VIRTQ_PAGE];
} __attribute__((aligned(VIRTQ_PAGE)));

struct virtio_dev {
	uintptr_t base;
	unsigned int index; /* transport number, in DTB or address order */
	unsigned int intid; /* its SPI as a GIC INTID */
	bool edge;	    /* the DTB's trigger type (QEMU virt: edge) */
	uint32_t version;   /* 1 legacy, 2 modern */
	uint32_t device_id;
	unsigned int qsize; /* virtqueue 0's size */
	uint16_t avail_idx; /* next free slot, free-running */
	uint16_t last_used; /* next used entry to harvest, free-running */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
};

static inline uint32_t virtio_read(const struct virtio_dev *d, uint32_t off)
{
	return *(volatile uint32_t *)(d->base + off);
}
static inline void virtio_write(const struct virtio_dev *d, uint32_t off,
				uint32_t v)
{
	dsb_sy();
	*(volatile uint32_t *)(d->base + off) = v;
}

/* The @nth transport (0-based) that holds device @device_id: from the DTB's
 * "virtio,mmio" nodes, else QEMU virt's fixed transports. Returns false if
 * there is none. */
bool virtio_find(uint64_t dtb, uint32_t device_id, unsigned int nth,
		 struct virtio_dev *dev);
/* Resets the device, negotiates no features (VERSION_1 on a modern
 * transport), sets up virtqueue 0 in @mem with at most @qsize entries and
 * sets DRIVER_OK. Returns 0 or a negative step number on failure. */
int virtio_setup(struct virtio_dev *dev, struct virtq_mem *mem,
		 unsigned int qsize);
/* Fills descriptor @id. @flags: VRING_DESC_F_WRITE for a buffer the device
 * writes, VRING_DESC_F_NEXT to chain descriptor @id + 1 after it. */
void virtq_set_desc(struct virtio_dev *dev, uint16_t id, void *buf,
		    uint32_t len, uint16_t flags);
/* Puts descriptor @id in the avail ring (no notification). */
void virtq_post(struct virtio_dev *dev, uint16_t id);
/* Tells the device that virtqueue 0 has new buffers. */
void virtq_kick(struct virtio_dev *dev);
/* The next used entry: true and its id and len, or false if none. */
bool virtq_harvest(struct virtio_dev *dev, uint32_t *id, uint32_t *len);
/* Reads InterruptStatus and acknowledges what it read; returns it. */
uint32_t virtio_irq_ack(struct virtio_dev *dev);

#endif
