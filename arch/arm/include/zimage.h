/* SPDX-License-Identifier: MIT */
/*
 * The ARM zImage header (Linux arch/arm/boot/compressed/head.S), for
 * both profiles: the arm32 port's guests and the arm64 port's AArch32
 * ones (vigil,aarch32). Bytes only, so the host unit tests build it.
 */
#ifndef VIGIL_ZIMAGE_H
#define VIGIL_ZIMAGE_H

#include <errno.h>

#include "arch_image.h"

/* Linux arch/arm/boot/compressed/head.S: after eight no-ops and a branch,
 * the magic, then the image's start and end addresses. */
#define ZIMAGE_MAGIC_OFF 0x24
#define ZIMAGE_MAGIC 0x016f2818U
#define ZIMAGE_START_OFF 0x28
#define ZIMAGE_END_OFF 0x2c
#define ZIMAGE_HDR_SIZE 0x30

_Static_assert(ZIMAGE_HDR_SIZE <= ARCH_IMAGE_HDR_SIZE,
	       "the core reads less than a zImage header");

static inline uint32_t zimage_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static inline int zimage_parse(const void *hdr, size_t len,
			       struct arch_image *img)
{
	const uint8_t *b = hdr;
	uint32_t start, end;

	img->size = 0;
	img->magic = 0;
	if (len < ZIMAGE_MAGIC_OFF + 4)
		return -ENOENT;
	img->magic = zimage_le32(b + ZIMAGE_MAGIC_OFF);
	if (len < ZIMAGE_HDR_SIZE || img->magic != ZIMAGE_MAGIC)
		return -ENOENT;
	start = zimage_le32(b + ZIMAGE_START_OFF);
	end = zimage_le32(b + ZIMAGE_END_OFF);
	/* A header whose end precedes its start says nothing. */
	img->size = end > start ? end - start : 0;
	return 0;
}

#endif /* VIGIL_ZIMAGE_H */
