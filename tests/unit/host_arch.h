/* SPDX-License-Identifier: MIT */
/* Host stand-ins for include/arch.h: threads play physical CPUs. */
#ifndef VIGIL_HOST_ARCH_H
#define VIGIL_HOST_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "irq.h"

#define HOST_MAX_CPUS 8

/* Make the calling thread act as physical CPU @cpu. */
void host_set_cpu(unsigned int cpu);
/* How many times pcpu_kick(@cpu) was called since host_reset_kicks(). */
unsigned int host_kicks(unsigned int cpu);
void host_reset_kicks(void);
/* The handler irq_set_handler() registered for @irq, or NULL. */
irq_handler_fn host_irq_handler(unsigned int irq);
/* Raise or lower the generic timer's line behind PPI @ppi. */
void host_set_timer_line(unsigned int ppi, bool high);
/* Move the shared counter (arch_counter()) on by @ticks. */
void host_counter_advance(uint64_t ticks);
/* The value arch_hyp_timer_set() armed this thread's HYP timer with, or 0
 * while it is stopped. */
uint64_t host_hyp_timer(void);
/* What arch_el1_aarch32_supported() answers (true until set). */
void host_set_el1_aarch32(bool supported);
/* Whether IRQs are masked on the calling "CPU". */
int host_irqs_masked(void);
/* The last message printk() or panic() produced, and how many so far. */
const char *host_last_log(void);
unsigned int host_log_count(void);
/*
 * Catch a panic() in the test's own frame:
 *
 *	jmp_buf jb;
 *	if (HOST_EXPECT_PANIC(jb) == 0) { code that must panic; }
 *	host_expect_panic_end();
 *
 * setjmp must run in the frame that is still live when panic() longjmps,
 * hence a macro. HOST_EXPECT_PANIC is 1 after the panic.
 */
#include <setjmp.h>
extern __thread jmp_buf *host_panic_jmp;
#define HOST_EXPECT_PANIC(jb) (host_panic_jmp = &(jb), setjmp(jb))
void host_expect_panic_end(void);

#endif
