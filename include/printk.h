/* SPDX-License-Identifier: MIT */
#ifndef VIGIL_PRINTK_H
#define VIGIL_PRINTK_H

#include "compiler.h"

enum log_level {
	LOG_ERR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

/* Print one message at @level, prefixed with "[cpuN] vigil: ". */
void printk(enum log_level level, const char *fmt, ...) __printf(2, 3);
/* A broken invariant of vigil itself: print and stop every CPU. */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

#define pr_err(...) printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) printk(LOG_WARN, __VA_ARGS__)
#define pr_info(...) printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

#define BUG_ON(cond)                                                          \
	do {                                                                  \
		if (unlikely(cond))                                           \
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
	} while (0)

#define ASSERT(cond) BUG_ON(!(cond))

#endif
