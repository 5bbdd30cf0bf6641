# QEMU virt: RAM starts at 0x40000000; QEMU loads an arm64 Image at RAM base
# + text_offset, so vigil links at 0x40080000 (text_offset 0x80000), and a
# 32-bit kernel (arm32's zImage) at RAM base + 0x10000.
ifeq ($(ARCH),arm32)
LOAD_ADDR := 0x40010000
else
LOAD_ADDR := 0x40080000
endif
