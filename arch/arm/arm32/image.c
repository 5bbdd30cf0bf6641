/* SPDX-License-Identifier: MIT */
/*
 * The arm32 profile's guest image (include/arch_image.h): a zImage
 * (zimage.h). Bytes only, no register or asm/ header, so it can build on
 * the host too.
 */
#include "zimage.h"

int arch_image_parse(const void *hdr, size_t len, bool aarch32,
		     struct arch_image *img)
{
	/* The arm32 port's guests are all AArch32. */
	(void)aarch32;
	return zimage_parse(hdr, len, img);
}

const char *arch_image_kind(bool aarch32)
{
	(void)aarch32;
	return "ARM zImage";
}
bool arch_guest_aarch32(void)
{
	return true;
}
