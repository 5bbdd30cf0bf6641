# QEMU virt: RAM starts at 0x40000000; QEMU loads an arm64 Image at RAM base
# + text_offset, so vigil links at 0x40080000 (text_offset 0x80000).
LOAD_ADDR := 0x40080000
