// SPDX-License-Identifier: MIT
/* core/htimer.c: vigil's deadlines on the one HYP timer of a pCPU. */
#include "arch.h"
#include "host_arch.h"
#include "htimer.h"
#include "irq.h"
#include "test.h"

static unsigned int fired[HTIMER_SLOTS];
static uint64_t again_at;

static void on_poke(struct vcpu *cur)
{
	fired[HTIMER_GIC_POKE]++;
	if (again_at)
		htimer_set(HTIMER_GIC_POKE, again_at);
}

static void on_vuart(struct vcpu *cur)
{
	fired[HTIMER_VUART]++;
}

static void fire(void)
{
	irq_handler_fn fn = host_irq_handler(PPI_HTIMER);

	if (!fn)
		test_fail(__FILE__, __LINE__, "no HYP timer handler");
	else
		fn(PPI_HTIMER, NULL, NULL);
}

static uint64_t setup(void)
{
	EXPECT_EQ(htimer_init(0), 0);
	htimer_register(HTIMER_GIC_POKE, on_poke);
	htimer_register(HTIMER_VUART, on_vuart);
	htimer_cancel(HTIMER_GIC_POKE);
	htimer_cancel(HTIMER_VUART);
	fired[HTIMER_GIC_POKE] = fired[HTIMER_VUART] = 0;
	again_at = 0;
	return arch_counter();
}

TEST(htimer_is_set_to_the_earliest_deadline_of_its_slots)
{
	uint64_t now = setup();

	EXPECT_EQ(host_hyp_timer(), 0);
	htimer_set(HTIMER_VUART, now + 1000);
	EXPECT_EQ(host_hyp_timer(), now + 1000);
	htimer_set(HTIMER_GIC_POKE, now + 10);
	EXPECT_EQ(host_hyp_timer(), now + 10);
	htimer_cancel(HTIMER_GIC_POKE);
	EXPECT_EQ(host_hyp_timer(), now + 1000);
	htimer_cancel(HTIMER_VUART);
	EXPECT_EQ(host_hyp_timer(), 0);
}

TEST(htimer_runs_only_the_expired_slots_and_keeps_the_later_one)
{
	uint64_t now = setup();

	htimer_set(HTIMER_GIC_POKE, now + 10);
	htimer_set(HTIMER_VUART, now + 1000000);
	host_counter_advance(20);
	fire();
	EXPECT_EQ(fired[HTIMER_GIC_POKE], 1);
	EXPECT_EQ(fired[HTIMER_VUART], 0);
	EXPECT_EQ(host_hyp_timer(), now + 1000000);
	host_counter_advance(1000000);
	fire();
	EXPECT_EQ(fired[HTIMER_VUART], 1);
	EXPECT_EQ(host_hyp_timer(), 0);
	/* Early (a level seen late, or the other slot's): nothing runs. */
	htimer_set(HTIMER_VUART, arch_counter() + 500);
	fire();
	EXPECT_EQ(fired[HTIMER_VUART], 1);
	EXPECT_TRUE(host_hyp_timer() != 0);
	htimer_cancel(HTIMER_VUART);
}

TEST(htimer_slot_set_again_by_its_function_stays_set)
{
	uint64_t now = setup();

	again_at = now + 5000;
	htimer_set(HTIMER_GIC_POKE, now + 10);
	host_counter_advance(20);
	fire();
	EXPECT_EQ(fired[HTIMER_GIC_POKE], 1);
	EXPECT_EQ(host_hyp_timer(), now + 5000);
	again_at = 0;
	htimer_cancel(HTIMER_GIC_POKE);
	EXPECT_EQ(host_hyp_timer(), 0);
}
