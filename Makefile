# vigil — top-level build.
#   make            build build/$(PLATFORM)-$(ARCH)/vigil.{elf,bin} and test guests
#   make deps       install the Debian packages the project needs (idempotent)
#   make run        boot the default guest under vigil in QEMU, interactively
#   make test       unit tests (ASan/UBSan), format check, QEMU system tests
ARCH ?= arm64
PLATFORM ?= qemu-virt
BUILD := build/$(PLATFORM)-$(ARCH)
HOSTBUILD := build/host

CROSS ?= aarch64-linux-gnu-
CC := $(CROSS)gcc
LD := $(CROSS)ld
OBJCOPY := $(CROSS)objcopy
OBJDUMP := $(CROSS)objdump

PICOLIBC := /usr/lib/picolibc/aarch64-linux-gnu
# libfdt-dev:arm64 cannot be installed beside the host's libfdt-dev (the unit
# tests link that one), so the target's copy is unpacked under build/.
LIBFDT_DIR := build/deps/libfdt-arm64
LIBFDT_A := $(LIBFDT_DIR)/usr/lib/aarch64-linux-gnu/libfdt.a
LIBGCC_A = $(shell $(CC) -print-libgcc-file-name)

PYTEST := /usr/bin/python3 -m pytest

include platforms/$(PLATFORM)/platform.mk

# libfdt's headers live in /usr/include beside glibc's; give the target build
# only those three, so no host header leaks into EL2 code.
FDT_INC := build/fdt-include

# -ffreestanding implies -fno-builtin; -fbuiltin gives back the inlining of
# small constant-size memset/memcpy (picolibc's are byte loops, ~2,600
# instructions to zero 520 bytes), printf stays a call. -mno-outline-atomics:
# every target here is ARMv8.0 (no LSE), so GCC's out-of-line atomics only
# add a call and a run-time LSE check to each spinlock and softirq bit.
TARGET_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fbuiltin -fno-builtin-printf -mgeneral-regs-only -mstrict-align \
	-mno-outline-atomics \
	-fno-pic -fno-pie -fno-common -fno-stack-protector -mcmodel=small \
	-fno-omit-frame-pointer \
	-Iinclude -Iarch/arm/include -Iarch/arm/$(ARCH)/include \
	-Iplatforms/$(PLATFORM) -isystem $(PICOLIBC)/include -isystem $(FDT_INC) \
	-DPICOLIBC_INTEGER_PRINTF_SCANF -DCONFIG_ARCH_$(ARCH) \
	-DVIGIL_LOAD_ADDR=$(LOAD_ADDR) -MMD -MP

HV_SRCS := $(filter-out %.lds.S,$(wildcard core/*.c gic/*.c vgic/*.c softirq/*.c sched/*.c \
	arch/arm/*.c arch/arm/$(ARCH)/*.c arch/arm/$(ARCH)/*.S \
	platforms/$(PLATFORM)/*.c))
HV_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(HV_SRCS))

all: $(BUILD)/vigil.bin guests

$(LIBFDT_A):
	tools/fetch-deb.sh libfdt-dev:arm64 $(LIBFDT_DIR)

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

$(BUILD)/vigil.lds: arch/arm/$(ARCH)/vigil.lds.S
	@mkdir -p $(dir $@)
	$(CC) -E -P -x c -DVIGIL_LOAD_ADDR=$(LOAD_ADDR) -Iinclude $< -o $@

$(BUILD)/vigil.elf: $(HV_OBJS) $(BUILD)/vigil.lds $(LIBFDT_A)
	$(LD) -nostdlib -static --gc-sections -T $(BUILD)/vigil.lds \
		--defsym=vfprintf=__i_vfprintf -o $@ $(HV_OBJS) \
		$(LIBFDT_A) $(PICOLIBC)/lib/libc.a $(LIBGCC_A)
	@tools/check-no-fp.sh $(OBJDUMP) $@ || { rm -f $@; exit 1; }

$(BUILD)/vigil.bin: $(BUILD)/vigil.elf
	$(OBJCOPY) -O binary $< $@

-include $(HV_OBJS:.o=.d)

# ---- test guests (bare metal, EL1) ----------------------------------------
GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding \
	-nostdlib -mgeneral-regs-only -mstrict-align -fno-pic -fno-pie \
	-fno-stack-protector -Iinclude -Itests/guests/lib -MMD -MP
GUEST_LIB_SRCS := $(wildcard tests/guests/lib/*.c tests/guests/lib/*.S)
GUESTS := $(notdir $(patsubst %/,%,$(dir $(wildcard tests/guests/*/guest.mk))))
GUEST_LOAD_ADDR ?= 0x50000000
# A guest's tests/guests/<name>/guest.mk may set <name>_LOAD_ADDR, the IPA it
# is linked and loaded at (e.g. a second VM's RAM); default GUEST_LOAD_ADDR.
include $(wildcard tests/guests/*/guest.mk)

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

# ---- host unit tests (ASan + UBSan) ----------------------------------------
HOST_CC ?= gcc
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-missing-field-initializers \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Iinclude -Iarch/arm/include \
	-Iarch/arm/arm64/include -Itests/unit \
	-DVIGIL_HOST_TEST -MMD -MP -pthread
UNIT_SRCS :=
include tests/unit/unit.mk
UNIT_ALL := $(sort $(UNIT_SRCS) $(wildcard tests/unit/*.c))
UNIT_OBJS := $(patsubst %,$(HOSTBUILD)/obj/%.o,$(UNIT_ALL))

$(HOSTBUILD)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(HOSTBUILD)/unit-tests: $(UNIT_OBJS)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $(UNIT_OBJS) $(UNIT_LIBS)

-include $(UNIT_OBJS:.o=.d)

unit: $(HOSTBUILD)/unit-tests
	$(HOSTBUILD)/unit-tests

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
# under vigil, to an interactive shell. Ctrl-A X quits QEMU.
run: deps
	$(MAKE) all linux
	VIGIL_BUILD=$(BUILD) tools/run-linux.sh --vigil

# The bare-metal hello guest, interactively.
run-hello: deps
	$(MAKE) all
	tools/run-qemu.sh $(BUILD) hello

test: deps
	$(MAKE) all linux
	$(MAKE) layer-check
	$(MAKE) unit
	$(MAKE) format-check
	$(MAKE) fuzz-smoke
	$(MAKE) model-check
	$(PYTEST) -q tests/system

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
	VIGIL_STORM_IRQS=$(STORM_IRQS) VIGIL_STORM_TIMEOUT=3600 \
		$(PYTEST) -q tests/system/test_storm.py
	VIGIL_LINUX_STORM_SECONDS=$(STORM_SECONDS) \
		$(PYTEST) -q -rA tests/system/test_linux_storm.py

# Interrupt-path benchmark (docs/performance.md): the bench guest natively,
# under vigil and under Xen 4.17 (unpacked into build/xen), Linux's
# instructions to the prompt natively and under vigil; prints the table,
# writes build/bench/bench.csv and bench.png. bench-quick: fewer samples,
# no Linux boots (their last numbers from build/test-logs if any).
bench: deps
	$(MAKE) all linux
	/usr/bin/python3 tools/bench.py

bench-quick: deps
	$(MAKE) all
	/usr/bin/python3 tools/bench.py --quick --no-linux

clean:
	rm -rf build

.PHONY: all guests linux unit format-check format layer-check deps run \
	run-hello test \
	storm-long bench bench-quick clean
-include tests/fuzz/fuzz.mk
