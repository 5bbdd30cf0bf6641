# Raspberry Pi 4 (QEMU 10's raspi4b, and the board): what a DTB cannot say,
# for the test flow only (vigil.bin is the same for every board). RAM starts
# at 0 (960 MiB under QEMU); vigil.bin is loaded at 0x80000 and the DTB at
# 0x08000000, so the default VM's RAM starts at 0x10000000
# (core/config.c), where the test guests are linked.
GUEST_LOAD_ADDR := 0x10000000
# The hello guest's probes (tests/guests/hello/hello.c): an IPA outside the
# VM (RAM below it that vigil keeps) and vigil's own load address.
GUEST_PLATFORM_CFLAGS := -DHELLO_UNMAPPED_IPA=0x0c000000UL \
	-DHELLO_VIGIL_PA=0x80000UL -DGUEST_PLATFORM_RPI4
# The hostile guest's neighbour (tests/system/test_rpi4_hostile.py): vm@1's
# RAM, 0x20000000-0x2fffffff.
BYSTANDER_LOAD_ADDR := 0x20000000
