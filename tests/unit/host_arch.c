/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <errno.h>

#include "arch.h"
#include "arch_image.h"
#include "arch_vcpu.h"
#include "gic.h"
#include "irq.h"
#include "percpu.h"
#include "vm.h"
#include "host_arch.h"
#include "printk.h"

static __thread unsigned int cur_cpu;
static __thread unsigned long irq_masked;
static unsigned int kicks[HOST_MAX_CPUS];
static char last_log[512];
static unsigned int log_count;
__thread jmp_buf *host_panic_jmp;

static struct pcpu host_pcpus[HOST_MAX_CPUS];

struct pcpu *this_cpu(void)
{
	return &host_pcpus[cur_cpu];
}

struct pcpu *pcpu_get(unsigned int id)
{
	return &host_pcpus[id];
}

void host_set_cpu(unsigned int cpu)
{
	host_pcpus[cpu].id = cpu;
	cur_cpu = cpu;
}

unsigned int arch_cpu_id(void)
{
	return cur_cpu;
}

unsigned long arch_irq_save(void)
{
	unsigned long old = irq_masked;

	irq_masked = 1;
	return old;
}

void arch_irq_restore(unsigned long flags)
{
	irq_masked = flags;
}

void arch_irq_enable(void)
{
	irq_masked = 0;
}

void arch_irq_disable(void)
{
	irq_masked = 1;
}

static bool el1_aarch32 = true;

void host_set_el1_aarch32(bool supported)
{
	el1_aarch32 = supported;
}

bool arch_el1_aarch32_supported(void)
{
	return el1_aarch32;
}

int host_irqs_masked(void)
{
	return (int)irq_masked;
}

void pcpu_kick(unsigned int cpu)
{
	if (cpu < HOST_MAX_CPUS)
		__atomic_fetch_add(&kicks[cpu], 1, __ATOMIC_RELAXED);
}

unsigned int host_kicks(unsigned int cpu)
{
	return __atomic_load_n(&kicks[cpu], __ATOMIC_RELAXED);
}

void host_reset_kicks(void)
{
	for (unsigned int i = 0; i < HOST_MAX_CPUS; i++)
		__atomic_store_n(&kicks[i], 0, __ATOMIC_RELAXED);
}

void arch_cpu_relax(void)
{
	__asm__ __volatile__("" ::: "memory");
}

static uint64_t host_counter;

uint64_t arch_counter(void)
{
	return __atomic_add_fetch(&host_counter, 1, __ATOMIC_RELAXED);
}

uint64_t arch_counter_freq(void)
{
	return 62500000;
}

void host_counter_advance(uint64_t ticks)
{
	__atomic_add_fetch(&host_counter, ticks, __ATOMIC_RELAXED);
}

/* The HYP timer is per CPU: per thread here. */
static __thread uint64_t hyp_timer_cval;

bool arch_has_hyp_timer(void)
{
	return true;
}

void arch_hyp_timer_set(uint64_t cval)
{
	hyp_timer_cval = cval;
}

void arch_hyp_timer_stop(void)
{
	hyp_timer_cval = 0;
}

uint64_t host_hyp_timer(void)
{
	return hyp_timer_cval;
}

void arch_wmb(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

/* The IRQ layer's registrations (core/irq.c is not linked here): kept so
 * a test can see who owns an interrupt. */
static irq_handler_fn host_irq_fns[GIC_MAX_IRQS];

int irq_set_handler(unsigned int irq, irq_handler_fn fn, void *data)
{
	(void)data;
	if (irq >= GIC_MAX_IRQS)
		return -EINVAL;
	host_irq_fns[irq] = fn;
	return 0;
}

irq_handler_fn host_irq_handler(unsigned int irq)
{
	return irq < GIC_MAX_IRQS ? host_irq_fns[irq] : NULL;
}

/* The generic timer's lines: low unless a test raises them. */
static bool timer_lines[32];

bool arch_timer_line(unsigned int ppi)
{
	return ppi < 32 && timer_lines[ppi];
}

void host_set_timer_line(unsigned int ppi, bool high)
{
	if (ppi < 32)
		timer_lines[ppi] = high;
}

void printk(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
	log_count++;
	if (getenv("VIGIL_TEST_VERBOSE"))
		fprintf(stderr, "[cpu%u] vigil: %s\n", cur_cpu, last_log);
	(void)level;
}

const char *host_last_log(void)
{
	return last_log;
}

unsigned int host_log_count(void)
{
	return log_count;
}

void host_expect_panic_end(void)
{
	host_panic_jmp = NULL;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
	log_count++;
	if (host_panic_jmp) {
		jmp_buf *j = host_panic_jmp;

		host_panic_jmp = NULL;
		longjmp(*j, 1);
	}
	fprintf(stderr, "PANIC: %s\n", last_log);
	abort();
}
