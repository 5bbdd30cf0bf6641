/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's configuration: the VMs to build, read from the DTB's
 * /hypervisor node (docs/config.md) or made up as the built-in default.
 * Parsing is portable and host-tested; it never touches hardware.
 */
#ifndef VIGIL_CONFIG_H
#define VIGIL_CONFIG_H

#include "compiler.h"
#include "percpu.h"
#include "vm.h"

#define CONFIG_MAX_MEM_BANKS 8

/* What the boot CPU knows about the machine before any VM exists. */
struct boot_info {
	uint64_t image_start, image_end; /* vigil, [start, end) */
	uint64_t dtb_start, dtb_end;
	uint64_t initrd_start, initrd_end; /* from /chosen, 0 if none */
	unsigned int nr_pcpus;
	/* Each pCPU's MPIDR (affinity bits) and MIDR (implementer and part,
	 * from its /cpus node: 0 unknown), by logical index; all zero, one
	 * cluster of one kind, when the caller knows no better. A VM's vCPUs
	 * share one cluster (config_same_cluster()). */
	struct {
		uint64_t mpidr;
		uint32_t midr;
	} pcpu[MAX_CPUS];
	/* The boot CPU's place in /cpus: pCPU 0 is the boot CPU, then come
	 * the others in /cpus order (core/main.c), while cpu-affinity counts
	 * in /cpus order (config_pcpu_of()). */
	unsigned int boot_cpu_dtb_index;
	unsigned int nr_mem;
	struct {
		uint64_t base, size;
	} mem[CONFIG_MAX_MEM_BANKS];
};

struct vm_config {
	char node[64]; /* DTB path, for messages */
	char name[VM_MAX_NAME];
	unsigned int nr_vcpus;
	unsigned int affinity[VM_MAX_VCPUS]; /* pCPU of each vCPU */
	uint64_t ram_base, ram_size;	     /* IPA == PA */
	uint64_t entry;
	/* Where the boot loader put the guest image, from `image`: 0 size if
	 * the node has none. */
	uint64_t image_base, image_size;
	bool has_image_crc32;
	uint32_t image_crc32;
	uint64_t initrd_base, initrd_size; /* 0 size: none */
	bool initrd_from_chosen;	   /* copy the boot loader's initrd */
	char bootargs[256];
	/* `vigil,dma-unrestricted`: the node accepts that its DMA masters
	 * reach all memory, which makes the VM as trusted as vigil. */
	bool dma_unrestricted;
	/* `vigil,hmp-unsafe`: the node accepts vCPUs on pCPUs of different
	 * clusters or kinds (big.LITTLE), whose ID registers, caches and
	 * errata differ under the guest's feet. */
	bool hmp_unsafe;
	/* Runs AArch32 at EL1/PL1: `vigil,aarch32`, or the profile's default
	 * (arch_guest_aarch32()). */
	bool aarch32;
	unsigned int nr_devs;
	struct vm_device devs[VM_MAX_DEVS];
	/* `vigil,console`, resolved (never DEFAULT after config_parse()).
	 * VM_CONSOLE_VUART: the vUART sits at the console UART's address
	 * with its SPI, which no VM has then. */
	enum vm_console console;
	uint64_t vuart_ipa;
	unsigned int vuart_intid;
};

struct hv_config {
	/* The console UART (/chosen/stdout-path) if it is a PL011 with an
	 * SPI: what passthrough consoles get, where vUARTs sit, and what
	 * vigil reads their input from. */
	bool has_uart;
	struct vm_device uart;
	unsigned int nr_vms;
	struct vm_config vms[VM_MAX_VMS];
};

/* Without a /hypervisor node the default VM's RAM starts at the first
 * multiple of this above vigil, the DTB and the initrd (core/config.c):
 * 0x50000000 on QEMU virt, 0x10000000 on QEMU's raspi4b, where the test
 * guests are linked (platforms/<name>/platform.mk). */
#define CONFIG_DEFAULT_RAM_ALIGN 0x10000000ULL

/* The pCPU (logical index) of the @dtb_index-th CPU in /cpus. */
unsigned int config_pcpu_of(const struct boot_info *bi, unsigned int dtb_index);

/* Whether pCPUs @a and @b share a cluster (MPIDR above Aff0) and a MIDR
 * (implementer and part, where both are known). */
bool config_same_cluster(const struct boot_info *bi, unsigned int a,
			 unsigned int b);

/*
 * Fill @cfg from @fdt's /hypervisor node, or the default when there is none,
 * and check it against the machine. On error return -EINVAL with one line in
 * @err naming the node and the problem.
 */
int config_parse(const void *fdt, const struct boot_info *bi,
		 struct hv_config *cfg, char *err, size_t errlen);

/* The guest DTB sits in the top 2 MiB of a VM's boot RAM
 * (config_boot_ram_end(), core/guest_dtb.c). */
#define CONFIG_GUEST_DTB_AREA 0x200000ULL

/*
 * The end of a VM's boot RAM, the part of its RAM @ram_base+@ram_size its
 * boot arguments may point at: the guest DTB area at its top, an initrd
 * from /chosen below that. All of its RAM, or for an AArch32 guest
 * (@aarch32: struct vm_config's aarch32) the part below 4 GiB: r2 holds
 * the DTB's address in 32 bits. @ram_base when no RAM is below 4 GiB.
 */
uint64_t config_boot_ram_end(uint64_t ram_base, uint64_t ram_size,
			     bool aarch32);

/*
 * Check what the boot loader put in a VM's RAM, before it starts: with an
 * `image` property, the image_size bytes at image_base must start with the
 * profile's image header (include/arch_image.h: an arm64 Image), whose
 * size fits below the guest DTB area and covers them, and match
 * `image-crc32` if given; without one, the 4 bytes at the entry
 * point must not be 0 (nothing loaded). RAM is read through mm_map(), a
 * page at a time. On error return -EINVAL with one line in @err.
 */
int config_check_image(const struct vm_config *vc, char *err, size_t errlen);
/* CRC-32 (IEEE 802.3, as zlib's crc32() and `gzip -l`) of @len bytes. */
uint32_t config_crc32(const void *buf, uint64_t len);
/* The same, carried on from @crc, the CRC-32 of what came before (0 for
 * nothing), as zlib's crc32(crc, buf, len). */
uint32_t config_crc32_update(uint32_t crc, const void *buf, uint64_t len);

#endif
