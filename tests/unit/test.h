/* SPDX-License-Identifier: MIT */
/*
 * A small test framework for host unit tests. A test is
 *
 *	TEST(vgic_inject_sets_pending) { ... EXPECT_EQ(a, b); ... }
 *
 * Tests register themselves; the runner (tests/unit/main.c) runs all of them,
 * or those whose name contains argv[1], and ends with "N passed, N failed".
 * A failed EXPECT marks the test failed and goes on; ASSERT_* returns from it.
 */
#ifndef VIGIL_TEST_H
#define VIGIL_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
	struct test_case *next;
};

void test_register(struct test_case *t);
void test_fail(const char *file, int line, const char *msg);
extern int test_current_failed;

#define TEST(name)                                                             \
	static void test_fn_##name(void);                                      \
	static struct test_case test_case_##name = {#name, test_fn_##name, 0}; \
	__attribute__((constructor)) static void test_reg_##name(void)         \
	{                                                                      \
		test_register(&test_case_##name);                              \
	}                                                                      \
	static void test_fn_##name(void)

#define EXPECT_TRUE(c)                                                 \
	do {                                                           \
		if (!(c))                                              \
			test_fail(__FILE__, __LINE__, "expected " #c); \
	} while (0)

#define EXPECT_FALSE(c) EXPECT_TRUE(!(c))

#define EXPECT_EQ(a, b)                                                        \
	do {                                                                   \
		unsigned long long _a = (unsigned long long)(a);               \
		unsigned long long _b = (unsigned long long)(b);               \
		if (_a != _b) {                                                \
			char _m[256];                                          \
			snprintf(_m, sizeof(_m), "%s == %s: 0x%llx != 0x%llx", \
				 #a, #b, _a, _b);                              \
			test_fail(__FILE__, __LINE__, _m);                     \
		}                                                              \
	} while (0)

#define EXPECT_NE(a, b)                                                 \
	do {                                                            \
		if ((unsigned long long)(a) == (unsigned long long)(b)) \
			test_fail(__FILE__, __LINE__, #a " != " #b);    \
	} while (0)

#define EXPECT_STREQ(a, b)                                                     \
	do {                                                                   \
		const char *_a = (a), *_b = (b);                               \
		if (!_a || !_b || strcmp(_a, _b)) {                            \
			char _m[512];                                          \
			snprintf(_m, sizeof(_m), "%s == %s: \"%s\" != \"%s\"", \
				 #a, #b, _a ? _a : "(null)",                   \
				 _b ? _b : "(null)");                          \
			test_fail(__FILE__, __LINE__, _m);                     \
		}                                                              \
	} while (0)

#define ASSERT_TRUE(c)                                                 \
	do {                                                           \
		if (!(c)) {                                            \
			test_fail(__FILE__, __LINE__, "required " #c); \
			return;                                        \
		}                                                      \
	} while (0)

#define ASSERT_EQ(a, b)                                           \
	do {                                                      \
		unsigned long long _aa = (unsigned long long)(a); \
		unsigned long long _bb = (unsigned long long)(b); \
		EXPECT_EQ(_aa, _bb);                              \
		if (_aa != _bb)                                   \
			return;                                   \
	} while (0)

#endif
