/* SPDX-License-Identifier: MIT */
/*
 * What newlib's objects reference and vigil does not provide otherwise.
 * newlib's string formatting links its allocator (a growing buffer is
 * possible in the *asprintf family, never in the sniprintf vigil calls):
 * its heap hook says there is no memory, so any such call fails cleanly
 * instead of growing over vigil's data.
 */
#include <errno.h>
#include <stddef.h>

void *_sbrk(ptrdiff_t incr);

void *_sbrk(ptrdiff_t incr)
{
	errno = ENOMEM;
	return (void *)-1;
}
