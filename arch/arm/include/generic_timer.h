/* SPDX-License-Identifier: MIT */
/*
 * The generic timer's control register (CNTV_CTL / CNTP_CTL, the same bits
 * on both ARM profiles; ARM ARM D11.2.4): its interrupt line is high while
 * the timer is enabled, has met its condition and is not masked.
 */
#ifndef VIGIL_GENERIC_TIMER_H
#define VIGIL_GENERIC_TIMER_H

#include "compiler.h"

#define CNT_CTL_ENABLE BIT(0)
#define CNT_CTL_IMASK BIT(1)
#define CNT_CTL_ISTATUS BIT(2)

static inline bool timer_ctl_asserts(uint64_t ctl)
{
	return (ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK | CNT_CTL_ISTATUS)) ==
	       (CNT_CTL_ENABLE | CNT_CTL_ISTATUS);
}

#endif
