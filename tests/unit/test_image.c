/* SPDX-License-Identifier: MIT */
/* The arm64 Image header parser (arch/arm/arm64/image.c), which is also the
 * host profile's: built and run for LP64 and ILP32. */
#include <errno.h>
#include <stdlib.h>

#include "arch_image.h"
#include "test.h"

/* Documentation/arch/arm64/booting.rst: an EFI-stub kernel's 64 bytes
 * (code0 "add x13, x18, #0x16", whose bytes are "MZ"; code1 a branch;
 * text_offset 0; image_size; flags 0xa: LE, 4K pages, placed anywhere),
 * then "ARM\x64" and the PE header's offset. */
static void make_header(uint8_t h[64], uint64_t image_size)
{
	static const uint8_t code[8] = {0x4d, 0x5a, 0x00, 0x91,
					0x00, 0x04, 0x00, 0x14};

	memset(h, 0, 64);
	memcpy(h, code, sizeof(code));
	for (int i = 0; i < 8; i++)
		h[16 + i] = (uint8_t)(image_size >> (8 * i));
	h[24] = 0x0a;
	memcpy(h + 56, "ARM\x64", 4);
	h[60] = 0x40;
}

TEST(image_parse_reads_image_size_of_a_valid_header)
{
	uint8_t h[64];
	struct arch_image img;

	EXPECT_TRUE(ARCH_IMAGE_HDR_SIZE >= 64);
	/* Above 4 GiB: all 8 bytes count, on ILP32 too. */
	make_header(h, 0x0000000123456789ULL);
	EXPECT_EQ(arch_image_parse(h, sizeof(h), false, &img), 0);
	EXPECT_EQ(img.size, 0x0000000123456789ULL);
	EXPECT_EQ(img.magic, 0x644d5241);
	make_header(h, 0x2a30000);
	EXPECT_EQ(arch_image_parse(h, sizeof(h), false, &img), 0);
	EXPECT_EQ(img.size, 0x2a30000);
}

TEST(image_parse_takes_any_alignment_and_more_bytes)
{
	static uint8_t buf[1 + 4096];
	struct arch_image img;

	memset(buf, 0xff, sizeof(buf));
	make_header(buf + 1, 0x1230000);
	EXPECT_EQ(arch_image_parse(buf + 1, 4096, false, &img), 0);
	EXPECT_EQ(img.size, 0x1230000);
}

TEST(image_parse_refuses_a_wrong_magic_and_names_it)
{
	uint8_t h[64];
	struct arch_image img;

	make_header(h, 0x200000);
	h[59] = 0x65; /* "ARM\x65" */
	EXPECT_EQ(arch_image_parse(h, sizeof(h), false, &img), -ENOENT);
	EXPECT_EQ(img.magic, 0x654d5241);
	EXPECT_EQ(img.size, 0);
	/* Big endian: the magic is read little endian, as the header says. */
	memcpy(h + 56, "\x64MRA", 4);
	EXPECT_EQ(arch_image_parse(h, sizeof(h), false, &img), -ENOENT);
	EXPECT_EQ(img.magic, 0x41524d64);
	/* Nothing loaded. */
	memset(h, 0, sizeof(h));
	EXPECT_EQ(arch_image_parse(h, sizeof(h), false, &img), -ENOENT);
	EXPECT_EQ(img.magic, 0);
	/* A 32-bit ARM zImage's magic, where it goes in a zImage. */
	make_header(h, 0x200000);
	memset(h + 56, 0, 4);
	memcpy(h + 0x24, "\x18\x28\x6f\x01", 4);
	EXPECT_EQ(arch_image_parse(h, sizeof(h), false, &img), -ENOENT);
}

TEST(image_parse_refuses_a_short_buffer_reading_only_it)
{
	uint8_t h[64];
	struct arch_image img;
	uint8_t *p;

	make_header(h, 0x200000);
	for (size_t len = 0; len < sizeof(h); len++) {
		/* Heap-allocated at its exact length: ASan catches a read
		 * past it. */
		p = malloc(len ? len : 1);
		ASSERT_TRUE(p != NULL);
		memcpy(p, h, len);
		img.size = img.magic = 0xdead;
		EXPECT_EQ(arch_image_parse(p, len, false, &img), -ENOENT);
		EXPECT_EQ(img.size, 0);
		/* The magic is named once the bytes cover it. */
		EXPECT_EQ(img.magic, len >= 60 ? 0x644d5241 : 0);
		free(p);
	}
}

TEST(image_parse_takes_image_size_0_of_kernels_before_3_17)
{
	uint8_t h[64];
	struct arch_image img;

	/* Before 3.17 the field was reserved, 0: the size is unknown. */
	make_header(h, 0);
	img.size = 0xdead;
	EXPECT_EQ(arch_image_parse(h, sizeof(h), false, &img), 0);
	EXPECT_EQ(img.size, 0);
	EXPECT_EQ(img.magic, 0x644d5241);
}

TEST(image_kind_names_the_arm64_image)
{
	EXPECT_STREQ(arch_image_kind(false), "arm64 Image");
}

/* An AArch32 VM's image (vigil,aarch32) is a zImage: its header's start
 * and end give the size; an arm64 Image header is no zImage to it, nor
 * the other way round. */
TEST(image_parse_reads_a_zimage_for_an_aarch32_vm)
{
	uint8_t z[64] = {0}, a64[64];
	struct arch_image img;

	/* Linux arch/arm/boot/compressed/head.S: magic, start, end. */
	z[0x24] = 0x18, z[0x25] = 0x28, z[0x26] = 0x6f, z[0x27] = 0x01;
	z[0x2a] = 0x00, z[0x2b] = 0x50;			/* start 0x50000000 */
	z[0x2d] = 0x30, z[0x2e] = 0x04, z[0x2f] = 0x50; /* end 0x50043000 */
	EXPECT_EQ(arch_image_parse(z, sizeof(z), true, &img), 0);
	EXPECT_EQ(img.size, 0x43000);
	EXPECT_EQ(img.magic, 0x016f2818);
	EXPECT_EQ(arch_image_parse(z, sizeof(z), false, &img), -ENOENT);
	make_header(a64, 0x1000000);
	EXPECT_EQ(arch_image_parse(a64, sizeof(a64), true, &img), -ENOENT);
	EXPECT_STREQ(arch_image_kind(true), "ARM zImage");
}
