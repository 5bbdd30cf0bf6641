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

/* @v stopped running on this pCPU (blocked, offline): its last exit's
 * handling is charged to the exit profile now, so the wait is not. */
void vcpu_run_stopped(struct vcpu *v);

#endif
