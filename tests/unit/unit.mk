# Sources linked into the host unit-test binaries (tests/unit/*.c and
# tests/unit/arm64/*.c are added automatically). One line per source, so
# parallel work merges cleanly.
#   UNIT_SRCS    portable code: built and run for LP64 (make unit) and
#                ILP32 (make unit32) alike
#   UNIT64_SRCS  code of the arm64 profile (arch/arm/arm64/): make unit only
UNIT_SRCS += core/mm.c
UNIT_SRCS += arch/arm/lpae.c
UNIT_SRCS += core/config.c
# The config tests boot arm64 Images: the host profile parses them as arm64.
UNIT_SRCS += arch/arm/arm64/image.c
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
UNIT64_SRCS += arch/arm/pmu.c
UNIT_SRCS += vgic/timer.c
UNIT64_SRCS += arch/arm/arm64/inject.c
UNIT_SRCS += core/guest_mem.c
UNIT64_SRCS += arch/arm/arm64/s2.c
UNIT_SRCS += core/platform_dt.c
UNIT_SRCS += core/vuart.c
UNIT_SRCS += core/htimer.c
UNIT_SRCS += gic/cpuif.c
UNIT64_SRCS += arch/arm/arm64/a32_tramp.c
