/* SPDX-License-Identifier: MIT */
/*
 * Configurations tests/fuzz/config_fuzz.c found accepted although they
 * break config_parse()'s own rules; each is refused now.
 */
#include <errno.h>
#include <libfdt.h>
#include <string.h>

#include "config.h"
#include "test.h"

static char fz_dtb[4096];
static struct hv_config fz_cfg;
static char fz_err[256];

/* QEMU virt -m 1G -smp 4, vigil at 0x40080000. */
static const struct boot_info fz_machine = {
	.image_start = 0x40080000,
	.image_end = 0x40200000,
	.dtb_start = 0x48000000,
	.dtb_end = 0x48100000,
	.nr_pcpus = 4,
	.nr_mem = 1,
	.mem = {{0x40000000, 0x40000000}},
};

static void fz_u64s(void *fdt, const char *name, const uint64_t *v, int n)
{
	fdt32_t c[8];

	for (int i = 0; i < n; i++) {
		c[2 * i] = cpu_to_fdt32((uint32_t)(v[i] >> 32));
		c[2 * i + 1] = cpu_to_fdt32((uint32_t)v[i]);
	}
	fdt_property(fdt, name, c, 8 * n);
}

/*
 * One VM with 256 MiB at 0x50000000 and the device "/dev@x" (reg @base,
 * @size) when @size is not 0; @initrd: <base size> or NULL. @devices: the
 * VM's devices property (NUL-separated, @devices_len bytes), or NULL.
 */
static int fz_parse(uint64_t base, uint64_t size, const uint64_t *initrd,
		    const char *devices, int devices_len)
{
	void *fdt = fz_dtb;
	const uint64_t mem[2] = {0x50000000, 0x10000000};

	fdt_create(fdt, sizeof(fz_dtb));
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	if (size) {
		const uint64_t reg[2] = {base, size};

		fdt_begin_node(fdt, "dev@x");
		fz_u64s(fdt, "reg", reg, 2);
		fdt_end_node(fdt);
	}
	fdt_begin_node(fdt, "hypervisor");
	fdt_property_string(fdt, "compatible", "vigil,hypervisor");
	fdt_begin_node(fdt, "vm@0");
	fdt_property_string(fdt, "compatible", "vigil,vm");
	fdt_property_u32(fdt, "vcpus", 1);
	fz_u64s(fdt, "memory", mem, 2);
	if (initrd)
		fz_u64s(fdt, "initrd", initrd, 2);
	if (devices)
		fdt_property(fdt, "devices", devices, devices_len);
	else if (size)
		fdt_property_string(fdt, "devices", "/dev@x");
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_finish(fdt);
	return config_parse(fdt, &fz_machine, &fz_cfg, fz_err, sizeof(fz_err));
}

TEST(config_device_accepted_when_clear_of_ram)
{
	ASSERT_EQ(fz_parse(0x9000000, 0x1000, NULL, NULL, 0), 0);
	EXPECT_EQ(fz_cfg.vms[0].nr_devs, 1);
}

TEST(config_device_reg_that_wraps_is_refused)
{
	/* Pages [0xa00f, 2^52) then [0, 0x9000]: vm_attach_devices() mapped
	 * nothing (end < start) and check_devices() compared wrapped ends. */
	EXPECT_EQ(fz_parse(0xa00ffffULL, 0xffffffffff1c0200ULL, NULL, NULL, 0),
		  -EINVAL);
	EXPECT_TRUE(strstr(fz_err, "/dev@x") != NULL);
	EXPECT_TRUE(strstr(fz_err, "wraps") != NULL);
}

TEST(config_device_in_ram_is_refused)
{
	/* Mapped read-write into the guest at IPA == PA: over vigil's image,
	 * the DTB or free RAM vigil allocates from, it handed the guest
	 * vigil's own memory. Only the VM's own RAM was checked. */
	static const uint64_t at[] = {0x40080000, 0x48000000, 0x4a003c00,
				      0x7ffff000};

	for (unsigned int i = 0; i < ARRAY_SIZE(at); i++) {
		EXPECT_EQ(fz_parse(at[i], 0x200, NULL, NULL, 0), -EINVAL);
		EXPECT_TRUE(strstr(fz_err, "lies in RAM") != NULL);
	}
	/* Straddling the start of RAM. */
	EXPECT_EQ(fz_parse(0x3ffff000, 0x2000, NULL, NULL, 0), -EINVAL);
}

TEST(config_error_is_one_line_whatever_the_dtb_holds)
{
	/* A devices path with a newline and an escape: the error printed
	 * one and a half lines and passed the escape to the terminal. */
	static const char devs[] = "/virtio_\n\033[2Jx";

	EXPECT_EQ(fz_parse(0, 0, NULL, devs, sizeof(devs)), -EINVAL);
	EXPECT_TRUE(strchr(fz_err, '\n') == NULL);
	EXPECT_TRUE(strchr(fz_err, '\033') == NULL);
	EXPECT_TRUE(strstr(fz_err, "no node /virtio_??[2Jx") != NULL);
}

TEST(config_default_vm_ram_ends_on_a_2mib_boundary)
{
	/* Found by config_fuzz: a bank ending at 0x80002400 gave the default
	 * VM 0x30002400 bytes, which stage 2 maps in 2 MiB blocks. */
	struct boot_info bi = fz_machine;
	void *fdt = fz_dtb;

	bi.mem[0].size = 0x40002400;
	fdt_create(fdt, sizeof(fz_dtb));
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_end_node(fdt);
	fdt_finish(fdt);
	ASSERT_EQ(config_parse(fdt, &bi, &fz_cfg, fz_err, sizeof(fz_err)), 0);
	EXPECT_EQ(fz_cfg.vms[0].ram_size, 0x30000000);
	/* Vigil in a bank at 0x80000000: the VM follows it there. */
	bi.mem[0].base = 0x80000000;
	bi.image_start = 0x80080000;
	bi.image_end = 0x80200000;
	ASSERT_EQ(config_parse(fdt, &bi, &fz_cfg, fz_err, sizeof(fz_err)), 0);
	EXPECT_EQ(fz_cfg.vms[0].ram_base, 0x90000000);
	EXPECT_EQ(fz_cfg.vms[0].ram_size, 0x30000000);
	/* Nothing left above vigil in its bank: one clear line. */
	bi.mem[0].size = 0x10002400;
	EXPECT_EQ(config_parse(fdt, &bi, &fz_cfg, fz_err, sizeof(fz_err)),
		  -EINVAL);
	EXPECT_TRUE(strstr(fz_err,
			   "config error: /memory: no RAM left for "
			   "the default VM above 0x90000000") == fz_err);
}

TEST(config_initrd_whose_end_wraps_is_refused)
{
	/* Found by config_fuzz: base + size wrapped below the end of RAM,
	 * so an initrd of nearly 2^64 bytes was accepted (and copied). */
	const uint64_t initrd[2] = {0x580000f9, 0xffffffffffdfff00ULL};
	const uint64_t fits[2] = {0x5f000000, 0x1000000};
	const uint64_t over[2] = {0x5f000000, 0x1000001};

	EXPECT_EQ(fz_parse(0, 0, initrd, NULL, 0), -EINVAL);
	EXPECT_TRUE(strstr(fz_err, "initrd") != NULL);
	EXPECT_EQ(fz_parse(0, 0, fits, NULL, 0), 0);
	EXPECT_EQ(fz_parse(0, 0, over, NULL, 0), -EINVAL);
}
