/* SPDX-License-Identifier: MIT */
/* MMIO dispatch (core/mmio.c) with recording fake devices. */
#include <errno.h>

#include "mmio.h"
#include "test.h"
#include "trap.h"

struct fake_dev {
	unsigned int calls;
	void *last_vcpu;
	uint64_t offset;
	unsigned int size;
	bool write;
	uint64_t written;
	uint64_t read_value;	     /* what a read returns */
	int ret;		     /* what the callback returns */
	struct mmio_bus *nested_bus; /* dispatch into this from the callback */
};

static int fake_access(void *opaque, struct vcpu *v, uint64_t offset,
		       unsigned int size, bool write, uint64_t *val)
{
	struct fake_dev *d = opaque;

	d->calls++;
	d->last_vcpu = v;
	d->offset = offset;
	d->size = size;
	d->write = write;
	if (write)
		d->written = *val;
	else
		*val = d->read_value;
	if (d->nested_bus) {
		uint64_t tmp = 0;

		mmio_dispatch(d->nested_bus, v, 0x9000, 4, false, &tmp, false);
	}
	return d->ret;
}

static struct vcpu *const VCPU = (struct vcpu *)0x1000;

TEST(mmio_dispatch_write_reaches_the_region_at_its_offset)
{
	struct mmio_bus bus;
	struct fake_dev dev = {0};
	uint64_t val = 0xdeadbeef;

	mmio_bus_init(&bus);
	ASSERT_TRUE(mmio_register(&bus, 0x08000000, 0x10000, fake_access, &dev,
				  0) == 0);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x08000104, 4, true, &val, false),
		  MMIO_HANDLED);
	EXPECT_EQ(dev.calls, 1);
	EXPECT_EQ(dev.offset, 0x104);
	EXPECT_EQ(dev.size, 4);
	EXPECT_TRUE(dev.write);
	EXPECT_EQ(dev.written, 0xdeadbeef);
	EXPECT_EQ((uintptr_t)dev.last_vcpu, (uintptr_t)VCPU);
}

TEST(mmio_dispatch_write_value_is_truncated_to_the_access_size)
{
	struct mmio_bus bus;
	struct fake_dev dev = {0};
	uint64_t val = 0xffffffff12345678ULL;

	mmio_bus_init(&bus);
	ASSERT_TRUE(mmio_register(&bus, 0x1000, 0x1000, fake_access, &dev, 0) ==
		    0);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x1003, 1, true, &val, false),
		  MMIO_HANDLED);
	EXPECT_EQ(dev.written, 0x78);
	EXPECT_EQ(val, 0xffffffff12345678ULL);
}

TEST(mmio_dispatch_read_returns_the_value_truncated_to_the_size)
{
	struct mmio_bus bus;
	struct fake_dev dev = {.read_value = 0x1122334455667788ULL};
	uint64_t val = 0;

	mmio_bus_init(&bus);
	ASSERT_TRUE(mmio_register(&bus, 0x1000, 0x1000, fake_access, &dev, 0) ==
		    0);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x1010, 2, false, &val, false),
		  MMIO_HANDLED);
	EXPECT_EQ(val, 0x7788);
	EXPECT_FALSE(dev.write);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x1010, 8, false, &val, false),
		  MMIO_HANDLED);
	EXPECT_EQ(val, 0x1122334455667788ULL);
}

TEST(mmio_dispatch_without_a_region_is_unhandled)
{
	struct mmio_bus bus;
	struct fake_dev dev = {0};
	uint64_t val = 42;

	mmio_bus_init(&bus);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x1000, 4, false, &val, false),
		  MMIO_UNHANDLED);
	ASSERT_TRUE(mmio_register(&bus, 0x1000, 0x1000, fake_access, &dev, 0) ==
		    0);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0xffc, 4, false, &val, false),
		  MMIO_UNHANDLED);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x2000, 4, false, &val, false),
		  MMIO_UNHANDLED);
	EXPECT_EQ(val, 42);
	EXPECT_EQ(dev.calls, 0);
}

TEST(mmio_dispatch_refused_access_is_a_fault)
{
	struct mmio_bus bus;
	struct fake_dev dev = {.read_value = 7, .ret = -EINVAL};
	uint64_t val = 42;

	mmio_bus_init(&bus);
	ASSERT_TRUE(mmio_register(&bus, 0x1000, 0x1000, fake_access, &dev, 0) ==
		    0);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x1000, 4, false, &val, false),
		  MMIO_FAULT);
	EXPECT_EQ(val, 42);
	EXPECT_EQ(dev.calls, 1);
}

TEST(mmio_dispatch_straddling_the_region_end_is_a_fault)
{
	struct mmio_bus bus;
	struct fake_dev dev = {0};
	uint64_t val = 0;

	mmio_bus_init(&bus);
	ASSERT_TRUE(mmio_register(&bus, 0x1000, 0x10, fake_access, &dev, 0) ==
		    0);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x100e, 4, false, &val, false),
		  MMIO_FAULT);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x100c, 8, true, &val, false),
		  MMIO_FAULT);
	EXPECT_EQ(dev.calls, 0);
	/* The last word fits exactly. */
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x100c, 4, false, &val, false),
		  MMIO_HANDLED);
	EXPECT_EQ(dev.offset, 0xc);
}

TEST(mmio_dispatch_of_a_bad_size_is_a_fault)
{
	struct mmio_bus bus;
	struct fake_dev dev = {0};
	uint64_t val = 0;

	mmio_bus_init(&bus);
	ASSERT_TRUE(mmio_register(&bus, 0x1000, 0x1000, fake_access, &dev, 0) ==
		    0);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x1000, 3, false, &val, false),
		  MMIO_FAULT);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x1000, 16, false, &val, false),
		  MMIO_FAULT);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x1000, 0, false, &val, false),
		  MMIO_FAULT);
	EXPECT_EQ(dev.calls, 0);
}

TEST(mmio_dispatch_picks_the_right_of_two_adjacent_regions)
{
	struct mmio_bus bus;
	struct fake_dev a = {0}, b = {0};
	uint64_t val = 1;

	mmio_bus_init(&bus);
	ASSERT_TRUE(mmio_register(&bus, 0x1000, 0x1000, fake_access, &a, 0) ==
		    0);
	ASSERT_TRUE(mmio_register(&bus, 0x2000, 0x1000, fake_access, &b, 0) ==
		    0);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x1fff, 1, true, &val, false),
		  MMIO_HANDLED);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x2000, 1, true, &val, false),
		  MMIO_HANDLED);
	EXPECT_EQ(a.calls, 1);
	EXPECT_EQ(a.offset, 0xfff);
	EXPECT_EQ(b.calls, 1);
	EXPECT_EQ(b.offset, 0);
	/* Straddling the boundary belongs to neither. */
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x1ffe, 4, true, &val, false),
		  MMIO_FAULT);
}

TEST(mmio_register_overlap_is_eexist)
{
	struct mmio_bus bus;
	struct fake_dev dev = {0};

	mmio_bus_init(&bus);
	ASSERT_TRUE(mmio_register(&bus, 0x2000, 0x1000, fake_access, &dev, 0) ==
		    0);
	EXPECT_EQ(mmio_register(&bus, 0x1800, 0x1000, fake_access, &dev, 0),
		  -EEXIST);
	EXPECT_EQ(mmio_register(&bus, 0x2fff, 0x10, fake_access, &dev, 0),
		  -EEXIST);
	EXPECT_EQ(mmio_register(&bus, 0x2100, 0x10, fake_access, &dev, 0),
		  -EEXIST);
	EXPECT_EQ(mmio_register(&bus, 0x0, 0x10000, fake_access, &dev, 0),
		  -EEXIST);
	EXPECT_EQ(mmio_register(&bus, 0x1000, 0x1000, fake_access, &dev, 0), 0);
	EXPECT_EQ(mmio_register(&bus, 0x3000, 0x1000, fake_access, &dev, 0), 0);
	EXPECT_EQ(bus.nr, 3);
}

TEST(mmio_register_past_the_limit_is_enospc)
{
	struct mmio_bus bus;
	struct fake_dev dev = {0};

	mmio_bus_init(&bus);
	for (unsigned int i = 0; i < MMIO_MAX_REGIONS; i++)
		ASSERT_TRUE(mmio_register(&bus, 0x1000 * i, 0x1000, fake_access,
					  &dev, 0) == 0);
	EXPECT_EQ(mmio_register(&bus, 0x100000, 0x1000, fake_access, &dev, 0),
		  -ENOSPC);
}

TEST(mmio_register_rejects_empty_wrapping_and_handlerless_regions)
{
	struct mmio_bus bus;
	struct fake_dev dev = {0};

	mmio_bus_init(&bus);
	EXPECT_EQ(mmio_register(&bus, 0x1000, 0, fake_access, &dev, 0),
		  -EINVAL);
	EXPECT_EQ(mmio_register(&bus, ~0ULL - 0xfff, 0x2000, fake_access, &dev,
				0),
		  -EINVAL);
	EXPECT_EQ(mmio_register(&bus, 0x1000, 0x1000, NULL, &dev, 0), -EINVAL);
	EXPECT_EQ(bus.nr, 0);
}

TEST(mmio_region_may_end_at_the_top_of_the_address_space)
{
	struct mmio_bus bus;
	struct fake_dev dev = {.read_value = 0xabcd};
	uint64_t val = 0;

	mmio_bus_init(&bus);
	ASSERT_TRUE(mmio_register(&bus, ~0ULL - 0xfff, 0x1000, fake_access,
				  &dev, 0) == 0);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, ~0ULL - 3, 4, false, &val, false),
		  MMIO_HANDLED);
	EXPECT_EQ(val, 0xabcd);
	EXPECT_EQ(dev.offset, 0xffc);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, ~0ULL - 1, 4, false, &val, false),
		  MMIO_FAULT);
}

TEST(mmio_handler_runs_without_the_bus_lock)
{
	struct mmio_bus bus;
	struct fake_dev outer = {0}, inner = {0};
	uint64_t val = 0;

	/* A handler that dispatches on the same bus would deadlock if the
	 * bus lock were held around it. */
	mmio_bus_init(&bus);
	outer.nested_bus = &bus;
	ASSERT_TRUE(mmio_register(&bus, 0x1000, 0x1000, fake_access, &outer,
				  0) == 0);
	ASSERT_TRUE(mmio_register(&bus, 0x9000, 0x1000, fake_access, &inner,
				  0) == 0);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x1000, 4, false, &val, false),
		  MMIO_HANDLED);
	EXPECT_EQ(inner.calls, 1);
}

TEST(mmio_dispatch_with_lrs_loaded_retries_a_region_not_marked_for_it)
{
	struct mmio_bus bus;
	struct fake_dev dev = {0};
	uint64_t val = 0;

	mmio_bus_init(&bus);
	ASSERT_TRUE(mmio_register(&bus, 0x1000, 0x1000, fake_access, &dev, 0) ==
		    0);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x1004, 4, false, &val, true),
		  MMIO_RETRY);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x3004, 4, false, &val, true),
		  MMIO_UNHANDLED);
	EXPECT_EQ(dev.calls, 0);
}

TEST(mmio_dispatch_with_lrs_loaded_serves_a_marked_region_truncated)
{
	struct mmio_bus bus;
	struct fake_dev dev = {.read_value = 0x1122334455667788ULL};
	uint64_t val = 0;

	mmio_bus_init(&bus);
	ASSERT_TRUE(mmio_register(&bus, 0x1000, 0x1000, fake_access, &dev,
				  MMIO_REGION_LRS_LOADED_OK) == 0);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x1008, 2, false, &val, true),
		  MMIO_HANDLED);
	EXPECT_EQ(val, 0x7788);
	EXPECT_EQ(dev.offset, 8);
	EXPECT_FALSE(dev.write);
}

TEST(mmio_dispatch_with_lrs_loaded_retries_what_the_region_declines)
{
	struct mmio_bus bus;
	struct fake_dev dev = {.ret = -EAGAIN};
	uint64_t val = 5;

	mmio_bus_init(&bus);
	ASSERT_TRUE(mmio_register(&bus, 0x1000, 0x1000, fake_access, &dev,
				  MMIO_REGION_LRS_LOADED_OK) == 0);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x1000, 4, true, &val, true),
		  MMIO_RETRY);
	EXPECT_EQ(val, 5);
	EXPECT_EQ(dev.calls, 1);
	/* A refusal is a refusal either way. */
	dev.ret = -EINVAL;
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x1000, 4, true, &val, true),
		  MMIO_FAULT);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x1ffe, 4, false, &val, true),
		  MMIO_FAULT);
	EXPECT_EQ(val, 5);
}

TEST(mmio_dispatch_synced_takes_a_regions_eagain_as_a_refusal)
{
	struct mmio_bus bus;
	struct fake_dev dev = {.ret = -EAGAIN};
	uint64_t val = 5;

	mmio_bus_init(&bus);
	ASSERT_TRUE(mmio_register(&bus, 0x1000, 0x1000, fake_access, &dev,
				  MMIO_REGION_LRS_LOADED_OK) == 0);
	EXPECT_EQ(mmio_dispatch(&bus, VCPU, 0x1000, 4, false, &val, false),
		  MMIO_FAULT);
	EXPECT_EQ(val, 5);
}
