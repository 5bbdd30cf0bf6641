# ARMv8-A, EL2, AArch64: the toolchain, flags, C library, libfdt and image
# of the arm64 profile. Included by the top Makefile (ARCH=arm64).

CROSS ?= aarch64-linux-gnu-

# -mgeneral-regs-only: EL2 code must not touch a guest's FP/SIMD state
# (docs/design.md "FP/SIMD"; tools/check-no-fp.sh checks the image).
# -mno-outline-atomics: every target here is ARMv8.0 (no LSE), so GCC's
# out-of-line atomics only add a call and a run-time LSE check to each
# spinlock and softirq bit. -mstrict-align: device memory and the MMU-off
# boot path do not take unaligned accesses.
ARCH_CFLAGS := -mgeneral-regs-only -mstrict-align -mno-outline-atomics \
	-mcmodel=small
ARCH_INCLUDES := -Iarch/arm/arm64/include

# picolibc, integer-only printf: vfprintf is bound to its __i_ variant at
# link time, the macro makes the headers agree.
LIBC_DIR := /usr/lib/picolibc/aarch64-linux-gnu
LIBC_INCLUDE := $(LIBC_DIR)/include
LIBC_A := $(LIBC_DIR)/lib/libc.a
LIBC_CFLAGS := -DPICOLIBC_INTEGER_PRINTF_SCANF
LIBC_LDFLAGS := --defsym=vfprintf=__i_vfprintf

# libfdt-dev:arm64 cannot be installed beside the host's libfdt-dev (the
# unit tests link that one), so tools/fetch-deb.sh unpacks it under build/.
LIBFDT_PKG := libfdt-dev:arm64
LIBFDT_DIR := build/deps/libfdt-arm64
LIBFDT_A := $(LIBFDT_DIR)/usr/lib/aarch64-linux-gnu/libfdt.a

# One image for every board: linked as a static PIE, so the absolute
# addresses in its data come with R_AARCH64_RELATIVE entries, which head.S
# applies for wherever the loader put it (the code itself is PC-relative:
# -mcmodel=small). -z notext: those entries may patch read-only data.
ARCH_LDFLAGS := -pie --no-dynamic-linker -z notext -z norelro \
	--hash-style=sysv

# The image: linked at LOAD_ADDR by this script, a nominal address (QEMU
# virt's: RAM base + text_offset), since it runs wherever it is loaded;
# one link address for every board keeps vigil.bin one file. Then
# checked for FP/SIMD register writes outside the allowed functions.
LOAD_ADDR := 0x40080000
ARCH_LDS := arch/arm/arm64/vigil.lds.S
IMAGE_CHECK = tools/check-no-fp.sh $(OBJDUMP)

# Test guests run at EL1 in AArch64 with the same FP/SIMD rule.
GUEST_ARCH_CFLAGS := -mgeneral-regs-only -mstrict-align

HV_SRCS += $(filter-out %.lds.S,$(wildcard arch/arm/arm64/*.c \
	arch/arm/arm64/*.S))
