# QEMU virt (virtualization=on, gic-version=2): what a DTB cannot say, for
# the test flow only (vigil.bin is the same for every board). RAM starts at
# 0x40000000; QEMU loads vigil.bin at RAM base + text_offset = 0x40080000
# and the DTB at 0x48000000, so the default VM's RAM starts at 0x50000000
# (core/config.c), where the test guests are linked.
GUEST_LOAD_ADDR := 0x50000000
# The arm64 image is relocatable (its link address is nominal, arch.mk);
# an arm32 zImage is linked where QEMU loads a 32-bit kernel, RAM base +
# 0x10000.
ifeq ($(ARCH),arm32)
LOAD_ADDR := 0x40010000
endif
