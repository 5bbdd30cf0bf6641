/* SPDX-License-Identifier: MIT */
/*
 * The header of a guest's boot image, as the portable core asks for it:
 * is there one, and how many bytes from its load address the image needs.
 * Each profile boots its own format and implements these in
 * arch/arm/<profile>/image.c; the core names no magic number or offset.
 *
 * Formats (all header fields little endian):
 *   arm64   the Linux arm64 Image (Documentation/arch/arm64/booting.rst,
 *           "Call the kernel image"): 64 bytes, magic "ARM\x64" at 56,
 *           image_size at 16 = the bytes the kernel occupies once running
 *           (text, data and bss), 0 in kernels before 3.17.
 *   arm32   (issue 12) the ARM zImage: magic 0x016f2818 at 0x24, its
 *           start and end addresses at 0x28 and 0x2c, so the size is
 *           end - start, the bytes loaded: it decompresses itself to
 *           another place in RAM, which its header does not name.
 *
 * Who calls: config_check_image() checks the loaded image against its
 * header before any VM is built; vm_create() sizes SYSTEM_RESET's copy of
 * the image from it. Both read ARCH_IMAGE_HDR_SIZE bytes from the image's
 * start, or do not call at all when the image is shorter.
 */
#ifndef VIGIL_ARCH_IMAGE_H
#define VIGIL_ARCH_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes read from the image's start: the arm64 Image header's size, which
 * also covers the zImage's fields (they end at 0x30). */
#define ARCH_IMAGE_HDR_SIZE 64

struct arch_image {
	/* Bytes from the load address the image occupies once running (its
	 * text, data and bss); 0 when the header does not say. */
	uint64_t size;
	/* The word where the profile's magic number goes, as found, valid
	 * whenever @len covered it: a message names what was there. */
	uint32_t magic;
};

/*
 * Parse the first @len bytes of an image at @hdr (any alignment) into
 * @img: 0, or -ENOENT when they hold no header of this profile (too short,
 * or the magic number is wrong): the caller reports the image missing.
 * Reads nothing beyond @hdr + @len. @aarch32: the VM runs AArch32 at EL1
 * (vigil,aarch32 on arm64, every arm32 guest): a zImage.
 */
int arch_image_parse(const void *hdr, size_t len, bool aarch32,
		     struct arch_image *img);

/*
 * The format's name for messages (@aarch32 as above), e.g. "arm64 Image". It follows "an" and
 * "no" in them ("too small for an arm64 Image header"), so a profile names
 * its format to read well after both.
 */
const char *arch_image_kind(bool aarch32);

/*
 * Whether the profile's guests boot in AArch32 by default (arm32: PL1 is
 * AArch32; arm64's boot in AArch64 unless their node says vigil,aarch32).
 * An AArch32 guest starts with its MMU off and gets its DTB's address in
 * r2, 32 bits: its entry point, DTB and initrd must lie below 4 GiB
 * (config_boot_ram_end()). arch_vcpu_aarch32() says it of each vCPU.
 */
bool arch_guest_aarch32(void);

/*
 * Whether a VM may run AArch32 at EL1/PL1 (`vigil,aarch32`): always on
 * arm32; on arm64 when ID_AA64PFR0_EL1.EL1 says EL1 has AArch32 (ARM ARM
 * D19.2.64: 0b0010). The boot CPU's answer (arch/arm/<profile>/cpu.c; the
 * host unit tests have a stand-in they set).
 */
bool arch_el1_aarch32_supported(void);

#endif /* VIGIL_ARCH_IMAGE_H */
