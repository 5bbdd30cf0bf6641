/* SPDX-License-Identifier: MIT */
/*
 * Platform discovery (core/platform_dt.c) on real DTBs: QEMU virt's own
 * (dumped by QEMU 7.2 and 10.0 with -M virt,virtualization=on,
 * gic-version=2,dumpdtb=, then packed with dtc; tests/unit/data/) and
 * Debian's Raspberry Pi 4 family and Arm Juno boards (from
 * linux-image-*-arm64, which
 * tools/fetch-guest.sh unpacks into build/guest-cache/; `make unit`
 * fetches it first). Then synthetic trees for the bus translation's edges.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "debian_dtb.h"
#include "platform_dt.h"
#include "test.h"

static void *load_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	void *buf;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* A DTB of a folder (broadcom/, arm/) of the kernel the guest cache
 * holds. */
bool debian_dtb_path(const char *dir, const char *name, char *path, size_t len)
{
	char pat[256];
	glob_t g;
	bool found;

	snprintf(pat, sizeof(pat),
		 "build/guest-cache/kernel/usr/lib/linux-image-*-arm64/%s/%s",
		 dir, name);
	found = glob(pat, 0, NULL, &g) == 0 && g.gl_pathc >= 1;
	if (found)
		snprintf(path, len, "%s", g.gl_pathv[0]);
	else
		fprintf(stderr, "  %s not found (tools/fetch-guest.sh)\n", pat);
	globfree(&g);
	return found;
}

void *load_debian_dtb_in(const char *dir, const char *name)
{
	char path[512];

	return debian_dtb_path(dir, name, path, sizeof(path)) ? load_file(path)
							      : NULL;
}

static void *load_debian_dtb(const char *name)
{
	return load_debian_dtb_in("broadcom", name);
}

static void check_qemu_virt(const char *file)
{
	void *fdt = load_file(file);
	struct plat_desc d;
	char err[160] = "";

	ASSERT_TRUE(fdt != NULL);
	ASSERT_EQ(fdt_check_full(fdt, fdt_totalsize(fdt)), 0);
	ASSERT_EQ(platform_dt_probe(fdt, &d, err, sizeof(err)), 0);
	EXPECT_STREQ(d.model, "linux,dummy-virt");
	EXPECT_TRUE(d.has_gic);
	EXPECT_EQ(d.gicd, 0x08000000);
	EXPECT_EQ(d.gicc, 0x08010000);
	EXPECT_EQ(d.gich, 0x08030000);
	EXPECT_EQ(d.gicv, 0x08040000);
	EXPECT_EQ(d.maint_irq, 25);
	EXPECT_EQ(d.hyp_timer_irq, 26);
	EXPECT_TRUE(d.has_console);
	EXPECT_EQ(d.console_kind, UART_PL011);
	EXPECT_EQ(d.console, 0x09000000);
	EXPECT_STREQ(d.console_path, "/pl011@9000000");
	ASSERT_EQ(d.nr_cpus, 4);
	for (unsigned int i = 0; i < 4; i++) {
		EXPECT_EQ(d.cpus[i].mpidr, i);
		EXPECT_EQ(d.cpus[i].enable, CPU_ENABLE_PSCI);
		EXPECT_EQ(d.cpus[i].release_addr, 0);
	}
	EXPECT_FALSE(d.cpus_truncated);
	/* virtualization=on: QEMU's PSCI is at EL3's place, over SMC. */
	EXPECT_EQ(d.psci, PSCI_METHOD_SMC);
	ASSERT_EQ(d.nr_mem, 1);
	EXPECT_EQ(d.mem[0].base, 0x40000000);
	EXPECT_EQ(d.mem[0].size, 0x40000000);
	EXPECT_EQ(d.pm_wdt, 0); /* PSCI powers it off */
	free(fdt);
}

TEST(platform_dt_qemu_virt_7_2)
{
	check_qemu_virt("tests/unit/data/qemu-virt-7.2.dtb");
}

TEST(platform_dt_qemu_virt_10_0)
{
	check_qemu_virt("tests/unit/data/qemu-virt-10.0.dtb");
}

/* The BCM2711 boards: the same SoC, so the same answers, but for the model.
 * Their /memory is a template (reg of size 0) the firmware, or QEMU's
 * raspi4b, fills: no bank. */
static void check_bcm2711(const char *file, const char *model)
{
	static const uint64_t release[4] = {0xd8, 0xe0, 0xe8, 0xf0};
	void *fdt = load_debian_dtb(file);
	struct plat_desc d;
	char err[160] = "";

	ASSERT_TRUE(fdt != NULL);
	ASSERT_EQ(fdt_check_full(fdt, fdt_totalsize(fdt)), 0);
	ASSERT_EQ(platform_dt_probe(fdt, &d, err, sizeof(err)), 0);
	EXPECT_STREQ(d.model, model);
	/* /soc lists the GIC-400 at 0x40041000...; its ranges map
	 * 0x40000000 to 0xff800000. */
	EXPECT_TRUE(d.has_gic);
	EXPECT_EQ(d.gicd, 0xff841000);
	EXPECT_EQ(d.gicc, 0xff842000);
	EXPECT_EQ(d.gich, 0xff844000);
	EXPECT_EQ(d.gicv, 0xff846000);
	EXPECT_EQ(d.maint_irq, 25);
	EXPECT_EQ(d.hyp_timer_irq, 26);
	/* stdout-path "serial1:115200n8": the alias of the mini UART, whose
	 * 0x7e215040 is 0xfe215040 through the 0x7e000000 range. */
	EXPECT_TRUE(d.has_console);
	EXPECT_EQ(d.console_kind, UART_8250);
	EXPECT_EQ(d.console, 0xfe215040);
	EXPECT_STREQ(d.console_path, "/soc/serial@7e215040");
	EXPECT_EQ(d.gicc_size, 0x2000);
	EXPECT_EQ(d.gicv_size, 0x2000);
	ASSERT_EQ(d.nr_cpus, 4);
	for (unsigned int i = 0; i < 4; i++) {
		EXPECT_EQ(d.cpus[i].mpidr, i);
		EXPECT_STREQ(d.cpus[i].compatible, "arm,cortex-a72");
		EXPECT_EQ(d.cpus[i].midr, 0x410fd080U);
		EXPECT_EQ(d.cpus[i].enable, CPU_ENABLE_SPIN_TABLE);
		EXPECT_EQ(d.cpus[i].release_addr, release[i]);
	}
	EXPECT_EQ(d.psci, PSCI_METHOD_NONE);
	EXPECT_EQ(d.nr_mem, 0);
	/* The power-management watchdog, which turns it off: 0x7e100000. */
	EXPECT_EQ(d.pm_wdt, 0xfe100000);
	free(fdt);
}

TEST(platform_dt_rpi_4_b)
{
	check_bcm2711("bcm2711-rpi-4-b.dtb", "Raspberry Pi 4 Model B");
}

TEST(platform_dt_rpi_400)
{
	check_bcm2711("bcm2711-rpi-400.dtb", "Raspberry Pi 400");
}

TEST(platform_dt_rpi_cm4)
{
	check_bcm2711("bcm2711-rpi-cm4-io.dtb",
		      "Raspberry Pi Compute Module 4 IO Board");
}

/*
 * Arm's Juno boards (arm/juno*.dtb): two big cores (cluster Aff1 = 0) and
 * four LITTLE Cortex-A53s (Aff1 = 1), all started through TF-A's PSCI over
 * SMC; a GIC-400 whose CPU interface, GICH and GICV are 8 KiB windows
 * across a 64 KiB boundary of its aliased pages; RAM below and above
 * 4 GiB.
 */
static void check_juno(const char *file, const char *model, const char *big,
		       uint32_t big_part)
{
	static const uint64_t mpidr[6] = {0x0, 0x1, 0x100, 0x101, 0x102, 0x103};
	void *fdt = load_debian_dtb_in("arm", file);
	struct plat_desc d;
	char err[160] = "";

	ASSERT_TRUE(fdt != NULL);
	ASSERT_EQ(fdt_check_full(fdt, fdt_totalsize(fdt)), 0);
	ASSERT_EQ(platform_dt_probe(fdt, &d, err, sizeof(err)), 0);
	EXPECT_STREQ(d.model, model);
	ASSERT_EQ(d.nr_cpus, 6);
	for (unsigned int i = 0; i < 6; i++) {
		const struct plat_cpu *c = &d.cpus[i];

		EXPECT_EQ(c->mpidr, mpidr[i]);
		EXPECT_EQ(MPIDR_CLUSTER(c->mpidr), i < 2 ? 0x000 : 0x100);
		EXPECT_EQ(c->enable, CPU_ENABLE_PSCI);
		EXPECT_STREQ(c->compatible, i < 2 ? big : "arm,cortex-a53");
		EXPECT_EQ(c->midr,
			  i < 2 ? 0x410f0000U | big_part << 4 : 0x410fd030U);
		EXPECT_EQ(MIDR_PARTNUM(c->midr), i < 2 ? big_part : 0xd03);
	}
	EXPECT_FALSE(d.cpus_truncated);
	EXPECT_EQ(d.psci, PSCI_METHOD_SMC);
	EXPECT_TRUE(d.has_gic);
	EXPECT_EQ(d.gicd, 0x2c010000);
	EXPECT_EQ(d.gicc, 0x2c02f000);
	EXPECT_EQ(d.gicc_size, 0x2000);
	EXPECT_EQ(d.gich, 0x2c04f000);
	EXPECT_EQ(d.gich_size, 0x2000);
	EXPECT_EQ(d.gicv, 0x2c06f000);
	EXPECT_EQ(d.gicv_size, 0x2000);
	/* <1 9 0x3f04>: PPI 9 */
	EXPECT_EQ(d.maint_irq, 25);
	EXPECT_EQ(d.hyp_timer_irq, 26);
	EXPECT_TRUE(d.has_console);
	EXPECT_EQ(d.console_kind, UART_PL011);
	EXPECT_EQ(d.console, 0x7ff80000);
	EXPECT_STREQ(d.console_path, "/serial@7ff80000");
	ASSERT_EQ(d.nr_mem, 2);
	EXPECT_EQ(d.mem[0].base, 0x80000000);
	EXPECT_EQ(d.mem[0].size, 0x7f000000);
	EXPECT_EQ(d.mem[1].base, 0x880000000ULL);
	EXPECT_EQ(d.mem[1].size, 0x180000000ULL);
	EXPECT_EQ(d.pm_wdt, 0);
	free(fdt);
}

TEST(platform_dt_juno_r0)
{
	check_juno("juno.dtb", "ARM Juno development board (r0)",
		   "arm,cortex-a57", 0xd07);
}

TEST(platform_dt_juno_r1)
{
	check_juno("juno-r1.dtb", "ARM Juno development board (r1)",
		   "arm,cortex-a57", 0xd07);
}

TEST(platform_dt_juno_r2)
{
	check_juno("juno-r2.dtb", "ARM Juno development board (r2)",
		   "arm,cortex-a72", 0xd08);
}

TEST(platform_dt_midr_of_compatible)
{
	EXPECT_EQ(plat_midr_of("arm,cortex-a53"), 0x410fd030U);
	EXPECT_EQ(plat_midr_of("arm,cortex-a15"), 0x410fc0f0U);
	EXPECT_EQ(plat_midr_of("arm,armv8"), 0);
	EXPECT_EQ(plat_midr_of(""), 0);
}

/* dt_parent() answers as fdt_parent_offset() for every node of a tree, and
 * for offsets that are no node's; returns how many nodes it checked. */
static int check_parents(const void *fdt)
{
	int n, nodes = 0;

	for (n = 0; n >= 0; n = fdt_next_node(fdt, n, NULL)) {
		EXPECT_EQ(dt_parent(fdt, n), fdt_parent_offset(fdt, n));
		/* Inside the node's tag: no node starts there. */
		EXPECT_EQ(dt_parent(fdt, n + 4), -FDT_ERR_BADOFFSET);
		nodes++;
	}
	EXPECT_EQ(dt_parent(fdt, 0), -FDT_ERR_NOTFOUND);
	EXPECT_EQ(dt_parent(fdt, -1), -FDT_ERR_BADOFFSET);
	return nodes;
}

TEST(platform_dt_parent_as_libfdt)
{
	void *virt = load_file("tests/unit/data/qemu-virt-7.2.dtb");
	void *pi = load_debian_dtb("bcm2711-rpi-4-b.dtb");

	ASSERT_TRUE(virt != NULL && pi != NULL);
	/* Every node of each: the dump's 62 (48 at the root, virtio-mmio x32
	 * among them), the Pi's 254, down to four levels below the root. */
	EXPECT_EQ(check_parents(virt), 62);
	EXPECT_EQ(check_parents(pi), 254);
	free(virt);
	free(pi);
}

/* ---- synthetic trees ---------------------------------------------------- */

static char dtb[8192];

static void prop_cells(void *fdt, const char *name, const uint32_t *v, int n)
{
	fdt32_t c[16];

	for (int i = 0; i < n; i++)
		c[i] = cpu_to_fdt32(v[i]);
	fdt_property(fdt, name, c, 4 * n);
}

#define CELLS(fdt, name, ...)                                   \
	do {                                                    \
		const uint32_t _v[] = {__VA_ARGS__};            \
		prop_cells(fdt, name, _v, (int)ARRAY_SIZE(_v)); \
	} while (0)

/*
 * Root of 1 address and 1 size cell (as a 32-bit board's), two buses
 * deep: /bus (2 cells, ranges 0x1_00000000 -> 0x20000000, 16 MiB) holds
 * /bus/inner (1 cell, ranges 0x100 -> 0x1_00100000, 1 MiB) holding the
 * GIC and an 8250 with reg-shift 2; /cpus of 2 cells; two memory nodes,
 * one with two banks. `inner_ranges`: 0 none under /bus/inner (nothing there then
 * has a CPU address), 1 as above; `uart_shift` its reg-shift.
 */
static void *synthetic(int inner_ranges, int uart_shift)
{
	void *fdt = dtb;

	fdt_create(fdt, sizeof(dtb));
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	CELLS(fdt, "#address-cells", 1);
	CELLS(fdt, "#size-cells", 1);
	fdt_property_string(fdt, "compatible", "vigil,test-board");
	fdt_begin_node(fdt, "chosen");
	fdt_property_string(fdt, "stdout-path", "/bus/inner/uart@200:115200");
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "bus");
	CELLS(fdt, "#address-cells", 2);
	CELLS(fdt, "#size-cells", 1);
	CELLS(fdt, "ranges", 0x1, 0x0, 0x20000000, 0x1000000);
	fdt_begin_node(fdt, "inner");
	CELLS(fdt, "#address-cells", 1);
	CELLS(fdt, "#size-cells", 1);
	if (inner_ranges)
		CELLS(fdt, "ranges", 0x100, 0x1, 0x00100000, 0x100000);
	fdt_begin_node(fdt, "gic@1000");
	fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic");
	CELLS(fdt, "reg", 0x1000, 0x1000, 0x2000, 0x2000, 0x4000, 0x2000,
	      0x6000, 0x2000);
	CELLS(fdt, "interrupts", 1, 9, 0xf04);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "uart@200");
	fdt_property_string(fdt, "compatible", "ns16550a");
	CELLS(fdt, "reg", 0x200, 0x100);
	CELLS(fdt, "reg-shift", (uint32_t)uart_shift);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "cpus");
	CELLS(fdt, "#address-cells", 2);
	CELLS(fdt, "#size-cells", 0);
	fdt_begin_node(fdt, "cpu@0");
	fdt_property_string(fdt, "device_type", "cpu");
	CELLS(fdt, "reg", 0, 0x100);
	fdt_property_string(fdt, "enable-method", "psci");
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "cpu@1");
	fdt_property_string(fdt, "device_type", "cpu");
	CELLS(fdt, "reg", 0x1, 0x101); /* Aff3 = 1 */
	fdt_property_string(fdt, "enable-method", "spin-table");
	CELLS(fdt, "cpu-release-addr", 0x0, 0x8000fff8);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "cpu@2");
	fdt_property_string(fdt, "device_type", "cpu");
	CELLS(fdt, "reg", 0, 0x102);
	fdt_property_string(fdt, "status", "disabled");
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "cpu@3");
	fdt_property_string(fdt, "device_type", "cpu");
	CELLS(fdt, "reg", 0, 0x103);
	fdt_property_string(fdt, "enable-method", "brcm,bcm2836-smp");
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "memory@80000000");
	fdt_property_string(fdt, "device_type", "memory");
	CELLS(fdt, "reg", 0x80000000, 0x10000000, 0xa0000000, 0x0, 0xc0000000,
	      0x100000);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "memory@0");
	fdt_property_string(fdt, "device_type", "memory");
	CELLS(fdt, "reg", 0x0, 0x1000000);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_finish(fdt);
	return fdt;
}

TEST(platform_dt_nested_ranges_one_cell_root)
{
	struct plat_desc d;
	char err[160] = "";
	void *fdt = synthetic(1, 2);

	ASSERT_EQ(platform_dt_probe(fdt, &d, err, sizeof(err)), 0);
	EXPECT_STREQ(d.model, "vigil,test-board");
	/* 0x1000 on inner -> 0x1_00100f00 on bus -> 0x20100f00 */
	EXPECT_EQ(d.gicd, 0x20100f00);
	EXPECT_EQ(d.gicc, 0x20101f00);
	EXPECT_EQ(d.gich, 0x20103f00);
	EXPECT_EQ(d.gicv, 0x20105f00);
	EXPECT_EQ(d.maint_irq, 25);
	EXPECT_EQ(d.hyp_timer_irq, 0); /* no timer node */
	EXPECT_TRUE(d.has_console);
	EXPECT_EQ(d.console_kind, UART_8250);
	EXPECT_EQ(d.console, 0x20100100);
	/* cpu@2 disabled: left out; cpu@3's method is not one vigil uses. */
	ASSERT_EQ(d.nr_cpus, 3);
	EXPECT_EQ(d.cpus[0].mpidr, 0x100);
	EXPECT_EQ(d.cpus[0].enable, CPU_ENABLE_PSCI);
	EXPECT_EQ(d.cpus[1].mpidr, 0x100000101ULL);
	EXPECT_EQ(d.cpus[1].enable, CPU_ENABLE_SPIN_TABLE);
	EXPECT_EQ(d.cpus[1].release_addr, 0x8000fff8);
	EXPECT_EQ(d.cpus[2].mpidr, 0x103);
	EXPECT_EQ(d.cpus[2].enable, CPU_ENABLE_NONE);
	EXPECT_EQ(d.psci, PSCI_METHOD_NONE);
	/* The bank of size 0 is left out; tree order kept. */
	ASSERT_EQ(d.nr_mem, 3);
	EXPECT_EQ(d.mem[0].base, 0x80000000);
	EXPECT_EQ(d.mem[0].size, 0x10000000);
	EXPECT_EQ(d.mem[1].base, 0xc0000000);
	EXPECT_EQ(d.mem[1].size, 0x100000);
	EXPECT_EQ(d.mem[2].base, 0);
	EXPECT_EQ(d.mem[2].size, 0x1000000);
}

TEST(platform_dt_untranslatable_gic_is_an_error)
{
	struct plat_desc d;
	char err[160] = "";
	void *fdt = synthetic(0, 2);

	EXPECT_EQ(platform_dt_probe(fdt, &d, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "config error: /bus/inner/gic@1000: reg 0 is not a "
			  "CPU address (no bus `ranges` maps it)");
}

TEST(platform_dt_8250_needs_reg_shift_2)
{
	struct plat_desc d;
	char err[160] = "";
	void *fdt = synthetic(1, 0);

	ASSERT_EQ(platform_dt_probe(fdt, &d, err, sizeof(err)), 0);
	EXPECT_FALSE(d.has_console);
	EXPECT_EQ(d.console, 0);
}

TEST(platform_dt_reg_outside_every_range)
{
	uint64_t a = 0, s = 0;
	void *fdt = synthetic(1, 2);
	int uart = fdt_path_offset(fdt, "/bus/inner/uart@200");
	int gic = fdt_path_offset(fdt, "/bus/inner/gic@1000");

	ASSERT_TRUE(uart > 0 && gic > 0);
	EXPECT_EQ(dt_reg_phys(fdt, uart, 0, &a, &s), 0);
	EXPECT_EQ(a, 0x20100100);
	EXPECT_EQ(s, 0x100);
	/* reg has 4 entries: a fifth is missing. */
	EXPECT_EQ(dt_reg_phys(fdt, gic, 4, &a, &s), -1);
	/* Move the UART across the end of inner's range (0x100-0x1000ff). */
	{
		fdt32_t reg[2] = {cpu_to_fdt32(0xfff80), cpu_to_fdt32(0x200)};

		ASSERT_EQ(fdt_open_into(fdt, fdt, sizeof(dtb)), 0);
		ASSERT_EQ(
			fdt_setprop_inplace(fdt, uart, "reg", reg, sizeof(reg)),
			0);
		EXPECT_EQ(dt_reg_phys(fdt, uart, 0, &a, &s), -1);
	}
}

TEST(platform_dt_no_cpus_is_an_error)
{
	struct plat_desc d;
	char err[160] = "";
	void *fdt = dtb;

	fdt_create(fdt, sizeof(dtb));
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_end_node(fdt);
	fdt_finish(fdt);
	EXPECT_EQ(platform_dt_probe(fdt, &d, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "config error: /cpus: missing in the DTB");
	EXPECT_FALSE(d.has_gic);
}
