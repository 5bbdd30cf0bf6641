/* SPDX-License-Identifier: MIT */
/*
 * The guest DTB (core/guest_dtb.c) derived from small host trees: what the
 * guest is shown of RAM, CPUs, the GIC and devices. Regression tests for
 * what tests/fuzz/config_fuzz.c found.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "fake_ram.h"
#include "guest_dtb.h"
#include "host_mm_map.h"
#include "test.h"
#include "vm.h"
#include "vuart.h"

#define GDTB_RAM 0x50000000ULL
#define GDTB_RAM_SIZE 0x10000000ULL

static char host_dtb[8192];
static struct vm gvm;
/* The guest DTB area, the top 2 MiB block of GDTB_RAM: fake RAM that
 * core/guest_mem.c writes through the checking mm_map() window. */
#define GDTB_DTB_PA (GDTB_RAM + GDTB_RAM_SIZE - 0x200000)
#define gbuf fake_ram

/* The guest's GIC addresses come from the GIC model's gic_info():
 * 0x08000000 and 0x08010000. */

static void reg2(void *fdt, uint64_t base, uint64_t size)
{
	fdt32_t c[4] = {cpu_to_fdt32(base >> 32), cpu_to_fdt32((uint32_t)base),
			cpu_to_fdt32(size >> 32), cpu_to_fdt32((uint32_t)size)};

	fdt_property(fdt, "reg", c, sizeof(c));
}

/* QEMU virt's GICv2 frames (two address and two size cells): GICD, GICC,
 * GICH, GICV. The guest DTB keeps the first two. */
static void gic_reg(void *fdt)
{
	static const uint32_t f[4] = {0x08000000, 0x08010000, 0x08030000,
				      0x08040000};
	fdt32_t c[16];

	for (int i = 0; i < 4; i++) {
		c[4 * i] = cpu_to_fdt32(0);
		c[4 * i + 1] = cpu_to_fdt32(f[i]);
		c[4 * i + 2] = cpu_to_fdt32(0);
		c[4 * i + 3] = cpu_to_fdt32(0x10000);
	}
	fdt_property(fdt, "reg", c, sizeof(c));
}

/* A QEMU-virt-like host tree; @memory_name names its RAM node, the root
 * has @size_cells (0: a malformed two-cell #size-cells); with 1 the GIC
 * sits under a /soc of two cells, as the guest DTB code wants. */
static const void *host_tree_cells(const char *memory_name, int size_cells)
{
	void *fdt = host_dtb;

	fdt_create(fdt, sizeof(host_dtb));
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	if (size_cells) {
		fdt_property_u32(fdt, "#size-cells", (uint32_t)size_cells);
	} else {
		fdt32_t bad[2] = {cpu_to_fdt32(2), cpu_to_fdt32(2)};

		fdt_property(fdt, "#size-cells", bad, sizeof(bad));
	}
	fdt_begin_node(fdt, memory_name);
	fdt_property_string(fdt, "device_type", "memory");
	reg2(fdt, 0x40000000, 0x40000000);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "cpus");
	fdt_property_u32(fdt, "#address-cells", 1);
	fdt_property_u32(fdt, "#size-cells", 0);
	fdt_begin_node(fdt, "cpu@0");
	fdt_property_string(fdt, "device_type", "cpu");
	fdt_property_string(fdt, "compatible", "arm,cortex-a57");
	fdt_property_u32(fdt, "reg", 0);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	if (size_cells == 1) {
		fdt_begin_node(fdt, "soc");
		fdt_property_u32(fdt, "#address-cells", 2);
		fdt_property_u32(fdt, "#size-cells", 2);
		fdt_property(fdt, "ranges", NULL, 0);
	}
	fdt_begin_node(fdt, "intc@8000000");
	fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic");
	fdt_property(fdt, "interrupt-controller", NULL, 0);
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	gic_reg(fdt);
	fdt_end_node(fdt);
	if (size_cells == 1)
		fdt_end_node(fdt);
	fdt_begin_node(fdt, "pl011@9000000");
	fdt_property_string(fdt, "compatible", "arm,pl011");
	reg2(fdt, 0x09000000, 0x1000);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_finish(fdt);
	return fdt;
}

static const void *host_tree(const char *memory_name)
{
	return host_tree_cells(memory_name, 2);
}

/* VM 'g': one vCPU, GDTB_RAM_SIZE of RAM at GDTB_RAM and, if @dev is not
 * NULL, that host device; its DTB built from @host. */
static int build_vm(const void *host, const char *dev, char *err, size_t errlen)
{
	/* Poisoned: a DTB never copied out is no tree. */
	fake_ram_reset_at(GDTB_DTB_PA);
	memset(fake_ram, 0xa5, GUEST_DTB_MAX);
	host_mm_maps_reset();
	memset(&gvm, 0, sizeof(gvm));
	snprintf(gvm.name, sizeof(gvm.name), "g");
	gvm.nr_vcpus = 1;
	gvm.vcpus[0].vmpidr = BIT(31);
	gvm.nr_ram = 1;
	gvm.ram[0].ipa = gvm.ram[0].pa = GDTB_RAM;
	gvm.ram[0].size = GDTB_RAM_SIZE;
	if (dev) {
		gvm.nr_devs = 1;
		snprintf(gvm.devs[0].path, sizeof(gvm.devs[0].path), "%s", dev);
	}
	return guest_dtb_build(&gvm, host, err, errlen);
}

static const void *build(const void *host)
{
	char err[160];

	return build_vm(host, NULL, err, sizeof(err)) ? NULL : gbuf;
}

static int count_memory_nodes(const void *g)
{
	int n, count = 0;

	fdt_for_each_subnode(n, g, 0)
	{
		const char *t = fdt_getprop(g, n, "device_type", NULL);

		if (t && !strcmp(t, "memory"))
			count++;
	}
	return count;
}

TEST(guest_dtb_shows_only_the_vms_ram)
{
	const void *g = build(host_tree("memory@40000000"));
	const fdt32_t *reg;
	int n, len;

	ASSERT_TRUE(g != NULL);
	EXPECT_EQ(count_memory_nodes(g), 1);
	n = fdt_path_offset(g, "/memory@50000000");
	ASSERT_TRUE(n >= 0);
	reg = fdt_getprop(g, n, "reg", &len);
	ASSERT_EQ(len, 16);
	EXPECT_EQ(fdt32_to_cpu(reg[1]), 0x50000000);
	EXPECT_EQ(fdt32_to_cpu(reg[3]), 0x10000000);
}

TEST(guest_dtb_drops_host_ram_nodes_named_otherwise)
{
	/* Found by config_fuzz: a RAM node is one with device_type
	 * "memory", whatever its name; the host's RAM stayed visible. */
	const void *g = build(host_tree("ram@40000000"));

	ASSERT_TRUE(g != NULL);
	EXPECT_EQ(count_memory_nodes(g), 1);
	EXPECT_TRUE(fdt_path_offset(g, "/ram@40000000") < 0);
}

TEST(guest_dtb_drops_devices_the_vm_was_not_given)
{
	const void *g = build(host_tree("memory@40000000"));

	ASSERT_TRUE(g != NULL);
	EXPECT_TRUE(fdt_path_offset(g, "/pl011@9000000") < 0);
	EXPECT_TRUE(fdt_path_offset(g, "/intc@8000000") >= 0);
}

/* QEMU virt's order: /gpio-keys, whose gpios name the PL061, comes
 * before the PL061 itself; devices owned as @own says. */
static const void *host_tree_gpio_keys(void)
{
	void *fdt = host_dtb;
	fdt32_t gpios[3] = {cpu_to_fdt32(0x8003), cpu_to_fdt32(3),
			    cpu_to_fdt32(0)};

	fdt_create(fdt, sizeof(host_dtb));
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	fdt_begin_node(fdt, "memory@40000000");
	fdt_property_string(fdt, "device_type", "memory");
	reg2(fdt, 0x40000000, 0x40000000);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "cpus");
	fdt_property_u32(fdt, "#address-cells", 1);
	fdt_property_u32(fdt, "#size-cells", 0);
	fdt_begin_node(fdt, "cpu@0");
	fdt_property_string(fdt, "device_type", "cpu");
	fdt_property_u32(fdt, "reg", 0);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "intc@8000000");
	fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic");
	fdt_property(fdt, "interrupt-controller", NULL, 0);
	gic_reg(fdt);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "gpio-keys");
	fdt_property_string(fdt, "compatible", "gpio-keys");
	fdt_begin_node(fdt, "poweroff");
	fdt_property(fdt, "gpios", gpios, sizeof(gpios));
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "pl061@9030000");
	fdt_property_string(fdt, "compatible", "arm,pl061");
	fdt_property_u32(fdt, "phandle", 0x8003);
	reg2(fdt, 0x09030000, 0x1000);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "pl011@9000000");
	fdt_property_string(fdt, "compatible", "arm,pl011");
	reg2(fdt, 0x09000000, 0x1000);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_finish(fdt);
	return fdt;
}

TEST(guest_dtb_drops_a_gpios_user_whose_controller_comes_after_it)
{
	char err[160];

	ASSERT_TRUE(build_vm(host_tree_gpio_keys(), "/pl011@9000000", err,
			     sizeof(err)) == 0);
	EXPECT_TRUE(fdt_path_offset(gbuf, "/pl061@9030000") < 0);
	EXPECT_TRUE(fdt_path_offset(gbuf, "/gpio-keys") < 0);
	EXPECT_TRUE(fdt_path_offset(gbuf, "/pl011@9000000") >= 0);
}

TEST(guest_dtb_keeps_a_gpios_user_whose_controller_the_vm_owns)
{
	char err[160];

	ASSERT_TRUE(build_vm(host_tree_gpio_keys(), "/pl061@9030000", err,
			     sizeof(err)) == 0);
	EXPECT_TRUE(fdt_path_offset(gbuf, "/pl061@9030000") >= 0);
	EXPECT_TRUE(fdt_path_offset(gbuf, "/gpio-keys/poweroff") >= 0);
	EXPECT_TRUE(fdt_path_offset(gbuf, "/pl011@9000000") < 0);
}

/* A chain: /user's gpios name /mid (no reg: not a device), whose gpios
 * name the PL061 the VM does not own. /mid goes in the first pass, after
 * /user was looked at; its phandle makes a second pass, which takes /user
 * too; /keeper, which refers to nothing, stays. */
static const void *host_tree_gpios_chain(void)
{
	void *fdt = host_dtb;
	fdt32_t to_mid[2] = {cpu_to_fdt32(0x9001), cpu_to_fdt32(0)};
	fdt32_t to_pl061[2] = {cpu_to_fdt32(0x8003), cpu_to_fdt32(0)};

	fdt_create(fdt, sizeof(host_dtb));
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	fdt_begin_node(fdt, "memory@40000000");
	fdt_property_string(fdt, "device_type", "memory");
	reg2(fdt, 0x40000000, 0x40000000);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "cpus");
	fdt_property_u32(fdt, "#address-cells", 1);
	fdt_property_u32(fdt, "#size-cells", 0);
	fdt_begin_node(fdt, "cpu@0");
	fdt_property_string(fdt, "device_type", "cpu");
	fdt_property_u32(fdt, "reg", 0);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "intc@8000000");
	fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic");
	fdt_property(fdt, "interrupt-controller", NULL, 0);
	gic_reg(fdt);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "user");
	fdt_property(fdt, "reset-gpios", to_mid, sizeof(to_mid));
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "mid");
	fdt_property_u32(fdt, "phandle", 0x9001);
	fdt_property(fdt, "gpios", to_pl061, sizeof(to_pl061));
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "keeper");
	fdt_property_string(fdt, "compatible", "simple-bus-less");
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "pl061@9030000");
	fdt_property_string(fdt, "compatible", "arm,pl061");
	fdt_property_u32(fdt, "phandle", 0x8003);
	reg2(fdt, 0x09030000, 0x1000);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "pl011@9000000");
	fdt_property_string(fdt, "compatible", "arm,pl011");
	reg2(fdt, 0x09000000, 0x1000);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_finish(fdt);
	return fdt;
}

TEST(guest_dtb_drops_a_chain_of_dangling_gpios_users)
{
	char err[160];

	ASSERT_TRUE(build_vm(host_tree_gpios_chain(), "/pl011@9000000", err,
			     sizeof(err)) == 0);
	EXPECT_TRUE(fdt_path_offset(gbuf, "/pl061@9030000") < 0);
	EXPECT_TRUE(fdt_path_offset(gbuf, "/mid") < 0);
	EXPECT_TRUE(fdt_path_offset(gbuf, "/user") < 0);
	/* No reference: stays, as before the passes. */
	EXPECT_TRUE(fdt_path_offset(gbuf, "/keeper") >= 0);
	EXPECT_TRUE(fdt_path_offset(gbuf, "/pl011@9000000") >= 0);
}

/* ---- devices under buses (a Raspberry Pi 4-like /soc) ---- */

static void reg1(void *fdt, uint32_t base, uint32_t size)
{
	fdt32_t c[2] = {cpu_to_fdt32(base), cpu_to_fdt32(size)};

	fdt_property(fdt, "reg", c, sizeof(c));
}

static void bus_begin(void *fdt, const char *name, const fdt32_t *ranges,
		      int ranges_len)
{
	fdt_begin_node(fdt, name);
	fdt_property_string(fdt, "compatible", "simple-bus");
	fdt_property_u32(fdt, "#address-cells", 1);
	fdt_property_u32(fdt, "#size-cells", 1);
	fdt_property(fdt, "ranges", ranges, ranges_len);
}

static void leaf(void *fdt, const char *name, uint32_t base, uint32_t size)
{
	fdt_begin_node(fdt, name);
	fdt_property_string(fdt, "compatible", "test,dev");
	reg1(fdt, base, size);
	fdt_end_node(fdt);
}

static const void *host_tree_buses(void)
{
	const fdt32_t soc[] = {cpu_to_fdt32(0x7e000000), cpu_to_fdt32(0),
			       cpu_to_fdt32(0xfe000000),
			       cpu_to_fdt32(0x01800000)};
	const fdt32_t plat[] = {cpu_to_fdt32(0), cpu_to_fdt32(0),
				cpu_to_fdt32(0x0c000000),
				cpu_to_fdt32(0x02000000)};
	void *fdt = host_dtb;

	fdt_create(fdt, sizeof(host_dtb));
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	fdt_begin_node(fdt, "memory@40000000");
	fdt_property_string(fdt, "device_type", "memory");
	reg2(fdt, 0x40000000, 0x40000000);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "cpus");
	fdt_property_u32(fdt, "#address-cells", 1);
	fdt_property_u32(fdt, "#size-cells", 0);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "intc@8000000");
	fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic");
	fdt_property(fdt, "interrupt-controller", NULL, 0);
	gic_reg(fdt);
	fdt_end_node(fdt);
	/* An interrupt controller of no registers (as gpio-keyed muxes are). */
	fdt_begin_node(fdt, "intc-soft");
	fdt_property(fdt, "interrupt-controller", NULL, 0);
	fdt_end_node(fdt);
	bus_begin(fdt, "soc", soc, sizeof(soc));
	leaf(fdt, "serial@7e201000", 0x7e201000, 0x200);
	leaf(fdt, "serial@7e215040", 0x7e215040, 0x40);
	/* The Pi 4's brcmstb L2 controllers: interrupt controllers with
	 * registers, which a VM does not own. */
	fdt_begin_node(fdt, "interrupt-controller@7ef00100");
	fdt_property_string(fdt, "compatible", "brcm,l2-intc");
	fdt_property(fdt, "interrupt-controller", NULL, 0);
	reg1(fdt, 0x7ef00100, 0x30);
	fdt_end_node(fdt);
	bus_begin(fdt, "i2c-bus", NULL, 0); /* empty ranges: identity */
	leaf(fdt, "eeprom@7e804000", 0x7e804000, 0x100);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "clk-osc"); /* neither device nor bus */
	fdt_property_string(fdt, "compatible", "fixed-clock");
	fdt_property_u32(fdt, "clock-frequency", 54000000);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	/* QEMU virt's platform bus: ranges, nothing on it. */
	bus_begin(fdt, "platform-bus@c000000", plat, sizeof(plat));
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_finish(fdt);
	return fdt;
}

static const void *build_with_device(const void *host, const char *path)
{
	char err[160];

	if (build_vm(host, path, err, sizeof(err))) {
		printf("    %s\n", err);
		return NULL;
	}
	return gbuf;
}

/*
 * A Pi 4's PL011 as Debian's bcm2711-rpi-4-b.dtb has it: clocks from the
 * clock manager (a device), pin configurations under the GPIO block (a
 * device), a Bluetooth serdev child whose shutdown-gpios name the
 * firmware's GPIOs, under a firmware node (no reg) whose mailbox is a
 * device.
 */
static const void *host_tree_pi_uart(void)
{
	const fdt32_t soc[] = {cpu_to_fdt32(0x7e000000), cpu_to_fdt32(0),
			       cpu_to_fdt32(0xfe000000),
			       cpu_to_fdt32(0x01800000)};
	const fdt32_t clocks[] = {cpu_to_fdt32(7), cpu_to_fdt32(0x13),
				  cpu_to_fdt32(7), cpu_to_fdt32(0x14)};
	const fdt32_t pins[] = {cpu_to_fdt32(8), cpu_to_fdt32(9)};
	const fdt32_t shutdown[] = {cpu_to_fdt32(10), 0, 0};
	void *fdt = host_dtb;

	fdt_create(fdt, sizeof(host_dtb));
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	fdt_begin_node(fdt, "memory@40000000");
	fdt_property_string(fdt, "device_type", "memory");
	reg2(fdt, 0x40000000, 0x40000000);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "aliases");
	fdt_property_string(fdt, "serial0", "/soc/serial@7e201000");
	fdt_property_string(fdt, "mbox", "/soc/mailbox@7e00b880");
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "cpus");
	fdt_property_u32(fdt, "#address-cells", 1);
	fdt_property_u32(fdt, "#size-cells", 0);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "intc@8000000");
	fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic");
	fdt_property(fdt, "interrupt-controller", NULL, 0);
	gic_reg(fdt);
	fdt_end_node(fdt);
	bus_begin(fdt, "soc", soc, sizeof(soc));
	fdt_begin_node(fdt, "cprman@7e101000");
	reg1(fdt, 0x7e101000, 0x2000);
	fdt_property_u32(fdt, "#clock-cells", 1);
	fdt_property_u32(fdt, "phandle", 7);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "gpio@7e200000");
	reg1(fdt, 0x7e200000, 0x100);
	fdt_begin_node(fdt, "uart0_ctsrts");
	fdt_property_u32(fdt, "phandle", 8);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "uart0_pins");
	fdt_property_u32(fdt, "phandle", 9);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "serial@7e201000");
	fdt_property(fdt, "compatible", "arm,pl011\0arm,primecell", 24);
	reg1(fdt, 0x7e201000, 0x200);
	fdt_property(fdt, "clocks", clocks, sizeof(clocks));
	fdt_property(fdt, "clock-names", "uartclk\0apb_pclk", 17);
	fdt_property_string(fdt, "pinctrl-names", "default");
	fdt_property(fdt, "pinctrl-0", pins, sizeof(pins));
	fdt_begin_node(fdt, "bluetooth");
	fdt_property_string(fdt, "compatible", "brcm,bcm43438-bt");
	fdt_property(fdt, "shutdown-gpios", shutdown, sizeof(shutdown));
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "mailbox@7e00b880");
	reg1(fdt, 0x7e00b880, 0x40);
	fdt_property_u32(fdt, "phandle", 0x1e);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "firmware");
	fdt_property_u32(fdt, "mboxes", 0x1e);
	fdt_begin_node(fdt, "gpio");
	fdt_property(fdt, "gpio-controller", NULL, 0);
	fdt_property_u32(fdt, "phandle", 10);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_finish(fdt);
	return fdt;
}

TEST(guest_dtb_gives_a_pl011_what_it_names_and_the_vm_lacks)
{
	const void *g =
		build_with_device(host_tree_pi_uart(), "/soc/serial@7e201000");
	const fdt32_t *clk;
	int uart, c, len;

	ASSERT_TRUE(g != NULL);
	uart = fdt_path_offset(g, "/soc/serial@7e201000");
	ASSERT_TRUE(uart >= 0);
	/* The serdev child goes (it would take the port from the console),
	 * with the firmware whose mailbox is vigil's. */
	EXPECT_TRUE(fdt_path_offset(g, "/soc/serial@7e201000/bluetooth") < 0);
	EXPECT_TRUE(fdt_path_offset(g, "/soc/firmware") < 0);
	EXPECT_TRUE(fdt_path_offset(g, "/soc/gpio@7e200000") < 0);
	EXPECT_TRUE(fdt_path_offset(g, "/soc/cprman@7e101000") < 0);
	EXPECT_TRUE(fdt_getprop(g, uart, "pinctrl-0", NULL) == NULL);
	EXPECT_TRUE(fdt_getprop(g, uart, "pinctrl-names", NULL) == NULL);
	/* Both clocks: one fixed 48 MHz clock. */
	clk = fdt_getprop(g, uart, "clocks", &len);
	ASSERT_TRUE(clk != NULL);
	ASSERT_EQ(len, 8);
	EXPECT_EQ(fdt32_to_cpu(clk[0]), fdt32_to_cpu(clk[1]));
	c = fdt_node_offset_by_phandle(g, fdt32_to_cpu(clk[0]));
	ASSERT_TRUE(c >= 0);
	EXPECT_EQ(fdt_node_check_compatible(g, c, "fixed-clock"), 0);
	clk = fdt_getprop(g, c, "clock-frequency", &len);
	ASSERT_TRUE(clk != NULL && len == 4);
	EXPECT_EQ(fdt32_to_cpu(clk[0]), 48000000);
	EXPECT_EQ(fdt_stringlist_count(g, uart, "clock-names"), 2);
	/* An alias of what the VM owns stays; one of what went goes. */
	c = fdt_path_offset(g, "/aliases");
	ASSERT_TRUE(c >= 0);
	EXPECT_TRUE(fdt_getprop(g, c, "serial0", NULL) != NULL);
	EXPECT_TRUE(fdt_getprop(g, c, "mbox", NULL) == NULL);
}

TEST(guest_dtb_leaves_a_device_whose_providers_it_owns)
{
	char err[160];
	const fdt32_t *clk;
	int uart, len;

	host_tree_pi_uart();
	fake_ram_reset_at(GDTB_DTB_PA);
	ASSERT_EQ(build_vm(host_dtb, "/soc/serial@7e201000", err, sizeof(err)),
		  0);
	/* Own the clock manager, the GPIO block, the mailbox: nothing to
	 * rewrite. */
	gvm.nr_devs = 4;
	snprintf(gvm.devs[1].path, sizeof(gvm.devs[1].path), "%s",
		 "/soc/cprman@7e101000");
	snprintf(gvm.devs[2].path, sizeof(gvm.devs[2].path), "%s",
		 "/soc/gpio@7e200000");
	snprintf(gvm.devs[3].path, sizeof(gvm.devs[3].path), "%s",
		 "/soc/mailbox@7e00b880");
	fake_ram_reset_at(GDTB_DTB_PA);
	ASSERT_EQ(guest_dtb_build(&gvm, host_dtb, err, sizeof(err)), 0);
	uart = fdt_path_offset(gbuf, "/soc/serial@7e201000");
	ASSERT_TRUE(uart >= 0);
	EXPECT_TRUE(fdt_path_offset(gbuf, "/soc/serial@7e201000/bluetooth") >=
		    0);
	EXPECT_TRUE(fdt_getprop(gbuf, uart, "pinctrl-0", NULL) != NULL);
	clk = fdt_getprop(gbuf, uart, "clocks", &len);
	ASSERT_TRUE(clk != NULL && len == 16);
	EXPECT_EQ(fdt32_to_cpu(clk[0]), 7);
	EXPECT_TRUE(fdt_path_offset(gbuf, "/vigil-uartclk") < 0);
}

TEST(guest_dtb_keeps_an_owned_device_under_its_bus_with_the_ranges)
{
	const void *g =
		build_with_device(host_tree_buses(), "/soc/serial@7e201000");
	int soc, len;
	const fdt32_t *r;

	ASSERT_TRUE(g != NULL);
	soc = fdt_path_offset(g, "/soc");
	ASSERT_TRUE(soc >= 0);
	r = fdt_getprop(g, soc, "ranges", &len);
	ASSERT_EQ(len, 16);
	EXPECT_EQ(fdt32_to_cpu(r[0]), 0x7e000000);
	EXPECT_EQ(fdt32_to_cpu(r[2]), 0xfe000000);
	EXPECT_TRUE(fdt_path_offset(g, "/soc/serial@7e201000") >= 0);
	EXPECT_TRUE(fdt_path_offset(g, "/soc/clk-osc") >= 0);
}

TEST(guest_dtb_drops_the_devices_of_a_bus_the_vm_was_not_given)
{
	const void *g =
		build_with_device(host_tree_buses(), "/soc/serial@7e201000");

	ASSERT_TRUE(g != NULL);
	EXPECT_TRUE(fdt_path_offset(g, "/soc/serial@7e215040") < 0);
	/* An interrupt controller with registers is a device too; one
	 * without stays. */
	EXPECT_TRUE(fdt_path_offset(g, "/soc/interrupt-controller@7ef00100") <
		    0);
	EXPECT_TRUE(fdt_path_offset(g, "/intc-soft") >= 0);
	/* A bus left empty goes, nested or at the root. */
	EXPECT_TRUE(fdt_path_offset(g, "/soc/i2c-bus") < 0);
	EXPECT_TRUE(fdt_path_offset(g, "/platform-bus@c000000") < 0);
	EXPECT_TRUE(fdt_path_offset(g, "/intc@8000000") >= 0);
}

/*
 * The Raspberry Pi 4's layout: the GIC-400 under a /soc of one address and
 * one size cell whose ranges move it (there 0x40000000 to 0xff800000; here
 * to 0x08000000, where the GIC model of the unit tests is). The guest's
 * node keeps the bus addresses of the distributor and CPU interface, with
 * the sizes of what the guest gets; GICH and GICV go.
 */
TEST(guest_dtb_gic_under_a_one_cell_bus_keeps_its_bus_addresses)
{
	const fdt32_t soc[] = {cpu_to_fdt32(0x40000000), cpu_to_fdt32(0),
			       cpu_to_fdt32(0x08000000),
			       cpu_to_fdt32(0x00800000)};
	void *fdt = host_dtb;
	const void *g;
	const fdt32_t *r;
	int n, len;

	fdt_create(fdt, sizeof(host_dtb));
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 1);
	fdt_begin_node(fdt, "cpus");
	fdt_property_u32(fdt, "#address-cells", 1);
	fdt_property_u32(fdt, "#size-cells", 0);
	fdt_end_node(fdt);
	bus_begin(fdt, "soc", soc, sizeof(soc));
	fdt_begin_node(fdt, "interrupt-controller@40000000");
	fdt_property_string(fdt, "compatible", "arm,gic-400");
	fdt_property(fdt, "interrupt-controller", NULL, 0);
	{
		static const uint32_t v[8] = {
			0x40000000, 0x1000, 0x40010000, 0x2000,
			0x40030000, 0x2000, 0x40040000, 0x2000};
		fdt32_t c[8];

		for (int i = 0; i < 8; i++)
			c[i] = cpu_to_fdt32(v[i]);
		fdt_property(fdt, "reg", c, sizeof(c));
	}
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_finish(fdt);

	g = build(fdt);
	ASSERT_TRUE(g != NULL);
	n = fdt_path_offset(g, "/soc/interrupt-controller@40000000");
	ASSERT_TRUE(n >= 0);
	r = fdt_getprop(g, n, "reg", &len);
	ASSERT_EQ(len, 16);
	EXPECT_EQ(fdt32_to_cpu(r[0]), 0x40000000);
	EXPECT_EQ(fdt32_to_cpu(r[1]), GICD_SIZE);
	EXPECT_EQ(fdt32_to_cpu(r[2]), 0x40010000);
	EXPECT_EQ(fdt32_to_cpu(r[3]), GICC_SIZE);
}

TEST(guest_dtb_refuses_a_gic_node_that_is_not_the_gic_vigil_drives)
{
	/* The host tree's GIC at another address than the driver's: the
	 * guest would be told of frames it does not have. */
	void *fdt = (void *)host_tree("memory@40000000");
	int n = fdt_path_offset(fdt, "/intc@8000000");
	fdt32_t c[8] = {0};
	char err[160] = "";

	ASSERT_TRUE(n >= 0);
	c[1] = cpu_to_fdt32(0x2c000000);
	c[3] = cpu_to_fdt32(0x1000);
	c[5] = cpu_to_fdt32(0x2c010000);
	c[7] = cpu_to_fdt32(0x2000);
	ASSERT_EQ(fdt_open_into(fdt, fdt, sizeof(host_dtb)), 0);
	ASSERT_EQ(fdt_setprop(fdt, n, "reg", c, sizeof(c)), 0);
	EXPECT_EQ(build_vm(fdt, NULL, err, sizeof(err)), -EINVAL);
	EXPECT_STREQ(err, "VM 'g': guest DTB: GIC node: FDT_ERR_BADVALUE");
}

TEST(guest_dtb_keeps_a_nested_bus_that_holds_an_owned_device)
{
	const void *g = build_with_device(host_tree_buses(),
					  "/soc/i2c-bus/eeprom@7e804000");

	ASSERT_TRUE(g != NULL);
	EXPECT_TRUE(fdt_path_offset(g, "/soc/i2c-bus/eeprom@7e804000") >= 0);
	EXPECT_TRUE(fdt_path_offset(g, "/soc/serial@7e201000") < 0);
	EXPECT_TRUE(fdt_path_offset(g, "/soc/serial@7e215040") < 0);
}

TEST(guest_dtb_refused_when_buses_nest_deeper_than_it_walks)
{
	void *fdt = host_dtb;
	char err[160];

	/* The host tree is the boot loader's: bounded recursion keeps a
	 * pathological one from running vigil's stack out. */
	fdt_create(fdt, sizeof(host_dtb));
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	fdt_begin_node(fdt, "cpus");
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "intc@8000000");
	fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic");
	fdt_property(fdt, "interrupt-controller", NULL, 0);
	gic_reg(fdt);
	fdt_end_node(fdt);
	for (int i = 0; i < 12; i++)
		bus_begin(fdt, "bus", NULL, 0);
	for (int i = 0; i < 12; i++)
		fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_finish(fdt);
	EXPECT_TRUE(build_vm(fdt, NULL, err, sizeof(err)) != 0);
	EXPECT_STREQ(err, "VM 'g': guest DTB: devices: FDT_ERR_BADSTRUCTURE");
}

/* ---- boot seeds: each VM its own (core/guest_dtb.c set_seeds) ---- */

static const uint8_t host_rng[32] = "0123456789abcdef0123456789ABCDEF";
static const uint8_t host_kaslr[8] = {1, 2, 3, 4, 5, 6, 7, 8};

/* A minimal host tree with /chosen rng-seed and kaslr-seed. */
static const void *host_tree_seeds(bool seeds)
{
	void *fdt = host_dtb;

	fdt_create(fdt, sizeof(host_dtb));
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	fdt_begin_node(fdt, "chosen");
	if (seeds) {
		fdt_property(fdt, "rng-seed", host_rng, sizeof(host_rng));
		fdt_property(fdt, "kaslr-seed", host_kaslr, sizeof(host_kaslr));
	}
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "memory@40000000");
	fdt_property_string(fdt, "device_type", "memory");
	reg2(fdt, 0x40000000, 0x40000000);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "cpus");
	fdt_property_u32(fdt, "#address-cells", 1);
	fdt_property_u32(fdt, "#size-cells", 0);
	fdt_begin_node(fdt, "cpu@0");
	fdt_property_string(fdt, "device_type", "cpu");
	fdt_property_u32(fdt, "reg", 0);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "intc@8000000");
	fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic");
	fdt_property(fdt, "interrupt-controller", NULL, 0);
	gic_reg(fdt);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_finish(fdt);
	return fdt;
}

struct seeds {
	int rng_len, kaslr_len;
	uint8_t rng[32], kaslr[8];
};

/* Builds the guest DTB of VM @id after @builds earlier builds (resets)
 * and returns its seeds. */
static struct seeds seeds_of(unsigned int id, unsigned long builds,
			     bool host_has_seeds)
{
	const void *g;
	struct seeds s = {-1, -1};
	const void *p;
	int chosen;

	build(host_tree_seeds(host_has_seeds)); /* resets gvm */
	gvm.id = id;
	gvm.dtb_builds = builds;
	g = NULL;
	{
		char err[160];

		if (!guest_dtb_build(&gvm, host_dtb, err, sizeof(err)))
			g = gbuf;
		else
			fprintf(stderr, "    %s\n", err);
	}
	if (!g)
		return s;
	chosen = fdt_path_offset(g, "/chosen");
	p = fdt_getprop(g, chosen, "rng-seed", &s.rng_len);
	if (p && s.rng_len == 32)
		memcpy(s.rng, p, 32);
	p = fdt_getprop(g, chosen, "kaslr-seed", &s.kaslr_len);
	if (p && s.kaslr_len == 8)
		memcpy(s.kaslr, p, 8);
	return s;
}

TEST(guest_dtb_seeds_keep_their_length_but_not_the_hosts_bytes)
{
	struct seeds a = seeds_of(0, 0, true);

	ASSERT_EQ(a.rng_len, 32);
	ASSERT_EQ(a.kaslr_len, 8);
	EXPECT_TRUE(memcmp(a.rng, host_rng, 32) != 0);
	EXPECT_TRUE(memcmp(a.kaslr, host_kaslr, 8) != 0);
}

TEST(guest_dtb_gives_two_vms_different_seeds)
{
	struct seeds a = seeds_of(0, 0, true), b = seeds_of(1, 0, true);

	ASSERT_EQ(a.rng_len, 32);
	ASSERT_EQ(b.rng_len, 32);
	EXPECT_TRUE(memcmp(a.rng, b.rng, 32) != 0);
	EXPECT_TRUE(memcmp(a.kaslr, b.kaslr, 8) != 0);
}

TEST(guest_dtb_gives_a_reset_vm_new_seeds)
{
	struct seeds boot = seeds_of(0, 0, true), reset = seeds_of(0, 1, true);

	EXPECT_TRUE(memcmp(boot.rng, reset.rng, 32) != 0);
	EXPECT_TRUE(memcmp(boot.kaslr, reset.kaslr, 8) != 0);
}

TEST(guest_dtb_seeds_are_a_function_of_vm_and_build)
{
	struct seeds a = seeds_of(1, 3, true), b = seeds_of(1, 3, true);

	EXPECT_TRUE(memcmp(a.rng, b.rng, 32) == 0);
	EXPECT_TRUE(memcmp(a.kaslr, b.kaslr, 8) == 0);
}

TEST(guest_dtb_has_no_seeds_when_the_host_has_none)
{
	struct seeds a = seeds_of(0, 0, false);

	EXPECT_EQ(a.rng_len, -FDT_ERR_NOTFOUND);
	EXPECT_EQ(a.kaslr_len, -FDT_ERR_NOTFOUND);
}

TEST(guest_dtb_build_counts_builds)
{
	build(host_tree_seeds(true));
	EXPECT_EQ(gvm.dtb_builds, 1);
}

TEST(guest_dtb_memory_reg_follows_the_roots_cells)
{
	/* Found by config_fuzz: reg was always <hi lo hi lo>; with a root
	 * #size-cells of 1 (Raspberry Pi 4's) the guest misread its RAM. */
	const void *g = build(host_tree_cells("memory@40000000", 1));
	const fdt32_t *reg;
	int n, len;

	ASSERT_TRUE(g != NULL);
	n = fdt_path_offset(g, "/memory@50000000");
	ASSERT_TRUE(n >= 0);
	reg = fdt_getprop(g, n, "reg", &len);
	ASSERT_EQ(len, 12);
	EXPECT_EQ(fdt32_to_cpu(reg[0]), 0);
	EXPECT_EQ(fdt32_to_cpu(reg[1]), 0x50000000);
	EXPECT_EQ(fdt32_to_cpu(reg[2]), 0x10000000);
}

TEST(guest_dtb_refused_when_the_roots_cells_are_malformed)
{
	EXPECT_TRUE(build(host_tree_cells("memory@40000000", 0)) == NULL);
}

TEST(guest_dtb_always_has_psci_over_hvc)
{
	/* Found by config_fuzz: a host /psci node with a reg was pruned as
	 * a device after set_psci() ran, leaving the guest without PSCI. */
	void *fdt = host_dtb;
	const void *g;
	const char *m;
	int n;

	host_tree("memory@40000000");
	ASSERT_EQ(fdt_open_into(host_dtb, host_dtb, sizeof(host_dtb)), 0);
	n = fdt_add_subnode(fdt, 0, "psci");
	ASSERT_TRUE(n >= 0);
	fdt_setprop_string(fdt, n, "method", "smc");
	fdt_setprop_u32(fdt, n, "reg", 0x1000);
	g = build(fdt);
	ASSERT_TRUE(g != NULL);
	n = fdt_path_offset(g, "/psci");
	ASSERT_TRUE(n >= 0);
	m = fdt_getprop(g, n, "method", NULL);
	ASSERT_TRUE(m != NULL);
	EXPECT_STREQ(m, "hvc");
}

TEST(guest_dtb_refused_when_its_megabyte_is_not_all_ram)
{
	char err[160];

	memset(&gvm, 0, sizeof(gvm));
	gvm.nr_vcpus = 1;
	gvm.nr_ram = 1;
	gvm.ram[0].ipa = gvm.ram[0].pa = GDTB_RAM;
	gvm.ram[0].size = 0x402400; /* the top 2 MiB block is 0x2400 bytes */
	EXPECT_EQ(guest_dtb_build(&gvm, host_tree("memory@40000000"), err,
				  sizeof(err)),
		  -EINVAL);
	EXPECT_TRUE(strstr(err, "not all RAM") != NULL);
}

TEST(guest_dtb_is_copied_into_guest_ram_a_page_at_a_time)
{
	const void *g = build(host_tree("memory@40000000"));

	ASSERT_TRUE(g != NULL);
	EXPECT_EQ(gvm.dtb_ipa, GDTB_DTB_PA);
	EXPECT_EQ(host_mm_maps_made(),
		  (fdt_totalsize(g) + PAGE_SIZE - 1) / PAGE_SIZE);
	EXPECT_EQ(host_mm_maps_deepest(), 1);
	EXPECT_EQ(host_mm_maps_held(), 0);
	/* Only the packed tree is written: the rest of the area is as it
	 * was. */
	EXPECT_EQ(fake_ram[fdt_totalsize(g)], 0xa5);
}

/* ---- the vUART (vigil,console = "vuart") ---- */

TEST(guest_dtb_shows_the_vuart_as_a_pl011_and_the_console)
{
	static const char compat[] = "arm,pl011\0arm,primecell";
	static const char names[] = "uartclk\0apb_pclk";
	struct vuart u = {.ipa = 0x09000000, .intid = 33};
	const fdt32_t *p, *clk;
	const void *g;
	const char *s;
	char err[160];
	int n, c, len;

	/* As build_vm(), with the vUART. */
	memset(&gvm, 0, sizeof(gvm));
	gvm.vuart = &u;
	fake_ram_reset_at(GDTB_DTB_PA);
	host_mm_maps_reset();
	snprintf(gvm.name, sizeof(gvm.name), "g");
	gvm.nr_vcpus = 1;
	gvm.vcpus[0].vmpidr = BIT(31);
	gvm.nr_ram = 1;
	gvm.ram[0].ipa = gvm.ram[0].pa = GDTB_RAM;
	gvm.ram[0].size = GDTB_RAM_SIZE;
	ASSERT_EQ(guest_dtb_build(&gvm, host_tree("memory@40000000"), err,
				  sizeof(err)),
		  0);
	g = gbuf;
	/* The host's UART is not the VM's; the vUART stands at its IPA. */
	EXPECT_TRUE(fdt_path_offset(g, "/pl011@9000000") < 0);
	n = fdt_path_offset(g, "/serial@9000000");
	ASSERT_TRUE(n >= 0);
	s = fdt_getprop(g, n, "compatible", &len);
	ASSERT_EQ(len, sizeof(compat));
	EXPECT_TRUE(!memcmp(s, compat, sizeof(compat)));
	p = fdt_getprop(g, n, "reg", &len);
	ASSERT_EQ(len, 16);
	EXPECT_EQ(fdt32_to_cpu(p[0]), 0);
	EXPECT_EQ(fdt32_to_cpu(p[1]), 0x09000000);
	EXPECT_EQ(fdt32_to_cpu(p[2]), 0);
	EXPECT_EQ(fdt32_to_cpu(p[3]), 0x1000);
	p = fdt_getprop(g, n, "interrupts", &len);
	ASSERT_EQ(len, 12);
	EXPECT_EQ(fdt32_to_cpu(p[0]), 0);
	EXPECT_EQ(fdt32_to_cpu(p[1]), 1);
	EXPECT_EQ(fdt32_to_cpu(p[2]), 4);
	s = fdt_getprop(g, n, "clock-names", &len);
	ASSERT_EQ(len, sizeof(names));
	EXPECT_TRUE(!memcmp(s, names, sizeof(names)));
	clk = fdt_getprop(g, n, "clocks", &len);
	ASSERT_EQ(len, 8);
	EXPECT_EQ(clk[0], clk[1]);
	c = fdt_node_offset_by_phandle(g, fdt32_to_cpu(clk[0]));
	ASSERT_TRUE(c >= 0);
	EXPECT_EQ(fdt_node_check_compatible(g, c, "fixed-clock"), 0);
	p = fdt_getprop(g, c, "clock-frequency", &len);
	ASSERT_EQ(len, 4);
	EXPECT_EQ(fdt32_to_cpu(p[0]), 24000000);
	p = fdt_getprop(g, c, "#clock-cells", &len);
	ASSERT_EQ(len, 4);
	EXPECT_EQ(fdt32_to_cpu(p[0]), 0);
	s = fdt_getprop(g, fdt_path_offset(g, "/chosen"), "stdout-path", NULL);
	EXPECT_STREQ(s, "/serial@9000000");
	s = fdt_getprop(g, fdt_path_offset(g, "/aliases"), "serial0", NULL);
	EXPECT_STREQ(s, "/serial@9000000");
}
