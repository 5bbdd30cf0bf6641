/* SPDX-License-Identifier: MIT */
/*
 * Arm Juno r2 from its DTB: the shipped two-VM configuration
 * (platforms/juno/two-vms.dtsi merged into Debian's arm/juno-r2.dtb with
 * dtc, as docs/boards.md does), parsed as vigil would on the board when
 * booted on a Cortex-A53 (cpu@100, as Juno's firmware does); the guest
 * DTBs it makes, read back by dtc and node by node; and the big.LITTLE
 * rules: a VM that mixes clusters is refused unless it says
 * vigil,hmp-unsafe, vCPU MPIDRs are 0..n-1 whatever the pCPUs', and each
 * vCPU's cpu node names the core it runs on.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "debian_dtb.h"
#include "fake_ram.h"
#include "gich_model.h"
#include "guest_dtb.h"
#include "host_mm_map.h"
#include "percpu.h"
#include "platform_dt.h"
#include "test.h"
#include "vm.h"
#include "vuart.h"

#define JUNO_FRAGMENT "platforms/juno/two-vms.dtsi"
#define A72 0x410fd080U
#define A53 0x410fd030U

static char jdtb[256 * 1024] __aligned(8);
static struct hv_config jcfg;
static struct boot_info jbi;
static struct plat_desc jplat;
static struct vm jvm;
static char jerr[240];

/* Run @cmd through the shell; its stderr into @errout (NUL-terminated).
 * The exit status, or -1. */
static int run(const char *cmd, char *errout, size_t len)
{
	char full[1024], path[] = "/tmp/vigil-juno-XXXXXX";
	int fd = mkstemp(path), st;
	FILE *f;
	size_t n = 0;

	if (fd < 0)
		return -1;
	close(fd);
	snprintf(full, sizeof(full), "(%s) 2>%s", cmd, path);
	st = system(full);
	f = fopen(path, "r");
	if (f) {
		n = fread(errout, 1, len - 1, f);
		fclose(f);
	}
	errout[n] = '\0';
	unlink(path);
	return st;
}

/* Debian's arm/@board with @fragment merged in, compiled by dtc into
 * jdtb; false if dtc or the DTB is missing. */
static bool juno_dtb_of(const char *board, const char *fragment)
{
	char dtb[512], cmd[1024], out[] = "/tmp/vigil-juno-dtb-XXXXXX", e[512];
	int fd = mkstemp(out);
	FILE *f;
	size_t n;

	if (fd < 0 || !debian_dtb_path("arm", board, dtb, sizeof(dtb)))
		return false;
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "(dtc -q -I dtb -O dts %s; cat %s) | "
		 "dtc -q -I dts -O dtb -o %s -",
		 dtb, fragment, out);
	if (run(cmd, e, sizeof(e)) != 0) {
		fprintf(stderr, "  %s: %s\n", cmd, e);
		unlink(out);
		return false;
	}
	f = fopen(out, "rb");
	n = f ? fread(jdtb, 1, sizeof(jdtb), f) : 0;
	if (f)
		fclose(f);
	unlink(out);
	return n > 0 && fdt_check_full(jdtb, n) == 0;
}

static bool juno_dtb(const char *fragment)
{
	return juno_dtb_of("juno-r2.dtb", fragment);
}

/*
 * The boot_info core/main.c makes on Juno, booted on cpu@100: pCPU 0 is
 * the boot CPU, then the others in /cpus order; RAM as the DTB says, vigil
 * and the DTB where docs/boards.md's U-Boot commands put them.
 */
static void juno_boot_info(void)
{
	unsigned int boot = 2, n = 1;

	ASSERT_EQ(platform_dt_probe(jdtb, &jplat, jerr, sizeof(jerr)), 0);
	ASSERT_EQ(jplat.nr_cpus, 6);
	memset(&jbi, 0, sizeof(jbi));
	jbi.image_start = 0x80080000;
	jbi.image_end = 0x80400000;
	jbi.dtb_start = 0x83000000;
	jbi.dtb_end = 0x83000000 + fdt_totalsize(jdtb);
	jbi.boot_cpu_dtb_index = boot;
	jbi.pcpu[0].mpidr = jplat.cpus[boot].mpidr;
	jbi.pcpu[0].midr = jplat.cpus[boot].midr;
	for (unsigned int i = 0; i < jplat.nr_cpus; i++) {
		if (i == boot)
			continue;
		jbi.pcpu[n].mpidr = jplat.cpus[i].mpidr;
		jbi.pcpu[n].midr = jplat.cpus[i].midr;
		n++;
	}
	jbi.nr_pcpus = n;
	jbi.nr_mem = jplat.nr_mem;
	for (unsigned int i = 0; i < jplat.nr_mem; i++) {
		jbi.mem[i].base = jplat.mem[i].base;
		jbi.mem[i].size = jplat.mem[i].size;
	}
	for (unsigned int i = 0; i < n; i++)
		pcpu_get(i)->mpidr = jbi.pcpu[i].mpidr;
}

static int juno_parse(void)
{
	memset(&jcfg, 0, sizeof(jcfg));
	jerr[0] = '\0';
	return config_parse(jdtb, &jbi, &jcfg, jerr, sizeof(jerr));
}

/* Set @prop of /hypervisor/@vm to the cells @v (n of them; n < 0: an
 * empty property). */
static void set_vm_prop(const char *vm, const char *prop, const uint32_t *v,
			int n)
{
	char path[64];
	fdt32_t c[8];
	int node;

	snprintf(path, sizeof(path), "/hypervisor/%s", vm);
	ASSERT_EQ(fdt_open_into(jdtb, jdtb, sizeof(jdtb)), 0);
	node = fdt_path_offset(jdtb, path);
	ASSERT_TRUE(node >= 0);
	for (int i = 0; i < n; i++)
		c[i] = cpu_to_fdt32(v[i]);
	ASSERT_EQ(fdt_setprop(jdtb, node, prop, c, n < 0 ? 0 : 4 * n), 0);
}

TEST(juno_two_vm_config_parses_big_and_little)
{
	ASSERT_TRUE(juno_dtb(JUNO_FRAGMENT));
	juno_boot_info();
	ASSERT_EQ(juno_parse(), 0);
	EXPECT_STREQ(jerr, "");
	ASSERT_EQ(jcfg.nr_vms, 2);
	/* cpu@0, cpu@1: pCPUs 1 and 2 (pCPU 0 is the boot CPU, cpu@100). */
	EXPECT_STREQ(jcfg.vms[0].node, "/hypervisor/vm@0");
	EXPECT_STREQ(jcfg.vms[0].name, "big");
	ASSERT_EQ(jcfg.vms[0].nr_vcpus, 2);
	EXPECT_EQ(jcfg.vms[0].affinity[0], 1);
	EXPECT_EQ(jcfg.vms[0].affinity[1], 2);
	EXPECT_EQ(jcfg.vms[0].ram_base, 0x880000000ULL);
	EXPECT_EQ(jcfg.vms[0].ram_size, 0x40000000);
	EXPECT_EQ(jcfg.vms[0].entry, 0x880000000ULL);
	EXPECT_FALSE(jcfg.vms[0].hmp_unsafe);
	/* cpu@100..cpu@103: pCPUs 0, 3, 4, 5. */
	EXPECT_STREQ(jcfg.vms[1].name, "little");
	ASSERT_EQ(jcfg.vms[1].nr_vcpus, 4);
	EXPECT_EQ(jcfg.vms[1].affinity[0], 0);
	EXPECT_EQ(jcfg.vms[1].affinity[1], 3);
	EXPECT_EQ(jcfg.vms[1].affinity[2], 4);
	EXPECT_EQ(jcfg.vms[1].affinity[3], 5);
	EXPECT_EQ(jcfg.vms[1].ram_base, 0x8c0000000ULL);
	for (unsigned int v = 0; v < 2; v++) {
		const struct vm_config *vc = &jcfg.vms[v];

		for (unsigned int i = 0; i < vc->nr_vcpus; i++)
			EXPECT_EQ(jbi.pcpu[vc->affinity[i]].midr,
				  v ? A53 : A72);
		/* The board's one PL011, SPI 83: a vUART in each VM. */
		EXPECT_EQ(vc->console, VM_CONSOLE_VUART);
		EXPECT_EQ(vc->vuart_ipa, 0x7ff80000);
		EXPECT_EQ(vc->vuart_intid, 32 + 83);
		EXPECT_EQ(vc->nr_devs, 0);
	}
}

static const char mixed_refusal[] =
	"config error: /hypervisor/vm@0: cpu-affinity mixes clusters: MPIDR "
	"0x0 (MIDR 0x410fd080) and MPIDR 0x100 (MIDR 0x410fd030); give "
	"vigil,hmp-unsafe to allow it";

TEST(juno_vm_mixing_big_and_little_is_refused_naming_the_node)
{
	static const uint32_t mixed[2] = {0, 2}; /* cpu@0 and cpu@100 */

	ASSERT_TRUE(juno_dtb(JUNO_FRAGMENT));
	juno_boot_info();
	set_vm_prop("vm@0", "cpu-affinity", mixed, 2);
	/* vm@1 gives cpu@100 up to vm@0. */
	set_vm_prop("vm@1", "vcpus", (const uint32_t[]){3}, 1);
	set_vm_prop("vm@1", "cpu-affinity", (const uint32_t[]){3, 4, 5}, 3);
	EXPECT_EQ(juno_parse(), -EINVAL);
	EXPECT_STREQ(jerr, mixed_refusal);
	/* Said explicitly: accepted. */
	set_vm_prop("vm@0", "vigil,hmp-unsafe", NULL, -1);
	EXPECT_EQ(juno_parse(), 0);
	EXPECT_STREQ(jerr, "");
	EXPECT_TRUE(jcfg.vms[0].hmp_unsafe);
	EXPECT_FALSE(jcfg.vms[1].hmp_unsafe);
	/* A value is not consent. */
	set_vm_prop("vm@0", "vigil,hmp-unsafe", (const uint32_t[]){1}, 1);
	EXPECT_EQ(juno_parse(), -EINVAL);
	EXPECT_STREQ(jerr, "config error: /hypervisor/vm@0: vigil,hmp-unsafe "
			   "takes no value");
}

TEST(juno_vm_without_affinity_stays_in_the_boot_cpus_cluster)
{
	int vm1;

	ASSERT_TRUE(juno_dtb(JUNO_FRAGMENT));
	juno_boot_info();
	/* vm@1 alone, no cpu-affinity: the four A53s, pCPU 0 first. */
	ASSERT_EQ(fdt_open_into(jdtb, jdtb, sizeof(jdtb)), 0);
	ASSERT_EQ(fdt_del_node(jdtb, fdt_path_offset(jdtb, "/hypervisor/vm@0")),
		  0);
	vm1 = fdt_path_offset(jdtb, "/hypervisor/vm@1");
	ASSERT_EQ(fdt_delprop(jdtb, vm1, "cpu-affinity"), 0);
	ASSERT_EQ(juno_parse(), 0);
	ASSERT_EQ(jcfg.vms[0].nr_vcpus, 4);
	EXPECT_EQ(jcfg.vms[0].affinity[0], 0);
	EXPECT_EQ(jcfg.vms[0].affinity[1], 3);
	EXPECT_EQ(jcfg.vms[0].affinity[2], 4);
	EXPECT_EQ(jcfg.vms[0].affinity[3], 5);
	/* Five vCPUs do not fit the cluster. */
	set_vm_prop("vm@1", "vcpus", (const uint32_t[]){5}, 1);
	EXPECT_EQ(juno_parse(), -EINVAL);
	EXPECT_STREQ(jerr, "config error: /hypervisor/vm@1: vcpus = 5 but the "
			   "boot CPU's cluster has 4 pCPUs: give cpu-affinity");
}

TEST(juno_default_vm_takes_the_boot_cpus_cluster_and_the_first_bank)
{
	ASSERT_TRUE(juno_dtb("/dev/null"));
	juno_boot_info();
	ASSERT_EQ(juno_parse(), 0);
	ASSERT_EQ(jcfg.nr_vms, 1);
	ASSERT_EQ(jcfg.vms[0].nr_vcpus, 4);
	for (unsigned int i = 0; i < 4; i++)
		EXPECT_EQ(jbi.pcpu[jcfg.vms[0].affinity[i]].midr, A53);
	/* Above vigil and the DTB, to the end of the bank vigil is in. */
	EXPECT_EQ(jcfg.vms[0].ram_base, 0x90000000);
	EXPECT_EQ(jcfg.vms[0].ram_size, 0xff000000 - 0x90000000);
}

/* vm @idx of jcfg as vm_create() makes it, for guest_dtb_build(): vCPU i
 * on its pCPU with MPIDR Aff0 = i (core/vm.c), its vUART. */
static void *juno_guest_dtb(unsigned int idx, struct vuart *u)
{
	const struct vm_config *vc = &jcfg.vms[idx];
	uint64_t top = vc->ram_base + vc->ram_size;

	memset(&jvm, 0, sizeof(jvm));
	jvm.id = idx;
	snprintf(jvm.name, sizeof(jvm.name), "%s", vc->name);
	jvm.nr_vcpus = vc->nr_vcpus;
	for (unsigned int i = 0; i < vc->nr_vcpus; i++) {
		jvm.vcpus[i].id = i;
		jvm.vcpus[i].pcpu = vc->affinity[i];
		jvm.vcpus[i].vmpidr = BIT(31) | i;
	}
	jvm.nr_ram = 1;
	jvm.ram[0].ipa = jvm.ram[0].pa = vc->ram_base;
	jvm.ram[0].size = vc->ram_size;
	snprintf(jvm.bootargs, sizeof(jvm.bootargs), "%s", vc->bootargs);
	jvm.console = vc->console;
	*u = (struct vuart){.ipa = vc->vuart_ipa, .intid = vc->vuart_intid};
	jvm.vuart = u;
	fake_ram_reset_at(top - CONFIG_GUEST_DTB_AREA);
	host_mm_maps_reset();
	if (guest_dtb_build(&jvm, jdtb, jerr, sizeof(jerr)))
		return NULL;
	return fake_ram;
}

/* dtc reads @fdt back without a warning: its stderr is empty. */
static void expect_dtc_clean(const void *fdt)
{
	char path[] = "/tmp/vigil-juno-guest-XXXXXX", cmd[256], e[240];
	int fd = mkstemp(path);

	ASSERT_TRUE(fd >= 0);
	ASSERT_EQ(write(fd, fdt, fdt_totalsize(fdt)),
		  (ssize_t)fdt_totalsize(fdt));
	close(fd);
	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -o /dev/null %s", path);
	EXPECT_EQ(run(cmd, e, sizeof(e)), 0);
	EXPECT_STREQ(e, "");
	unlink(path);
}

static uint64_t cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

TEST(juno_guest_dtbs_pass_dtc_and_show_each_vm_its_cores_ram_and_gic)
{
	/* The vGIC stands where the physical GIC-400 is (vgic_cpu_ipa()):
	 * its GICD, and the CPU interface's 8 KiB window. */
	struct gic_info saved = gm_info;
	struct vuart u;

	ASSERT_TRUE(juno_dtb(JUNO_FRAGMENT));
	juno_boot_info();
	ASSERT_EQ(juno_parse(), 0);
	gm_info.gicd = 0x2c010000;
	gm_info.gicc = 0x2c02f000;
	for (unsigned int v = 0; v < 2; v++) {
		const struct vm_config *vc = &jcfg.vms[v];
		const void *g = juno_guest_dtb(v, &u);
		const fdt32_t *p;
		const char *s;
		int cpus, n, len, count = 0;

		ASSERT_TRUE(g != NULL);
		EXPECT_EQ(jvm.dtb_ipa,
			  vc->ram_base + vc->ram_size - CONFIG_GUEST_DTB_AREA);
		expect_dtc_clean(g);
		/* /cpus: one node per vCPU, reg 0..n-1, the compatible of
		 * the core under it, PSCI. */
		cpus = fdt_path_offset(g, "/cpus");
		ASSERT_TRUE(cpus >= 0);
		fdt_for_each_subnode(n, g, cpus)
		{
			char name[16];

			s = fdt_getprop(g, n, "device_type", NULL);
			if (!s || strcmp(s, "cpu"))
				continue;
			snprintf(name, sizeof(name), "cpu@%x", count);
			EXPECT_STREQ(fdt_get_name(g, n, NULL), name);
			p = fdt_getprop(g, n, "reg", &len);
			ASSERT_EQ(len, 4);
			EXPECT_EQ(fdt32_to_cpu(*p), count);
			EXPECT_STREQ(fdt_getprop(g, n, "compatible", NULL),
				     v ? "arm,cortex-a53" : "arm,cortex-a72");
			EXPECT_STREQ(fdt_getprop(g, n, "enable-method", NULL),
				     "psci");
			count++;
		}
		EXPECT_EQ(count, (int)vc->nr_vcpus);
		/* The host's cpu-map and idle states named the host's cpu
		 * nodes: nothing left points at a CPU the VM lacks. */
		EXPECT_TRUE(fdt_path_offset(g, "/cpus/cpu@100") < 0);
		/* RAM: one bank, the VM's. */
		n = fdt_path_offset(g, "/memory@80000000");
		EXPECT_TRUE(n < 0);
		count = 0;
		fdt_for_each_subnode(n, g, 0)
		{
			s = fdt_getprop(g, n, "device_type", NULL);
			if (!s || strcmp(s, "memory"))
				continue;
			p = fdt_getprop(g, n, "reg", &len);
			ASSERT_EQ(len, 16);
			EXPECT_EQ(cells(p, 2), vc->ram_base);
			EXPECT_EQ(cells(p + 2, 2), vc->ram_size);
			count++;
		}
		EXPECT_EQ(count, 1);
		/* The GIC: GICD and the 8 KiB CPU interface only. */
		n = fdt_path_offset(g, "/interrupt-controller@2c010000");
		ASSERT_TRUE(n >= 0);
		p = fdt_getprop(g, n, "reg", &len);
		ASSERT_EQ(len, 32);
		EXPECT_EQ(cells(p, 2), 0x2c010000);
		EXPECT_EQ(cells(p + 2, 2), 0x1000);
		EXPECT_EQ(cells(p + 4, 2), 0x2c02f000);
		EXPECT_EQ(cells(p + 6, 2), 0x2000);
		EXPECT_TRUE(fdt_first_subnode(g, n) < 0); /* no v2m frame */
		/* PSCI over HVC, to vigil. */
		n = fdt_path_offset(g, "/psci");
		ASSERT_TRUE(n >= 0);
		EXPECT_STREQ(fdt_getprop(g, n, "method", NULL), "hvc");
		/* The vUART is the console, at the PL011's address. */
		n = fdt_path_offset(g, "/chosen");
		ASSERT_TRUE(n >= 0);
		EXPECT_STREQ(fdt_getprop(g, n, "stdout-path", NULL),
			     "/serial@7ff80000");
		EXPECT_STREQ(fdt_getprop(g, n, "bootargs", NULL),
			     "console=ttyAMA0");
		EXPECT_TRUE(fdt_path_offset(g, "/hypervisor") < 0);
	}
	gm_info = saved;
}

TEST(juno_hmp_unsafe_vm_shows_each_vcpu_the_core_it_runs_on)
{
	static const char *const want[3] = {"arm,cortex-a72", "arm,cortex-a53",
					    "arm,cortex-a53"};
	struct gic_info saved = gm_info;
	struct vuart u;
	const void *g;
	int n;

	ASSERT_TRUE(juno_dtb(JUNO_FRAGMENT));
	juno_boot_info();
	/* vm@0 on cpu@0, cpu@100 and cpu@101; vm@1 on the other two A53s. */
	set_vm_prop("vm@0", "vcpus", (const uint32_t[]){3}, 1);
	set_vm_prop("vm@0", "cpu-affinity", (const uint32_t[]){0, 2, 3}, 3);
	set_vm_prop("vm@0", "vigil,hmp-unsafe", NULL, -1);
	set_vm_prop("vm@1", "vcpus", (const uint32_t[]){2}, 1);
	set_vm_prop("vm@1", "cpu-affinity", (const uint32_t[]){4, 5}, 2);
	ASSERT_EQ(juno_parse(), 0);
	gm_info.gicd = 0x2c010000;
	gm_info.gicc = 0x2c02f000;
	g = juno_guest_dtb(0, &u);
	ASSERT_TRUE(g != NULL);
	expect_dtc_clean(g);
	for (unsigned int i = 0; i < 3; i++) {
		char path[32];

		/* MPIDRs 0, 1, 2: contiguous, not 0x0, 0x100, 0x101. */
		snprintf(path, sizeof(path), "/cpus/cpu@%x", i);
		n = fdt_path_offset(g, path);
		ASSERT_TRUE(n >= 0);
		EXPECT_EQ(fdt32_to_cpu(*(const fdt32_t *)fdt_getprop(
				  g, n, "reg", NULL)),
			  i);
		EXPECT_STREQ(fdt_getprop(g, n, "compatible", NULL), want[i]);
	}
	gm_info = saved;
}

/* The same fragment on r0 and r1, whose big cores are Cortex-A57s. */
static void check_a57_board(const char *board)
{
	struct gic_info saved = gm_info;
	struct vuart u;
	const void *g;

	ASSERT_TRUE(juno_dtb_of(board, JUNO_FRAGMENT));
	juno_boot_info();
	ASSERT_EQ(juno_parse(), 0);
	ASSERT_EQ(jcfg.nr_vms, 2);
	EXPECT_EQ(jbi.pcpu[jcfg.vms[0].affinity[0]].midr, 0x410fd070U);
	EXPECT_EQ(jbi.pcpu[jcfg.vms[0].affinity[1]].midr, 0x410fd070U);
	gm_info.gicd = 0x2c010000;
	gm_info.gicc = 0x2c02f000;
	g = juno_guest_dtb(0, &u);
	ASSERT_TRUE(g != NULL);
	expect_dtc_clean(g);
	EXPECT_STREQ(fdt_getprop(g, fdt_path_offset(g, "/cpus/cpu@1"),
				 "compatible", NULL),
		     "arm,cortex-a57");
	gm_info = saved;
}

TEST(juno_r0_two_vm_config_puts_big_on_the_a57s)
{
	check_a57_board("juno.dtb");
}

TEST(juno_r1_two_vm_config_puts_big_on_the_a57s)
{
	check_a57_board("juno-r1.dtb");
}
