/* SPDX-License-Identifier: MIT */
/* The run loop (core/run.c): a vCPU's entry and exit protocol. */
#ifndef VIGIL_RUN_H
#define VIGIL_RUN_H

struct vcpu;

/*
 * Run @v, loaded on this pCPU and RUNNING, IRQs masked: enter the guest and
 * handle its exits until one needs sched_run_vcpu()'s round (softirqs, a
 * state change), then return with the vCPU's LRs synced.
 */
void vcpu_run(struct vcpu *v);

#endif
