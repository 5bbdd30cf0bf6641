# vigil — top-level build.
#   make            build build/$(PLATFORM)-$(ARCH)/vigil.{elf,bin} and test guests
#   make deps       install the Debian packages the project needs (idempotent)
#   make run        boot the default guest under vigil in QEMU, interactively
#   make test       unit tests (ASan/UBSan; 64- and 32-bit), format check,
#                   QEMU system tests
ARCH ?= arm64
PLATFORM ?= qemu-virt
BUILD := build/$(PLATFORM)-$(ARCH)
HOSTBUILD := build/host
HOST32BUILD := build/host32

# A build profile is arch/arm/$(ARCH)/arch.mk (toolchain, flags, C library,
# libfdt, image) over arch/arm/common.mk (the shared sources); a board is
# platforms/$(PLATFORM)/platform.mk, which only says where its test guests
# run: vigil.bin is the same file for every board. docs/design.md "Build".
ifeq ($(wildcard arch/arm/$(ARCH)/arch.mk),)
$(error ARCH=$(ARCH): no such profile (arch/arm/$(ARCH)/arch.mk); there are: $(notdir $(patsubst %/arch.mk,%,$(wildcard arch/arm/*/arch.mk))))
endif
ifeq ($(wildcard platforms/$(PLATFORM)/platform.mk),)
$(error PLATFORM=$(PLATFORM): no such platform (platforms/$(PLATFORM)/platform.mk); there are: $(notdir $(patsubst %/platform.mk,%,$(wildcard platforms/*/platform.mk))))
endif

HV_SRCS :=
include arch/arm/common.mk
include arch/arm/$(ARCH)/arch.mk
include platforms/$(PLATFORM)/platform.mk

# A profile whose port is not written yet (ARCH_MISSING, set by its arch.mk)
# still serves the host-only goals; anything that builds for it stops here.
HOST_ONLY_GOALS := unit unit32 fuzz fuzz-smoke format-check format deps \
	model-check clean
ifneq ($(ARCH_MISSING),)
ifneq ($(filter-out $(HOST_ONLY_GOALS),$(or $(MAKECMDGOALS),all)),)
$(error ARCH=$(ARCH): $(ARCH_MISSING))
endif
endif

CC := $(CROSS)gcc
LD := $(CROSS)ld
OBJCOPY := $(CROSS)objcopy
OBJDUMP := $(CROSS)objdump
# The libgcc of the multilib ARCH_CFLAGS select.
LIBGCC_A = $(shell $(CC) $(ARCH_CFLAGS) -print-libgcc-file-name)

PYTEST := /usr/bin/python3 -m pytest

# libfdt's headers live in /usr/include beside glibc's; give the target build
# only those three, so no host header leaks into EL2 code.
FDT_INC := $(BUILD)/fdt-include

# -ffreestanding implies -fno-builtin; -fbuiltin gives back the inlining of
# small constant-size memset/memcpy (picolibc's are byte loops, ~2,600
# instructions to zero 520 bytes), printf stays a call. The profile's flags
# (ARCH_CFLAGS) and C library's (LIBC_CFLAGS) come from its arch.mk.
TARGET_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fbuiltin -fno-builtin-printf $(ARCH_CFLAGS) \
	-fno-pic -fno-pie -fno-common -fno-stack-protector \
	-fno-omit-frame-pointer \
	$(HV_INCLUDES) $(ARCH_INCLUDES) \
	-isystem $(LIBC_INCLUDE) -isystem $(FDT_INC) \
	$(LIBC_CFLAGS) -DVIGIL_LOAD_ADDR=$(LOAD_ADDR) -MMD -MP

HV_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(HV_SRCS))

all: $(BUILD)/vigil.bin guests

$(LIBFDT_A):
	tools/fetch-deb.sh $(LIBFDT_PKG) $(LIBFDT_DIR)

$(FDT_INC)/libfdt.h: | $(LIBFDT_A)
	@mkdir -p $(FDT_INC)
	@for h in fdt.h libfdt.h libfdt_env.h; do \
		ln -sf $(CURDIR)/$(LIBFDT_DIR)/usr/include/$$h $(FDT_INC)/$$h; done

$(BUILD)/obj/%.c.o: %.c | $(FDT_INC)/libfdt.h
	@mkdir -p $(dir $@)
	$(CC) $(TARGET_CFLAGS) -c $< -o $@

$(BUILD)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(TARGET_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(BUILD)/vigil.lds: $(ARCH_LDS)
	@mkdir -p $(dir $@)
	$(CC) -E -P -x c -DVIGIL_LOAD_ADDR=$(LOAD_ADDR) -Iinclude $< -o $@

$(BUILD)/vigil.elf: $(HV_OBJS) $(BUILD)/vigil.lds $(LIBFDT_A)
	$(LD) -nostdlib -static --gc-sections -T $(BUILD)/vigil.lds \
		$(ARCH_LDFLAGS) $(LIBC_LDFLAGS) -o $@ $(HV_OBJS) \
		$(LIBFDT_A) $(LIBC_A) $(LIBGCC_A)
	@$(IMAGE_CHECK) $@ || { rm -f $@; exit 1; }

$(BUILD)/vigil.bin: $(BUILD)/vigil.elf
	$(OBJCOPY) -O binary $< $@

-include $(HV_OBJS:.o=.d)

# ---- test guests (bare metal, EL1) ----------------------------------------
GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding \
	-nostdlib $(GUEST_ARCH_CFLAGS) -fno-pic -fno-pie \
	-fno-stack-protector -Iinclude -Itests/guests/lib -MMD -MP \
	$(GUEST_PLATFORM_CFLAGS)
GUEST_LIB_SRCS := $(wildcard tests/guests/lib/*.c tests/guests/lib/*.S)
GUESTS := $(notdir $(patsubst %/,%,$(dir $(wildcard tests/guests/*/guest.mk))))
# A profile whose guests are not all ported lists the ones it builds.
ifneq ($(ARCH_GUESTS),)
GUESTS := $(filter $(ARCH_GUESTS),$(GUESTS))
endif
GUEST_LOAD_ADDR ?= 0x50000000
# A guest's tests/guests/<name>/guest.mk may set <name>_LOAD_ADDR, the IPA it
# is linked and loaded at (e.g. a second VM's RAM); default GUEST_LOAD_ADDR.
include $(wildcard tests/guests/*/guest.mk)
# A guest's guest.mk may also limit it to some profiles (<name>_ARCHES).
GUESTS := $(foreach g,$(GUESTS),$(if $(filter $(ARCH),$(or \
	$($(g)_ARCHES),$(ARCH))),$(g)))

define guest_rules
$(1)_SRCS := $(wildcard tests/guests/$(1)/*.c tests/guests/$(1)/*.S) $(GUEST_LIB_SRCS)
$(1)_OBJS := $$(patsubst %,$(BUILD)/guests/obj/$(1)/%.o,$$($(1)_SRCS))
$(BUILD)/guests/obj/$(1)/%.c.o: %.c
	@mkdir -p $$(dir $$@)
	$(CC) $(GUEST_CFLAGS) -c $$< -o $$@
$(BUILD)/guests/obj/$(1)/%.S.o: %.S
	@mkdir -p $$(dir $$@)
	$(CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c $$< -o $$@
$(BUILD)/guests/$(1).elf: $$($(1)_OBJS) tests/guests/lib/guest.lds tests/guests/$(1)/guest.mk
	$(LD) -nostdlib -static -T tests/guests/lib/guest.lds \
		--defsym=GUEST_LOAD_ADDR=$(or $($(1)_LOAD_ADDR),$(GUEST_LOAD_ADDR)) \
		-o $$@ $$($(1)_OBJS) $(LIBGCC_A)
$(BUILD)/guests/$(1).bin: $(BUILD)/guests/$(1).elf
	$(OBJCOPY) -O binary $$< $$@
-include $$($(1)_OBJS:.o=.d)
endef
$(foreach g,$(GUESTS),$(eval $(call guest_rules,$(g))))

guests: $(foreach g,$(GUESTS),$(BUILD)/guests/$(g).bin)

# ---- Linux guest images ----------------------------------------------------
# Debian's arm64 kernel and busybox-static, fetched once into build/guest-cache/
# (apt-get download + dpkg-deb -x, nothing installed), and an initramfs built
# from them; no kernel is compiled here. docs/linux-guest.md; boot them with
# tools/run-linux.sh.
LINUX_DIR := build/linux
LINUX_CACHE := build/guest-cache

linux: $(LINUX_DIR)/Image $(LINUX_DIR)/initramfs.cpio.gz

$(LINUX_DIR)/Image: tools/fetch-guest.sh
	tools/fetch-guest.sh

$(LINUX_DIR)/initramfs.cpio.gz: tools/mkinitramfs.py $(LINUX_DIR)/Image
	@[ -f $(LINUX_CACHE)/kernel/.done ] && [ -f $(LINUX_CACHE)/busybox/.done ] || \
		tools/fetch-guest.sh
	CROSS=$(CROSS) /usr/bin/python3 tools/mkinitramfs.py \
		--kernel-root $(LINUX_CACHE)/kernel \
		--busybox $(LINUX_CACHE)/busybox/bin/busybox -o $@

# The ARMv7 guest for the arm32 vigil: Debian's armmp-lpae zImage and
# busybox-static:armhf (VIGIL_ARCH=arm32 tools/fetch-guest.sh), the same
# initramfs with armhf modules; /bin/cntvct is built with the arm32 compiler.
LINUX32_DIR := build/linux-arm32
LINUX32_CACHE := build/guest-cache-arm32

linux-arm32: $(LINUX32_DIR)/zImage $(LINUX32_DIR)/initramfs.cpio.gz

$(LINUX32_DIR)/zImage: tools/fetch-guest.sh
	VIGIL_ARCH=arm32 tools/fetch-guest.sh

$(LINUX32_DIR)/initramfs.cpio.gz: tools/mkinitramfs.py $(LINUX32_DIR)/zImage
	@[ -f $(LINUX32_CACHE)/kernel/.done ] && \
		[ -f $(LINUX32_CACHE)/busybox/.done ] || \
		VIGIL_ARCH=arm32 tools/fetch-guest.sh
	/usr/bin/python3 tools/mkinitramfs.py --cc arm-none-eabi-gcc \
		--kernel-root $(LINUX32_CACHE)/kernel \
		--busybox $(LINUX32_CACHE)/busybox/bin/busybox -o $@

# ---- host unit tests (ASan + UBSan) ----------------------------------------
# The same portable tests built twice, each in its own folder: `make unit`
# for the host as it is (LP64), `make unit32` with -m32 (ILP32: long and
# pointers of 32 bits, as on the arm32 profile), which proves the portable
# folders 32-bit clean. tests/unit/unit.mk lists the sources: UNIT_SRCS go
# into both, UNIT64_SRCS (code of the arm64 profile and its tests, e.g.
# tests/unit/arm64/) into the 64-bit build only. Only those see the arm64
# profile's headers; the rest get the host's stand-ins (tests/unit/asm/).
HOST_CC ?= gcc
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-missing-field-initializers \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Iinclude -Iarch/arm/include -Itests/unit \
	-DVIGIL_HOST_TEST -MMD -MP -pthread
UNIT_SRCS :=
UNIT64_SRCS :=
UNIT_LIBS :=
include tests/unit/unit.mk
UNIT_SRCS += $(wildcard tests/unit/*.c)
UNIT64_SRCS += $(wildcard tests/unit/arm64/*.c)
UNIT_ARM64_CFLAGS := -Iarch/arm/arm64/include
# The arm32 profile's pure pieces (its zImage parser, the banked register
# file, the IT-state step), tested in the ILP32 build only: their registers
# are 32 bits wide, as vreg_t is there. They include what they test by path.
UNIT32_ONLY_SRCS := $(wildcard tests/unit/arm32/*.c)

# The host's libfdt-dev is LP64; the -m32 build links Debian's i386 one,
# unpacked under build/ like the target's (it cannot be co-installed).
# gcc-multilib would add only /usr/include/asm (the host's asm/ headers
# serve -m32 as well), and it cannot be installed beside the arm64 cross
# compiler (tools/deps.sh): the -m32 build gets that link in its own folder.
LIBFDT32_DIR := build/deps/libfdt-i386
LIBFDT32_LIB := $(LIBFDT32_DIR)/usr/lib/i386-linux-gnu
HOST32_INC := $(HOST32BUILD)/include
UNIT32_CFLAGS := -m32 -isystem $(LIBFDT32_DIR)/usr/include -isystem $(HOST32_INC)

$(LIBFDT32_LIB)/libfdt.a:
	tools/fetch-deb.sh libfdt-dev:i386 $(LIBFDT32_DIR)

$(HOST32_INC)/asm:
	@mkdir -p $(HOST32_INC)
	ln -sfn /usr/include/$(shell $(HOST_CC) -print-multiarch)/asm $@

# $(call unit_rules,DIR,CFLAGS,SOURCES,LDFLAGS,PREREQS): DIR/unit-tests.
define unit_rules
$(1)_OBJS := $$(patsubst %,$(1)/obj/%.o,$$(sort $(3)))
$(1)/obj/%.c.o: %.c $(5)
	@mkdir -p $$(dir $$@)
	$$(HOST_CC) $$(HOST_CFLAGS) $(2) -c $$< -o $$@
$(1)/obj/arch/arm/arm64/%.c.o $(1)/obj/tests/unit/arm64/%.c.o: \
	HOST_CFLAGS += $$(UNIT_ARM64_CFLAGS)
# Rewritten only when the list changes, so a test file removed or moved
# away relinks too.
$(1)/objs.list: unit-objs-check
	@mkdir -p $$(dir $$@)
	@echo '$$($(1)_OBJS)' | cmp -s - $$@ || echo '$$($(1)_OBJS)' > $$@
$(1)/unit-tests: $$($(1)_OBJS) $(1)/objs.list
	$$(HOST_CC) $$(HOST_CFLAGS) $(2) -o $$@ $$($(1)_OBJS) $(4) $$(UNIT_LIBS)
-include $$($(1)_OBJS:.o=.d)
endef
$(eval $(call unit_rules,$(HOSTBUILD),,$(UNIT_SRCS) $(UNIT64_SRCS)))
$(eval $(call unit_rules,$(HOST32BUILD),$(UNIT32_CFLAGS),$(UNIT_SRCS) \
	$(UNIT32_ONLY_SRCS), \
	-L$(LIBFDT32_LIB),| $(LIBFDT32_LIB)/libfdt.a $(HOST32_INC)/asm))

.PHONY: unit-objs-check

# tests/unit/test_platform_dt.c, test_gic_cpuif.c and test_juno.c read
# Debian's Raspberry Pi and Juno DTBs, which come with the kernel package
# tools/fetch-guest.sh unpacks (test_juno.c runs dtc too).
UNIT_DATA := $(LINUX_CACHE)/kernel/.done
$(UNIT_DATA):
	tools/fetch-guest.sh

unit: $(HOSTBUILD)/unit-tests | $(UNIT_DATA)
	$(HOSTBUILD)/unit-tests

unit32: $(HOST32BUILD)/unit-tests | $(UNIT_DATA)
	$(HOST32BUILD)/unit-tests

# ---- checks, run, test ------------------------------------------------------
FORMAT_SRCS = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format-check:
	@out=$$(clang-format --dry-run $(FORMAT_SRCS) 2>&1); \
	if [ -n "$$out" ]; then echo "$$out" | head -40; \
		echo "format-check: run 'make format'"; exit 1; fi; \
	echo "format-check: $(words $(FORMAT_SRCS)) files clean"

format:
	clang-format -i $(FORMAT_SRCS)

# The layering rules (docs/design.md, "Layers and seams") on the sources
# and on the objects of the build.
layer-check: $(BUILD)/vigil.elf
	tools/check-layers.sh $(BUILD) $(ARCH)

deps:
	@tools/deps.sh

# The product: Linux (Debian's arm64 kernel, a busybox initramfs) on 4 vCPUs
# under vigil, to an interactive shell; with ARCH=arm32, Debian's armmp-lpae
# kernel under the arm32 vigil. Ctrl-A X quits QEMU. VMS=2: two Linux VMs
# side by side instead (run-two). GUEST=arm32: the armmp-lpae kernel in an
# AArch32 EL1 VM of the arm64 vigil (tools/run-linux-aarch32.sh).
run: deps
ifeq ($(GUEST),arm32)
	$(MAKE) all linux-arm32
	VIGIL_BUILD=$(BUILD) tools/run-linux-aarch32.sh
else
	$(MAKE) all $(if $(filter arm32,$(ARCH)),linux-arm32,linux)
ifeq ($(VMS),2)
	VIGIL_BUILD=$(BUILD) tools/run-two.sh
else
	VIGIL_BUILD=$(BUILD) tools/run-linux.sh --vigil
endif
endif

# Two Linux VMs, 2 vCPUs and a vUART each (tools/run-two.sh): Ctrl-A three
# times (six under QEMU's -nographic, which takes one for itself) moves
# the keyboard to the other VM.
run-two: deps
	$(MAKE) all linux
	VIGIL_BUILD=$(BUILD) tools/run-two.sh

# The bare-metal hello guest, interactively.
run-hello: deps
	$(MAKE) all
	tools/run-qemu.sh $(BUILD) hello

# A Raspberry Pi 4 boot-partition directory (tools/mksdcard.py,
# docs/boards.md): config.txt, vigil.bin, the Linux guest and Debian's DTB
# with a /hypervisor node, in $(BUILD)/sdcard/.
sdcard: all linux
	@[ "$(PLATFORM)" = rpi4 ] || { echo "make sdcard: PLATFORM=rpi4" >&2; exit 2; }
	/usr/bin/python3 tools/mksdcard.py $(BUILD)/sdcard $(BUILD)/vigil.bin \
		$(LINUX_DIR)/Image $(LINUX_DIR)/initramfs.cpio.gz \
		$$(ls $(LINUX_CACHE)/kernel/usr/lib/linux-image-*/broadcom/bcm2711-rpi-4-b.dtb | head -1)

# QEMU 10.0 from bookworm-backports, unpacked under build/qemu10/ (nothing
# installed): the raspi4b machine of tests/system/test_rpi4.py.
qemu10:
	@tools/fetch-qemu10.sh >/dev/null

# The bare-metal QEMU virt tests once more on QEMU 10, whose GIC model
# needs fewer of vigil's workarounds (gic/gicv2.c chooses them).
QEMU10 := $(CURDIR)/build/qemu10/root/usr/bin/qemu-system-aarch64
test-qemu10: qemu10
	QEMU=$(QEMU10) $(PYTEST) -q tests/system/test_hello.py \
		tests/system/test_vgic.py tests/system/test_storm.py \
		tests/system/test_config.py tests/system/test_hostile.py \
		tests/system/test_arm32_guests.py \
		tests/system/test_vuart.py

test: deps
	$(MAKE) all linux
	$(MAKE) PLATFORM=rpi4 all
	$(MAKE) qemu10
	$(MAKE) ARCH=arm32 all linux-arm32
	$(MAKE) layer-check
	$(MAKE) ARCH=arm32 layer-check
	$(MAKE) unit
	$(MAKE) unit32
	$(MAKE) format-check
	$(MAKE) fuzz-smoke
	$(MAKE) model-check
	$(PYTEST) -q tests/system
	$(MAKE) test-qemu10

# The Promela model of the migration and softirq protocols, checked with
# spin (tests/model/vigil.pml); MODEL_FULL=1 for the full bounds (minutes).
model-check:
	tests/model/check.sh $(if $(MODEL_FULL),--full)
.PHONY: model-check

# The interrupt storms for longer, as a soak test: the bare-metal storm
# guest for STORM_IRQS interrupts, then the Linux storm suite (issue 5)
# for STORM_SECONDS seconds per mode (make test runs it for 40).
STORM_IRQS ?= 1000000
STORM_SECONDS ?= 600
storm-long: deps
	$(MAKE) all linux
	$(MAKE) ARCH=arm32 all linux-arm32
	VIGIL_STORM_IRQS=$(STORM_IRQS) VIGIL_STORM_TIMEOUT=3600 \
		$(PYTEST) -q tests/system/test_storm.py
	VIGIL_LINUX_STORM_SECONDS=$(STORM_SECONDS) \
		$(PYTEST) -q -rA tests/system/test_linux_storm.py
	VIGIL_ARM32_LINUX_STORM_SECONDS=$(STORM_SECONDS) \
		$(PYTEST) -q -rA tests/system/test_arm32_linux_storm.py
	VIGIL_AARCH32_LINUX_STORM_SECONDS=$(STORM_SECONDS) \
		$(PYTEST) -q -rA tests/system/test_aarch32_linux_storm.py

# Interrupt-path benchmark (docs/performance.md): the bench guest natively,
# under vigil and under Xen 4.17 (unpacked into build/xen), Linux's
# instructions to the prompt natively and under vigil, and the same for
# arm32 (the A32 guest, armhf Linux on 1 CPU) in a column; prints the table,
# writes build/bench/bench.csv and bench.png. bench-quick: fewer samples,
# no Linux boots (their last numbers from build/test-logs if any).
bench: deps
	$(MAKE) all linux
	$(MAKE) ARCH=arm32 all linux-arm32
	/usr/bin/python3 tools/bench.py

bench-quick: deps
	$(MAKE) all
	$(MAKE) ARCH=arm32 all
	/usr/bin/python3 tools/bench.py --quick --no-linux

clean:
	rm -rf build

.PHONY: all guests linux linux-arm32 unit unit32 format-check format \
	layer-check deps run run-two run-hello test qemu10 test-qemu10 sdcard \
	storm-long bench bench-quick clean
-include tests/fuzz/fuzz.mk
