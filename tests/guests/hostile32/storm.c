/* SPDX-License-Identifier: MIT */
/*
 * The SGI storm (storm.handshake, .burst, .burst_then_exact,
 * .masked_coalesce, .iar_cpuid_valid_vcpu<n>) is the arm64 hostile
 * guest's, built here unchanged: it uses only the guest library, result(),
 * nr_vcpus and the run_on() helpers (helper.c), which hostile32 has with
 * the same signatures; its hostile.h is declarations only.
 */
#include "../hostile/storm.c"
