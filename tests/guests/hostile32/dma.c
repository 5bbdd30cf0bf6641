/* SPDX-License-Identifier: MIT */
/*
 * DMA through a passthrough virtio-rng transport into the other VM's
 * canary (bootarg hostile.dma=1): the arm64 hostile guest's case, built
 * here unchanged (the guest library's virtio driver is the same in A32;
 * the buffer address is a 32-bit IPA). tests/system/test_arm32_hostile.py
 * runs it with test_hostile.py's DMA configuration.
 */
#include "../hostile/dma.c"
