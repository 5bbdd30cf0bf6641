/* SPDX-License-Identifier: MIT */
#ifndef VIGIL_HOST_SCHED_H
#define VIGIL_HOST_SCHED_H

struct vcpu;

/* sched_wake(@v) calls since host_reset_wakes(). */
unsigned int host_wakes(struct vcpu *v);
void host_reset_wakes(void);

#endif
