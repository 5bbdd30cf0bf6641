/* SPDX-License-Identifier: MIT */
/* What tests/unit/host_mm_map.c tells a test about the calling thread's
 * mappings (mm_map() contract in include/mm.h). */
#ifndef VIGIL_HOST_MM_MAP_H
#define VIGIL_HOST_MM_MAP_H

/* Mappings held now, the most held at once and how many mm_map() calls
 * since host_mm_maps_reset(). */
unsigned int host_mm_maps_held(void);
unsigned int host_mm_maps_deepest(void);
unsigned long host_mm_maps_made(void);
/* Drop what a test left mapped (after an expected panic) and zero the
 * counts. */
void host_mm_maps_reset(void);

#endif
