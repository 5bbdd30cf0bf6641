/* SPDX-License-Identifier: MIT */
/*
 * Where vigil's start-up goes (issue 16): the boot CPU marks the end of
 * each phase with the shared counter, and one line before the guests start
 * says how long each took, in microseconds of the counter's time (under
 * QEMU's -icount shift=0 a microsecond is 1,000 instructions of the whole
 * machine). tools/bench.py reads that line.
 */
#ifndef VIGIL_BOOTSTATS_H
#define VIGIL_BOOTSTATS_H

/* The phase @name ended now (boot CPU only, before the guests start). */
void boot_mark(const char *name);
/* Print the phases: "boot phases (us): <name> <us> ... total <us>". */
void boot_print_phases(void);

#endif
