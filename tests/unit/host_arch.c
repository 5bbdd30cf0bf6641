/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "arch.h"
#include "host_arch.h"
#include "printk.h"

static __thread unsigned int cur_cpu;
static __thread unsigned long irq_masked;
static unsigned int kicks[HOST_MAX_CPUS];
static char last_log[512];
static unsigned int log_count;
__thread jmp_buf *host_panic_jmp;

void host_set_cpu(unsigned int cpu)
{
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

int host_irqs_masked(void)
{
	return (int)irq_masked;
}

void arch_kick_cpu(unsigned int cpu)
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

void arch_tlb_flush_vmid(uint16_t vmid)
{
	(void)vmid;
}

static uint64_t fake_counter;

uint64_t arch_counter(void)
{
	return __atomic_add_fetch(&fake_counter, 1, __ATOMIC_RELAXED);
}

uint64_t arch_counter_freq(void)
{
	return 62500000;
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
