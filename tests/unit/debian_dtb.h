/* SPDX-License-Identifier: MIT */
/*
 * Debian's board DTBs, from the linux-image-*-arm64 package that
 * tools/fetch-guest.sh unpacks into build/guest-cache/ (`make unit` and
 * `make unit32` fetch it first). tests/unit/test_platform_dt.c.
 */
#ifndef VIGIL_DEBIAN_DTB_H
#define VIGIL_DEBIAN_DTB_H

#include <stdbool.h>
#include <stddef.h>

/* The path of @name in the package's @dir folder ("arm", "broadcom"), in
 * @path; false (and a line on stderr) if it is not there. */
bool debian_dtb_path(const char *dir, const char *name, char *path, size_t len);

/* @name in the package's @dir folder ("arm", "broadcom"), malloc()ed; NULL
 * (and a line on stderr) if it is not there. */
void *load_debian_dtb_in(const char *dir, const char *name);

#endif
