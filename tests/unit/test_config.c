/* SPDX-License-Identifier: MIT */
/* The /hypervisor configuration: parsing, defaults, and every refusal. */
#include <errno.h>
#include <libfdt.h>
#include <string.h>

#include "config.h"
#include "host_arch.h"
#include "host_mm_map.h"
#include "mm.h"
#include "test.h"

static char dtb[8192];
static struct hv_config cfg;
static char err[256];

/* A machine like QEMU virt -m 1G -smp 4, vigil at 0x40080000. */
static const struct boot_info machine = {
	.image_start = 0x40080000,
	.image_end = 0x40200000,
	.dtb_start = 0x48000000,
	.dtb_end = 0x48100000,
	.nr_pcpus = 4,
	.nr_mem = 1,
	.mem = {{0x40000000, 0x40000000}},
};

struct vm_desc {
	const char *node;
	int vcpus;		  /* < 0: leave out */
	const uint32_t *affinity; /* NULL: leave out */
	int nr_affinity;
	uint64_t mem_base, mem_size; /* size 0: leave out */
	uint64_t entry;		     /* 0: leave out */
	const char *label;
	const char *devices; /* NUL-separated list, ending in "\0\0" */
	int devices_len;
	const char *bootargs;
	uint64_t initrd_base, initrd_size;
	const char *compat;		 /* NULL: "vigil,vm"; "": leave out */
	uint64_t image_base, image_size; /* size 0: leave out */
	bool has_crc;
	uint32_t crc;
	/* vigil,dma-unrestricted: 0 leave out, 1 empty (boolean), 2 = <0> */
	int dma_unrestricted;
	const char *console; /* vigil,console; NULL: leave out */
	/* vigil,aarch32: 0 leave out, 1 empty (boolean), 2 = <1> */
	int aarch32;
};

/* The /hypervisor node's compatible; "": leave out. */
static const char *hv_compat = "vigil,hypervisor";

static void prop_u64s(void *fdt, const char *name, uint64_t a, uint64_t b,
		      int n)
{
	fdt32_t c[4] = {cpu_to_fdt32(a >> 32), cpu_to_fdt32((uint32_t)a),
			cpu_to_fdt32(b >> 32), cpu_to_fdt32((uint32_t)b)};

	fdt_property(fdt, name, c, 8 * n);
}

static void dev_node(void *fdt, const char *name, const char *compat,
		     uint64_t base, uint64_t size, int spi)
{
	fdt_begin_node(fdt, name);
	fdt_property_string(fdt, "compatible", compat);
	prop_u64s(fdt, "reg", base, size, 2);
	if (spi >= 0) {
		fdt32_t irq[3] = {cpu_to_fdt32(0), cpu_to_fdt32((uint32_t)spi),
				  cpu_to_fdt32(4)};

		fdt_property(fdt, "interrupts", irq, sizeof(irq));
	}
	fdt_end_node(fdt);
}

/* /chosen/stdout-path, NULL: leave out (then reset by the test). */
static const char *stdout_path;

/* More host nodes, added under the root by a test (then reset). */
static void (*extra_tree)(void *fdt);

/* Build a DTB whose /hypervisor holds @n VMs (n < 0: no /hypervisor). */
static const void *make_dtb(const struct vm_desc *vms, int n)
{
	void *fdt = dtb;

	fdt_create(fdt, sizeof(dtb));
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	fdt_begin_node(fdt, "chosen");
	fdt_property_string(fdt, "bootargs", "console=ttyAMA0");
	if (stdout_path)
		fdt_property_string(fdt, "stdout-path", stdout_path);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "aliases");
	fdt_property_string(fdt, "serial0", "/pl011@9000000");
	fdt_end_node(fdt);
	dev_node(fdt, "pl011@9000000", "arm,pl011", 0x9000000, 0x1000, 1);
	dev_node(fdt, "pl031@9010000", "arm,pl031", 0x9010000, 0x1000, 2);
	dev_node(fdt, "pl061@9030000", "arm,pl061", 0x9030000, 0x1000, 7);
	dev_node(fdt, "virtio_mmio@a000000", "virtio,mmio", 0xa000000, 0x200,
		 16);
	dev_node(fdt, "virtio_mmio@a000200", "virtio,mmio", 0xa000200, 0x200,
		 17);
	dev_node(fdt, "ppi-dev@c000000", "test,ppi", 0xc000000, 0x1000, -1);
	/* A device on the RTC's SPI 2 (INTID 34). */
	dev_node(fdt, "dup-irq@9100000", "test,dup", 0x9100000, 0x1000, 2);
	if (extra_tree)
		extra_tree(fdt);
	if (n >= 0) {
		fdt_begin_node(fdt, "hypervisor");
		if (hv_compat[0])
			fdt_property_string(fdt, "compatible", hv_compat);
		for (int i = 0; i < n; i++) {
			const struct vm_desc *d = &vms[i];

			fdt_begin_node(fdt, d->node);
			if (!d->compat || d->compat[0])
				fdt_property_string(fdt, "compatible",
						    d->compat ? d->compat
							      : "vigil,vm");
			if (d->image_size)
				prop_u64s(fdt, "image", d->image_base,
					  d->image_size, 2);
			if (d->has_crc)
				fdt_property_u32(fdt, "image-crc32", d->crc);
			if (d->label)
				fdt_property_string(fdt, "label", d->label);
			if (d->vcpus >= 0)
				fdt_property_u32(fdt, "vcpus",
						 (uint32_t)d->vcpus);
			if (d->affinity) {
				fdt32_t a[8];

				for (int j = 0; j < d->nr_affinity; j++)
					a[j] = cpu_to_fdt32(d->affinity[j]);
				fdt_property(fdt, "cpu-affinity", a,
					     4 * d->nr_affinity);
			}
			if (d->mem_size)
				prop_u64s(fdt, "memory", d->mem_base,
					  d->mem_size, 2);
			if (d->entry)
				prop_u64s(fdt, "entry", d->entry, 0, 1);
			if (d->devices)
				fdt_property(fdt, "devices", d->devices,
					     d->devices_len);
			if (d->bootargs)
				fdt_property_string(fdt, "bootargs",
						    d->bootargs);
			if (d->initrd_size)
				prop_u64s(fdt, "initrd", d->initrd_base,
					  d->initrd_size, 2);
			if (d->dma_unrestricted == 1)
				fdt_property(fdt, "vigil,dma-unrestricted",
					     NULL, 0);
			if (d->dma_unrestricted == 2)
				fdt_property_u32(fdt, "vigil,dma-unrestricted",
						 0);
			if (d->console)
				fdt_property_string(fdt, "vigil,console",
						    d->console);
			if (d->aarch32 == 1)
				fdt_property(fdt, "vigil,aarch32", NULL, 0);
			if (d->aarch32 == 2)
				fdt_property_u32(fdt, "vigil,aarch32", 1);
			fdt_end_node(fdt);
		}
		fdt_end_node(fdt);
	}
	fdt_end_node(fdt);
	fdt_finish(fdt);
	return fdt;
}

static int parse(const struct vm_desc *vms, int n)
{
	return config_parse(make_dtb(vms, n), &machine, &cfg, err, sizeof(err));
}

TEST(config_default_vm_takes_every_cpu_and_ram_above_0x50000000)
{
	ASSERT_EQ(parse(NULL, -1), 0);
	EXPECT_EQ(cfg.nr_vms, 1);
	EXPECT_EQ(cfg.vms[0].nr_vcpus, 4);
	for (unsigned int i = 0; i < 4; i++)
		EXPECT_EQ(cfg.vms[0].affinity[i], i);
	EXPECT_EQ(cfg.vms[0].ram_base, 0x50000000);
	EXPECT_EQ(cfg.vms[0].ram_size, 0x30000000);
	EXPECT_EQ(cfg.vms[0].entry, 0x50000000);
	EXPECT_STREQ(cfg.vms[0].name, "vm0");
}

TEST(config_default_vm_on_a_raspberry_pi_4_starts_at_0x10000000)
{
	/* QEMU's raspi4b: 960 MiB at 0, vigil at 0x80000, the DTB at
	 * 128 MiB; the VM takes the rest of the bank from 256 MiB. (A tree
	 * of no devices: the virt ones of make_dtb() would lie in this RAM.) */
	struct boot_info bi = machine;
	void *fdt = dtb;

	fdt_create(fdt, sizeof(dtb));
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_end_node(fdt);
	fdt_finish(fdt);
	bi.image_start = 0x80000;
	bi.image_end = 0x210000;
	bi.dtb_start = 0x08000000;
	bi.dtb_end = 0x08012000;
	bi.mem[0].base = 0;
	bi.mem[0].size = 0x3c000000;
	ASSERT_EQ(config_parse(fdt, &bi, &cfg, err, sizeof(err)), 0);
	EXPECT_EQ(cfg.vms[0].ram_base, 0x10000000);
	EXPECT_EQ(cfg.vms[0].ram_size, 0x2c000000);
	EXPECT_EQ(cfg.vms[0].entry, 0x10000000);
	/* An initrd up to 0x12000000 pushes it to the next boundary. */
	bi.initrd_start = 0x10800000;
	bi.initrd_end = 0x12000000;
	ASSERT_EQ(config_parse(fdt, &bi, &cfg, err, sizeof(err)), 0);
	EXPECT_EQ(cfg.vms[0].ram_base, 0x20000000);
	EXPECT_EQ(cfg.vms[0].ram_size, 0x1c000000);
}

TEST(config_default_vm_gets_uart_rtc_and_virtio_but_not_gpio)
{
	ASSERT_EQ(parse(NULL, -1), 0);
	ASSERT_EQ(cfg.vms[0].nr_devs, 4);
	EXPECT_STREQ(cfg.vms[0].devs[0].path, "/pl011@9000000");
	EXPECT_EQ(cfg.vms[0].devs[0].base, 0x9000000);
	EXPECT_EQ(cfg.vms[0].devs[0].size, 0x1000);
	EXPECT_EQ(cfg.vms[0].devs[0].nr_irqs, 1);
	EXPECT_EQ(cfg.vms[0].devs[0].irqs[0], 33);
	EXPECT_STREQ(cfg.vms[0].devs[1].path, "/pl031@9010000");
	EXPECT_STREQ(cfg.vms[0].devs[2].path, "/virtio_mmio@a000000");
	EXPECT_EQ(cfg.vms[0].devs[2].irqs[0], 48);
	EXPECT_STREQ(cfg.vms[0].devs[3].path, "/virtio_mmio@a000200");
	EXPECT_EQ(cfg.vms[0].devs[3].size, 0x200);
	EXPECT_STREQ(cfg.vms[0].bootargs, "console=ttyAMA0");
	EXPECT_FALSE(cfg.vms[0].initrd_from_chosen);
}

TEST(config_default_vm_takes_the_boot_loaders_initrd)
{
	struct boot_info bi = machine;

	bi.initrd_start = 0x48000000;
	bi.initrd_end = 0x48800000;
	bi.dtb_start = 0x48800000;
	bi.dtb_end = 0x48810000;
	ASSERT_EQ(config_parse(make_dtb(NULL, -1), &bi, &cfg, err, sizeof(err)),
		  0);
	EXPECT_TRUE(cfg.vms[0].initrd_from_chosen);
	EXPECT_EQ(cfg.vms[0].initrd_size, 0x800000);
}

#define DEVS(s) s, sizeof(s)

TEST(config_vm_devices_are_resolved_from_the_host_tree)
{
	struct vm_desc d = {"vm@0",
			    1,
			    NULL,
			    0,
			    0x50000000,
			    0x10000000,
			    0,
			    0,
			    DEVS("/virtio_mmio@a000200\0/pl011@9000000"),
			    "console=ttyAMA0 quiet",
			    0x50800000,
			    0x100000};

	ASSERT_EQ(parse(&d, 1), 0);
	ASSERT_EQ(cfg.vms[0].nr_devs, 2);
	EXPECT_STREQ(cfg.vms[0].devs[0].path, "/virtio_mmio@a000200");
	EXPECT_EQ(cfg.vms[0].devs[0].base, 0xa000200);
	EXPECT_EQ(cfg.vms[0].devs[0].irqs[0], 49);
	EXPECT_STREQ(cfg.vms[0].devs[1].path, "/pl011@9000000");
	EXPECT_STREQ(cfg.vms[0].bootargs, "console=ttyAMA0 quiet");
	EXPECT_EQ(cfg.vms[0].initrd_base, 0x50800000);
	EXPECT_EQ(cfg.vms[0].initrd_size, 0x100000);
}

/* ---- devices under buses: reg translated through ranges ---- */

static void bus_dev(void *fdt, const char *name, const char *compat,
		    uint32_t base, uint32_t size, int spi, bool enabled)
{
	fdt32_t reg[2] = {cpu_to_fdt32(base), cpu_to_fdt32(size)};

	fdt_begin_node(fdt, name);
	fdt_property_string(fdt, "compatible", compat);
	fdt_property(fdt, "reg", reg, sizeof(reg));
	if (spi >= 0) {
		fdt32_t irq[3] = {cpu_to_fdt32(0), cpu_to_fdt32((uint32_t)spi),
				  cpu_to_fdt32(4)};

		fdt_property(fdt, "interrupts", irq, sizeof(irq));
	}
	if (!enabled)
		fdt_property_string(fdt, "status", "disabled");
	fdt_end_node(fdt);
}

static void bus_of_one_cell(void *fdt, const char *name)
{
	fdt_begin_node(fdt, name);
	fdt_property_string(fdt, "compatible", "simple-bus");
	fdt_property_u32(fdt, "#address-cells", 1);
	fdt_property_u32(fdt, "#size-cells", 1);
}

/* A Raspberry Pi 4-like /soc: bus addresses 0x7e000000 are CPU addresses
 * 0xfe000000; an i2c bus below it with an empty ranges; a bus without
 * ranges. */
static void soc_tree(void *fdt)
{
	fdt32_t soc[4] = {cpu_to_fdt32(0x7e000000), cpu_to_fdt32(0),
			  cpu_to_fdt32(0xfe000000), cpu_to_fdt32(0x01800000)};

	bus_of_one_cell(fdt, "soc");
	fdt_property(fdt, "ranges", soc, sizeof(soc));
	bus_dev(fdt, "serial@7e201000", "arm,pl011", 0x7e201000, 0x200, 121,
		true);
	bus_dev(fdt, "serial@7e201400", "arm,pl011", 0x7e201400, 0x200, 122,
		false);
	bus_dev(fdt, "far@7f900000", "test,far", 0x7f900000, 0x1000, -1, true);
	bus_dev(fdt, "edge@7f7ff000", "test,edge", 0x7f7ff000, 0x2000, -1,
		true);
	bus_of_one_cell(fdt, "i2c-bus");
	fdt_property(fdt, "ranges", NULL, 0);
	bus_dev(fdt, "eeprom@7e804000", "test,eeprom", 0x7e804000, 0x100, 123,
		true);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	bus_of_one_cell(fdt, "nobus");
	bus_dev(fdt, "dev@1000", "test,dev", 0x1000, 0x100, -1, true);
	fdt_end_node(fdt);
}

static int parse_soc_devices(const char *devs, int len)
{
	struct vm_desc d = {"vm@0", 1, NULL, 0, 0x50000000, 0x10000000};
	int r;

	d.devices = devs;
	d.devices_len = len;
	extra_tree = soc_tree;
	r = parse(&d, 1);
	extra_tree = NULL;
	return r;
}

TEST(config_device_under_a_bus_is_translated_through_its_ranges)
{
	ASSERT_EQ(parse_soc_devices(DEVS("/soc/serial@7e201000\0"
					 "/soc/i2c-bus/eeprom@7e804000")),
		  0);
	ASSERT_EQ(cfg.vms[0].nr_devs, 2);
	EXPECT_EQ(cfg.vms[0].devs[0].base, 0xfe201000);
	EXPECT_EQ(cfg.vms[0].devs[0].size, 0x200);
	EXPECT_EQ(cfg.vms[0].devs[0].irqs[0], 153);
	/* Through the i2c bus's empty ranges (identity), then /soc's. */
	EXPECT_EQ(cfg.vms[0].devs[1].base, 0xfe804000);
	EXPECT_EQ(cfg.vms[0].devs[1].size, 0x100);
}

TEST(config_device_on_a_bus_without_ranges_is_refused)
{
	EXPECT_EQ(parse_soc_devices(DEVS("/nobus/dev@1000")), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: devices: "
			  "/nobus/dev@1000: bus /nobus has no ranges");
}

TEST(config_device_outside_its_buses_ranges_is_refused)
{
	EXPECT_EQ(parse_soc_devices(DEVS("/soc/far@7f900000")), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: devices: "
			  "/soc/far@7f900000: bus /soc maps no range holding "
			  "it");
	/* Starting inside the range but running past its end. */
	EXPECT_EQ(parse_soc_devices(DEVS("/soc/edge@7f7ff000")), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: devices: "
			  "/soc/edge@7f7ff000: bus /soc maps no range holding "
			  "it");
}

/* Buses whose ranges vigil cannot use: three address cells, a ranges
 * that is not whole entries, a range whose end wraps past 2^64. */
static void odd_buses_tree(void *fdt)
{
	fdt32_t r3[5] = {0, 0, 0, 0, cpu_to_fdt32(0x1000)};
	fdt32_t wrap[4] = {cpu_to_fdt32(0), cpu_to_fdt32(0xffffffff),
			   cpu_to_fdt32(0xfffff000), cpu_to_fdt32(0x10000)};

	fdt_begin_node(fdt, "wide");
	fdt_property_u32(fdt, "#address-cells", 3);
	fdt_property_u32(fdt, "#size-cells", 1);
	bus_of_one_cell(fdt, "inner"); /* its ranges: 1 + 3 + 1 cells */
	fdt_property(fdt, "ranges", r3, sizeof(r3));
	bus_dev(fdt, "dev@0", "test,dev", 0, 0x100, -1, true);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	bus_of_one_cell(fdt, "short");
	fdt_property(fdt, "ranges", wrap, 12);
	bus_dev(fdt, "dev@100", "test,dev", 0x100, 0x100, -1, true);
	fdt_end_node(fdt);
	bus_of_one_cell(fdt, "wraps");
	fdt_property(fdt, "ranges", wrap, sizeof(wrap));
	bus_dev(fdt, "dev@2000", "test,dev", 0x2000, 0x100, -1, true);
	fdt_end_node(fdt);
}

static int parse_odd_bus_device(const char *devs, int len)
{
	struct vm_desc d = {"vm@0", 1, NULL, 0, 0x50000000, 0x10000000};
	int r;

	d.devices = devs;
	d.devices_len = len;
	extra_tree = odd_buses_tree;
	r = parse(&d, 1);
	extra_tree = NULL;
	return r;
}

TEST(config_device_on_a_bus_with_unusable_ranges_is_refused)
{
	EXPECT_EQ(parse_odd_bus_device(DEVS("/wide/inner/dev@0")), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: devices: "
			  "/wide/inner/dev@0: bus /wide/inner has ranges of "
			  "more than 2 cells");
	EXPECT_EQ(parse_odd_bus_device(DEVS("/short/dev@100")), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: devices: "
			  "/short/dev@100: bus /short has a malformed ranges");
	EXPECT_EQ(parse_odd_bus_device(DEVS("/wraps/dev@2000")), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: devices: "
			  "/wraps/dev@2000: bus /wraps has a range that wraps");
}

TEST(config_default_vm_takes_enabled_uarts_under_a_bus)
{
	bool nested = false;

	extra_tree = soc_tree;
	ASSERT_EQ(parse(NULL, -1), 0);
	extra_tree = NULL;
	for (unsigned int i = 0; i < cfg.vms[0].nr_devs; i++) {
		const struct vm_device *dv = &cfg.vms[0].devs[i];

		EXPECT_TRUE(strcmp(dv->path, "/soc/serial@7e201400") != 0);
		if (!strcmp(dv->path, "/soc/serial@7e201000")) {
			nested = true;
			EXPECT_EQ(dv->base, 0xfe201000);
		}
	}
	EXPECT_TRUE(nested);
	EXPECT_EQ(cfg.vms[0].nr_devs, 5);
}

/* A top-level node after the root's end: fdt_get_path() of libfdt 1.6.1
 * reads below its buffer on it. Boot refuses such a tree (fdt_check_full),
 * config_parse() must not fall over it either (the config fuzzer feeds it
 * what fdt_check_header() accepts): the default VM's walk stops at the
 * root's end. */
TEST(config_default_vm_ignores_a_node_after_the_roots_end)
{
	void *fdt = dtb;

	fdt_create(fdt, sizeof(dtb));
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	dev_node(fdt, "pl011@9000000", "arm,pl011", 0x9000000, 0x1000, 1);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "stray");
	dev_node(fdt, "pl011@9100000", "arm,pl011", 0x9100000, 0x1000, 3);
	fdt_end_node(fdt);
	fdt_finish(fdt);
	ASSERT_EQ(config_parse(fdt, &machine, &cfg, err, sizeof(err)), 0);
	ASSERT_EQ(cfg.vms[0].nr_devs, 1);
	EXPECT_STREQ(cfg.vms[0].devs[0].path, "/pl011@9000000");
}

TEST(config_device_missing_from_the_tree_is_refused)
{
	struct vm_desc d = {"vm@0", 1,		NULL,
			    0,	    0x50000000, 0x10000000,
			    0,	    0,		DEVS("/uart@1234")};

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: devices: no node "
			  "/uart@1234 in the DTB");
}

TEST(config_device_listed_twice_is_refused)
{
	struct vm_desc d = {
		"vm@0", 1,	    NULL,
		0,	0x50000000, 0x10000000,
		0,	0,	    DEVS("/pl011@9000000\0/pl011@9000000")};

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: device "
			  "/pl011@9000000 listed twice");
}

TEST(config_device_given_to_two_vms_is_refused)
{
	static const uint32_t a0[] = {0}, a1[] = {1};
	struct vm_desc d[2] = {
		{"vm@0", 1, a0, 1, 0x50000000, 0x10000000, 0, 0,
		 DEVS("/pl011@9000000")},
		{"vm@1", 1, a1, 1, 0x60000000, 0x10000000, 0, 0,
		 DEVS("/pl011@9000000")},
	};

	EXPECT_EQ(parse(d, 2), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@1: device "
			  "/pl011@9000000 shares MMIO with /pl011@9000000 of "
			  "/hypervisor/vm@0");
}

TEST(config_devices_sharing_a_page_across_vms_are_refused)
{
	static const uint32_t a0[] = {0}, a1[] = {1};
	struct vm_desc d[2] = {
		{"vm@0", 1, a0, 1, 0x50000000, 0x10000000, 0, 0,
		 DEVS("/virtio_mmio@a000000")},
		{"vm@1", 1, a1, 1, 0x60000000, 0x10000000, 0, 0,
		 DEVS("/virtio_mmio@a000200")},
	};

	EXPECT_EQ(parse(d, 2), -EINVAL);
	EXPECT_TRUE(strstr(err, "device /virtio_mmio@a000200 shares MMIO "
				"with /virtio_mmio@a000000") != NULL);
}

TEST(config_device_without_spi_interrupts_is_accepted_with_none)
{
	struct vm_desc d = {"vm@0", 1,		NULL,
			    0,	    0x50000000, 0x10000000,
			    0,	    0,		DEVS("/ppi-dev@c000000")};

	ASSERT_EQ(parse(&d, 1), 0);
	EXPECT_EQ(cfg.vms[0].devs[0].nr_irqs, 0);
}

TEST(config_initrd_outside_vm_memory_is_refused)
{
	struct vm_desc d = {"vm@0", 1,	  NULL, 0,    0x50000000, 0x10000000, 0,
			    0,	    NULL, 0,	NULL, 0x5ff00000, 0x200000};

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: initrd "
			  "0x5ff00000+0x200000 lies outside its memory");
}

TEST(config_vm_node_is_parsed_field_by_field)
{
	static const uint32_t aff[] = {3, 1};
	struct vm_desc d = {"vm@0",	2,	    aff,	2,
			    0x50000000, 0x10000000, 0x50080000, "hello"};

	ASSERT_EQ(parse(&d, 1), 0);
	EXPECT_EQ(cfg.nr_vms, 1);
	EXPECT_EQ(cfg.vms[0].nr_vcpus, 2);
	EXPECT_EQ(cfg.vms[0].affinity[0], 3);
	EXPECT_EQ(cfg.vms[0].affinity[1], 1);
	EXPECT_EQ(cfg.vms[0].ram_base, 0x50000000);
	EXPECT_EQ(cfg.vms[0].ram_size, 0x10000000);
	EXPECT_EQ(cfg.vms[0].entry, 0x50080000);
	EXPECT_STREQ(cfg.vms[0].name, "hello");
	EXPECT_STREQ(cfg.vms[0].node, "/hypervisor/vm@0");
}

TEST(config_vm_memory_overlapping_vigil_is_refused_naming_the_node)
{
	struct vm_desc d = {"vm@0", 1, NULL, 0, 0x40000000, 0x1000000, 0, 0};

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: memory "
			  "0x40000000-0x40ffffff overlaps vigil's image "
			  "0x40080000-0x401fffff");
}

TEST(config_vm_memory_overlapping_the_dtb_is_refused)
{
	struct vm_desc d = {"vm@0", 1, NULL, 0, 0x47e00000, 0x400000, 0, 0};

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_TRUE(strstr(err, "/hypervisor/vm@0: memory") != NULL);
	EXPECT_TRUE(strstr(err, "overlaps the DTB") != NULL);
}

TEST(config_vm_memory_outside_ram_is_refused)
{
	struct vm_desc d = {"vm@0", 1, NULL, 0, 0x90000000, 0x200000, 0, 0};

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_TRUE(strstr(err, "is not inside one /memory bank") != NULL);
}

TEST(config_two_vms_with_overlapping_memory_are_refused)
{
	static const uint32_t a0[] = {0}, a1[] = {1};
	struct vm_desc d[2] = {
		{"vm@0", 1, a0, 1, 0x50000000, 0x10000000, 0, 0},
		{"vm@1", 1, a1, 1, 0x58000000, 0x10000000, 0, 0},
	};

	EXPECT_EQ(parse(d, 2), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@1: memory overlaps "
			  "/hypervisor/vm@0's");
}

TEST(config_two_vms_on_one_pcpu_are_refused)
{
	static const uint32_t a0[] = {0, 1}, a1[] = {1};
	struct vm_desc d[2] = {
		{"vm@0", 2, a0, 2, 0x50000000, 0x10000000, 0, 0},
		{"vm@1", 1, a1, 1, 0x60000000, 0x10000000, 0, 0},
	};

	EXPECT_EQ(parse(d, 2), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@1: pCPU 1 already "
			  "runs a vCPU of /hypervisor/vm@0 (static pinning)");
}

TEST(config_two_disjoint_vms_are_accepted)
{
	static const uint32_t a0[] = {0, 1}, a1[] = {2, 3};
	struct vm_desc d[2] = {
		{"vm@0", 2, a0, 2, 0x50000000, 0x10000000, 0, "a"},
		{"vm@1", 2, a1, 2, 0x60000000, 0x10000000, 0, "b"},
	};

	ASSERT_EQ(parse(d, 2), 0);
	EXPECT_EQ(cfg.nr_vms, 2);
	EXPECT_STREQ(cfg.vms[1].name, "b");
	EXPECT_EQ(cfg.vms[1].affinity[1], 3);
}

TEST(config_more_vcpus_than_pcpus_is_refused)
{
	struct vm_desc d = {"vm@0", 5, NULL, 0, 0x50000000, 0x10000000, 0, 0};

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: vcpus = 5 but only "
			  "4 pCPUs (static pinning)");
}

TEST(config_zero_vcpus_is_refused)
{
	struct vm_desc d = {"vm@0", 0, NULL, 0, 0x50000000, 0x10000000, 0, 0};

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_TRUE(strstr(err, "vcpus = 0, must be 1..") != NULL);
}

TEST(config_missing_vcpus_is_refused)
{
	struct vm_desc d = {"vm@0", -1, NULL, 0, 0x50000000, 0x10000000, 0, 0};

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: vcpus missing or "
			  "not one cell");
}

TEST(config_affinity_naming_a_missing_pcpu_is_refused)
{
	static const uint32_t aff[] = {0, 7};
	struct vm_desc d = {"vm@0", 2, aff, 2, 0x50000000, 0x10000000, 0, 0};

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: cpu-affinity names "
			  "pCPU 7, only 4 exist");
}

TEST(config_affinity_with_wrong_length_is_refused)
{
	static const uint32_t aff[] = {0};
	struct vm_desc d = {"vm@0", 2, aff, 1, 0x50000000, 0x10000000, 0, 0};

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_TRUE(strstr(err, "cpu-affinity has 1 cells, vcpus = 2") != NULL);
}

TEST(config_affinity_naming_a_pcpu_twice_is_refused)
{
	static const uint32_t aff[] = {2, 2};
	struct vm_desc d = {"vm@0", 2, aff, 2, 0x50000000, 0x10000000, 0, 0};

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_TRUE(strstr(err, "names pCPU 2 twice") != NULL);
}

TEST(config_missing_memory_is_refused)
{
	struct vm_desc d = {"vm@0", 1, NULL, 0, 0, 0, 0, 0};

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_TRUE(strstr(err, "/hypervisor/vm@0: memory missing") != NULL);
}

TEST(config_unaligned_memory_is_refused)
{
	struct vm_desc d = {"vm@0", 1, NULL, 0, 0x50001000, 0x10000000, 0, 0};

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_TRUE(strstr(err, "2 MiB aligned") != NULL);
}

TEST(config_entry_outside_memory_is_refused)
{
	struct vm_desc d = {"vm@0",	1,	    NULL,	0,
			    0x50000000, 0x10000000, 0x70000000, 0};

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: entry 0x70000000 "
			  "lies outside its memory");
}

TEST(config_hypervisor_node_without_vms_is_refused)
{
	EXPECT_EQ(parse(NULL, 0), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor: no vm@N node");
}

/* ---- malformed nodes ---------------------------------------------------- */

TEST(config_hypervisor_node_without_compatible_is_refused)
{
	struct vm_desc d = {"vm@0", 1, NULL, 0, 0x50000000, 0x10000000};

	hv_compat = "";
	EXPECT_EQ(parse(&d, 1), -EINVAL);
	hv_compat = "vigil,hypervisor";
	EXPECT_STREQ(err, "config error: /hypervisor: compatible missing or "
			  "not \"vigil,hypervisor\"");
}

TEST(config_vm_node_with_a_wrong_compatible_is_refused)
{
	struct vm_desc d = {"vm@0", 1, NULL, 0, 0x50000000, 0x10000000};

	d.compat = "xen,domain";
	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: compatible missing "
			  "or not \"vigil,vm\"");
	d.compat = "";
	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_TRUE(strstr(err, "/hypervisor/vm@0: compatible missing") !=
		    NULL);
}

TEST(config_label_with_a_separator_is_refused)
{
	struct vm_desc d = {"vm@0",	1,	    NULL, 0,
			    0x50000000, 0x10000000, 0,	  "a| b"};

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: label may hold only "
			  "letters, digits, '_', '-' and '.'");
}

TEST(config_label_too_long_is_refused)
{
	struct vm_desc d = {"vm@0",	1,
			    NULL,	0,
			    0x50000000, 0x10000000,
			    0,		"a-label-of-thirty-two-characters"};

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: label must be a "
			  "string of 1..31 characters");
}

TEST(config_two_vms_with_one_label_are_refused)
{
	static const uint32_t a0[] = {0}, a1[] = {1};
	struct vm_desc d[2] = {
		{"vm@0", 1, a0, 1, 0x50000000, 0x10000000, 0, "twin"},
		{"vm@1", 1, a1, 1, 0x60000000, 0x10000000, 0, "twin"},
	};

	EXPECT_EQ(parse(d, 2), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@1: label \"twin\" is "
			  "/hypervisor/vm@0's too");
}

TEST(config_a_label_equal_to_a_default_name_is_refused)
{
	static const uint32_t a0[] = {0}, a1[] = {1};
	struct vm_desc d[2] = {
		{"vm@0", 1, a0, 1, 0x50000000, 0x10000000, 0, NULL},
		{"vm@1", 1, a1, 1, 0x60000000, 0x10000000, 0, "vm0"},
	};

	EXPECT_EQ(parse(d, 2), -EINVAL);
	EXPECT_TRUE(strstr(err, "label \"vm0\" is /hypervisor/vm@0's too") !=
		    NULL);
}

TEST(config_same_irq_given_to_two_vms_is_refused)
{
	static const uint32_t a0[] = {0}, a1[] = {1};
	struct vm_desc d[2] = {
		{"vm@0", 1, a0, 1, 0x50000000, 0x10000000, 0, 0,
		 DEVS("/pl031@9010000")},
		{"vm@1", 1, a1, 1, 0x60000000, 0x10000000, 0, 0,
		 DEVS("/dup-irq@9100000")},
	};

	EXPECT_EQ(parse(d, 2), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@1: IRQ 34 of "
			  "/dup-irq@9100000 is given to /pl031@9010000 too");
}

/* ---- DMA masters (no IOMMU) -------------------------------------------- */

static const char dma_refusal_vm0[] =
	"config error: /hypervisor/vm@0: device /virtio_mmio@a000000 can DMA "
	"to all memory (no IOMMU): with 2 VMs it needs vigil,dma-unrestricted";
static const char dma_refusal_vm1[] =
	"config error: /hypervisor/vm@1: device /virtio_mmio@a000200 can DMA "
	"to all memory (no IOMMU): with 2 VMs it needs vigil,dma-unrestricted";

/* vm@0 given the virtio-mmio transport at 0xa000000, vm@1 the RTC. */
static void dma_vms(struct vm_desc d[2])
{
	static const uint32_t a0[] = {0}, a1[] = {1};
	const struct vm_desc v[2] = {
		{"vm@0", 1, a0, 1, 0x50000000, 0x10000000, 0, 0,
		 DEVS("/virtio_mmio@a000000")},
		{"vm@1", 1, a1, 1, 0x60000000, 0x10000000, 0, 0,
		 DEVS("/pl031@9010000")},
	};

	d[0] = v[0];
	d[1] = v[1];
}

TEST(config_dma_master_beside_another_vm_is_refused_naming_node_and_device)
{
	struct vm_desc d[2];

	dma_vms(d);
	EXPECT_EQ(parse(d, 2), -EINVAL);
	EXPECT_STREQ(err, dma_refusal_vm0);
}

TEST(config_dma_master_of_a_later_vm_is_refused_naming_that_vm)
{
	struct vm_desc d[2];

	dma_vms(d);
	d[0].devices = NULL;
	d[1].devices = "/pl011@9000000\0/virtio_mmio@a000200";
	d[1].devices_len = sizeof("/pl011@9000000\0/virtio_mmio@a000200");
	d[0].dma_unrestricted = 1; /* one VM's consent is not the other's */
	EXPECT_EQ(parse(d, 2), -EINVAL);
	EXPECT_STREQ(err, dma_refusal_vm1);
}

TEST(config_dma_master_with_the_opt_in_is_accepted)
{
	struct vm_desc d[2];

	dma_vms(d);
	d[0].dma_unrestricted = 1;
	ASSERT_EQ(parse(d, 2), 0);
	EXPECT_EQ(cfg.nr_vms, 2);
	EXPECT_TRUE(cfg.vms[0].dma_unrestricted);
	EXPECT_FALSE(cfg.vms[1].dma_unrestricted);
	ASSERT_EQ(cfg.vms[0].nr_devs, 1);
	EXPECT_TRUE(cfg.vms[0].devs[0].dma_master);
	EXPECT_FALSE(cfg.vms[1].devs[0].dma_master);
}

TEST(config_dma_master_of_a_single_vm_needs_no_opt_in)
{
	struct vm_desc d[2];

	dma_vms(d);
	ASSERT_EQ(parse(d, 1), 0);
	EXPECT_EQ(cfg.nr_vms, 1);
	EXPECT_FALSE(cfg.vms[0].dma_unrestricted);
	EXPECT_TRUE(cfg.vms[0].devs[0].dma_master);
}

TEST(config_default_vm_keeps_its_virtio_transports_without_opt_in)
{
	ASSERT_EQ(parse(NULL, -1), 0);
	EXPECT_FALSE(cfg.vms[0].dma_unrestricted);
	EXPECT_FALSE(cfg.vms[0].devs[0].dma_master); /* PL011 */
	EXPECT_FALSE(cfg.vms[0].devs[1].dma_master); /* PL031 */
	EXPECT_TRUE(cfg.vms[0].devs[2].dma_master);
	EXPECT_TRUE(cfg.vms[0].devs[3].dma_master);
}

TEST(config_two_vms_without_dma_masters_need_no_opt_in)
{
	struct vm_desc d[2];

	dma_vms(d);
	d[0].devices = "/pl011@9000000\0/ppi-dev@c000000";
	d[0].devices_len = sizeof("/pl011@9000000\0/ppi-dev@c000000");
	ASSERT_EQ(parse(d, 2), 0);
}

TEST(config_dma_unrestricted_with_a_value_is_refused)
{
	struct vm_desc d[2];

	dma_vms(d);
	d[0].dma_unrestricted = 2;
	EXPECT_EQ(parse(d, 2), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: "
			  "vigil,dma-unrestricted takes no value");
}

/* ---- image ------------------------------------------------------------- */

static struct vm_desc image_vm(uint64_t base, uint64_t size)
{
	struct vm_desc d = {"vm@0", 1, NULL, 0, 0x50000000, 0x10000000};

	d.image_base = base;
	d.image_size = size;
	return d;
}

TEST(config_image_sets_the_default_entry)
{
	struct vm_desc d = image_vm(0x50200000, 0x10000);

	ASSERT_EQ(parse(&d, 1), 0);
	EXPECT_EQ(cfg.vms[0].image_base, 0x50200000);
	EXPECT_EQ(cfg.vms[0].image_size, 0x10000);
	EXPECT_EQ(cfg.vms[0].entry, 0x50200000);
	EXPECT_FALSE(cfg.vms[0].has_image_crc32);
}

TEST(config_image_outside_memory_is_refused)
{
	struct vm_desc d = image_vm(0x5ff00000, 0x200000);

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: image "
			  "0x5ff00000+0x200000 lies outside its memory");
	d = image_vm(0x40000000, 0x1000);
	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_TRUE(strstr(err, "lies outside its memory") != NULL);
}

TEST(config_image_in_the_guest_dtb_area_is_refused)
{
	struct vm_desc d = image_vm(0x5fd00000, 0x200000);

	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: image "
			  "0x5fd00000-0x5fefffff overlaps the guest DTB area "
			  "from 0x5fe00000");
}

TEST(config_entry_outside_the_image_is_refused)
{
	struct vm_desc d = image_vm(0x50200000, 0x10000);

	d.entry = 0x50000000;
	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: entry 0x50000000 "
			  "lies outside its image");
}

TEST(config_image_crc32_without_image_is_refused)
{
	struct vm_desc d = image_vm(0, 0);

	d.has_crc = true;
	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: image-crc32 is not "
			  "one cell after an image");
}

TEST(config_image_and_initrd_overlapping_are_refused)
{
	struct vm_desc d = image_vm(0x50000000, 0x1000000);

	d.initrd_base = 0x50800000;
	d.initrd_size = 0x100000;
	EXPECT_EQ(parse(&d, 1), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: image and initrd "
			  "overlap");
}

TEST(config_crc32_is_ieee)
{
	EXPECT_EQ(config_crc32("123456789", 9), 0xcbf43926);
	EXPECT_EQ(config_crc32("", 0), 0);
}

/* A 4 KiB arm64 Image: header with @image_size, then a pattern. */
static uint8_t img[0x1000];

/* config_check_image() of @vc with @mem playing the RAM at its image (or
 * entry), read through the checking mm_map() window. */
static int check_image_in(const struct vm_config *vc, const void *mem)
{
	uint64_t pa = vc->image_size ? vc->image_base : vc->entry;
	int r;

	host_mm_maps_reset();
	mm_set_phys_offset((intptr_t)mem - (intptr_t)pa);
	r = config_check_image(vc, err, sizeof(err));
	EXPECT_EQ(host_mm_maps_held(), 0);
	return r;
}

static struct vm_config *image_config(uint64_t image_size, bool magic)
{
	struct vm_desc d = image_vm(0x50000000, sizeof(img));

	memset(img, 0, sizeof(img));
	for (unsigned int i = 64; i < sizeof(img); i++)
		img[i] = (uint8_t)(i * 7);
	for (int i = 0; i < 8; i++)
		img[16 + i] = (uint8_t)(image_size >> (8 * i));
	if (magic)
		memcpy(img + 56, "ARM\x64", 4);
	if (parse(&d, 1))
		return NULL;
	return &cfg.vms[0];
}

TEST(config_check_image_accepts_a_whole_image)
{
	struct vm_config *vc = image_config(0x20000, true);

	ASSERT_TRUE(vc != NULL);
	EXPECT_EQ(check_image_in(vc, img), 0);
	vc->has_image_crc32 = true;
	vc->image_crc32 = config_crc32(img, sizeof(img));
	EXPECT_EQ(check_image_in(vc, img), 0);
}

TEST(config_check_image_crc_covers_every_page_it_crosses)
{
	static uint8_t two[0x2000];
	struct vm_desc d = image_vm(0x50000800, sizeof(img));
	struct vm_config *vc = image_config(0x20000, true);

	ASSERT_TRUE(vc != NULL);
	ASSERT_EQ(parse(&d, 1), 0);
	vc = &cfg.vms[0];
	/* The image from the middle of one page into the next. */
	memcpy(two + 0x800, img, sizeof(img));
	vc->has_image_crc32 = true;
	vc->image_crc32 = config_crc32(img, sizeof(img));
	host_mm_maps_reset();
	mm_set_phys_offset((intptr_t)two - 0x50000000);
	EXPECT_EQ(config_check_image(vc, err, sizeof(err)), 0);
	/* The header (one page), then the CRC over two pages. */
	EXPECT_EQ(host_mm_maps_made(), 3);
	two[0x17ff] ^= 1; /* the last byte, in the second page */
	EXPECT_EQ(config_check_image(vc, err, sizeof(err)), -EINVAL);
	EXPECT_TRUE(strstr(err, "truncated or corrupted") != NULL);
}

TEST(config_crc32_update_carries_on)
{
	uint32_t c = config_crc32_update(0, "1234", 4);

	EXPECT_EQ(config_crc32_update(c, "56789", 5), 0xcbf43926);
}

TEST(config_check_image_without_header_is_a_missing_image)
{
	struct vm_config *vc = image_config(0x20000, false);

	ASSERT_TRUE(vc != NULL);
	EXPECT_EQ(check_image_in(vc, img), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: image at "
			  "0x50000000 has no arm64 Image header (magic "
			  "0x00000000): image missing");
}

TEST(config_check_image_with_a_wrong_crc_is_truncated)
{
	struct vm_config *vc = image_config(0x20000, true);
	uint32_t whole;

	ASSERT_TRUE(vc != NULL);
	whole = config_crc32(img, sizeof(img));
	memset(img + 0x800, 0, sizeof(img) - 0x800); /* lost its tail */
	vc->has_image_crc32 = true;
	vc->image_crc32 = whole;
	EXPECT_EQ(check_image_in(vc, img), -EINVAL);
	EXPECT_TRUE(strstr(err, "/hypervisor/vm@0: image crc32 0x") != NULL);
	EXPECT_TRUE(strstr(err, ": truncated or corrupted") != NULL);
}

TEST(config_check_image_whose_image_size_does_not_fit_is_refused)
{
	struct vm_config *vc = image_config(0x0fe00001, true);

	ASSERT_TRUE(vc != NULL);
	EXPECT_EQ(check_image_in(vc, img), -EINVAL);
	EXPECT_TRUE(strstr(err, "/hypervisor/vm@0: image_size 0xfe00001 "
				"from 0x50000000 runs into the guest DTB "
				"area (0xfe00000 bytes free)") != NULL);
}

TEST(config_check_image_larger_than_its_header_says_is_refused)
{
	struct vm_config *vc = image_config(0x800, true);

	ASSERT_TRUE(vc != NULL);
	EXPECT_EQ(check_image_in(vc, img), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: image is 0x1000 "
			  "bytes but its header's image_size is 0x800");
}

TEST(config_check_image_too_small_for_a_header_is_refused)
{
	struct vm_desc d = image_vm(0x50000000, 32);

	ASSERT_EQ(parse(&d, 1), 0);
	EXPECT_EQ(check_image_in(&cfg.vms[0], img), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: image of 32 bytes "
			  "is too small for an arm64 Image header");
}

TEST(config_check_entry_with_nothing_loaded_is_refused)
{
	static const uint8_t zero[4], code[4] = {0x1f, 0x20, 0x03, 0xd5};
	struct vm_desc d = {"vm@0", 1, NULL, 0, 0x50000000, 0x10000000};

	ASSERT_EQ(parse(&d, 1), 0);
	EXPECT_EQ(check_image_in(&cfg.vms[0], code), 0);
	EXPECT_EQ(check_image_in(&cfg.vms[0], zero), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: nothing loaded at "
			  "entry 0x50000000 (first word 0): image missing");
}

/* ---- vigil,console ---------------------------------------------------- */

static const uint32_t con_a0[] = {0}, con_a1[] = {1};

static void two_vms(struct vm_desc d[2], const char *c0, const char *c1)
{
	memset(d, 0, 2 * sizeof(*d));
	d[0] = (struct vm_desc){"vm@0", 1, con_a0, 1, 0x50000000, 0x10000000};
	d[1] = (struct vm_desc){"vm@1", 1, con_a1, 1, 0x60000000, 0x10000000};
	d[0].console = c0;
	d[1].console = c1;
}

TEST(config_console_several_vms_get_a_vuart_each_at_the_uart)
{
	struct vm_desc d[2];

	stdout_path = "/pl011@9000000:115200n8";
	two_vms(d, NULL, NULL);
	ASSERT_EQ(parse(d, 2), 0);
	stdout_path = NULL;
	EXPECT_TRUE(cfg.has_uart);
	EXPECT_EQ(cfg.uart.base, 0x9000000);
	for (unsigned int i = 0; i < 2; i++) {
		EXPECT_EQ(cfg.vms[i].console, VM_CONSOLE_VUART);
		EXPECT_EQ(cfg.vms[i].vuart_ipa, 0x9000000);
		EXPECT_EQ(cfg.vms[i].vuart_intid, 33);
		EXPECT_EQ(cfg.vms[i].nr_devs, 0);
	}
}

TEST(config_console_stdout_path_may_be_an_alias)
{
	struct vm_desc d[2];

	stdout_path = "serial0";
	two_vms(d, NULL, NULL);
	ASSERT_EQ(parse(d, 2), 0);
	stdout_path = NULL;
	EXPECT_EQ(cfg.vms[1].console, VM_CONSOLE_VUART);
	EXPECT_EQ(cfg.vms[1].vuart_ipa, 0x9000000);
}

TEST(config_console_one_vm_keeps_todays_console)
{
	struct vm_desc d[2];

	stdout_path = "/pl011@9000000";
	ASSERT_EQ(parse(NULL, -1), 0);
	EXPECT_EQ(cfg.vms[0].console, VM_CONSOLE_PASSTHROUGH);
	two_vms(d, NULL, NULL);
	ASSERT_EQ(parse(d, 1), 0);
	stdout_path = NULL;
	EXPECT_EQ(cfg.vms[0].console, VM_CONSOLE_HYPERCALL);
}

TEST(config_console_without_a_uart_is_the_hypercall)
{
	struct vm_desc d[2];

	two_vms(d, NULL, NULL);
	ASSERT_EQ(parse(d, 2), 0);
	EXPECT_FALSE(cfg.has_uart);
	EXPECT_EQ(cfg.vms[0].console, VM_CONSOLE_HYPERCALL);
	EXPECT_EQ(cfg.vms[1].console, VM_CONSOLE_HYPERCALL);
	two_vms(d, "vuart", NULL);
	EXPECT_EQ(parse(d, 2), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: vigil,console = "
			  "\"vuart\" needs a PL011 console UART "
			  "(/chosen/stdout-path)");
}

TEST(config_console_passthrough_gives_the_uart_and_the_rest_hypercall)
{
	struct vm_desc d[2];

	stdout_path = "/pl011@9000000";
	two_vms(d, NULL, "passthrough");
	ASSERT_EQ(parse(d, 2), 0);
	EXPECT_EQ(cfg.vms[0].console, VM_CONSOLE_HYPERCALL);
	EXPECT_EQ(cfg.vms[1].console, VM_CONSOLE_PASSTHROUGH);
	ASSERT_EQ(cfg.vms[1].nr_devs, 1);
	EXPECT_STREQ(cfg.vms[1].devs[0].path, "/pl011@9000000");
	EXPECT_EQ(cfg.vms[1].devs[0].irqs[0], 33);
	/* Listing the UART in devices says the same. */
	two_vms(d, NULL, NULL);
	d[0].devices = "/pl011@9000000";
	d[0].devices_len = sizeof("/pl011@9000000");
	ASSERT_EQ(parse(d, 2), 0);
	stdout_path = NULL;
	EXPECT_EQ(cfg.vms[0].console, VM_CONSOLE_PASSTHROUGH);
	EXPECT_EQ(cfg.vms[1].console, VM_CONSOLE_HYPERCALL);
}

TEST(config_console_vuart_beside_a_passthrough_is_refused)
{
	struct vm_desc d[2];

	stdout_path = "/pl011@9000000";
	two_vms(d, "passthrough", "vuart");
	EXPECT_EQ(parse(d, 2), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@1: vigil,console = "
			  "\"vuart\" but /hypervisor/vm@0 owns the console "
			  "UART (passthrough)");
	two_vms(d, "passthrough", "passthrough");
	EXPECT_EQ(parse(d, 2), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@1: device "
			  "/pl011@9000000 shares MMIO with /pl011@9000000 of "
			  "/hypervisor/vm@0");
	two_vms(d, "hypercall", NULL);
	d[0].devices = "/pl011@9000000";
	d[0].devices_len = sizeof("/pl011@9000000");
	EXPECT_EQ(parse(d, 2), -EINVAL);
	stdout_path = NULL;
	EXPECT_TRUE(!strcmp(err, "config error: /hypervisor/vm@0: devices "
				 "give it the console UART /pl011@9000000: "
				 "vigil,console must be \"passthrough\""));
}

TEST(config_console_unknown_value_is_refused)
{
	struct vm_desc d[2];

	two_vms(d, "serial", NULL);
	EXPECT_EQ(parse(d, 2), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: vigil,console must "
			  "be \"vuart\", \"passthrough\" or \"hypercall\"");
	two_vms(d, "", NULL);
	EXPECT_EQ(parse(d, 2), -EINVAL);
}

TEST(config_console_explicit_hypercall_and_vuart_mix)
{
	struct vm_desc d[2];

	stdout_path = "/pl011@9000000";
	two_vms(d, "hypercall", NULL);
	ASSERT_EQ(parse(d, 2), 0);
	stdout_path = NULL;
	EXPECT_EQ(cfg.vms[0].console, VM_CONSOLE_HYPERCALL);
	EXPECT_EQ(cfg.vms[1].console, VM_CONSOLE_VUART);
}

/* The host profile is arm64's: an AArch64 guest's boot arguments (x0) may
 * point anywhere in its RAM, however far above 4 GiB. */
TEST(config_boot_ram_end_is_the_ram_end_for_aarch64_guests)
{
	EXPECT_EQ(config_boot_ram_end(0xe0000000ULL, 0x40000000ULL, false),
		  0x120000000ULL);
	EXPECT_EQ(config_boot_ram_end(0x100000000ULL, 0x10000000ULL, false),
		  0x110000000ULL);
	EXPECT_EQ(config_boot_ram_end(0x40000000ULL, 0x10000000ULL, false),
		  0x50000000ULL);
}

/* An AArch32 VM (vigil,aarch32) of the same profile: r2 is 32 bits. */
TEST(config_boot_ram_end_stops_at_4_gib_for_aarch32_guests)
{
	EXPECT_EQ(config_boot_ram_end(0xe0000000ULL, 0x40000000ULL, true),
		  0x100000000ULL);
	EXPECT_EQ(config_boot_ram_end(0x100000000ULL, 0x10000000ULL, true),
		  0x100000000ULL);
	EXPECT_EQ(config_boot_ram_end(0x40000000ULL, 0x10000000ULL, true),
		  0x50000000ULL);
}

/* vm@0 AArch64, vm@1 with vigil,aarch32 as @how (struct vm_desc). */
static int parse_mixed(int how)
{
	static const uint32_t a0[] = {0}, a1[] = {1};
	struct vm_desc d[2] = {
		{"vm@0", 1, a0, 1, 0x50000000, 0x10000000},
		{"vm@1", 1, a1, 1, 0x60000000, 0x10000000},
	};

	d[1].aarch32 = how;
	return parse(d, 2);
}

TEST(config_vigil_aarch32_makes_that_vm_alone_aarch32)
{
	host_set_el1_aarch32(true);
	ASSERT_EQ(parse_mixed(1), 0);
	EXPECT_EQ(cfg.nr_vms, 2);
	EXPECT_FALSE(cfg.vms[0].aarch32);
	EXPECT_TRUE(cfg.vms[1].aarch32);
	ASSERT_EQ(parse_mixed(0), 0);
	EXPECT_FALSE(cfg.vms[1].aarch32);
	ASSERT_EQ(parse(NULL, -1), 0);
	EXPECT_FALSE(cfg.vms[0].aarch32); /* the default VM: the profile's */
}

TEST(config_vigil_aarch32_is_refused_where_el1_has_no_aarch32)
{
	host_set_el1_aarch32(false);
	EXPECT_EQ(parse_mixed(1), -EINVAL);
	host_set_el1_aarch32(true);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@1: vigil,aarch32 but "
			  "the CPU has no AArch32 at EL1");
	/* Without the property the same CPU boots both VMs. */
	host_set_el1_aarch32(false);
	EXPECT_EQ(parse_mixed(0), 0);
	host_set_el1_aarch32(true);
}

TEST(config_vigil_aarch32_with_a_value_is_refused)
{
	host_set_el1_aarch32(true);
	EXPECT_EQ(parse_mixed(2), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@1: vigil,aarch32 "
			  "takes no value");
}

/* Its entry and DTB lie below 4 GiB: a VM all above is refused. */
static const char no_ram_below_4g[] =
	"config error: /hypervisor/vm@0: memory 0x100000000-0x10fffffff has "
	"less than 4 MiB below 4 GiB, where an AArch32 guest's entry and DTB "
	"must lie";

TEST(config_vigil_aarch32_vm_with_no_ram_below_4_gib_is_refused)
{
	static const uint32_t a0[] = {0};
	struct vm_desc d = {"vm@0", 1, a0, 1, 0x100000000ULL, 0x10000000};
	struct boot_info bi = machine;

	bi.nr_mem = 2;
	bi.mem[1].base = 0x100000000ULL;
	bi.mem[1].size = 0x40000000ULL;
	d.aarch32 = 1;
	EXPECT_EQ(config_parse(make_dtb(&d, 1), &bi, &cfg, err, sizeof(err)),
		  -EINVAL);
	EXPECT_STREQ(err, no_ram_below_4g);
	/* The same VM as AArch64 is accepted. */
	d.aarch32 = 0;
	EXPECT_EQ(config_parse(make_dtb(&d, 1), &bi, &cfg, err, sizeof(err)),
		  0);
}

/* An AArch32 VM's image is a zImage (arch_image_parse()): its header
 * is checked as one, an arm64 Image's is none. */
TEST(config_vigil_aarch32_image_is_checked_as_a_zimage)
{
	struct vm_desc d = image_vm(0x50000000, sizeof(img));
	struct vm_config *vc;

	d.aarch32 = 1;
	ASSERT_EQ(parse(&d, 1), 0);
	vc = &cfg.vms[0];
	EXPECT_TRUE(vc->aarch32);
	EXPECT_EQ(vc->entry, 0x50000000);
	memset(img, 0, sizeof(img));
	memcpy(img + 56, "ARM\x64", 4);
	EXPECT_EQ(check_image_in(vc, img), -EINVAL);
	EXPECT_STREQ(err, "config error: /hypervisor/vm@0: image at "
			  "0x50000000 has no ARM zImage header (magic "
			  "0x00000000): image missing");
	/* magic, start 0x50000000, end 0x50020000 (head.S's layout) */
	memcpy(img + 0x24, "\x18\x28\x6f\x01\x00\x00\x00\x50\x00\x00\x02\x50",
	       12);
	EXPECT_EQ(check_image_in(vc, img), 0);
}
