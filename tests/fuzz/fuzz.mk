# libFuzzer harnesses (tests/fuzz/), host-built with sanitizers. Included by
# the top Makefile.
#   make fuzz-smoke   every harness for a bounded run (make test runs it):
#                     its checked-in corpus replayed first (seeds and the
#                     regression inputs of bugs it found), then new inputs
#   make fuzz         every harness for FUZZ_TIME seconds (default 600 each),
#                     corpus kept under build/host/fuzz-corpus/<harness>
#
# Harnesses:
#   vgic-dist  distributor accesses, injections, acks/EOIs, retargets and
#              maintenance against the DESIGN §3.1 invariants
#              (vgic_dist_fuzz.c; seeds in tests/fuzz/seeds)
#   trap       ESR decoding, the MMIO data-abort path (trap_emulate_mmio)
#              and the injected syndromes (trap_fuzz.c;
#              tests/fuzz/corpus/trap)
#   config     host DTBs through fdt_check_header(), config_parse() and
#              guest_dtb_build(), with the accepted configuration and the
#              guest DTB checked (config_fuzz.c; tests/fuzz/corpus/config)
FUZZ_CC ?= clang
FUZZ_TIME ?= 600
FUZZ_SMOKE_RUNS ?= 60000
FUZZ_CORPUS := $(HOSTBUILD)/fuzz-corpus
FUZZ_CFLAGS := -std=gnu11 -g -O2 -Wall -Wextra -Werror \
	-Wno-unused-parameter -Wno-missing-field-initializers \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Iinclude -Iarch/arm/include -Itests/unit \
	-DVIGIL_HOST_TEST -pthread
FUZZ_HDRS := $(wildcard include/*.h vgic/*.h tests/unit/*.h tests/unit/asm/*.h \
	arch/arm/include/*.h)

FUZZ_BIN := $(HOSTBUILD)/vgic-dist-fuzz
FUZZ_SRCS := tests/fuzz/vgic_dist_fuzz.c $(wildcard vgic/*.c) core/mmio.c \
	core/htimer.c \
	softirq/softirq.c tests/unit/gich_model.c tests/unit/host_arch.c \
	tests/unit/host_sched.c

TRAP_FUZZ_BIN := $(HOSTBUILD)/trap-fuzz
# trap_fuzz also checks the AArch64 syndromes of injected exceptions.
TRAP_FUZZ_SRCS := tests/fuzz/trap_fuzz.c arch/arm/trap.c core/mmio.c \
	arch/arm/arm64/inject.c \
	tests/unit/host_arch.c

CONFIG_FUZZ_BIN := $(HOSTBUILD)/config-fuzz
CONFIG_FUZZ_SRCS := tests/fuzz/config_fuzz.c core/config.c core/guest_dtb.c \
	core/platform_dt.c \
	core/siphash.c core/guest_mem.c core/mm.c arch/arm/arm64/image.c \
	tests/unit/host_arch.c tests/unit/host_mm_map.c

$(FUZZ_BIN): $(FUZZ_SRCS) $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_SRCS)

$(TRAP_FUZZ_BIN): $(TRAP_FUZZ_SRCS) $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iarch/arm/arm64/include -o $@ \
		$(TRAP_FUZZ_SRCS)

# libfdt is Debian's, not instrumented: the harness puts each input against
# a guard page so that libfdt reading past the blob faults too.
$(CONFIG_FUZZ_BIN): $(CONFIG_FUZZ_SRCS) $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(CONFIG_FUZZ_SRCS) -l:libfdt.a

FUZZ_BINS := $(FUZZ_BIN) $(TRAP_FUZZ_BIN) $(CONFIG_FUZZ_BIN)

# Bounded runs, by count and not by time, with a fixed seed: the same
# inputs on every machine, so a smoke run that passes here passes in CI
# (exploring further is `make fuzz`'s job; what it finds is fixed and its
# input checked in, to be replayed here). About 90 s in all. Each
# fresh-corpus directory comes first (new inputs go there); the checked-in
# directories after it are replayed in full before any mutation.
fuzz-smoke: $(FUZZ_BINS)
	@rm -rf $(HOSTBUILD)/fuzz-smoke-corpus
	@mkdir -p $(HOSTBUILD)/fuzz-smoke-corpus/vgic-dist \
		$(HOSTBUILD)/fuzz-smoke-corpus/trap \
		$(HOSTBUILD)/fuzz-smoke-corpus/config
	$(FUZZ_BIN) -runs=$(FUZZ_SMOKE_RUNS) -seed=1 \
		-max_len=128 -print_final_stats=1 \
		$(HOSTBUILD)/fuzz-smoke-corpus/vgic-dist tests/fuzz/seeds
	$(TRAP_FUZZ_BIN) -runs=300000 -seed=1 \
		-max_len=512 -print_final_stats=1 \
		$(HOSTBUILD)/fuzz-smoke-corpus/trap tests/fuzz/corpus/trap
	$(CONFIG_FUZZ_BIN) -runs=100000 -seed=1 \
		-max_len=32768 -print_final_stats=1 \
		$(HOSTBUILD)/fuzz-smoke-corpus/config tests/fuzz/corpus/config

fuzz: $(FUZZ_BINS)
	@mkdir -p $(FUZZ_CORPUS)/vgic-dist $(FUZZ_CORPUS)/trap \
		$(FUZZ_CORPUS)/config
	$(FUZZ_BIN) -max_total_time=$(FUZZ_TIME) -max_len=1024 \
		$(FUZZ_CORPUS)/vgic-dist tests/fuzz/seeds
	$(TRAP_FUZZ_BIN) -max_total_time=$(FUZZ_TIME) -max_len=4096 \
		$(FUZZ_CORPUS)/trap tests/fuzz/corpus/trap
	$(CONFIG_FUZZ_BIN) -max_total_time=$(FUZZ_TIME) -max_len=65536 \
		$(FUZZ_CORPUS)/config tests/fuzz/corpus/config

.PHONY: fuzz fuzz-smoke
