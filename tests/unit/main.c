/* SPDX-License-Identifier: MIT */
/* Runner for the host unit tests: runs every registered TEST (or those whose
 * name contains argv[1]) and ends with "N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

static struct test_case *tests;
int test_current_failed;

void test_register(struct test_case *t)
{
	/* Keep registration order: constructors run in file order. */
	struct test_case **p = &tests;

	while (*p)
		p = &(*p)->next;
	*p = t;
}

void test_fail(const char *file, int line, const char *msg)
{
	printf("    %s:%d: %s\n", file, line, msg);
	test_current_failed = 1;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (struct test_case *t = tests; t; t = t->next) {
		if (filter && !strstr(t->name, filter))
			continue;
		test_current_failed = 0;
		t->fn();
		if (test_current_failed) {
			printf("FAIL %s\n", t->name);
			failed++;
		} else {
			printf("ok   %s\n", t->name);
			passed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
