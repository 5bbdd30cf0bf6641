/* SPDX-License-Identifier: MIT */
/*
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012): a keyed pseudorandom function with a 128-bit key and a 64-bit
 * output. vigil uses it to derive each VM's boot seeds from the boot
 * loader's (core/guest_dtb.c): outputs given to one VM say nothing about
 * the key, hence nothing about another VM's.
 */
#ifndef VIGIL_SIPHASH_H
#define VIGIL_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t siphash24(const uint8_t key[16], const void *msg, size_t len);

#endif
