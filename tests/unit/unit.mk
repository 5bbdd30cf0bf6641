# Portable sources linked into the host unit-test binary (tests/unit/*.c are
# added automatically). One line per source, so parallel work merges cleanly.
UNIT_SRCS += core/mm.c
UNIT_SRCS += arch/arm/lpae.c
UNIT_SRCS += core/config.c
UNIT_LIBS += -l:libfdt.a
UNIT_SRCS += arch/arm/trap.c
UNIT_SRCS += core/mmio.c
UNIT_SRCS += vgic/vgic.c
UNIT_SRCS += vgic/lr.c
UNIT_SRCS += vgic/dist.c
UNIT_SRCS += vgic/migrate.c
UNIT_SRCS += vgic/passthrough.c
UNIT_SRCS += softirq/softirq.c
UNIT_SRCS += core/guest_dtb.c
UNIT_SRCS += core/siphash.c
UNIT_SRCS += arch/arm/pmu.c
UNIT_SRCS += core/guest_mem.c
# arm64-only: the AArch64 register builders and their tests. A 32-bit unit
# build filters these out.
UNIT_ARM64_SRCS += arch/arm/arm64/s2.c
UNIT_ARM64_SRCS += tests/unit/arm64/test_s2.c
UNIT_SRCS += $(UNIT_ARM64_SRCS)
