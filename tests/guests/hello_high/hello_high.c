// SPDX-License-Identifier: MIT
/* The hello guest, unchanged (tests/guests/hello/hello.c), built for its
 * other load address (guest.mk): the guest build links one folder's
 * sources per image. */
#include "../hello/hello.c"
