/* SPDX-License-Identifier: MIT */
#ifndef VIGIL_CONSOLE_H
#define VIGIL_CONSOLE_H

#include "compiler.h"
#include "platform.h"

/* Point the console at a UART (before the DTB is parsed: the platform's). */
void console_init(enum uart_kind kind, uint64_t base);
/* Write bytes to the UART under the console lock ("\n" becomes "\r\n"). */
void console_write(const char *s, size_t len);
/* Physical address of the console UART (0: none). */
uint64_t console_base(void);
/* Whether vigil's own messages go to the UART (quiet while a guest owns it). */
void console_set_quiet(bool quiet);
/* Lowest level that is printed (LOG_INFO by default). */
void console_set_level(int level);

#endif
