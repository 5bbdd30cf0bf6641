# libFuzzer harness for the emulated distributor (tests/fuzz/). Included by
# the top Makefile.
#   make fuzz-smoke   bounded run (100000 executions or 40 s, whichever first)
#   make fuzz         long run (FUZZ_TIME seconds, default 600), corpus kept
FUZZ_CC ?= clang
FUZZ_TIME ?= 600
FUZZ_SMOKE_RUNS ?= 100000
FUZZ_BIN := $(HOSTBUILD)/vgic-dist-fuzz
FUZZ_CORPUS := $(HOSTBUILD)/fuzz-corpus
FUZZ_CFLAGS := -std=gnu11 -g -O2 -Wall -Wextra -Werror \
	-Wno-unused-parameter -Wno-missing-field-initializers \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Iinclude -Iarch/arm/include -Iarch/arm/$(ARCH)/include -Itests/unit \
	-DVIGIL_HOST_TEST -pthread
FUZZ_SRCS := tests/fuzz/vgic_dist_fuzz.c $(wildcard vgic/*.c) \
	softirq/softirq.c tests/unit/gich_model.c tests/unit/host_arch.c \
	tests/unit/host_sched.c

$(FUZZ_BIN): $(FUZZ_SRCS) $(wildcard include/*.h vgic/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_SRCS)

# New inputs go to the first directory; tests/fuzz/seeds holds short
# programs that reach the deep paths (HW LRs, migrations, SGIs, overflow).
fuzz-smoke: $(FUZZ_BIN)
	@rm -rf $(HOSTBUILD)/fuzz-smoke-corpus
	@mkdir -p $(HOSTBUILD)/fuzz-smoke-corpus
	$(FUZZ_BIN) -runs=$(FUZZ_SMOKE_RUNS) -max_total_time=40 -seed=1 \
		-max_len=128 -print_final_stats=1 \
		$(HOSTBUILD)/fuzz-smoke-corpus tests/fuzz/seeds

fuzz: $(FUZZ_BIN)
	@mkdir -p $(FUZZ_CORPUS)
	$(FUZZ_BIN) -max_total_time=$(FUZZ_TIME) -max_len=1024 $(FUZZ_CORPUS) \
		tests/fuzz/seeds

.PHONY: fuzz fuzz-smoke
