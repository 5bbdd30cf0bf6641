/* SPDX-License-Identifier: MIT */
/* Host stand-ins for include/arch.h: threads play physical CPUs. */
#ifndef VIGIL_HOST_ARCH_H
#define VIGIL_HOST_ARCH_H

#include <stdint.h>

#define HOST_MAX_CPUS 8

/* Make the calling thread act as physical CPU @cpu. */
void host_set_cpu(unsigned int cpu);
/* How many times arch_kick_cpu(@cpu) was called since host_reset_kicks(). */
unsigned int host_kicks(unsigned int cpu);
void host_reset_kicks(void);
/* Whether IRQs are masked on the calling "CPU". */
int host_irqs_masked(void);
/* The last message printk() or panic() produced, and how many so far. */
const char *host_last_log(void);
unsigned int host_log_count(void);
/* Make panic() longjmp back instead of aborting; returns 1 after a panic. */
int host_expect_panic_begin(void);
void host_expect_panic_end(void);

#endif
