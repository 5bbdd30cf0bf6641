# ARMv7-A with the Virtualization Extensions, HYP mode, AArch32 (a
# Cortex-A15 on QEMU virt): the toolchain, flags, C library, libfdt and
# image of the arm32 profile. Included by the top Makefile (ARCH=arm32).

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

# newlib from libnewlib-arm-none-eabi (tools/deps.sh); the compiler picks
# the multilib that matches ARCH_CFLAGS (thumb/v7-a+fp/hard). Its integer-only printf family is the *iprintf
# one: bind the names vigil calls to it, as arm64 does with picolibc's.
LIBC_DIR := /usr/lib/arm-none-eabi
LIBC_INCLUDE := $(LIBC_DIR)/include
LIBC_A = $(shell $(CC) $(ARCH_CFLAGS) -print-file-name=libc.a)
# arm-none-eabi's int32_t/uint32_t are long (its __INT32_TYPE__), the
# Linux armhf ABI's (libfdt's headers, and every other build of vigil's
# portable code: i386, arm64) int: the same 32 bits, but printf formats
# and -Wformat tell them apart. newlib's <stdint.h> takes the compiler's
# macros, so name int the way armhf does.
LIBC_CFLAGS := -U__INT32_TYPE__ -D__INT32_TYPE__=int \
	-U__UINT32_TYPE__ '-D__UINT32_TYPE__=unsigned int' \
	-U__INT_LEAST32_TYPE__ -D__INT_LEAST32_TYPE__=int \
	-U__UINT_LEAST32_TYPE__ '-D__UINT_LEAST32_TYPE__=unsigned int'
# newlib (built with variable-size enums, the bare-metal default) and
# Debian's libfdt (32-bit enums) share no enum with vigil's code at their
# APIs, so the linker's enum-size notes are noise; so is libgcc's missing
# .note.GNU-stack (there is no stack to make executable).
LIBC_LDFLAGS := --defsym=vsnprintf=vsniprintf --defsym=snprintf=sniprintf \
	--no-enum-size-warning --no-warn-execstack

# Debian's armhf libfdt, unpacked under build/ like arm64's (its download
# needs armhf among dpkg's architectures: tools/deps.sh).
LIBFDT_PKG := libfdt-dev:armhf
LIBFDT_DIR := build/deps/libfdt-armhf
LIBFDT_A := $(LIBFDT_DIR)/usr/lib/arm-linux-gnueabihf/libfdt.a

# The image: linked at the platform's LOAD_ADDR, then checked for any
# VFP/Advanced SIMD instruction (tools/check-no-fp.sh, A32/T32 mode).
ARCH_LDS := arch/arm/arm32/vigil.lds.S
IMAGE_CHECK = tools/check-no-fp.sh $(OBJDUMP)

GUEST_ARCH_CFLAGS := -march=armv7ve -marm -mfloat-abi=hard -mfpu=vfpv3-d16 \
	-mgeneral-regs-only -mno-unaligned-access $(LIBC_CFLAGS)
# The test guests ported to A32 so far (tests/guests/lib has both).
ARCH_GUESTS := hello vgic storm bystander cp15 bench hostile32 vuart semantics \
	vuart_peer

HV_SRCS += $(filter-out %.lds.S,$(wildcard arch/arm/arm32/*.c \
	arch/arm/arm32/*.S))
