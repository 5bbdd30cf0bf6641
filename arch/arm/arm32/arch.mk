# ARMv7-A with the Virtualization Extensions, HYP mode, AArch32 (a
# Cortex-A15 on QEMU virt): the toolchain, flags, C library, libfdt and
# image of the arm32 profile. Included by the top Makefile (ARCH=arm32).
# The port itself is issue 12; until its sources exist the build stops
# with ARCH_MISSING rather than linking an image without them.

CROSS ?= arm-none-eabi-

# armv7ve: ARMv7-A with the Virtualization (and so LPAE, IDIV) extensions,
# what HYP mode needs. -marm: the exception vectors and the world switch
# are A32; keeping vigil in one instruction set keeps the hand-written entry
# code and backtraces simple. -mgeneral-regs-only (GCC 12 has it for ARM
# too): HYP code must not touch a guest's VFP/NEON registers. The ABI is
# still hard-float (-mfloat-abi=hard, Debian armhf's -mfpu=vfpv3-d16): the
# linker refuses to mix soft-float objects with armhf's libfdt ("uses VFP
# register arguments"), and no vigil function takes a float anyway.
# Checked with arm-none-eabi-gcc 12.2: links with a hard-float object, no
# VFP instruction emitted. Note for issue 12: newlib is built with small
# enums, Debian's libfdt with 32-bit ones; no enum crosses libfdt's API.
# -mno-unaligned-access: as -mstrict-align.
ARCH_CFLAGS := -march=armv7ve -marm -mfloat-abi=hard -mfpu=vfpv3-d16 \
	-mgeneral-regs-only -mno-unaligned-access
ARCH_INCLUDES := -Iarch/arm/arm32/include

# newlib from libnewlib-arm-none-eabi (not installed by tools/deps.sh
# yet: issue 12); the compiler picks the multilib that matches ARCH_CFLAGS
# (thumb/v7-a+fp/hard). Its integer-only printf family is the *iprintf
# one: bind the names vigil calls to it, as arm64 does with picolibc's.
LIBC_DIR := /usr/lib/arm-none-eabi
LIBC_INCLUDE := $(LIBC_DIR)/include
LIBC_A = $(shell $(CC) $(ARCH_CFLAGS) -print-file-name=libc.a)
LIBC_CFLAGS :=
LIBC_LDFLAGS := --defsym=vsnprintf=vsniprintf --defsym=snprintf=sniprintf

# Debian's armhf libfdt, unpacked under build/ like arm64's (its download
# needs armhf among dpkg's architectures: tools/deps.sh, issue 12).
LIBFDT_PKG := libfdt-dev:armhf
LIBFDT_DIR := build/deps/libfdt-armhf
LIBFDT_A := $(LIBFDT_DIR)/usr/lib/arm-linux-gnueabihf/libfdt.a

# No FP/SIMD image check yet: tools/check-no-fp.sh reads AArch64 register
# names; an A32 one (VFP d/s registers) comes with the port.
ARCH_LDS := arch/arm/arm32/vigil.lds.S
IMAGE_CHECK = true

GUEST_ARCH_CFLAGS := -march=armv7ve -marm -mfloat-abi=hard -mfpu=vfpv3-d16 \
	-mgeneral-regs-only -mno-unaligned-access

HV_SRCS += $(filter-out %.lds.S,$(wildcard arch/arm/arm32/*.c \
	arch/arm/arm32/*.S))

ifeq ($(wildcard arch/arm/arm32/*.c arch/arm/arm32/*.S),)
ARCH_MISSING := the arm32 port has no sources yet (issue 12)
endif
