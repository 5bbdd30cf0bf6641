/* SPDX-License-Identifier: MIT */
/*
 * Guest RAM through core/guest_mem.c: ranges checked against the VM's RAM
 * regions, copies page by page through the checking mm_map() window.
 */
#include <errno.h>

#include "fake_ram.h"
#include "host_mm_map.h"
#include "mm.h"
#include "test.h"
#include "vm.h"

/* Two RAM regions, IPA-adjacent but apart in PA: 64 KiB at IPA 0x80000000
 * backed by fake RAM page 16, 16 KiB right after it backed by page 64. */
#define R0_IPA 0x80000000ULL
#define R0_SIZE 0x10000ULL
#define R0_PA (FAKE_RAM_PA + 16 * PAGE_SIZE)
#define R1_IPA (R0_IPA + R0_SIZE)
#define R1_SIZE 0x4000ULL
#define R1_PA (FAKE_RAM_PA + 64 * PAGE_SIZE)

static struct vm gm;

static uint8_t *ram(uint64_t pa)
{
	return &fake_ram[pa - FAKE_RAM_PA];
}

static void vm_two_regions(void)
{
	fake_ram_reset();
	for (size_t i = 0; i < FAKE_RAM_SIZE; i++)
		fake_ram[i] = (uint8_t)(i * 7 + 1);
	memset(&gm, 0, sizeof(gm));
	gm.nr_ram = 2;
	gm.ram[0] = (struct mem_region){R0_IPA, R0_PA, R0_SIZE};
	gm.ram[1] = (struct mem_region){R1_IPA, R1_PA, R1_SIZE};
	host_mm_maps_reset();
}

TEST(vm_copy_from_guest_crosses_pages)
{
	static uint8_t buf[2 * PAGE_SIZE + 10];
	uint64_t ipa = R0_IPA + 3 * PAGE_SIZE - 5;

	vm_two_regions();
	EXPECT_EQ(vm_copy_from_guest(&gm, buf, ipa, sizeof(buf)), 0);
	EXPECT_EQ(memcmp(buf, ram(R0_PA + 3 * PAGE_SIZE - 5), sizeof(buf)), 0);
	/* 5 bytes, one page, one page, 5 bytes. */
	EXPECT_EQ(host_mm_maps_made(), 4);
	EXPECT_EQ(host_mm_maps_held(), 0);
}

TEST(vm_copy_to_guest_lands_in_the_regions_host_pages)
{
	static const char msg[] = "hello, second region";
	uint64_t ipa = R1_IPA + PAGE_SIZE - 4; /* crosses a page */

	vm_two_regions();
	EXPECT_EQ(vm_copy_to_guest(&gm, ipa, msg, sizeof(msg)), 0);
	EXPECT_EQ(memcmp(ram(R1_PA + PAGE_SIZE - 4), msg, sizeof(msg)), 0);
	EXPECT_EQ(*ram(R1_PA + PAGE_SIZE - 5),
		  (uint8_t)((64 * PAGE_SIZE + PAGE_SIZE - 5) * 7 + 1));
	EXPECT_EQ(host_mm_maps_held(), 0);
}

TEST(vm_copy_outside_ram_is_efault_and_copies_nothing)
{
	uint8_t buf[16];

	vm_two_regions();
	memset(buf, 0x77, sizeof(buf));
	/* Below, straddling the end of the last region, far above. */
	EXPECT_EQ(vm_copy_from_guest(&gm, buf, R0_IPA - 8, 16), -EFAULT);
	EXPECT_EQ(vm_copy_from_guest(&gm, buf, R1_IPA + R1_SIZE - 8, 16),
		  -EFAULT);
	EXPECT_EQ(vm_copy_to_guest(&gm, 0xffffffffffffff00ULL, buf, 16),
		  -EFAULT);
	/* A length that wraps the address space. */
	EXPECT_EQ(vm_copy_from_guest(&gm, buf, R0_IPA + 8, ~0ULL), -EFAULT);
	EXPECT_EQ(buf[0], 0x77);
	EXPECT_EQ(host_mm_maps_made(), 0);
}

TEST(vm_copy_may_not_run_from_one_region_into_the_next)
{
	uint8_t buf[16];

	/* Adjacent in IPA, not in PA: no single host range backs it. */
	vm_two_regions();
	EXPECT_EQ(vm_copy_from_guest(&gm, buf, R1_IPA - 8, 16), -EFAULT);
	EXPECT_EQ(vm_copy_from_guest(&gm, buf, R1_IPA - 8, 8), 0);
	EXPECT_EQ(vm_copy_from_guest(&gm, buf, R1_IPA, 8), 0);
}

TEST(vm_copy_of_nothing_succeeds_anywhere)
{
	vm_two_regions();
	EXPECT_EQ(vm_copy_from_guest(&gm, NULL, 0x1234, 0), 0);
	EXPECT_EQ(vm_copy_to_guest(&gm, 0x1234, NULL, 0), 0);
	EXPECT_EQ(host_mm_maps_made(), 0);
}

TEST(vm_ipa_to_pa_translates_through_the_region)
{
	uint64_t pa = 0;

	vm_two_regions();
	EXPECT_EQ(vm_ipa_to_pa(&gm, R1_IPA + 0x123, 4, &pa), 0);
	EXPECT_EQ(pa, R1_PA + 0x123);
	EXPECT_EQ(vm_ipa_to_pa(&gm, R0_IPA + R0_SIZE - 1, 1, &pa), 0);
	EXPECT_EQ(pa, R0_PA + R0_SIZE - 1);
	EXPECT_TRUE(vm_ipa_is_ram(&gm, R1_IPA + R1_SIZE - 4, 4));
	EXPECT_FALSE(vm_ipa_is_ram(&gm, R1_IPA + R1_SIZE, 4));
	EXPECT_FALSE(vm_ipa_is_ram(&gm, R1_IPA + R1_SIZE - 2, 4));
	/* Length 0 counts as 1: the address itself must be RAM. */
	EXPECT_FALSE(vm_ipa_is_ram(&gm, R1_IPA + R1_SIZE, 0));
	EXPECT_TRUE(vm_ipa_is_ram(&gm, R0_IPA, 0));
}
