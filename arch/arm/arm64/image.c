/* SPDX-License-Identifier: MIT */
/*
 * The arm64 Linux Image header (include/arch_image.h), and an AArch32
 * VM's zImage (zimage.h). Bytes only, no
 * register or asm/ header: the host unit tests build it for LP64 and ILP32
 * alike, and the config fuzzer links it.
 */
#include <errno.h>

#include "arch_image.h"
#include "zimage.h"

/* Documentation/arch/arm64/booting.rst, "Call the kernel image". */
#define IMAGE_SIZE_OFF 16	/* u64 image_size */
#define IMAGE_MAGIC_OFF 56	/* u32 magic */
#define IMAGE_MAGIC 0x644d5241U /* "ARM\x64" */
#define IMAGE_HDR_SIZE 64

_Static_assert(IMAGE_HDR_SIZE <= ARCH_IMAGE_HDR_SIZE,
	       "the core reads less than an arm64 Image header");

/* Byte by byte: @p has any alignment (-mstrict-align), and the header is
 * little endian whatever the kernel's own endianness (flags bit 0). */
static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

/* An AArch32 VM's (vigil,aarch32) image is a zImage, the rest arm64
 * Images. */
int arch_image_parse(const void *hdr, size_t len, bool aarch32,
		     struct arch_image *img)
{
	const uint8_t *b = hdr;

	if (aarch32)
		return zimage_parse(hdr, len, img);
	img->size = 0;
	img->magic = 0;
	if (len < IMAGE_MAGIC_OFF + 4)
		return -ENOENT;
	img->magic = (uint32_t)le(b + IMAGE_MAGIC_OFF, 4);
	if (len < IMAGE_HDR_SIZE || img->magic != IMAGE_MAGIC)
		return -ENOENT;
	img->size = le(b + IMAGE_SIZE_OFF, 8);
	return 0;
}

const char *arch_image_kind(bool aarch32)
{
	return aarch32 ? "ARM zImage" : "arm64 Image";
}

/* HCR_EL2.RW: vigil's guests run AArch64 at EL1. */
bool arch_guest_aarch32(void)
{
	return false;
}
